"""Small GeoDataFrame helpers every room shares (the shared floor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["empty_gdf", "with_id"]


def empty_gdf(columns: Sequence[str], crs: Any = 4326) -> gpd.GeoDataFrame:
    """Return an empty GeoDataFrame with ``columns`` and a geometry column.

    Parameters
    ----------
    columns
        Column names (``"geometry"`` is added if missing).
    crs
        The CRS (EPSG:4326 by default).

    Returns
    -------
    geopandas.GeoDataFrame
        No rows; object columns.
    """
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in columns if c != "geometry"},
        geometry=gpd.GeoSeries([], crs=crs),
        crs=crs,
    )


def with_id(gdf: gpd.GeoDataFrame | None, col: str) -> gpd.GeoDataFrame | None:
    """Return ``gdf`` with its id as a column ``col`` and a plain index (None stays None).

    Parameters
    ----------
    gdf
        A layer whose id is either the column ``col`` or the index.
    col
        The id column's name.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The layer with ``col`` as a column.
    """
    if gdf is None:
        return None
    if col in gdf.columns:
        return gdf.reset_index(drop=True)
    return gdf.rename_axis(col).reset_index()
