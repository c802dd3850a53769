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
minor_services : tuple[str, ...]
    ``service=*`` values of ``highway=service`` ways that are not routes by default:
    driveway, parking_aisle, drive-through, emergency_access (load with
    ``minor_ways=True`` to plan them). A way whose name says kiệt, hẻm or ngõ is a
    route whatever its service tag.
minor_footways : tuple[str, ...]
    ``footway=*`` values of paths that belong to a street (sidewalk, crossing): not
    routes of their own by default.
private_access : tuple[str, ...]
    ``access=*`` values that take a way off the plan by default (private, no).
park_kinds : tuple[str, ...]
    Open-space kinds a path may lie in to be a park path (park, garden, playground,
    common, recreation_ground, village_green, grass).
park_path_share : float
    A path (footway, path, steps, cycleway, ...) is a park path, not planned by
    default, when more than this share of its length (0.5) lies in park polygons.
stub_length_m : float
    A planned dead-end branch shorter than this (15 m) that touches exactly one
    other planned route is folded into that route; its dead end is a ``stub`` end,
    not an alley end that needs a camera.
route_width_m : dict[str, float]
    Route width by kind when OSM has neither ``width`` nor ``lanes``: street 8,
    alley 3.5, lane 2.5, path 2 m.
arterial_width_m : float
    The width of an arterial street without a width tag (14 m).
lane_width_m : float
    Width of one traffic lane, for ways tagged ``lanes`` but not ``width`` (3 m).
quality_footprint_m, quality_sample_m : float
    Map quality: a planned route is lined by buildings where a mapped footprint lies
    within 6 m of its centreline, tested every 5 m.
quality_good_share, quality_partial_share : float
    Map quality verdict: ``good`` when at least 60 % of the planned length is lined by
    mapped footprints, ``partial`` from 25 %, ``poor`` below (sight lines cross unmapped
    houses, so coverage is overstated).

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
corridor_margin_m : float
    Where the map lacks buildings, sight lines stay inside the route corridors
    (each route buffered by half its width) and mapped open space; they may pass
    this far outside (0.5 m of slack for widths and GPS). See
    ``covplan.geometry.visibility``.
corridor_snap_m : float
    A camera standing outside every corridor (a surveyed camera's GPS point on its
    house) looks out from the nearest point of a corridor within this distance (15 m).

Camera
------
dori_px_per_m : dict[str, float]
    IEC 62676-4 pixel densities on target: detect 25, observe 62.5,
    recognise 125, identify 250 px/m. The 2025 edition renames the levels;
    keep the numbers here.
default_level_by_kind : dict[str, str]
    The DORI level a plan asks for along each route kind: ``detect`` along alleys,
    branch alleys and paths, ``observe`` along streets. The ward's rule (IEC 62676-4
    levels): everyone entering or leaving an alley is seen at a high level at its
    mouths and dead ends (:data:`end_level`); along the alley it is enough to see
    that someone is there and where they go (detect, 25 px/m: "the presence of a
    person can be reliably determined"); on a street, with more people and
    vehicles, their clothing and actions (observe, 62.5 px/m: "characteristic
    details such as clothing"). Change it per kind, or per plan with
    ``PlanOptions(level_by_kind=...)``.
end_level : str
    The DORI level asked at alley ends and intersections (``"recognise"``, 125 px/m:
    "whether an individual is the same as someone seen before" — who enters or
    leaves).
retention_days : int
    Days of recording a new camera keeps (7), which sizes its storage card.
mount_height_m : float
    Default mounting height of a new camera on a pole (3.5 m).
tilt_deg : float
    Default downward tilt of a new camera (15°).

Optimisation
------------
reaim_cost_vnd : float
    Cost of asking an owner to re-aim a camera (a visit; 200 000 VND).
filler_preference_vnd : int
    Among plans with the fewest cameras and equal cost, the ward's rule prefers
    alley ends, junctions, bends and poles to filler positions mid-alley: each camera
    at a filler position weighs this much more in the optimiser (10 000 VND; a
    tie-break, never part of the bill).
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
alley_region : str or None
    Which region's word names an alley in the outputs: ``"central"`` (kiệt: Huế,
    Đà Nẵng), ``"south"`` (hẻm: Ho Chi Minh City), ``"north"`` (ngõ, ngách: Hà Nội);
    None (the default) decides it from where the ward lies
    (:func:`covplan.vocab.places.region_of`). ``covplan plan --region`` sets it.
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
corridor_margin_m: float = 0.5
corridor_snap_m: float = 15.0

dori_px_per_m: dict[str, float] = {
    "detect": 25.0,
    "observe": 62.5,
    "recognise": 125.0,
    "identify": 250.0,
}
default_level_by_kind: dict[str, str] = {
    "street": "observe",
    "alley": "detect",
    "lane": "detect",
    "path": "detect",
}
end_level: str = "recognise"
mount_height_m: float = 3.5
tilt_deg: float = 15.0
retention_days: int = 7

reaim_cost_vnd: float = 200_000.0
filler_preference_vnd: int = 10_000
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

# -- area realism (issue 12) --
minor_services: tuple[str, ...] = ("driveway", "parking_aisle", "drive-through", "emergency_access")
minor_footways: tuple[str, ...] = ("sidewalk", "crossing")
private_access: tuple[str, ...] = ("private", "no")
park_kinds: tuple[str, ...] = (
    "park",
    "garden",
    "playground",
    "common",
    "recreation_ground",
    "village_green",
    "grass",
)
park_path_share: float = 0.5
stub_length_m: float = 15.0
route_width_m: dict[str, float] = {"street": 8.0, "alley": 3.5, "lane": 2.5, "path": 2.0}
arterial_width_m: float = 14.0
lane_width_m: float = 3.0
quality_footprint_m: float = 6.0
quality_sample_m: float = 5.0
quality_good_share: float = 0.6
quality_partial_share: float = 0.25

lang: str = "vi"
alley_region: str | None = None
