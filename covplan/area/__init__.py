"""Ward areas from OpenStreetMap: routes, buildings, poles, cameras, groups.

``area_from_xml`` reads an OSM file, ``area_from_place`` / ``area_from_polygon``
download through osmnx, ``area_from_file`` reads what a planner drew in QGIS.
Each returns an :class:`Area`.
"""

from __future__ import annotations

from covplan.area._area import Area, ensure_metric, metric_crs_for
from covplan.area._load import (
    area_from_file,
    area_from_place,
    area_from_polygon,
    area_from_xml,
    read_osm_bounds,
)
from covplan.area.groups import assign_groups, read_groups
from covplan.area.nodes import intersections, route_ends
from covplan.area.routes import classify, name_kind, route_key

__all__ = [
    "Area",
    "area_from_file",
    "area_from_place",
    "area_from_polygon",
    "area_from_xml",
    "assign_groups",
    "classify",
    "ensure_metric",
    "intersections",
    "metric_crs_for",
    "name_kind",
    "read_groups",
    "read_osm_bounds",
    "route_ends",
    "route_key",
]
