"""A plain per-pair reference for the coverage matrix, and the check that the fast one equals it.

The reference loops over every target × pose pair in Python with the ``math`` module
and one shapely sight line per pair against the dissolved, eroded footprints as a
single geometry (no tree, no grid, no viewpoint grouping, no batching). It is the
model of DESIGN.md written the obvious way; ``coverage_matrix`` must give exactly
the same matrix. The benchmark imports :func:`brute_force_coverage` for its speed
ratio.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString, box

from covplan import settings
from covplan.camera.spec import load_catalogue
from covplan.geometry import coverage_matrix, occluders_for, site_poses
from covplan.geometry.coverage import pose_arrays, target_thresholds

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
HCMC = SHARED / "osm" / "hcmc-dakao-1km.osm.bz2"


def brute_force_coverage(
    targets: gpd.GeoDataFrame,
    poses: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    *,
    crs: object,
    sliver_tolerance_m: float,
    near_zone: bool = True,
    corridor: shapely.Geometry | None = None,
    frame: shapely.Geometry | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return dense (seen, px_per_m) by testing every pair on its own.

    With ``near_zone``, a target under a mount (closer than the dead zone) is seen when
    the camera faces along the route there (its ``bearing_deg``; NaN: any heading) and
    the density at the dead zone's edge meets the level. With a ``corridor``, the part
    of ``frame`` farther than the margin outside it blocks like a building, and a
    camera outside the corridor (within the snap distance) looks from its nearest point.
    """
    tg = targets.to_crs(crs)
    ps = poses.to_crs(crs)
    bd = buildings.to_crs(crs)
    tol = sliver_tolerance_m
    geoms = shapely.make_valid(bd.geometry.to_numpy())
    geoms = geoms[~shapely.is_empty(geoms) & (shapely.area(geoms) > 0)]
    merged = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    eroded = merged.buffer(-tol, join_style="mitre") if tol > 0 else merged
    bid = bd["building_id"] if "building_id" in bd.columns else bd.index.to_series()
    own_of = {
        str(i): (g.buffer(tol) if tol > 0 else g)
        for i, g in zip(bid, shapely.make_valid(bd.geometry.to_numpy()), strict=True)
    }
    if corridor is not None:
        grown = corridor.buffer(settings.corridor_margin_m, quad_segs=4)
        inferred = frame.difference(grown)
        eroded = eroded.union(inferred)
    thr = target_thresholds(tg)
    bearing = (
        tg["bearing_deg"].astype(float).to_numpy()
        if "bearing_deg" in tg.columns
        else np.full(len(tg), np.nan)
    )
    pa = pose_arrays(ps)
    mounted = ps["building_id"].tolist() if "building_id" in ps.columns else [None] * len(ps)
    T = [(p.x, p.y) for p in tg.geometry]
    P = [(p.x, p.y) for p in ps.geometry]
    seen = np.zeros((len(T), len(P)), dtype=bool)
    dens_out = np.zeros((len(T), len(P)))
    for j, (cx, cy) in enumerate(P):
        heading = pa["heading_deg"][j]
        hfov = pa["hfov_deg"][j]
        vfov = pa["vfov_deg"][j]
        res = pa["resolution_px"][j]
        h = pa["mount_height_m"][j]
        tilt = pa["tilt_deg"][j]
        low, up = tilt + vfov / 2, tilt - vfov / 2
        dead = 0.0 if low >= 90 else (math.inf if low <= 0 else h / math.tan(math.radians(low)))
        far = math.inf if up <= 0 else (0.0 if up >= 90 else h / math.tan(math.radians(up)))
        b = mounted[j]
        own = None if b is None or (isinstance(b, float) and math.isnan(b)) else own_of.get(str(b))
        ox, oy = cx, cy
        if corridor is not None:
            d = corridor.distance(shapely.Point(cx, cy))
            if 0 < d <= settings.corridor_snap_m:
                near = shapely.shortest_line(shapely.Point(cx, cy), corridor)
                ox, oy = near.coords[-1]
        for i, (tx, ty) in enumerate(T):
            dx, dy = tx - cx, ty - cy
            horiz = math.hypot(dx, dy)
            dens = _density(res, hfov, math.hypot(horiz, h))
            if horiz < dead and near_zone:
                # under the mount: seen walking past when the camera faces along the route
                edge_dens = _density(res, hfov, math.hypot(dead, h))
                if edge_dens < thr[i] or not _faces_along(heading, hfov, bearing[i]):
                    continue
                dens = edge_dens
            elif dens < thr[i] or horiz < dead or horiz > far:
                continue
            elif hfov < 360 and not (dx == 0 and dy == 0):
                bearing_t = math.degrees(math.atan2(dx, dy)) % 360
                diff = (bearing_t - heading) % 360
                if not min(diff, 360 - diff) <= hfov / 2 + 1e-9:
                    continue
            line = LineString([(ox, oy), (tx, ty)])
            if own is not None:
                line = line.difference(own)
            if line.intersects(eroded):
                continue
            seen[i, j] = True
            dens_out[i, j] = dens
    return seen, dens_out


def _density(res: float, hfov: float, slant: float) -> float:
    if hfov >= 180:
        return res / (math.pi * slant)
    return res / (2 * math.tan(math.radians(hfov / 2)) * slant)


def _faces_along(heading: float, hfov: float, bearing: float) -> bool:
    if hfov >= 360:
        return True
    if math.isnan(heading):
        return False
    if math.isnan(bearing):
        return True
    off = min(
        min((bearing - heading) % 360, 360 - (bearing - heading) % 360),
        min((bearing + 180 - heading) % 360, 360 - (bearing + 180 - heading) % 360),
    )
    return off <= hfov / 2 + 1e-9


def assert_same(
    targets, poses, buildings, crs, tol, *, corridor=None, frame=None
) -> tuple[float, float, int]:
    occluders = None
    if corridor is not None:
        occluders = occluders_for(
            buildings, crs=crs, sliver_tolerance_m=tol, corridor=corridor, frame=frame
        )
    t0 = time.perf_counter()
    cov = coverage_matrix(
        targets, poses, buildings, crs=crs, sliver_tolerance_m=tol, occluders=occluders
    )
    fast_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    seen, dens = brute_force_coverage(
        targets, poses, buildings, crs=crs, sliver_tolerance_m=tol, corridor=corridor, frame=frame
    )
    slow_s = time.perf_counter() - t0
    fast = cov.seen.toarray()
    diff = np.argwhere(fast != seen)
    assert len(diff) == 0, f"{len(diff)} pairs differ, e.g. (target, pose) {diff[:5].tolist()}"
    np.testing.assert_allclose(cov.px_per_m.toarray(), dens, rtol=1e-12, atol=0)
    unseen = np.flatnonzero(~seen.any(axis=1))
    assert sorted(cov.unseeable["target_id"]) == sorted(cov.target_ids[unseen])
    return fast_s, slow_s, int(seen.sum())


def _synthetic_scene(seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Row-house blocks with alleys, slivers, random targets and sites (UTM 48N around HCMC)."""
    rng = np.random.default_rng(seed)
    x0, y0 = 686_000.0, 1_193_000.0
    houses = []
    ids = []
    for bx in range(4):
        for by in range(4):
            # a block of 4 m wide row houses, 12 m deep, with 4 m alleys between blocks
            for k in range(5):
                x = x0 + bx * 24 + k * 4
                y = y0 + by * 16
                jitter = rng.uniform(-1.2, 1.2)  # footprints poking into the alley
                houses.append(box(x, y + min(jitter, 0), x + 4, y + 12 + max(jitter, 0)))
                ids.append(f"way/{len(ids)}")
    buildings = gpd.GeoDataFrame({"building_id": ids}, geometry=houses, crs=32648)
    n_t = 120
    tx = rng.uniform(x0 - 5, x0 + 100, n_t)
    ty = y0 + 12 + 2 + 16 * rng.integers(-1, 4, n_t) + rng.uniform(-0.5, 0.5, n_t)
    targets = gpd.GeoDataFrame(
        {
            "target_id": np.arange(n_t) * 10,
            "level": rng.choice(["observe", "recognise", "detect"], n_t),
        },
        geometry=gpd.points_from_xy(tx, ty),
        crs=32648,
    )
    n_s = 14
    sx = rng.uniform(x0 - 5, x0 + 100, n_s)
    sy = y0 + 12 + 2 + 16 * rng.integers(-1, 4, n_s)
    sites = gpd.GeoDataFrame(
        {"site_id": [f"s{i}" for i in range(n_s)], "mount_height_m": 3.5, "building_id": None},
        geometry=gpd.points_from_xy(sx, sy),
        crs=32648,
    )
    # two wall sites: on a house front, mounted on it
    for k, hid in enumerate([3, 27]):
        geom = buildings.geometry.iloc[hid]
        sites.loc[len(sites)] = [
            f"w{k}",
            4.0,
            ids[hid],
            geom.exterior.interpolate(0.1, normalized=True),
        ]
    poses = site_poses(sites, load_catalogue(), headings=8)
    return targets, poses, buildings


@pytest.mark.parametrize("tol", [0.0, 1.5])
def test_fast_matrix_equals_brute_force_on_synthetic_blocks(tol: float) -> None:
    targets, poses, buildings = _synthetic_scene(7)
    _, _, n_seen = assert_same(targets, poses, buildings, 32648, tol)
    assert n_seen > 100  # the scene is not trivially empty


@pytest.mark.parametrize("seed", [3, 7])
def test_fast_matrix_equals_brute_force_with_a_corridor(seed: int) -> None:
    # the blocks' alleys are the corridor; a few footprints are missing from the map,
    # so only the corridor hides what lies behind where they stood
    targets, poses, buildings = _synthetic_scene(seed)
    mapped = buildings.iloc[::3]
    blocks = shapely.union_all(buildings.geometry.to_numpy()).buffer(0.5)
    frame = shapely.box(*blocks.bounds).buffer(30.0)
    corridor = frame.difference(blocks.buffer(-1.0))
    _, _, n_seen = assert_same(targets, poses, mapped, 32648, 1.5, corridor=corridor, frame=frame)
    plain = coverage_matrix(targets, poses, mapped, crs=32648).seen
    honest = coverage_matrix(
        targets,
        poses,
        mapped,
        crs=32648,
        occluders=occluders_for(mapped, crs=32648, corridor=corridor, frame=frame),
    ).seen
    # the missing houses hide again (a camera standing inside a block looks out of its
    # nearest alley, so a few views are new)
    assert plain.nnz > honest.nnz > 0 and n_seen == honest.nnz


def test_tolerance_only_adds_views() -> None:
    targets, poses, buildings = _synthetic_scene(11)
    plain = coverage_matrix(targets, poses, buildings, sliver_tolerance_m=0.0).seen
    tolerant = coverage_matrix(targets, poses, buildings, sliver_tolerance_m=1.5).seen
    assert (plain > tolerant).nnz == 0
    assert tolerant.nnz > plain.nnz


@pytest.fixture(scope="module")
def demo_area():
    import covplan
    from covplan import datasets

    return covplan.area_from_xml(datasets.get_path("demo-ward.osm"))


def test_fast_matrix_equals_brute_force_on_demo_ward(demo_area) -> None:
    from covplan.geometry import candidate_sites, sample_targets

    targets = sample_targets(demo_area)
    sites = candidate_sites(demo_area)
    specs = load_catalogue()
    poses = site_poses(sites, [specs["bullet-2mp-3.6"], specs["fisheye-4mp-360"]], headings=4)
    _fast_s, _slow_s, n_seen = assert_same(
        targets, poses, demo_area.buildings, demo_area.crs, settings.sliver_tolerance_m
    )
    assert n_seen > 0


def test_fast_matrix_equals_brute_force_on_demo_ward_corridor(demo_area) -> None:
    from covplan.area.corridor import corridor
    from covplan.geometry import candidate_sites, sample_targets

    targets = sample_targets(demo_area)
    sites = candidate_sites(demo_area).iloc[::3]
    poses = site_poses(sites, [load_catalogue()["bullet-2mp-6"]], headings=4)
    frame = demo_area.boundary_metric.buffer(150.0)
    _f, _s, n_seen = assert_same(
        targets,
        poses,
        demo_area.buildings,
        demo_area.crs,
        settings.sliver_tolerance_m,
        corridor=corridor(demo_area),
        frame=frame,
    )
    assert n_seen > 0


@pytest.mark.slow
@pytest.mark.skipif(not HCMC.exists(), reason=f"real data absent: {HCMC}")
def test_fast_matrix_equals_brute_force_on_hcmc_slice() -> None:
    import covplan
    from covplan.geometry import candidate_sites, sample_targets

    area = covplan.area_from_xml(HCMC)
    targets = sample_targets(area)
    sites = candidate_sites(area)
    # a 120 m × 120 m slice centred where the alley fabric is densest
    tm = targets.to_crs(area.crs)
    xy = np.column_stack([tm.geometry.x, tm.geometry.y])
    crowd = cKDTree(xy).query_ball_point(xy, 60.0, return_length=True)
    cx, cy = xy[int(np.argmax(crowd))]
    win = box(cx - 60, cy - 60, cx + 60, cy + 60)
    targets = targets[tm.within(win).to_numpy()]
    sm = sites.to_crs(area.crs)
    sites = sites[sm.within(win).to_numpy()]
    bm = area.buildings.to_crs(area.crs)
    buildings = area.buildings[bm.intersects(win.buffer(60)).to_numpy()]
    specs = load_catalogue()
    poses = site_poses(sites, [specs["bullet-2mp-2.8"], specs["bullet-4mp-6"]], headings=8)
    assert len(targets) > 100 and len(poses) > 500
    for tol in (0.0, settings.sliver_tolerance_m):
        _, _, n_seen = assert_same(targets, poses, buildings, area.crs, tol)
        assert n_seen > 0
