"""Residential groups (tổ dân phố): read their polygons, give each route its group."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from covplan._errors import InputError
from covplan._text import clean_text
from covplan.area._area import keyed
from covplan.vocab.messages import message

__all__ = ["assign_groups", "read_groups", "routes_in_zones"]

_ID_COLUMNS = ("group_id", "ma_to", "mã tổ", "id", "to_dan_pho", "tổ dân phố")
_NAME_COLUMNS = ("name", "ten", "tên", "group_name", "ten_to", "tên tổ")


def read_groups(source: str | os.PathLike[str] | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Read residential-group polygons.

    Parameters
    ----------
    source
        A GeoJSON, GeoPackage or Shapefile of polygons, or a GeoDataFrame, with a
        ``group_id`` column (or ``id``) and a ``name`` column (or ``tên``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``group_id``, ``name``, Polygon geometry in EPSG:4326, index ``group_id``.

    Raises
    ------
    InputError
        On a missing file, no CRS, non-polygon rows or duplicate ids.
    """
    where = "groups" if isinstance(source, gpd.GeoDataFrame) else str(source)
    if isinstance(source, gpd.GeoDataFrame):
        gdf = source.copy()
    else:
        path = Path(source)
        if not path.exists():
            msg = message("groups.not_found")
            raise InputError(msg, file=path)
        try:
            gdf = gpd.read_file(path)
        except Exception as err:
            msg = message("groups.unreadable", err=err)
            raise InputError(msg, file=path) from None
    if gdf.crs is None:
        msg = message("groups.no_crs")
        raise InputError(msg, file=where)
    gdf = gdf.to_crs(4326)
    lower = {str(c).casefold(): c for c in gdf.columns}
    id_col = next((lower[c] for c in _ID_COLUMNS if c in lower), None)
    name_col = next((lower[c] for c in _NAME_COLUMNS if c in lower), None)
    ids = (
        gdf[id_col].map(clean_text)
        if id_col is not None
        else pd.Series([f"group-{i}" for i in range(1, len(gdf) + 1)], index=gdf.index)
    )
    names = gdf[name_col].map(clean_text) if name_col is not None else ids
    bad = ~gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        msg = message("groups.not_polygon")
        raise InputError(
            msg, file=where, row=row, column="geometry", value=gdf.geom_type[bad].iloc[0]
        )
    dup = ids.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        msg = message("groups.duplicate_id")
        raise InputError(msg, file=where, row=row, column=str(id_col), value=ids[dup].iloc[0])
    out = gpd.GeoDataFrame(
        {"group_id": ids.to_numpy(), "name": names.to_numpy()},
        geometry=gdf.geometry.to_numpy(),
        crs=4326,
    )
    return out.pipe(keyed, "group_id")


def assign_groups(
    lines: gpd.GeoDataFrame, groups: gpd.GeoDataFrame, *, crs: pyproj.CRS | int | str
) -> pd.Series:
    """Give each line the residential group it mostly lies in.

    Parameters
    ----------
    lines
        Routes (or any lines) in EPSG:4326.
    groups
        Residential groups from :func:`read_groups`.
    crs
        The metric CRS lengths are measured in.

    Returns
    -------
    pandas.Series
        ``group_id`` per line (None where a line lies in no group), aligned to
        ``lines.index``, named ``group_id``.
    """
    out = pd.Series([None] * len(lines), index=lines.index, dtype=object, name="group_id")
    if groups.empty or lines.empty:
        return out
    lm = lines.geometry.to_crs(crs).to_numpy()
    gm = groups.geometry.to_crs(crs).to_numpy()
    tree = shapely.STRtree(gm)
    li, gi = tree.query(lm, predicate="intersects")
    if len(li) == 0:
        return out
    inside = shapely.length(shapely.intersection(lm[li], gm[gi]))
    pairs = pd.DataFrame({"line": li, "group": gi, "len": inside})
    pairs = pairs[pairs["len"] > 0].sort_values(
        ["line", "len", "group"], ascending=[True, False, True]
    )
    best = pairs.drop_duplicates("line")
    out.iloc[best["line"].to_numpy()] = groups["group_id"].to_numpy()[best["group"].to_numpy()]
    return out


def routes_in_zones(
    routes: gpd.GeoDataFrame, zones: str | os.PathLike[str] | gpd.GeoDataFrame
) -> list[str]:
    """Return the routes that run through the zones a ward names (hot spots, border areas).

    Parameters
    ----------
    routes
        ``area.routes`` (route_id column or index, EPSG:4326).
    zones
        Polygons: a GeoJSON, GeoPackage or Shapefile, or a GeoDataFrame.

    Returns
    -------
    list of str
        Route ids whose line crosses or lies in a zone, in the routes' order.

    Raises
    ------
    InputError
        When the file cannot be read, has no CRS or holds no polygon.
    """
    where: Path | None = None
    if isinstance(zones, gpd.GeoDataFrame):
        z = zones
    else:
        path = where = Path(zones)
        try:
            z = gpd.read_file(path)
        except Exception as err:  # pyogrio raises several kinds
            msg = message("groups.zones_unreadable", err=err)
            raise InputError(msg, file=path) from None
        if z.crs is None:
            msg = message("groups.zones_no_crs")
            raise InputError(msg, file=path)
    polys = z[z.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        msg = message("groups.zones_no_polygon")
        raise InputError(msg, file=where)
    zone = shapely.union_all(polys.to_crs(4326).geometry.to_numpy())
    ids = routes["route_id"] if "route_id" in routes.columns else routes.index.to_series()
    hit = shapely.intersects(routes.to_crs(4326).geometry.to_numpy(), zone)
    return [str(r) for r in np.asarray(ids)[hit]]
