<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- covplan: view cones (sectors to the range of the level asked; buildings not cut out). -->
<qgis version="3.28.0" styleCategories="Symbology" labelsEnabled="0">
  <renderer-v2 type="categorizedSymbol" attr="source" symbollevels="0" enableorderby="0" forceraster="0">
    <categories>
      <category symbol="0" value="new" label="$new_camera" render="true"/>
      <category symbol="1" value="reaim" label="$reaim_camera" render="true"/>
      <category symbol="2" value="keep" label="$keep_camera" render="true"/>
    </categories>
    <symbols>
      <symbol type="fill" name="0" alpha="0.35" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="33,102,172,255"/>
            <Option type="QString" name="outline_color" value="33,102,172,255"/>
            <Option type="QString" name="outline_width" value="0.2"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="1" alpha="0.35" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="230,120,20,255"/>
            <Option type="QString" name="outline_color" value="230,120,20,255"/>
            <Option type="QString" name="outline_width" value="0.2"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
      <symbol type="fill" name="2" alpha="0.35" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="26,150,65,255"/>
            <Option type="QString" name="outline_color" value="26,150,65,255"/>
            <Option type="QString" name="outline_width" value="0.2"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <layerGeometryType>2</layerGeometryType>
</qgis>
