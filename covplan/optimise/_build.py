"""Encode a plan's inputs as an :class:`~covplan.optimise._instance.Instance`.

:func:`build_instance` checks and encodes the arrays of
:meth:`CameraCover.from_coverage_matrix <covplan.optimise.cover.CameraCover.from_coverage_matrix>`;
:func:`geodataframe_arrays` reads them from targets and poses tables and aligns a
coverage matrix with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike

from covplan._errors import CRSError, InputError
from covplan.geometry.coverage import coverage_matrix
from covplan.optimise._instance import NEW, SOURCES, Instance, unit_codes

__all__ = ["as_csr", "build_instance", "geodataframe_arrays"]


def as_csr(A: Any) -> sp.csr_matrix:
    if sp.issparse(A):
        M = sp.csr_matrix(A)
    else:
        M = sp.csr_matrix(np.asarray(A))
    M = M.astype(bool).astype(np.int8)
    M.eliminate_zeros()
    M.sort_indices()
    return M.tocsr()


def build_instance(
    A: Any,
    *,
    cost: ArrayLike | None = None,
    k: ArrayLike | None = None,
    source: Sequence[str] | ArrayLike | None = None,
    camera: Sequence[object] | ArrayLike | None = None,
    site: Sequence[object] | ArrayLike | None = None,
    capacity: int | ArrayLike | dict[object, int] | None = None,
    weight: ArrayLike | None = None,
    forced_sites: Iterable[object] = (),
    forbidden_sites: Iterable[object] = (),
    fixed: ArrayLike | None = None,
    forbidden: ArrayLike | None = None,
) -> Instance:
    """Check and encode the arrays of :meth:`CameraCover.from_coverage_matrix`."""
    M = as_csr(A)
    n_t, n_p = M.shape
    cost_a = np.ones(n_p) if cost is None else np.asarray(cost, dtype=float).ravel()
    if cost_a.shape != (n_p,) or not np.all(np.isfinite(cost_a)) or (cost_a < 0).any():
        msg = f"cost must be {n_p} finite non-negative numbers (one per pose)"
        raise InputError(msg)
    k_a = np.ones(n_t, np.int64) if k is None else np.asarray(k).ravel().astype(np.int64)
    if k_a.shape != (n_t,) or (k_a < 0).any():
        msg = f"k must be {n_t} non-negative integers (one per target)"
        raise InputError(msg)
    w_a = np.ones(n_t) if weight is None else np.asarray(weight, dtype=float).ravel()
    if w_a.shape != (n_t,):
        msg = f"weight must have {n_t} values (one per target)"
        raise InputError(msg)
    if source is None:
        kind = np.full(n_p, NEW, np.int64)
    else:
        src = np.asarray(source, dtype=object).ravel()
        bad = [s for s in set(src.tolist()) if s not in SOURCES]
        if src.shape != (n_p,) or bad:
            msg = f"source must be {n_p} values of {sorted(SOURCES)}; got {bad[:3]}"
            raise InputError(msg)
        kind = np.array([SOURCES[s] for s in src], np.int64)
    cam, _ = unit_codes(camera, n_p)
    if ((kind != NEW) & (cam < 0)).any() and camera is not None:
        msg = "every keep/reaim pose needs its camera (camera=...)"
        raise InputError(msg)
    site_codes, site_names = unit_codes(site, n_p)
    site_codes[cam >= 0] = -1  # an existing camera's pose does not use a site's capacity
    n_sites = len(site_names)
    if capacity is None:
        cap = np.full(n_sites, np.iinfo(np.int32).max, np.int64)
    elif isinstance(capacity, dict):
        cap = np.array([int(capacity.get(s, np.iinfo(np.int32).max)) for s in site_names])
    elif np.ndim(capacity) == 0:
        cap = np.full(n_sites, int(capacity), np.int64)  # type: ignore[arg-type]
    else:
        cap_pose = np.asarray(capacity).ravel()
        if cap_pose.shape != (n_p,):
            msg = "capacity must be an int, a dict site → int, or one value per pose"
            raise InputError(msg)
        cap = np.full(n_sites, np.iinfo(np.int32).max, np.int64)
        ok = site_codes >= 0
        cap[site_codes[ok]] = cap_pose[ok].astype(np.int64)
    name_to_code = {s: i for i, s in enumerate(site_names)}
    forced = np.zeros(n_sites, bool)
    for s in forced_sites:
        if s not in name_to_code:
            msg = f"forced site {s!r} has no pose"
            raise InputError(msg)
        forced[name_to_code[s]] = True
    banned = np.zeros(n_p, bool) if forbidden is None else np.asarray(forbidden, bool).ravel()
    for s in forbidden_sites:
        if s in name_to_code:
            banned |= site_codes == name_to_code[s]
    fixed_a = np.zeros(n_p, bool) if fixed is None else np.asarray(fixed, bool).ravel()
    return Instance(M, cost_a, kind, k_a, w_a, cam, site_codes, cap, forced, fixed_a, banned)


def _check_tables(targets: pd.DataFrame, poses: pd.DataFrame) -> None:
    for name, df in (("targets", targets), ("poses", poses)):
        crs = getattr(df, "crs", None)
        if crs is None:
            msg = f"{name} has no CRS; set it (e.g. .set_crs(4326)) before planning"
            raise CRSError(msg)
    need_t = {"target_id", "route_id"}
    need_p = {"source", "camera_id", "site_id", "cost"}
    for name, df, need in (("targets", targets, need_t), ("poses", poses, need_p)):
        missing = sorted(need - set(df.columns))
        if missing:
            msg = f"{name} lacks columns {missing}; build it with covplan's functions"
            raise InputError(msg)


def _aligned(coverage: Any, targets: pd.DataFrame, poses: pd.DataFrame) -> sp.csr_matrix:
    """The coverage matrix in the row order of ``targets`` and column order of ``poses``."""
    seen = getattr(coverage, "seen", coverage)
    M = as_csr(seen)
    t_ids = getattr(coverage, "target_ids", None)
    p_ids = getattr(coverage, "pose_ids", None)
    if t_ids is not None:
        order = pd.Index(list(t_ids)).get_indexer(targets["target_id"])
        if (order < 0).any():
            msg = "coverage lacks some targets; rebuild it from these targets"
            raise InputError(msg)
        M = M[order]
    if p_ids is not None:
        pid = poses["pose_id"] if "pose_id" in poses.columns else poses.index
        order = pd.Index(list(p_ids)).get_indexer(pid)
        if (order < 0).any():
            msg = "coverage lacks some poses; rebuild it from these poses"
            raise InputError(msg)
        M = M[:, order]
    if M.shape != (len(targets), len(poses)):
        msg = (
            f"coverage is {M.shape[0]}×{M.shape[1]} but there are {len(targets)} "
            f"targets and {len(poses)} poses"
        )
        raise InputError(msg)
    return M.tocsr()


def geodataframe_arrays(
    targets: pd.DataFrame,
    poses: pd.DataFrame,
    coverage: Any = None,
    *,
    buildings: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    capacity: int = 2,
) -> dict[str, Any]:
    """The keywords of :func:`build_instance` read from targets and poses tables.

    ``coverage`` is a ``Coverage`` (``seen``, ``target_ids``, ``pose_ids``) or a matrix
    in the rows/columns order of ``targets``/``poses``; built with
    :func:`covplan.geometry.coverage_matrix` when None (from ``buildings``).
    """
    _check_tables(targets, poses)
    if coverage is None:
        coverage = coverage_matrix(targets, poses, buildings)
    M = _aligned(coverage, targets, poses)
    cam = [None if pd.isna(c) else c for c in poses["camera_id"]]
    site = [
        None if pd.isna(s) or c is not None else s
        for s, c in zip(poses["site_id"], cam, strict=True)
    ]
    cap: int | dict[object, int] = capacity
    if sites is not None and "capacity" in sites.columns:
        sid = sites["site_id"] if "site_id" in sites.columns else sites.index
        cap = {s: int(c) for s, c in zip(sid, sites["capacity"], strict=True)}
        for s in set(site) - set(cap) - {None}:
            cap[s] = capacity
    return {
        "A": M,
        "cost": poses["cost"].to_numpy(dtype=float),
        "k": targets["k_required"].to_numpy() if "k_required" in targets.columns else None,
        "weight": targets["weight"].to_numpy() if "weight" in targets.columns else None,
        "source": poses["source"].tolist(),
        "camera": cam,
        "site": site,
        "capacity": cap,
    }
