"""Small GeoDataFrame helpers every room shares (the shared floor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["empty_gdf"]


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
