"""Ward areas from OpenStreetMap: routes, buildings, poles, cameras, open space, groups.

``area_from_xml`` reads an OSM file, ``area_from_place`` / ``area_from_polygon``
download through osmnx, ``area_from_file`` reads what a planner drew in QGIS.
Each returns an :class:`Area`. Driveways, parking aisles, sidewalks, park paths
and private ways are not planned by default (``routes["unplanned_reason"]`` says
why; ``minor_ways=True`` brings them back). :func:`route_width_m` and
:func:`corridor` give widths and the open ground a camera sees across;
:func:`map_quality` says how far the map can be trusted.
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
from covplan.area.corridor import corridor, route_width_m, segment_width_m
from covplan.area.groups import assign_groups, read_groups, routes_in_zones
from covplan.area.nodes import intersections, route_ends
from covplan.area.quality import MapQuality, map_quality
from covplan.area.routes import classify, name_kind, route_key, unplanned_reasons

__all__ = [
    "Area",
    "MapQuality",
    "area_from_file",
    "area_from_place",
    "area_from_polygon",
    "area_from_xml",
    "assign_groups",
    "classify",
    "corridor",
    "ensure_metric",
    "intersections",
    "map_quality",
    "metric_crs_for",
    "name_kind",
    "read_groups",
    "read_osm_bounds",
    "route_ends",
    "route_key",
    "route_width_m",
    "routes_in_zones",
    "segment_width_m",
    "unplanned_reasons",
]
