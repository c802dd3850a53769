"""Small hand-made OSM areas for tests: nodes in metres, written as OSM XML.

Coordinates are laid out in metres on UTM 48N near Ho Chi Minh City (x east, y north
from ``X0, Y0``) and converted to longitude/latitude, so a test reads an OSM file
through ``area_from_xml`` exactly as a planner's export would be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from pyproj import Transformer

X0, Y0 = 686_000.0, 1_192_000.0  # about 10.78 N, 106.69 E (Quận 1)
_TO_LONLAT = Transformer.from_crs(32648, 4326, always_xy=True)
_TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True)

Way = tuple[Sequence[int], dict[str, str]]


def write_osm(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: Sequence[Way],
    margin: float = 30.0,
    node_tags: dict[int, dict[str, str]] | None = None,
) -> Path:
    """Write nodes (id -> x, y in metres from X0, Y0, tagged by ``node_tags``) and ways."""
    where = {i: lonlat(x, y) for i, (x, y) in nodes.items()}
    xs = [x for x, _ in nodes.values()]
    ys = [y for _, y in nodes.values()]
    w, s = _TO_LONLAT.transform(X0 + min(xs) - margin, Y0 + min(ys) - margin)
    e, n = _TO_LONLAT.transform(X0 + max(xs) + margin, Y0 + max(ys) + margin)
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        "<osm version='0.6' generator='covplan tests'>",
        f"<bounds minlat='{s:.7f}' minlon='{w:.7f}' maxlat='{n:.7f}' maxlon='{e:.7f}'/>",
    ]
    for i, (lon, lat) in where.items():
        tags = (node_tags or {}).get(i)
        head = f"<node id='{i}' version='1' lat='{lat:.8f}' lon='{lon:.8f}'"
        if not tags:
            lines.append(head + "/>")
            continue
        lines.append(head + ">")
        lines += [f"<tag k={quoteattr(a)} v={quoteattr(b)}/>" for a, b in tags.items()]
        lines.append("</node>")
    for k, (refs, tags) in enumerate(ways, start=1):
        lines.append(f"<way id='{1000 + k}' version='1'>")
        lines += [f"<nd ref='{r}'/>" for r in refs]
        lines += [f"<tag k={quoteattr(a)} v={quoteattr(b)}/>" for a, b in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Return the longitude/latitude of a point laid out in metres from ``X0, Y0``."""
    lon, lat = _TO_LONLAT.transform(X0 + x, Y0 + y)
    return float(lon), float(lat)


def local_xy(lon: float, lat: float) -> tuple[float, float]:
    """Return a longitude/latitude as metres from ``X0, Y0`` (the inverse of the layout)."""
    x, y = _TO_UTM.transform(lon, lat)
    return x - X0, y - Y0
