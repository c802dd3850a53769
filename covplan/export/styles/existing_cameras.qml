<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- covplan: residents' cameras by their role in the plan, labelled with the re-aim or keep code. -->
<qgis version="3.28.0" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="categorizedSymbol" attr="role" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category symbol="0" value="reaim" label="$reaim_camera" render="true"/>
      <category symbol="1" value="keep" label="$keep_camera" render="true"/>
      <category symbol="2" value="unused" label="$unused_camera" render="true"/>
    </categories>
    <symbols>
      <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="name" value="circle"/>
            <Option type="QString" name="color" value="230,120,20,255"/>
            <Option type="QString" name="outline_color" value="255,255,255,255"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="size" value="3.4"/>
            <Option type="QString" name="size_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="name" value="circle"/>
            <Option type="QString" name="color" value="26,150,65,255"/>
            <Option type="QString" name="outline_color" value="255,255,255,255"/>
            <Option type="QString" name="outline_width" value="0.4"/>
            <Option type="QString" name="size" value="3.4"/>
            <Option type="QString" name="size_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="marker" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="name" value="circle"/>
            <Option type="QString" name="color" value="170,170,170,255"/>
            <Option type="QString" name="outline_color" value="90,90,90,255"/>
            <Option type="QString" name="outline_width" value="0.3"/>
            <Option type="QString" name="size" value="2.4"/>
            <Option type="QString" name="size_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="number" fontSize="8" textColor="120,60,0,255" isExpression="0"/>
      <text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255"/>
      <placement placement="1" dist="1.5" distUnits="MM"/>
    </settings>
  </labeling>
  <layerGeometryType>0</layerGeometryType>
</qgis>
