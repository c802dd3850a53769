"""A tiny hand-made plan (synthetic) for the export tests and the kill-mid-write test.

Two alleys off one street in metric UTM 48N near Huế, a few buildings, two
residential groups, three new cameras, two re-aims, one kept camera and one unused.
Everything here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

UTM = CRS.from_epsg(32648)
X0, Y0 = 770_000.0, 1_822_000.0  # about 16.47 N, 107.59 E (Huế)


def _g(geoms: list[Any]) -> gpd.GeoSeries:
    return gpd.GeoSeries([shapely.affinity.translate(g, X0, Y0) for g in geoms], crs=UTM).to_crs(
        4326
    )


@dataclass
class ToyPlan:
    """The layers of a small synthetic plan, in the shapes of docs/interfaces.md."""

    area: Any
    targets: gpd.GeoDataFrame
    chosen: gpd.GeoDataFrame
    cameras: gpd.GeoDataFrame
    contacts: pd.DataFrame
    sites: gpd.GeoDataFrame
    catalogue: dict[str, Any] = field(default_factory=dict)


def toy_plan() -> ToyPlan:
    """Build the toy plan."""
    street = shapely.LineString([(0, -50), (0, 150)])
    alley_a = shapely.LineString([(0, 50), (120, 50)])
    alley_b = shapely.LineString([(0, 100), (80, 100), (80, 140)])
    routes = gpd.GeoDataFrame(
        {
            "route_id": ["duong-le-loi", "kiet-12-le-loi", "kiet-40-le-loi"],
            "name": ["Đường Lê Lợi", "Kiệt 12 Lê Lợi", "Kiệt 40 Lê Lợi"],
            "kind": ["street", "alley", "alley"],
            "highway": ["secondary", "service", "footway"],
            "group_id": ["01", "01", "02"],
            "length_m": [200.0, 120.0, 120.0],
            "n_segments": [2, 2, 2],
            "planned": [False, True, True],
        },
        geometry=_g([street, alley_a, alley_b]),
    ).set_index("route_id", drop=False)
    seg_geoms = [
        shapely.LineString([(0, -50), (0, 50)]),
        shapely.LineString([(0, 50), (0, 150)]),
        shapely.LineString([(0, 50), (60, 50)]),
        shapely.LineString([(60, 50), (120, 50)]),
        shapely.LineString([(0, 100), (80, 100)]),
        shapely.LineString([(80, 100), (80, 140)]),
    ]
    seg_route = ["duong-le-loi"] * 2 + ["kiet-12-le-loi"] * 2 + ["kiet-40-le-loi"] * 2
    segments = gpd.GeoDataFrame(
        {
            "segment_id": range(6),
            "route_id": seg_route,
            "u": [1, 2, 2, 4, 5, 6],
            "v": [2, 3, 4, 7, 6, 8],
            "name": [routes.loc[r, "name"] for r in seg_route],
            "kind": [routes.loc[r, "kind"] for r in seg_route],
            "highway": [routes.loc[r, "highway"] for r in seg_route],
            "width_m": [8.0, 8.0, 3.0, 3.0, 2.5, 2.5],
            "length_m": [g.length for g in seg_geoms],
        },
        geometry=_g(seg_geoms),
    ).set_index("segment_id", drop=False)
    boxes = [shapely.box(x, 54, x + 10, 66) for x in range(5, 115, 12)]
    boxes += [shapely.box(x, 34, x + 10, 46) for x in range(5, 115, 12)]
    boxes += [shapely.box(x, 104, x + 10, 116) for x in range(5, 70, 12)]
    boxes += [shapely.box(x, 84, x + 10, 96) for x in range(5, 90, 12)]
    buildings = gpd.GeoDataFrame(
        {
            "building_id": [f"way/{1000 + i}" for i in range(len(boxes))],
            "height_m": np.nan,
            "levels": 2.0,
        },
        geometry=_g(boxes),
    ).set_index("building_id", drop=False)
    groups = gpd.GeoDataFrame(
        {"group_id": ["01", "02"], "name": ["Tổ dân phố 1", "Tổ dân phố 2"]},
        geometry=_g([shapely.box(-20, -60, 130, 75), shapely.box(-20, 75, 130, 160)]),
    ).set_index("group_id", drop=False)
    boundary = shapely.unary_union(groups.geometry.to_numpy()).envelope
    area = SimpleNamespace(
        name="Phường Mẫu (giả lập)",
        routes=routes,
        segments=segments,
        buildings=buildings,
        groups=groups,
        boundary=boundary,
        crs=UTM,
        poles=gpd.GeoDataFrame(
            {"pole_id": ["node/1"], "kind": ["power_pole"]}, geometry=_g([shapely.Point(30, 52)])
        ),
        synthetic=True,
    )
    # targets every 5 m along both alleys; the far end of Kiệt 40 is left unseen
    pts, rids, gids = [], [], []
    for rid, line, gid in (("kiet-12-le-loi", alley_a, "01"), ("kiet-40-le-loi", alley_b, "02")):
        for d in np.arange(0, line.length + 0.1, 5.0):
            pts.append(line.interpolate(d))
            rids.append(rid)
            gids.append(gid)
    n = len(pts)
    cover = np.ones(n, dtype=int)
    last = [i for i, r in enumerate(rids) if r == "kiet-40-le-loi"][-3:]
    cover[last] = 0
    k_req = np.ones(n, dtype=int)
    k_req[0] = 2
    cover[0] = 2
    targets = gpd.GeoDataFrame(
        {
            "target_id": range(n),
            "route_id": rids,
            "group_id": gids,
            "kind": ["along"] * n,
            "weight": 1.0,
            "k_required": k_req,
            "level": "observe",
            "cover_count": cover,
        },
        geometry=_g(pts),
    )
    cameras = gpd.GeoDataFrame(
        {
            "camera_id": ["CAM-001", "CAM-002", "CAM-003", "CAM-004"],
            "owner_id": ["o-7f3a01", "o-0b9c22", "o-51de03", "o-93aa04"],
            "owner_kind": ["household", "business", "household", "school"],
            "address": ["12/3 Lê Lợi", "12/9 Lê Lợi", "40/2 Lê Lợi", "40/15 Lê Lợi"],
            "heading_deg": [10.0, 180.0, 0.0, np.nan],
            "heading_min_deg": np.nan,
            "heading_max_deg": np.nan,
            "hfov_deg": [90.0, 100.0, 90.0, 80.0],
            "resolution_px": [1920, 2560, 1920, 1280],
            "mount_height_m": [3.0, 3.5, 3.0, 4.0],
            "tilt_deg": 15.0,
            "retention_days": [7, 14, 5, 30],
            "is_ip": [True, True, False, True],
            "participates": [True, True, True, False],
            "adjustable": ["yes", "yes", "no", "unknown"],
            "status": ["agreed", "agreed", "surveyed", "declined"],
            "stream_url": "",
        },
        geometry=_g(
            [
                shapely.Point(20, 53),
                shapely.Point(70, 47),
                shapely.Point(10, 103),
                shapely.Point(60, 97),
            ]
        ),
    )
    contacts = pd.DataFrame(
        {
            "owner_id": ["o-7f3a01", "o-0b9c22", "o-51de03", "o-93aa04"],
            "name": ["Nguyễn Văn An", "Trần Thị Bích", "Lê Hữu Phước", "Trường Tiểu học Mẫu"],
            "role": ["chủ hộ", "chủ cửa hàng", "chủ hộ", "hiệu trưởng"],
            "phone": ["+84905123456", "+84234382 1234".replace(" ", ""), "+84912000111", ""],
            "address": ["12/3 Lê Lợi", "12/9 Lê Lợi", "40/2 Lê Lợi", "40/15 Lê Lợi"],
        }
    )
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["S0007", "S0012", "S0020"],
            "kind": ["pole", "alley_end", "intersection"],
            "capacity": 2,
            "mount_height_m": 3.5,
            "building_id": None,
        },
        geometry=_g([shapely.Point(30, 52), shapely.Point(120, 50), shapely.Point(80, 100)]),
    )
    chosen = gpd.GeoDataFrame(
        {
            "pose_id": [101, 102, 103, 11, 12, 13],
            "source": ["new", "new", "new", "reaim", "reaim", "keep"],
            "camera_id": [None, None, None, "CAM-001", "CAM-002", "CAM-003"],
            "site_id": ["S0007", "S0012", "S0020", None, None, None],
            "heading_deg": [90.0, 270.0, 0.0, 90.0, 270.0, 0.0],
            "spec_id": ["bullet-2mp", "bullet-2mp", "dome-4mp", None, None, None],
            "hfov_deg": [90.0, 90.0, 100.0, 90.0, 100.0, 90.0],
            "vfov_deg": 50.0,
            "resolution_px": [1920, 1920, 2560, 1920, 2560, 1920],
            "mount_height_m": [3.5, 3.5, 3.5, 3.0, 3.5, 3.0],
            "tilt_deg": 15.0,
            "building_id": None,
            "cost": [1_200_000.0, 1_200_000.0, 1_900_000.0, 200_000.0, 200_000.0, 0.0],
            "route_id": [
                "kiet-12-le-loi",
                "kiet-12-le-loi",
                "kiet-40-le-loi",
                "kiet-12-le-loi",
                "kiet-12-le-loi",
                "kiet-40-le-loi",
            ],
            "phase": [1, 1, 2, 1, 1, 1],
        },
        geometry=_g(
            [
                shapely.Point(30, 52),
                shapely.Point(120, 50),
                shapely.Point(80, 100),
                shapely.Point(20, 53),
                shapely.Point(70, 47),
                shapely.Point(10, 103),
            ]
        ),
    ).set_index("pose_id", drop=False)
    catalogue = {
        "bullet-2mp": SimpleNamespace(
            spec_id="bullet-2mp", name="IP bullet 2 MP 4 mm", price_vnd=1_200_000.0
        ),
        "dome-4mp": SimpleNamespace(
            spec_id="dome-4mp", name="IP dome 4 MP 2.8 mm", price_vnd=1_900_000.0
        ),
    }
    return ToyPlan(
        area=area,
        targets=targets,
        chosen=chosen,
        cameras=cameras,
        contacts=contacts,
        sites=sites,
        catalogue=catalogue,
    )
