"""Cut one regional OpenStreetMap extract into one small file per ward, in one scan.

A province's extract (``.osm.pbf`` as planners download it, or ``.osm`` / ``.osm.bz2``)
is read once for every ward of a batch, not once per ward: a first pass finds, for
each ward box (widened by a margin), the ways with a node inside it and the nodes those
ways need; a second pass writes each ward's nodes, ways and relations to its own small
``.osm`` file. The ward is then loaded by :func:`covplan.area.area_from_xml` from that
file with ``bbox=`` the ward's box, as it would be from the whole extract: ways are
complete (every node of a kept way is kept), so clipping to the box gives the same
routes and buildings.

Reading uses pyosmium (libosmium), which reads every OSM format.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import osmium

from covplan._errors import InputError
from covplan.vocab.messages import message

logger = logging.getLogger(__name__)

__all__ = ["EXTRACT_MARGIN_M", "cut_extract"]

#: Metres a ward box is widened by when ways are picked: a way enters the ward's file
#: when one of its nodes lies in the widened box (a straight segment longer than twice
#: this that crosses the box with no node near it is the one case it misses).
EXTRACT_MARGIN_M = 250.0

BBox = tuple[float, float, float, float]
_CELL_DEG = 0.01  # grid cell of the box index (about 1.1 km)


def _widen(bbox: BBox, margin_m: float) -> BBox:
    w, s, e, n = bbox
    dlat = margin_m / 111_320.0
    dlon = margin_m / (111_320.0 * max(math.cos(math.radians((s + n) / 2)), 0.01))
    return (w - dlon, s - dlat, e + dlon, n + dlat)


class _BoxIndex:
    """Which of a few boxes hold a point: a coarse grid of box numbers."""

    def __init__(self, boxes: Sequence[BBox]) -> None:
        self.boxes = list(boxes)
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (w, s, e, n) in enumerate(self.boxes):
            for cx in range(math.floor(w / _CELL_DEG), math.floor(e / _CELL_DEG) + 1):
                for cy in range(math.floor(s / _CELL_DEG), math.floor(n / _CELL_DEG) + 1):
                    self.cells[(cx, cy)].append(i)

    def hits(self, lon: float, lat: float) -> list[int]:
        cands = self.cells.get((math.floor(lon / _CELL_DEG), math.floor(lat / _CELL_DEG)))
        if not cands:
            return []
        return [
            i
            for i in cands
            if self.boxes[i][0] <= lon <= self.boxes[i][2]
            and self.boxes[i][1] <= lat <= self.boxes[i][3]
        ]


def _objects(path: Path) -> Iterator[Any]:
    """Every node, way and relation of an OSM file, in the file's order."""
    yield from osmium.FileProcessor(str(path))


def _select(path: Path, boxes: Sequence[BBox]) -> tuple[dict[int, set[int]], ...]:
    """First pass: nodes, ways and relations each box needs, as id → set of box numbers."""
    index = _BoxIndex(boxes)
    node_in: dict[int, set[int]] = {}
    way_in: dict[int, set[int]] = {}
    rel_in: dict[int, set[int]] = {}
    need: dict[int, set[int]] = defaultdict(set)
    for obj in _objects(path):
        if obj.is_node():
            loc = obj.location
            if loc.valid():
                hit = index.hits(loc.lon, loc.lat)
                if hit:
                    node_in[obj.id] = set(hit)
        elif obj.is_way():
            refs = [n.ref for n in obj.nodes]
            found: set[int] = set()
            for ref in refs:
                found.update(node_in.get(ref, ()))
            if found:
                way_in[obj.id] = found
                for ref in refs:
                    need[ref] |= found
        elif obj.is_relation():
            found = set()
            for m in obj.members:
                src = way_in if m.type == "w" else node_in if m.type == "n" else rel_in
                found.update(src.get(m.ref, ()))
            if found:
                rel_in[obj.id] = found
    for ref, inside in node_in.items():
        need[ref] |= inside
    return dict(need), way_in, rel_in


def _header(bbox: BBox) -> osmium.io.Header:
    header = osmium.io.Header()
    header.add_box(
        osmium.osm.Box(osmium.osm.Location(bbox[0], bbox[1]), osmium.osm.Location(bbox[2], bbox[3]))
    )
    header.set("generator", "covplan batch")
    return header


def cut_extract(
    path: str | os.PathLike[str],
    boxes: Mapping[str, BBox],
    out_dir: str | os.PathLike[str],
    *,
    margin_m: float = EXTRACT_MARGIN_M,
) -> dict[str, Path]:
    """Cut a regional OSM extract into one ``.osm`` file per ward box, reading it once.

    Parameters
    ----------
    path
        The regional extract: ``.osm.pbf``, ``.osm``, ``.osm.bz2`` or ``.osm.gz``.
    boxes
        Ward slug → ``(west, south, east, north)`` in degrees.
    out_dir
        Folder for the ward files (``<slug>.osm``; created).
    margin_m
        Metres each box is widened by when ways are picked (see :data:`EXTRACT_MARGIN_M`).

    Returns
    -------
    dict
        Ward slug → its ``.osm`` file, whose ``<bounds>`` is the ward's box.

    Raises
    ------
    covplan.InputError
        When the extract is missing or cannot be read as OSM data.
    """
    src = Path(path)
    if not src.exists():
        msg = message("batch.extract_not_found")
        raise InputError(msg, file=src)
    slugs = list(boxes)
    wide = [_widen(boxes[s], margin_m) for s in slugs]
    t0 = time.perf_counter()
    try:
        need, way_in, rel_in = _select(src, wide)
        files = _write(src, slugs, boxes, Path(out_dir), need, way_in, rel_in)
    except RuntimeError as err:  # libosmium's read errors (truncated, not OSM, bad format)
        msg = message("batch.extract_unreadable", err=err)
        raise InputError(msg, file=src) from None
    logger.info(
        "cut_extract: %s -> %d ward files in %.1f s", src.name, len(files), time.perf_counter() - t0
    )
    return files


def _write(
    src: Path,
    slugs: Sequence[str],
    boxes: Mapping[str, BBox],
    out: Path,
    need: Mapping[int, Iterable[int]],
    way_in: Mapping[int, Iterable[int]],
    rel_in: Mapping[int, Iterable[int]],
) -> dict[str, Path]:
    """Second pass: write each ward's objects to its own file (staged, then renamed)."""
    out.mkdir(parents=True, exist_ok=True)
    final = {s: out / f"{s}.osm" for s in slugs}
    tmp = {s: out / f".{s}.tmp.osm" for s in slugs}
    writers = [
        osmium.SimpleWriter(str(tmp[s]), header=_header(boxes[s]), overwrite=True) for s in slugs
    ]
    try:
        for obj in _objects(src):
            if obj.is_node():
                for i in need.get(obj.id, ()):
                    writers[i].add_node(obj)
            elif obj.is_way():
                for i in way_in.get(obj.id, ()):
                    writers[i].add_way(obj)
            elif obj.is_relation():
                for i in rel_in.get(obj.id, ()):
                    writers[i].add_relation(obj)
    finally:
        for w in writers:
            w.close()
    for s in slugs:
        os.replace(tmp[s], final[s])
    return final
