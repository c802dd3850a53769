"""Shared helpers for the geometry room: metric projection and id columns."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from geopandas import GeoDataFrame, GeoSeries
from pyproj import CRS

from covplan._errors import CRSError

FloatArray = npt.NDArray[np.float64]


def to_metric(
    gdf: GeoDataFrame | GeoSeries, crs: CRS | str | int | None, name: str
) -> GeoDataFrame | GeoSeries:
    """Project to ``crs`` when given; else require a projected CRS in metres.

    Raises
    ------
    CRSError
        No CRS, or a geographic one and no ``crs`` to project to.
    """
    if gdf.crs is None:
        msg = (
            f"{name} has no CRS; set it (e.g. gdf.set_crs(4326)) and pass crs=area.crs "
            "to compute in metres"
        )
        raise CRSError(msg)
    if crs is not None:
        target = CRS.from_user_input(crs)
        if not target.is_projected:
            msg = f"crs={target.to_string()} is not a projected CRS in metres; pass e.g. area.crs"
            raise CRSError(msg)
        return gdf if gdf.crs == target else gdf.to_crs(target)
    if not gdf.crs.is_projected:
        msg = (
            f"{name} is in {gdf.crs.to_string()} (degrees); pass crs=area.crs "
            "(e.g. EPSG:32648) to compute in metres"
        )
        raise CRSError(msg)
    return gdf


def xy(gdf: GeoDataFrame | GeoSeries) -> FloatArray:
    """Return point coordinates as an ``(n, 2)`` float array."""
    geom = gdf.geometry if isinstance(gdf, GeoDataFrame) else gdf
    return np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])


def ids(df: pd.DataFrame, column: str) -> np.ndarray:
    """Return the id column if present, else the index values."""
    if column in df.columns:
        return df[column].to_numpy()
    return df.index.to_numpy()
