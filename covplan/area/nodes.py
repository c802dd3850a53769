"""Where routes start, end and meet: alley ends (đầu và cuối kiệt) and intersections."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan.area._area import Area

__all__ = ["intersections", "route_ends"]


def route_ends(area: Area, *, planned_only: bool = True) -> gpd.GeoDataFrame:
    """Return the start and end points of each route.

    An end is a node where the route's own segments meet only once. Its
    ``end_kind`` is ``dead_end`` when nothing else continues there (a closed
    kiệt), ``mouth`` where the route opens onto another route (the alley's
    entrance), ``cut`` where the area's boundary cuts the route (not a real
    end: plans ignore it), and ``stub`` at the far end of a short dead-end
    branch folded into the route (``segments["stub"]``, see
    :func:`~covplan.area.routes.fold_stubs`): a recess a few metres deep, not an
    alley end that needs a camera. Callers that site cameras or targets at alley
    ends keep ``end_kind`` in ``{"dead_end", "mouth"}``.

    Parameters
    ----------
    area
        The ward.
    planned_only
        Only routes a plan covers.

    Returns
    -------
    geopandas.GeoDataFrame
        ``route_id``, ``node_id``, ``end_kind``, Point geometry (EPSG:4326); one
        row per (route, node).
    """
    seg = area.segments
    if planned_only:
        seg = seg[seg["route_id"].isin(area.routes.index[area.routes["planned"]])]
    stub = (
        seg["stub"].fillna(False).to_numpy(dtype=bool)
        if "stub" in seg.columns
        else np.zeros(len(seg), dtype=bool)
    )
    ends = pd.DataFrame(
        {
            "route_id": np.concatenate([seg["route_id"].to_numpy()] * 2),
            "node_id": np.concatenate([seg["u"].to_numpy(), seg["v"].to_numpy()]),
            "stub": np.concatenate([stub] * 2),
        }
    )
    count = (
        ends.groupby(["route_id", "node_id"], sort=True)["stub"]
        .agg(["size", "any"])
        .rename(columns={"size": "n", "any": "stub"})
        .reset_index()
    )
    count = count[count["n"] == 1]
    nodes = area.nodes
    degree = nodes["degree"].reindex(count["node_id"]).to_numpy()
    kind = np.where(
        count["node_id"].to_numpy() < 0,
        "cut",
        np.where(
            count["stub"].to_numpy(dtype=bool),
            "stub",
            np.where(degree == 1, "dead_end", "mouth"),
        ),
    )
    out = gpd.GeoDataFrame(
        {
            "route_id": count["route_id"].to_numpy(),
            "node_id": count["node_id"].to_numpy(),
            "end_kind": kind,
        },
        geometry=nodes.geometry.reindex(count["node_id"]).to_numpy(),
        crs=4326,
    )
    return out.reset_index(drop=True)


def intersections(area: Area, *, planned_only: bool = True) -> gpd.GeoDataFrame:
    """Return the nodes where three or more segments, or two or more routes, meet.

    The segments of a folded stub (``nodes["n_stubs"]``) do not count: where a
    recess a few metres deep leaves a route is no intersection.

    Parameters
    ----------
    area
        The ward.
    planned_only
        Only intersections that touch a route a plan covers.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows of ``area.nodes`` (node_id, degree, n_routes,
        route_ids, geometry), boundary cuts excluded.
    """
    n = area.nodes
    stubs = n["n_stubs"] if "n_stubs" in n.columns else 0
    mask = ((n["degree"] - stubs >= 3) | (n["n_routes"] >= 2)) & ~n["cut"]
    if planned_only:
        planned = set(area.routes.index[area.routes["planned"]])
        touches = n["route_ids"].map(lambda s: bool(planned.intersection(s.split(";"))))
        mask &= touches
    return n[mask]
