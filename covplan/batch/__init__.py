"""Many wards at once: a city's or a province's wards planned in one batch on Dask.

- :func:`read_manifest` — the manifest (CSV/XLSX, a row per ward) as :class:`Ward` s,
  checked before anything runs.
- :func:`plan_batch` — every ward planned as ``covplan plan`` plans it, one Dask task
  each, into ``<out>/<ward-slug>/``, and the city summary beside them; a rerun skips
  the wards already planned with the same inputs (:func:`ward_key`).
- :func:`cut_extract` — one regional extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``)
  cut into a small file per ward, read once for them all.
- :func:`write_city_summary` — cameras, whole cost and share seen per ward and per
  residential group (JSON, XLSX, CSV) and a map of all wards (PNG).

``covplan batch`` is a thin caller of :func:`plan_batch`.
"""

from __future__ import annotations

from covplan.batch.city import CITY_FILES, city_tables, write_city_summary
from covplan.batch.extract import EXTRACT_MARGIN_M, cut_extract
from covplan.batch.manifest import WARD_COLUMNS, Ward, read_manifest, ward_slug
from covplan.batch.run import (
    MARKER,
    BatchProgress,
    BatchResult,
    WardResult,
    plan_batch,
    plan_one_ward,
    ward_key,
)

__all__ = [
    "CITY_FILES",
    "EXTRACT_MARGIN_M",
    "MARKER",
    "WARD_COLUMNS",
    "BatchProgress",
    "BatchResult",
    "Ward",
    "WardResult",
    "city_tables",
    "cut_extract",
    "plan_batch",
    "plan_one_ward",
    "read_manifest",
    "ward_key",
    "ward_slug",
    "write_city_summary",
]
