"""Layers whose id is sometimes the index, sometimes a column."""

from __future__ import annotations

import geopandas as gpd


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
