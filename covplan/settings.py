"""Typed defaults for covplan, documented in one place.

Change a value by assigning to it (``covplan.settings.sample_spacing_m = 10``);
functions read the module at call time, and every function that uses a default
also takes it as a keyword argument.

Area
----
planned_kinds : tuple[str, ...]
    Route kinds a plan covers by default: all four (street, alley, lane, path).
    Arterial streets (primary, secondary, tertiary, ...) are off unless an area
    is loaded with ``arterials=True``: the ward's plan is about its own streets
    and its kiệt, hẻm and ngõ.
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
    A sight line is blocked only where it goes deeper than this into a
    footprint (touching footprints are dissolved into blocks first, then
    eroded by this much), so cameras and targets within this distance of a
    footprint's edge still see and are seen (1.5 m; 0 = the plain test).
    See ``covplan.geometry.visibility``.
pole_distance_m : float
    Poles and street lamps farther than this from a planned route are not
    candidate sites (20 m).

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
quality_osd_bands : tuple[float, float]
    Top and bottom fractions of the picture where recorders burn in the clock and
    camera name, left out of the frozen-feed and camera-moved checks (0.16, 0.08).
quality_black_max, quality_structure_min : float
    Covered or black lens: mean grey below 12, or coarse structure (mean gradient
    of an 80-pixel-wide copy over its mean) below 0.1 (a live street shows 0.2+).
quality_brightness_min, quality_brightness_max : float
    Exposure: mean grey level allowed without a reference (40–220).
quality_brightness_ratio_min : float
    With a reference: the mean may fall to 0.45× (or rise to 1/0.45×) the reference's.
quality_contrast_min, quality_contrast_ratio_min : float
    Washed out: grey standard deviation below 8, or below 0.4× the reference's.
quality_sharpness_norm_min, quality_sharpness_ratio_min : float
    Blur: variance of the Laplacian over the grey variance below 0.03 (a Gaussian
    blur of σ 1.5 px on the real clips), or below 0.25× the reference's.
quality_ir_saturation_max : float
    Night/IR mode when the mean HSV saturation is below 3.
quality_frozen_delta, quality_frozen_share_max : float
    Frozen feed: no more than 0.002 % of the (unmasked) pixels changed by more than
    12 grey levels against the first frame of the clip.
quality_orb_features, quality_orb_ratio, quality_min_inliers : int, float, int
    Camera-moved check: 1500 ORB features, Lowe ratio 0.75, at least 12 matches.
quality_moved_shift_frac, quality_moved_rotation_deg, quality_moved_scale : float
    Moved when the picture centre shifted more than 2 % of the width, rotated more
    than 1.5°, or zoomed more than 5 %.
verify_min_in_frame, verify_min_in_motion : float
    Verification passes when at least 80 % of the camera's route targets project
    into the picture and at least 50 % of those fall where motion was seen.
verify_motion_min_heat : float
    A pixel is "moving" when it was foreground in at least 2 % of the frames.
verify_motion_radius_frac : float
    A target counts as in a moving area when motion was seen within this fraction of
    the picture width around it (0.02).
verify_min_motion_share : float
    Below this share of moving pixels (0.05 %) the clip shows no traffic and the
    route cannot be confirmed.

Survey
------
survey_max_gps_error_m : float
    Coarsest GPS accuracy accepted for a surveyed camera's point (25 m); a
    KoboToolbox/ODK geopoint with a larger accuracy figure is a problem.

Language
--------
lang : str
    ``"vi"`` or ``"en"`` for headers, labels and summaries.
"""

from __future__ import annotations

planned_kinds: tuple[str, ...] = ("street", "alley", "lane", "path")
utm_epsg: int = 32648
vn2000_epsg: int = 9214

sample_spacing_m: float = 5.0
site_spacing_m: float = 10.0
headings: int = 8
sliver_tolerance_m: float = 1.5
pole_distance_m: float = 20.0  # geometry (issue 3)

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

# -- camera capture, quality, verify (issue 7) --
quality_osd_bands: tuple[float, float] = (0.16, 0.08)
quality_black_max: float = 12.0
quality_structure_min: float = 0.1
quality_brightness_min: float = 40.0
quality_brightness_max: float = 220.0
quality_brightness_ratio_min: float = 0.45
quality_contrast_min: float = 8.0
quality_contrast_ratio_min: float = 0.4
quality_sharpness_norm_min: float = 0.03
quality_sharpness_ratio_min: float = 0.25
quality_ir_saturation_max: float = 3.0
quality_frozen_delta: float = 12.0
quality_frozen_share_max: float = 2e-5
quality_orb_features: int = 1500
quality_orb_ratio: float = 0.75
quality_min_inliers: int = 12
quality_moved_shift_frac: float = 0.02
quality_moved_rotation_deg: float = 1.5
quality_moved_scale: float = 0.05
verify_min_in_frame: float = 0.8
verify_min_in_motion: float = 0.5
verify_motion_min_heat: float = 0.02
verify_motion_radius_frac: float = 0.02
verify_min_motion_share: float = 0.0005

# -- survey (issue 4) --
survey_max_gps_error_m: float = 25.0

lang: str = "vi"
