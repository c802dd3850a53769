"""Every planning knob, once: :class:`PlanOptions`.

The command (``covplan plan``), :func:`covplan.plan.plan_ward`, the notebook explorer
and every notebook describe a plan by one :class:`PlanOptions`. Each stage of the
pipeline (targets → sites → poses → coverage → solve) depends on a few of its fields;
:meth:`PlanOptions.stage_key` names them, so the pipeline's cache rebuilds exactly the
stages whose knobs changed.

Defaults come from :mod:`covplan.settings` at the time an options object is made.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from covplan import settings
from covplan._errors import InputError
from covplan.camera.costs import CostModel, load_costs
from covplan.vocab.messages import message

__all__ = [
    "CAMERA_CLASSES",
    "LEVELS",
    "MAX_HEADINGS",
    "ROUTE_KINDS",
    "SOLVERS",
    "STAGES",
    "PlanOptions",
]

#: DORI levels, weakest first (IEC 62676-4).
LEVELS: tuple[str, ...] = ("detect", "observe", "recognise", "identify")
#: Route kinds a level can be asked for.
ROUTE_KINDS: tuple[str, ...] = ("street", "alley", "lane", "path")
#: ILP solvers covplan drives.
SOLVERS: tuple[str, ...] = ("highs", "cbc")
#: Camera classes new cameras are chosen from: ordinary 2 MP / 4 MP bullets and domes
#: (the ward's default: a 360° fisheye sees 3 m at the level asked at alley ends and
#: costs what two or three ordinary cameras do), or the whole catalogue.
CAMERA_CLASSES: tuple[str, ...] = ("ordinary", "all")
#: The most headings a camera is tried at (every 5°; a lens is never narrower than 10°).
MAX_HEADINGS = 72
#: The pipeline's stages, in order.
STAGES: tuple[str, ...] = ("targets", "sites", "poses", "coverage", "solve")

# the fields each stage reads itself (a stage also depends on the stages before it)
_STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "targets": ("spacing_m", "level_by_kind", "end_level", "k_at_ends"),
    "sites": ("site_spacing_m", "capacity"),
    "poses": ("headings", "specs", "hfov_deg", "camera_class", "retention_days", "costs"),
    "coverage": ("corridor", "near_zone"),
    "solve": (
        "budget_vnd",
        "phases",
        "pilot_group",
        "priority_routes",
        "pinned_sites",
        "forbidden_sites",
        "solver",
        "time_limit_s",
        "second_views",
        "allow_uncovered",
    ),
}
_STAGE_DEPS: dict[str, tuple[str, ...]] = {
    "targets": ("targets",),
    "sites": ("sites",),
    "poses": ("sites", "poses"),
    "coverage": ("targets", "sites", "poses", "coverage"),
    "solve": ("targets", "sites", "poses", "coverage", "solve"),
}


def _default_levels() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(settings.default_level_by_kind.items()))


def _frozen_levels(value: Mapping[str, str] | Iterable[tuple[str, str]] | str | None) -> Any:
    if value is None:
        return _default_levels()
    if isinstance(value, str):  # one level along every route kind
        return tuple(sorted((k, value) for k in ROUTE_KINDS))
    items = dict(value.items() if isinstance(value, Mapping) else value)
    return tuple(sorted({**dict(_default_levels()), **items}.items()))


@dataclass(frozen=True)
class PlanOptions:
    """The planning knobs of one plan (frozen, hashable).

    Parameters
    ----------
    spacing_m
        Target spacing along routes in metres.
    site_spacing_m
        Candidate-site spacing along routes in metres.
    headings
        Headings tried for new and re-aimed cameras (8: every 45°; at most
        :data:`MAX_HEADINGS`).
    specs
        Catalogue spec_ids new cameras may use (None: every spec).
    level_by_kind
        DORI level asked along each route kind (``street``, ``alley``, ``lane``,
        ``path``), as sorted ``(kind, level)`` pairs; the constructor also takes a
        mapping (kinds left out keep :data:`covplan.settings.default_level_by_kind`)
        or one level for every kind.
    end_level
        DORI level asked at alley ends and intersections (the route's ends).
    hfov_deg
        Override the horizontal FOV of new cameras (a hypothetical lens; the range
        follows from the resolution); None keeps each spec's own.
    k_at_ends
        Views asked at alley ends and intersections (2: one each way).
    capacity
        New cameras per candidate site (2: back to back on one pole).
    camera_class
        ``"ordinary"`` (2 MP / 4 MP bullets and domes, the default) or ``"all"`` (the
        whole catalogue, fisheyes included); see :data:`CAMERA_CLASSES`.
    retention_days
        Days of recording each new camera keeps (sizes its storage in the whole cost).
    costs
        The cost file (:func:`covplan.camera.costs.load_costs`: prices of cameras'
        parts and mounts, VND, each with its source); None: the one shipped.
    corridor
        Sight lines stay inside the route corridors and mapped open space (honest
        visibility where the map lacks buildings); False: only mapped buildings block.
    near_zone
        A target under a camera's mount is seen walking past it (see
        :func:`covplan.geometry.view.near_zone`); False: the dead zone sees nothing.
    budget_vnd
        Spend at most this many VND (whole cost): whole alleys are finished, highest
        priority first; None covers everything.
    phases
        Label the pilot alley, phase 1 (one or two whole alleys per residential group)
        and phase 2 (the rest) on the plan; earlier phases' cameras are kept.
    pilot_group
        The residential group whose shortest complete alley is the pilot (None: the
        cheapest complete alley of the ward).
    priority_routes
        Route ids, or residential-group ids (every route of the group), that come first
        in phases and budget plans: hot spots, the border areas the ward names
        (:func:`covplan.area.routes_in_zones` turns drawn zones into route ids).
    pinned_sites
        Site ids that must get a new camera.
    forbidden_sites
        Site ids that must not get one.
    solver
        ``"highs"`` or ``"cbc"``.
    time_limit_s
        Solver time limit in seconds (every stage of the solve together).
    second_views
        Last tie-break: most targets seen twice.
    allow_uncovered
        Plan around targets that no pose can see (reported as unseen) instead of
        raising :class:`covplan.InfeasibleCoverError`.

    Examples
    --------
    >>> from covplan.plan import PlanOptions
    >>> o = PlanOptions(headings=4, level_by_kind={"alley": "recognise"})
    >>> dict(o.level_by_kind)["alley"], o.with_level("detect").level
    ('recognise', 'detect')
    >>> dict(PlanOptions().with_level("recognise").level_by_kind)["street"]
    'recognise'
    """

    spacing_m: float = field(default_factory=lambda: float(settings.sample_spacing_m))
    site_spacing_m: float = field(default_factory=lambda: float(settings.site_spacing_m))
    headings: int = field(default_factory=lambda: int(settings.headings))
    specs: tuple[str, ...] | None = None
    level_by_kind: tuple[tuple[str, str], ...] = field(default_factory=_default_levels)
    end_level: str = field(default_factory=lambda: str(settings.end_level))
    hfov_deg: float | None = None
    k_at_ends: int = 1
    capacity: int = 2
    camera_class: str = "ordinary"
    retention_days: int = field(default_factory=lambda: int(settings.retention_days))
    costs: str | None = None
    corridor: bool = True
    near_zone: bool = True
    budget_vnd: int | None = None
    phases: bool = False
    pilot_group: str | None = None
    priority_routes: frozenset[str] = frozenset()
    pinned_sites: frozenset[str] = frozenset()
    forbidden_sites: frozenset[str] = frozenset()
    solver: str = field(default_factory=lambda: str(settings.solver))
    time_limit_s: float = field(default_factory=lambda: float(settings.time_limit_s))
    second_views: bool = True
    allow_uncovered: bool = True

    def __post_init__(self) -> None:
        # normalise the forms callers pass, so equal plans have equal options
        set_ = object.__setattr__
        set_(self, "level_by_kind", _frozen_levels(self.level_by_kind))
        if self.specs is not None:
            specs = (self.specs,) if isinstance(self.specs, str) else self.specs
            set_(self, "specs", tuple(sorted({str(s) for s in specs})))
        set_(self, "pinned_sites", frozenset(str(s) for s in self.pinned_sites))
        set_(self, "forbidden_sites", frozenset(str(s) for s in self.forbidden_sites))
        set_(self, "priority_routes", frozenset(str(s) for s in self.priority_routes))
        if self.costs is not None:
            set_(self, "costs", str(self.costs))
        if self.budget_vnd is not None and not isinstance(self.budget_vnd, bool):
            b = float(self.budget_vnd)
            if math.isfinite(b) and b == int(b):
                set_(self, "budget_vnd", int(b))
        self.validate()

    # ------------------------------------------------------------------ checks
    def validate(self) -> None:
        """Raise :class:`covplan.InputError` naming every knob with a bad value.

        Raises
        ------
        covplan.InputError
            One problem per bad knob, each saying what to write instead.
        """
        problems: list[str] = []

        def positive(name: str, value: Any, *, integer: bool = False) -> None:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = ok and math.isfinite(float(value)) and value > 0
            if ok and integer:
                ok = float(value) == int(value)
            if not ok:
                what = message("options.whole" if integer else "options.metres")
                if name == "time_limit_s":
                    what = message("options.seconds")
                problems.append(message("options.write", name=name, value=value, what=what))

        positive("spacing_m", self.spacing_m)
        positive("site_spacing_m", self.site_spacing_m)
        positive("headings", self.headings, integer=True)
        if isinstance(self.headings, int | float) and MAX_HEADINGS < self.headings < math.inf:
            problems.append(message("options.headings", value=self.headings, most=MAX_HEADINGS))
        positive("k_at_ends", self.k_at_ends, integer=True)
        positive("capacity", self.capacity, integer=True)
        positive("time_limit_s", self.time_limit_s)
        positive("retention_days", self.retention_days, integer=True)
        if self.camera_class not in CAMERA_CLASSES:
            problems.append(
                message(
                    "options.camera_class",
                    value=self.camera_class,
                    choices=", ".join(CAMERA_CLASSES),
                )
            )
        problems += self._level_problems()
        if self.hfov_deg is not None and not (0 < float(self.hfov_deg) <= 360):
            problems.append(message("options.hfov", value=self.hfov_deg))
        if self.budget_vnd is not None and not (
            isinstance(self.budget_vnd, int) and self.budget_vnd > 0
        ):
            problems.append(message("options.budget", value=self.budget_vnd))
        if self.solver not in SOLVERS:
            problems.append(
                message("options.solver", value=self.solver, choices=", ".join(SOLVERS))
            )
        both = sorted(self.pinned_sites & self.forbidden_sites)
        if both:
            problems.append(message("options.pinned_forbidden", sites=", ".join(both)))
        if problems:
            msg = message("options.bad_many") + "\n  - " + "\n  - ".join(problems)
            if len(problems) == 1:
                msg = message("options.bad_one", problem=problems[0])
            raise InputError(msg)

    def _level_problems(self) -> list[str]:
        problems = []
        for kind, level in self.level_by_kind:
            if kind not in ROUTE_KINDS:
                problems.append(
                    message("options.route_kind", kind=kind, kinds=", ".join(ROUTE_KINDS))
                )
            if level not in LEVELS:
                problems.append(
                    message("options.level_for", level=level, kind=kind, levels=", ".join(LEVELS))
                )
        if self.end_level not in LEVELS:
            problems.append(
                message("options.end_level", level=self.end_level, levels=", ".join(LEVELS))
            )
        return problems

    def check_specs(self, catalogue: Mapping[str, Any]) -> None:
        """Raise :class:`covplan.InputError` for spec ids the catalogue does not have.

        Parameters
        ----------
        catalogue
            Camera specs by spec_id.

        Raises
        ------
        covplan.InputError
            Naming each unknown spec and the known ones.
        """
        unknown = sorted(set(self.specs or ()) - set(catalogue))
        if unknown:
            msg = message(
                "options.unknown_spec",
                specs=", ".join(map(repr, unknown)),
                known=", ".join(sorted(catalogue)),
            )
            raise InputError(msg)

    def check_sites(self, site_ids: Iterable[str]) -> None:
        """Raise :class:`covplan.InputError` for pinned or forbidden sites that do not exist.

        Parameters
        ----------
        site_ids
            The candidate sites of the area at these options.

        Raises
        ------
        covplan.InputError
            Naming each unknown site and what site ids look like.
        """
        known = set(site_ids)
        unknown = sorted((self.pinned_sites | self.forbidden_sites) - known)
        if unknown:
            sample = ", ".join(sorted(known)[:3])
            msg = message(
                "options.unknown_site",
                sites=", ".join(map(repr, unknown)),
                spacing=self.site_spacing_m,
                sample=sample,
            )
            raise InputError(msg)

    # ------------------------------------------------------------------ views
    @property
    def level(self) -> str:
        """The level asked along alleys (the explorer's single DORI knob)."""
        return dict(self.level_by_kind).get("alley", "detect")

    def with_level(self, level: str) -> PlanOptions:
        """Return these options asking ``level`` along alleys, branch alleys and paths.

        Streets ask :data:`covplan.settings.default_level_by_kind`'s street level or
        ``level``, whichever is higher (a street is never watched less closely than the
        alleys off it); the ends keep :attr:`end_level`.

        Parameters
        ----------
        level
            One of :data:`LEVELS`.

        Returns
        -------
        PlanOptions
        """
        rank = {lv: i for i, lv in enumerate(LEVELS)}
        if level not in rank:
            raise InputError(message("options.level", level=level, levels=", ".join(LEVELS)))
        street = str(settings.default_level_by_kind.get("street", level))
        levels = {kind: level for kind in ROUTE_KINDS}
        levels["street"] = street if rank.get(street, 0) > rank[level] else level
        return replace(self, level_by_kind=tuple(sorted(levels.items())))

    def with_site(self, site_id: str, state: str | None) -> PlanOptions:
        """Return these options with ``site_id`` pinned, forbidden or neither.

        Parameters
        ----------
        site_id
            A candidate site.
        state
            ``"pin"`` (must get a new camera), ``"forbid"`` (must not) or None (free).

        Returns
        -------
        PlanOptions
            A site is never both pinned and forbidden: setting one clears the other.
        """
        if state not in ("pin", "forbid", None):
            msg = message("options.site_state", state=state)
            raise InputError(msg)
        pinned = self.pinned_sites - {site_id}
        forbidden = self.forbidden_sites - {site_id}
        return replace(
            self,
            pinned_sites=pinned | ({site_id} if state == "pin" else set()),
            forbidden_sites=forbidden | ({site_id} if state == "forbid" else set()),
        )

    def replace(self, **changes: Any) -> PlanOptions:
        """Return a copy with ``changes`` (field names as keywords), validated.

        Raises
        ------
        covplan.InputError
            For a keyword that is no planning option, or a bad value.
        """
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            msg = message(
                "options.unknown_option",
                names=", ".join(unknown),
                options=", ".join(sorted(names)),
            )
            raise InputError(msg)
        return replace(self, **changes)

    def stage_key(self, stage: str) -> tuple[Any, ...]:
        """Return the knobs ``stage`` (one of :data:`STAGES`) and the stages before it read.

        Parameters
        ----------
        stage
            ``targets``, ``sites``, ``poses``, ``coverage`` or ``solve``.

        Returns
        -------
        tuple
            Hashable; equal keys mean the stage's result can be reused.
        """
        return tuple(
            (name, getattr(self, name)) for dep in _STAGE_DEPS[stage] for name in _STAGE_FIELDS[dep]
        )

    def cost_model(self) -> CostModel:
        """Return the cost model these options price a plan with.

        Returns
        -------
        covplan.camera.costs.CostModel
            The cost file :attr:`costs` (default: the shipped one) at
            :attr:`retention_days`.
        """
        return load_costs(self.costs).with_retention(int(self.retention_days))

    def as_dict(self) -> dict[str, Any]:
        """Return the options as plain JSON-ready values (for ``summary.json``)."""
        out = asdict(self)
        out["level_by_kind"] = dict(self.level_by_kind)
        out["specs"] = None if self.specs is None else list(self.specs)
        out["pinned_sites"] = sorted(self.pinned_sites)
        out["forbidden_sites"] = sorted(self.forbidden_sites)
        out["priority_routes"] = sorted(self.priority_routes)
        return out
