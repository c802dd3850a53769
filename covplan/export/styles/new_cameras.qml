<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- covplan: new cameras, labelled with their install-list code. -->
<qgis version="3.28.0" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="source" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category symbol="0" value="new" label="$new_camera" render="true"/>
    </categories>
    <symbols>
      <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="name" value="triangle"/>
            <Option type="QString" name="color" value="33,102,172,255"/>
            <Option type="QString" name="outline_color" value="255,255,255,255"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="size" value="4"/>
            <Option type="QString" name="size_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="code" fontSize="9" fontWeight="75" textColor="33,102,172,255" isExpression="0"/>
      <text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255"/>
      <placement placement="1" dist="1.5" distUnits="MM"/>
      <rendering obstacle="1"/>
    </settings>
  </labeling>
  <layerGeometryType>0</layerGeometryType>
</qgis>
