"""covplan.export: the files planners open.

Install and re-aim lists (XLSX with text cells where leading zeros matter, CSV in
UTF-8 with BOM, GeoJSON), a GeoPackage with QGIS styles, KML/KMZ, printed maps
(PNG and multi-page PDF), the route atlas ("sơ đồ tuyến") and an HTML map, with
headers and labels in Vietnamese or English. Every file is written atomically.
"""

from __future__ import annotations

from covplan.export._layers import route_coverage, segment_coverage
from covplan.export.gpkg import qgis_style, write_geopackage
from covplan.export.kml import kml_document, write_kml, write_kmz
from covplan.export.maps import MapData, plan_maps, route_atlas
from covplan.export.tables import (
    add_contacts,
    install_list,
    localise,
    reaim_list,
    write_csv,
    write_geojson,
    write_table,
    write_xlsx,
)
from covplan.export.web import html_map, write_html_map
from covplan.vocab import compass_word, header, label

__all__ = [
    "MapData",
    "add_contacts",
    "compass_word",
    "header",
    "html_map",
    "install_list",
    "kml_document",
    "label",
    "localise",
    "plan_maps",
    "qgis_style",
    "reaim_list",
    "route_atlas",
    "route_coverage",
    "segment_coverage",
    "write_csv",
    "write_geojson",
    "write_geopackage",
    "write_html_map",
    "write_kml",
    "write_kmz",
    "write_table",
    "write_xlsx",
]
