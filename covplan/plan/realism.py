"""How a ward would judge a plan: density, alley ends, mounts, spacing, cost.

The optimiser counts targets seen; a ward counts cameras per alley, looks at whether
each alley end has one, whether a camera hangs on something (a pole, a lamp, a wall,
a gate) or on thin air at an ``edge`` point, and whether two cameras were put a metre
apart. :func:`realism` measures those on a :class:`covplan.plan.Plan`; one row per
measure, so plans of two code versions can be compared side by side
(``benchmarks/bench_realism.py``).

The functions read only what every :class:`~covplan.plan.Plan` has carried since the
pipeline was introduced (``poses`` with ``source``, ``site_id``, ``cost`` and
``selected``; ``sites`` with ``site_id`` and ``kind``; ``summary["cost_vnd"]``) and use
newer columns when present: a ``mount`` column of the sites, the poses' ``route_id``,
a ``cost_parts`` breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from covplan.area import Area, route_ends
from covplan.plan.result import Plan

__all__ = [
    "ALLEY_KINDS",
    "END_KINDS",
    "MOUNT_KINDS",
    "REALISM_COLUMNS",
    "realism",
    "realism_dict",
]

#: Route kinds that count as alleys (kiệt, hẻm and the lanes off them).
ALLEY_KINDS: tuple[str, ...] = ("alley", "lane")
#: Route-end kinds that are real alley ends (boundary ``cut`` and any ``stub`` are not).
END_KINDS: tuple[str, ...] = ("dead_end", "mouth")
#: Site mounts (or, without a ``mount`` column, site kinds) a camera can hang on.
MOUNT_KINDS: frozenset[str] = frozenset({"pole", "street_lamp", "wall", "gate", "new_pole"})
#: Columns of :func:`realism`'s table.
REALISM_COLUMNS: tuple[str, ...] = ("measure", "value", "unit", "detail")

_SOURCES = ("new", "reaim", "keep")


def _metric_points(gdf: gpd.GeoDataFrame, crs: Any) -> np.ndarray:
    """Return the geometries of ``gdf`` in ``crs`` as a shapely array (EPSG:4326 if unset)."""
    if not len(gdf):
        return np.empty(0, dtype=object)
    g = gdf.geometry if gdf.crs is not None else gdf.geometry.set_crs(4326)
    return np.asarray(g.to_crs(crs).to_numpy(), dtype=object)


def _routes(area: Area) -> pd.DataFrame:
    """Planned routes with ``route_id``, ``kind``, ``name`` and ``length_m`` (metres)."""
    r = area.routes
    if "route_id" not in r.columns:
        r = r.reset_index().rename(columns={"index": "route_id"})
    if "planned" in r.columns:
        r = r[r["planned"].astype(bool)]
    if "length_m" in r.columns:
        length = pd.to_numeric(r["length_m"], errors="coerce").to_numpy(float)
    else:
        length = shapely.length(_metric_points(r, area.crs))
    return pd.DataFrame(
        {
            "route_id": r["route_id"].astype(str).to_numpy(),
            "kind": r["kind"].astype(str).to_numpy() if "kind" in r.columns else "",
            "name": (r["name"].fillna("").astype(str).to_numpy() if "name" in r.columns else ""),
            "length_m": length,
        }
    )


def _site_table(plan: Plan) -> pd.DataFrame:
    """Sites by ``site_id``: ``kind``, ``mount`` (the mount column, else the kind), ``route_id``."""
    s = plan.sites
    ids = s["site_id"] if "site_id" in s.columns else pd.Series(s.index, index=s.index)
    kind = s["kind"].astype(object) if "kind" in s.columns else pd.Series(None, index=s.index)
    mount = kind
    if "mount" in s.columns:  # a site's mount, where it says one; its kind otherwise
        m = s["mount"].astype(object)
        mount = m.where(m.notna() & (m.astype(str) != ""), kind)
    route = s["route_id"].astype(object) if "route_id" in s.columns else pd.Series(None, s.index)
    out = pd.DataFrame(
        {"kind": kind.to_numpy(), "mount": mount.to_numpy(), "route_id": route.to_numpy()},
        index=pd.Index(ids.astype(str).to_numpy(), name="site_id"),
    )
    return out[~out.index.duplicated()]


def _chosen(plan: Plan) -> gpd.GeoDataFrame:
    """Return the plan's poses (keep, re-aim and new)."""
    sel = np.asarray(plan.selected, dtype=bool)
    if "selected" in plan.poses.columns and len(sel) != len(plan.poses):
        sel = plan.poses["selected"].to_numpy(dtype=bool)
    return plan.poses[sel]


def _nearest_other(points: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest other point (inf when alone)."""
    out = np.full(len(points), np.inf)
    if len(points) < 2:
        return out
    tree = shapely.STRtree(points)
    pairs, d = tree.query_nearest(points, exclusive=True, return_distance=True)
    np.minimum.at(out, pairs[0], d)
    return out


def _close_pairs(points: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of points closer than ``radius_m`` (strictly)."""
    if len(points) < 2:
        e = np.empty(0, dtype=int)
        return e, e
    i, j = shapely.STRtree(points).query(points, predicate="dwithin", distance=radius_m)
    keep = (i != j) & (shapely.distance(points[i], points[j]) < radius_m)
    return i[keep], j[keep]


def _cost_parts(plan: Plan) -> dict[str, float]:
    """Return the plan's cost by part (VND) when it carries a breakdown, else nothing."""
    parts: Any = getattr(plan, "cost_parts", None)
    summary = getattr(plan, "summary", None) or {}
    for key in ("cost_parts", "cost_by_part"):
        if parts is None and isinstance(summary, Mapping):
            parts = summary.get(key)
    if parts is None:
        return {}
    if isinstance(parts, pd.DataFrame):
        num = [c for c in parts.columns if pd.api.types.is_numeric_dtype(parts[c])]
        label = [c for c in parts.columns if c not in num]
        if not num:
            return {}
        value = next((c for c in ("cost_vnd", "vnd", "value", "cost") if c in num), num[-1])
        names = parts[label[0]] if label else pd.Series(parts.index, index=parts.index)
        return {str(k): float(v) for k, v in zip(names, parts[value], strict=True) if pd.notna(v)}
    if isinstance(parts, pd.Series):
        parts = parts.to_dict()
    if isinstance(parts, Mapping):
        out: dict[str, float] = {}
        for k, v in parts.items():
            v = v.get("cost_vnd", v.get("value")) if isinstance(v, Mapping) else v
            try:
                out[str(k)] = float(v)
            except (TypeError, ValueError):
                continue
        return out
    return {}


def _rows_density(
    new: gpd.GeoDataFrame, routes: pd.DataFrame, new_route: np.ndarray
) -> list[tuple[str, float, str, str]]:
    alley = routes["kind"].isin(ALLEY_KINDS).to_numpy()
    alley_m = float(routes.loc[alley, "length_m"].sum())
    route_m = float(routes["length_m"].sum())
    on_alley = int(np.isin(new_route, routes.loc[alley, "route_id"].to_numpy()).sum())
    n = len(new)

    def per_100(count: int, metres: float) -> float:
        return 100.0 * count / metres if metres > 0 else float("nan")

    return [
        ("planned_route_m", route_m, "m", "planned routes, every kind"),
        ("planned_alley_m", alley_m, "m", "planned routes of kind alley or lane"),
        ("new_per_100m_route", per_100(n, route_m), "cameras/100 m", "all new cameras"),
        ("new_per_100m_alley", per_100(n, alley_m), "cameras/100 m", "all new cameras"),
        ("new_on_alleys", float(on_alley), "cameras", "new cameras watching an alley or lane"),
        (
            "new_on_alleys_per_100m_alley",
            per_100(on_alley, alley_m),
            "cameras/100 m",
            "new cameras watching an alley or lane",
        ),
    ]


def _rows_ends(
    area: Area, routes: pd.DataFrame, cams_m: np.ndarray, near_m: float
) -> list[tuple[str, float, str, str]]:
    ends = route_ends(area)
    ends = ends[ends["end_kind"].isin(END_KINDS)]
    kinds = dict(zip(routes["route_id"], routes["kind"], strict=True))
    pts = _metric_points(ends, area.crs)
    covered = np.zeros(len(ends), dtype=bool)
    if len(pts) and len(cams_m):
        i, _ = shapely.STRtree(cams_m).query(pts, predicate="dwithin", distance=near_m)
        covered[np.unique(i)] = True
    end_kind = ends["end_kind"].to_numpy()
    on_alley = np.array([kinds.get(str(r)) in ALLEY_KINDS for r in ends["route_id"]], dtype=bool)
    rows: list[tuple[str, float, str, str]] = []
    subsets = (
        ("alley_ends", np.ones(len(ends), dtype=bool), "ends (dead_end, mouth) of planned routes"),
        ("dead_ends", end_kind == "dead_end", "dead ends of planned routes"),
        ("mouths", end_kind == "mouth", "mouths of planned routes"),
        ("alley_route_ends", on_alley, "ends (dead_end, mouth) of planned alleys and lanes"),
    )
    for key, mask, what in subsets:
        n, hit = int(mask.sum()), int((mask & covered).sum())
        rows += [
            (key, float(n), "ends", what),
            (f"{key}_with_camera", float(hit), "ends", f"camera (any source) within {near_m:g} m"),
            (
                f"{key}_with_camera_share",
                hit / n if n else float("nan"),
                "share",
                f"camera (any source) within {near_m:g} m",
            ),
        ]
    return rows


def _rows_spacing(
    new: gpd.GeoDataFrame, new_m: np.ndarray, near_m: float
) -> list[tuple[str, float, str, str]]:
    site = new["site_id"].astype(str).to_numpy() if len(new) else np.empty(0, dtype=str)
    # distinct positions (to the millimetre) of the sites with a new camera
    xy = shapely.get_coordinates(new_m) if len(new_m) else np.empty((0, 2))
    if len(xy):  # one position per millimetre grid cell, at its first camera's point
        _, first, inv, n_at = np.unique(
            np.round(xy, 3), axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        uniq, inv = xy[first], inv.reshape(-1)
    else:
        uniq, inv, n_at = xy, np.empty(0, dtype=int), np.empty(0, dtype=int)
    nn = _nearest_other(shapely.points(uniq)) if len(uniq) else np.empty(0)
    finite = nn[np.isfinite(nn)]
    i, j = _close_pairs(new_m, near_m)
    other_site = site[i] != site[j]
    crowded = np.unique(i[other_site])
    # per camera, back-to-back cameras on one position counting as 0 m apart
    per_cam = np.where(n_at[inv] > 1, 0.0, nn[inv])
    per_cam = per_cam[np.isfinite(per_cam)]
    shared = pd.Series(site).duplicated(keep=False).to_numpy()
    return [
        ("new_sites", float(len(uniq)), "sites", "distinct positions with a new camera"),
        (
            "nn_site_median_m",
            float(np.median(finite)) if len(finite) else float("nan"),
            "m",
            "median distance from a new camera's site to the nearest other one",
        ),
        (
            "nn_site_min_m",
            float(finite.min()) if len(finite) else float("nan"),
            "m",
            "shortest distance between two sites with a new camera",
        ),
        (
            f"new_with_neighbour_lt_{near_m:g}m",
            float(len(crowded)),
            "cameras",
            f"new cameras with another new camera closer than {near_m:g} m at a different site",
        ),
        (
            "new_sharing_site",
            float(np.count_nonzero(shared)),
            "cameras",
            "new cameras back to back with another on the same site",
        ),
        (
            "nn_camera_median_m",
            float(np.median(per_cam)) if len(per_cam) else float("nan"),
            "m",
            "median distance from a new camera to the nearest other one (same site: 0 m)",
        ),
        (
            f"new_with_any_neighbour_lt_{near_m:g}m",
            float(np.count_nonzero(per_cam < near_m)),
            "cameras",
            f"new cameras with another new camera closer than {near_m:g} m, same site included",
        ),
    ]


def _rows_mounts(new: gpd.GeoDataFrame, sites: pd.DataFrame) -> list[tuple[str, float, str, str]]:
    sid = new["site_id"].astype(str)
    kind = sid.map(sites["kind"]) if len(new) else pd.Series(dtype=object)
    if "site_kind" in new.columns:  # the pose's own copy, for a site not in the table
        kind = kind.where(kind.notna(), new["site_kind"])
    mount = sid.map(sites["mount"]).where(sid.isin(sites.index), kind) if len(new) else kind
    on_mount = int(mount.astype(str).isin(sorted(MOUNT_KINDS)).sum())
    rows: list[tuple[str, float, str, str]] = [
        ("new_on_mount", float(on_mount), "cameras", ", ".join(sorted(MOUNT_KINDS))),
        (
            "new_on_mount_share",
            on_mount / len(new) if len(new) else float("nan"),
            "share",
            "new cameras on a pole, street lamp, wall, gate or new pole",
        ),
    ]
    counts = kind.fillna("none").astype(str).value_counts().sort_index()
    rows += [(f"new_by_site_kind[{k}]", float(v), "cameras", "") for k, v in counts.items()]
    return rows


def _rows_alleys(
    routes: pd.DataFrame, new_route: np.ndarray, top: int
) -> list[tuple[str, float, str, str]]:
    alleys = routes[routes["kind"].isin(ALLEY_KINDS)]
    alleys = alleys.sort_values(["length_m", "route_id"], ascending=[False, True]).head(top)
    ids, counts = np.unique(new_route.astype(str), return_counts=True)
    by_route = dict(zip(ids, counts, strict=True))
    rows: list[tuple[str, float, str, str]] = []
    top_rows = zip(
        alleys["route_id"].astype(str).tolist(),
        alleys["name"].astype(str).tolist(),
        alleys["length_m"].to_numpy(float).tolist(),
        strict=True,
    )
    for rank, (rid, name, length) in enumerate(top_rows, start=1):
        n = int(by_route.get(rid, 0))
        what = f"{name or rid} ({rid}, {length:.0f} m)"
        rows += [
            (f"longest_alley_{rank}_length_m", length, "m", what),
            (f"longest_alley_{rank}_new_cameras", float(n), "cameras", what),
            (
                f"longest_alley_{rank}_per_100m",
                100.0 * n / length if length > 0 else float("nan"),
                "cameras/100 m",
                what,
            ),
        ]
    return rows


def realism(
    plan: Plan, area: Area | None = None, *, near_m: float = 5.0, top_alleys: int = 5
) -> pd.DataFrame:
    """Measure a plan as a ward would judge it.

    Parameters
    ----------
    plan
        The plan (:class:`covplan.plan.Plan`).
    area
        The ward (default ``plan.area``); distances in its metric CRS (``area.crs``).
    near_m
        "Near" in metres: an alley end has a camera when one (new, re-aimed or kept)
        stands within this distance; a new camera is crowded when another new camera
        at a different site is closer than this.
    top_alleys
        How many of the longest planned alleys to list.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure`` (a stable key), ``value`` (float; NaN where it
        is undefined, e.g. a share of nothing), ``unit`` and ``detail`` (what is
        counted, or the alley's name). Measures:

        - ``new_cameras``, ``reaimed_cameras``, ``kept_cameras``;
        - ``planned_route_m``, ``planned_alley_m`` (kinds :data:`ALLEY_KINDS`),
          ``new_per_100m_route``, ``new_per_100m_alley`` (all new cameras per 100 m),
          ``new_on_alleys`` and ``new_on_alleys_per_100m_alley`` (those watching an
          alley: the pose's ``route_id``, else its site's);
        - ``alley_ends``, ``alley_ends_with_camera``, ``alley_ends_with_camera_share``:
          ends of planned routes (:func:`covplan.area.route_ends`) of kind
          :data:`END_KINDS`; the same for ``dead_ends``, ``mouths`` and
          ``alley_route_ends`` (ends of alleys and lanes only);
        - ``new_on_mount``, ``new_on_mount_share``: new cameras whose site's ``mount``
          (or, without that column, its ``kind``) is in :data:`MOUNT_KINDS`;
          ``new_by_site_kind[<kind>]``;
        - ``new_sites`` (distinct positions), ``nn_site_median_m`` and
          ``nn_site_min_m`` (nearest other such position), ``new_with_neighbour_lt_5m``
          (``5`` is ``near_m``; another new camera at a different site);
          ``new_sharing_site`` (back to back on one site), and per camera, a
          back-to-back pair counting as 0 m apart: ``nn_camera_median_m``,
          ``new_with_any_neighbour_lt_5m``;
        - ``longest_alley_<i>_length_m``, ``_new_cameras``, ``_per_100m`` for the
          ``top_alleys`` longest planned alleys (``detail`` names them);
        - ``cost_vnd`` and, when the plan carries a breakdown (a ``cost_parts``
          attribute, or ``cost_parts`` / ``cost_by_part`` in its summary),
          ``cost_part[<part>]``.

    Examples
    --------
    >>> from covplan.plan.realism import realism
    >>> table = realism(plan)  # doctest: +SKIP
    >>> table.set_index("measure").loc["nn_site_median_m", "value"]  # doctest: +SKIP
    """
    area = plan.area if area is None else area
    crs = area.crs
    chosen = _chosen(plan)
    src = chosen["source"].astype(str).to_numpy()
    new = chosen[src == "new"]
    sites = _site_table(plan)
    routes = _routes(area)
    # the route a new camera serves: the one it watches most, else the one its site is on
    if "route_id" in new.columns:
        new_route = new["route_id"].astype(object)
    else:
        new_route = pd.Series(None, index=new.index, dtype=object)
    site_route = new["site_id"].astype(str).map(sites["route_id"])
    new_route = new_route.where(new_route.notna(), site_route).fillna("").astype(str).to_numpy()
    new_m = _metric_points(new, crs)
    rows: list[tuple[str, float, str, str]] = [
        (f"{name}_cameras", float((src == s).sum()), "cameras", "")
        for name, s in (("new", "new"), ("reaimed", "reaim"), ("kept", "keep"))
    ]
    rows += _rows_density(new, routes, new_route)
    rows += _rows_ends(area, routes, _metric_points(chosen, crs), near_m)
    rows += _rows_mounts(new, sites)
    rows += _rows_spacing(new, new_m, near_m)
    rows += _rows_alleys(routes, new_route, top_alleys)
    summary = plan.summary if isinstance(plan.summary, Mapping) else {}
    cost = summary.get("cost_vnd")
    if cost is None:
        cost = float(pd.to_numeric(chosen["cost"], errors="coerce").fillna(0).sum())
    rows.append(("cost_vnd", float(cost), "VND", "whole plan"))
    rows += [(f"cost_part[{k}]", v, "VND", "") for k, v in _cost_parts(plan).items()]
    return pd.DataFrame(rows, columns=list(REALISM_COLUMNS))


def realism_dict(
    plan: Plan, area: Area | None = None, *, near_m: float = 5.0, top_alleys: int = 5
) -> dict[str, float]:
    """Return :func:`realism`'s measures as a ``{measure: value}`` dict.

    Parameters
    ----------
    plan
        The plan.
    area
        The ward (default ``plan.area``).
    near_m
        As :func:`realism`.
    top_alleys
        As :func:`realism`.

    Returns
    -------
    dict
        Measure key → value (float).
    """
    table = realism(plan, area, near_m=near_m, top_alleys=top_alleys)
    return dict(zip(table["measure"], table["value"].astype(float), strict=True))
