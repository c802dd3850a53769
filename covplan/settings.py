"""Typed defaults for covplan, documented in one place.

Change a value by assigning to it (``covplan.settings.sample_spacing_m = 10``);
functions read the module at call time, and every function that uses a default
also takes it as a keyword argument.

Area
----
planned_kinds : tuple[str, ...]
    Route kinds a plan covers by default: ``("alley", "lane", "path")`` — the
    ward's plan is about kiệt, hẻm and ngõ; arterial streets are off by default
    (add ``"street"`` to plan for them).
utm_epsg : int
    The projected metric CRS used when an area cannot tell its own: 32648
    (UTM 48N, Huế and Ho Chi Minh City).
vn2000_epsg : int
    VN-2000 / TM-3 107°00' (EPSG:9214), offered for exchange with official maps.

Geometry
--------
sample_spacing_m : float
    Distance between targets along a route (5 m).
site_spacing_m : float
    Distance between candidate sites along a route (10 m).
headings : int
    Number of headings tried for a new or re-aimed camera (8: every 45°).
sliver_tolerance_m : float
    Mapping slivers: OSM building footprints overlap alleys by a metre or two.
    A sight line may cross this much of a footprint near either end, and a
    target lying within this distance of a footprint's edge is moved to the
    nearest outside point (1.5 m).

Camera
------
dori_px_per_m : dict[str, float]
    IEC 62676-4 pixel densities on target: detect 25, observe 62.5,
    recognise 125, identify 250 px/m. The 2025 edition renames the levels;
    keep the numbers here.
default_level_by_kind : dict[str, str]
    The DORI level a plan asks for along each route kind.
end_level : str
    The DORI level asked at alley ends and intersections (``"recognise"``:
    who enters or leaves).
mount_height_m : float
    Default mounting height of a new camera on a pole (3.5 m).
tilt_deg : float
    Default downward tilt of a new camera (15°).

Optimisation
------------
reaim_cost_vnd : float
    Cost of asking an owner to re-aim a camera (a visit; 200 000 VND).
time_limit_s : float
    Default solver time limit (60 s).
solver : str
    Default solver, ``"highs"`` or ``"cbc"``.

Capture and quality
-------------------
open_timeout_s, read_timeout_s : float
    Stream open and per-frame read timeouts (5 s each): never OpenCV's 30 s.
max_frames : int
    Frames read per check by default (50).

Language
--------
lang : str
    ``"vi"`` or ``"en"`` for headers, labels and summaries.
"""

from __future__ import annotations

planned_kinds: tuple[str, ...] = ("alley", "lane", "path")
utm_epsg: int = 32648
vn2000_epsg: int = 9214

sample_spacing_m: float = 5.0
site_spacing_m: float = 10.0
headings: int = 8
sliver_tolerance_m: float = 1.5

dori_px_per_m: dict[str, float] = {
    "detect": 25.0,
    "observe": 62.5,
    "recognise": 125.0,
    "identify": 250.0,
}
default_level_by_kind: dict[str, str] = {
    "street": "observe",
    "alley": "observe",
    "lane": "observe",
    "path": "observe",
}
end_level: str = "recognise"
mount_height_m: float = 3.5
tilt_deg: float = 15.0

reaim_cost_vnd: float = 200_000.0
time_limit_s: float = 60.0
solver: str = "highs"

open_timeout_s: float = 5.0
read_timeout_s: float = 5.0
max_frames: int = 50

lang: str = "vi"
