"""The whole cost of a plan: what a ward pays for each new camera, itemised in whole VND.

A plan's bill is more than camera prices. Each new camera hangs on a **mount** (an existing
power pole, a street lamp, a house wall, the gate of an agency, or a new steel pole), paid
once per site; a mount holds ``capacity`` cameras (two cameras back to back on one pole are
one mount) and needs someone's agreement (the household, the power company, the agency, the
ward). Each camera then adds its own parts: the camera, cable (metres per mount kind), power
(PoE injector or 12 V adapter), installation labour, storage (the cheapest microSD card that
holds the retention at the camera's bitrate, or a share of a recorder when no card does),
and connectivity (joining the household's Wi-Fi, or a 4G router and SIM). Re-aiming an
existing camera is a visit. Recurring costs (SIM data, electricity) are reported per month,
apart from the one-off bill.

Every number lives in an editable CSV (``covplan/camera/costs.csv``), one number a row,
each with its source: they are estimates (HCMC, Dec 2025), to be replaced by quotes.
Money is always a Python ``int`` of VND; a price with decimals is refused.

Examples
--------
>>> from covplan.camera import load_catalogue
>>> costs = load_costs()
>>> spec = load_catalogue()["bullet-2mp-6"]
>>> costs.mount_cost_vnd("wall") + costs.pose_cost_vnd(spec, "wall")
2350000
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from covplan import vocab
from covplan._errors import InputError, Problem
from covplan.camera.spec import CameraSpec, load_catalogue

logger = logging.getLogger(__name__)

__all__ = [
    "CAMERA_PARTS",
    "CONNECTIVITY_KINDS",
    "CONSENTS",
    "COSTS_PATH",
    "MOUNT_KINDS",
    "PARTS",
    "POWER_KINDS",
    "CostModel",
    "MountCost",
    "StorageChoice",
    "load_costs",
]

COSTS_PATH = Path(__file__).with_name("costs.csv")

#: The parts of a bill, in the order it is printed.
PARTS: tuple[str, ...] = (
    "camera",
    "mount",
    "cable",
    "power",
    "labour",
    "storage",
    "connectivity",
    "reaim",
)
#: The parts each camera adds at a site (everything but the mount and re-aim visits).
CAMERA_PARTS: tuple[str, ...] = ("camera", "cable", "power", "labour", "storage", "connectivity")
#: Where a new camera can hang.
MOUNT_KINDS: tuple[str, ...] = ("pole", "street_lamp", "wall", "gate", "new_pole")
#: Who must agree to a mount (``none``: nobody).
CONSENTS: tuple[str, ...] = ("household", "power_company", "agency", "ward", "none")
#: How a camera reaches the internet.
CONNECTIVITY_KINDS: tuple[str, ...] = ("wifi", "4g")
#: How a camera is powered.
POWER_KINDS: tuple[str, ...] = ("poe", "adapter")

_UNITS = {
    "camera": "camera",
    "mount": "mount",
    "cable": "m",
    "power": "item",
    "labour": "camera",
    "storage": "item",
    "connectivity": "camera",
    "reaim": "visit",
}
_COLUMNS = ("part", "kind", "item", "value", "unit", "source", "notes")
_REQUIRED = ("part", "kind", "item", "value", "source")
_MOUNT_ITEMS = (
    "hardware_vnd",
    "labour_vnd",
    "capacity",
    "cable_m",
    "power",
    "connectivity",
    "consent",
)
_BYTES_PER_S_PER_KBPS = 125
_SECONDS_PER_DAY = 86_400
_GB = 10**9
_TB = 10**12


@dataclass(frozen=True)
class _Item:
    """What one (part, item) pair of the cost file holds: its kind rule and value rule."""

    kind: str  # "mount", "power", "connectivity", "gb", "mp" or "" (no kind)
    value: str  # "int" or the name of an enumeration
    low: int = 0
    high: int | None = None


_ITEMS: dict[tuple[str, str], _Item] = {
    **{("mount", i): _Item("mount", "int") for i in ("hardware_vnd", "labour_vnd", "cable_m")},
    ("mount", "capacity"): _Item("mount", "int", low=1),
    ("mount", "power"): _Item("mount", "power"),
    ("mount", "connectivity"): _Item("mount", "connectivity"),
    ("mount", "consent"): _Item("mount", "consent"),
    ("cable", "vnd_per_m"): _Item("", "int"),
    ("power", "vnd"): _Item("power", "int"),
    ("power", "electricity_monthly_vnd"): _Item("", "int"),
    ("labour", "camera_vnd"): _Item("", "int"),
    ("storage", "card_vnd"): _Item("gb", "int"),
    ("storage", "bitrate_kbps"): _Item("mp", "int", low=1),
    ("storage", "usable_pct"): _Item("", "int", low=1, high=100),
    ("storage", "retention_days"): _Item("", "int", low=1),
    ("storage", "recorder_channel_vnd"): _Item("", "int"),
    ("storage", "disk_vnd_per_tb"): _Item("", "int"),
    ("connectivity", "setup_vnd"): _Item("connectivity", "int"),
    ("connectivity", "monthly_vnd"): _Item("connectivity", "int"),
    ("reaim", "visit_vnd"): _Item("", "int"),
}
_ENUMS: dict[str, tuple[str, ...]] = {
    "mount": MOUNT_KINDS,
    "power": POWER_KINDS,
    "connectivity": CONNECTIVITY_KINDS,
    "consent": CONSENTS,
}
_KIND_PATTERNS = {"gb": re.compile(r"(\d+)\s*gb"), "mp": re.compile(r"(\d+)\s*mp")}
_KIND_EXAMPLES = {"gb": "a card size such as 128gb", "mp": "a resolution class such as 4mp"}
_PLAIN_INT = re.compile(r"-?\d+")
_GROUPED_INT = re.compile(r"-?\d{1,3}(?P<sep>[.,_ ])\d{3}(?:(?P=sep)\d{3})*")

Key = tuple[str, str, str]  # (part, kind, item)


@dataclass(frozen=True)
class MountCost:
    """What one mount of a kind costs and needs.

    Parameters
    ----------
    kind
        One of :data:`MOUNT_KINDS`.
    hardware_vnd
        Bracket, clamps, junction box (a new pole: the pole and its footing), VND.
    labour_vnd
        Labour to put the mount up, VND.
    capacity
        Cameras one mount holds (two back to back on one pole: 2).
    cable_m
        Metres of cable each camera on this kind of mount runs to power and network.
    power
        ``"poe"`` or ``"adapter"``: how each camera is powered.
    connectivity
        ``"wifi"`` (the household's router) or ``"4g"`` (a 4G router and SIM), the default
        for cameras on this kind of mount.
    consent
        Who must agree: one of :data:`CONSENTS`.
    """

    kind: str
    hardware_vnd: int
    labour_vnd: int
    capacity: int
    cable_m: int
    power: str
    connectivity: str
    consent: str

    @property
    def needs_consent(self) -> bool:
        """Whether somebody must agree before the mount goes up."""
        return self.consent != "none"

    @property
    def total_vnd(self) -> int:
        """Hardware plus labour: what one mount costs, paid once per site."""
        return self.hardware_vnd + self.labour_vnd

    def label(self, lang: str = "vi") -> str:
        """Return the mount kind's name in ``lang`` (``"cột thép mới"``)."""
        return vocab.cost_label("mount_kind", self.kind, lang)

    def consent_label(self, lang: str = "vi") -> str:
        """Return who must agree, in ``lang`` (``"hộ gia đình"``)."""
        return vocab.cost_label("consent", self.consent, lang)


@dataclass(frozen=True)
class StorageChoice:
    """The storage one camera needs for the retention asked.

    Parameters
    ----------
    need_bytes
        Bytes of footage for the retention at the camera's bitrate.
    card_gb
        The microSD card chosen, or ``None`` when no card holds it (a recorder is needed).
    vnd
        The card's price, or the camera's share of a recorder (a channel and hard disk).
    retention_days
        The retention asked.
    largest_card_gb
        The largest card in the cost file.
    """

    need_bytes: int
    card_gb: int | None
    vnd: int
    retention_days: int
    largest_card_gb: int

    @property
    def needs_recorder(self) -> bool:
        """Whether the footage is more than the largest card holds."""
        return self.card_gb is None

    @property
    def need_gb(self) -> int:
        """The footage in whole GB (10^9 bytes), rounded up."""
        return -(-self.need_bytes // _GB)

    def note(self, lang: str = "vi") -> str:
        """Say what was chosen: ``"thẻ nhớ 256 GB"`` or why a recorder is needed."""
        if self.card_gb is not None:
            return vocab.cost_label("text", "card", lang, gb=self.card_gb)
        return vocab.cost_label(
            "text",
            "recorder",
            lang,
            gb=self.need_gb,
            days=self.retention_days,
            max_gb=self.largest_card_gb,
        )


@dataclass(frozen=True)
class _PlanRow:
    site_id: str
    mount_kind: str
    connectivity: str
    spec: CameraSpec | None


@dataclass
class _Tally:
    """Running sums of a bill: VND, quantity and note phrases per part."""

    vnd: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    quantity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    notes: dict[str, Counter[str]] = field(default_factory=lambda: {p: Counter() for p in PARTS})
    text: dict[str, str] = field(default_factory=dict)

    def add(self, part: str, vnd: int, quantity: int, note: str = "", count: int = 1) -> None:
        """Add to a part; ``note`` is counted ``count`` times (cameras or mounts)."""
        self.vnd[part] += vnd
        self.quantity[part] += quantity
        if note:
            self.notes[part][note] += count

    def note(self, part: str) -> str:
        if part in self.text:
            return self.text[part]
        return ", ".join(f"{n} × {phrase}" for phrase, n in self.notes[part].items())


@dataclass(frozen=True)
class CostModel:
    """The editable prices of a whole plan, read from the cost file by :func:`load_costs`.

    Parameters
    ----------
    mounts
        :class:`MountCost` by mount kind.
    cable_vnd_per_m
        Cable (with clips, conduit, plugs), VND per metre.
    power_vnd
        A PoE injector and a 12 V adapter, VND by power kind.
    electricity_monthly_vnd
        One camera's electricity, VND per month.
    labour_vnd
        Installing and configuring one camera, VND.
    cards_vnd
        microSD card prices, VND by size in GB.
    bitrate_kbps
        Continuous recording bitrate, kbps by resolution class in megapixels.
    usable_pct
        Percent of a card's (or disk's) nominal size the footage can fill.
    retention_days
        Days of footage each camera keeps (default 7; see :meth:`with_retention`).
    recorder_channel_vnd
        A camera's share of a recorder (NVR) when no card holds its footage, VND.
    disk_vnd_per_tb
        Recorder hard disk, VND per TB of footage.
    setup_vnd
        One-off connectivity set-up per camera, VND by connectivity kind.
    monthly_vnd_by_connectivity
        Recurring connectivity per camera, VND per month by connectivity kind.
    reaim_vnd
        One visit to re-aim an existing camera, VND.
    sources
        Where each number comes from, keyed ``"part/kind/item"``.
    path
        The file read.
    """

    mounts: Mapping[str, MountCost]
    cable_vnd_per_m: int
    power_vnd: Mapping[str, int]
    electricity_monthly_vnd: int
    labour_vnd: int
    cards_vnd: Mapping[int, int]
    bitrate_kbps: Mapping[int, int]
    usable_pct: int
    retention_days: int
    recorder_channel_vnd: int
    disk_vnd_per_tb: int
    setup_vnd: Mapping[str, int]
    monthly_vnd_by_connectivity: Mapping[str, int]
    reaim_vnd: int
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    path: Path | None = field(default=None, compare=False)

    # ---- one mount, one camera

    def mount(self, kind: str) -> MountCost:
        """Return the costs and needs of a mount kind.

        Parameters
        ----------
        kind
            One of :data:`MOUNT_KINDS`.

        Returns
        -------
        MountCost
            Hardware, labour, capacity, consent, cable metres, power and connectivity.

        Raises
        ------
        InputError
            When the kind is not a mount kind.
        """
        found = self.mounts.get(kind)
        if found is None:
            msg = f"is not a mount kind; use one of {', '.join(MOUNT_KINDS)}"
            raise InputError(msg, column="mount_kind", value=kind)
        return found

    def mount_cost_vnd(self, kind: str) -> int:
        """Return what one mount of a kind costs (hardware + labour), paid once per used site.

        Parameters
        ----------
        kind
            One of :data:`MOUNT_KINDS`.

        Returns
        -------
        int
            VND.
        """
        return self.mount(kind).total_vnd

    def with_retention(self, days: int) -> CostModel:
        """Return the same prices with another retention.

        Parameters
        ----------
        days
            Whole days of footage each camera keeps (at least 1).

        Returns
        -------
        CostModel
            A copy; this model is unchanged.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            msg = "retention must be a whole number of days, at least 1, e.g. 7 or 30"
            raise InputError(msg, column="retention_days", value=days)
        return replace(self, retention_days=days)

    def camera_bitrate_kbps(self, spec: CameraSpec) -> int:
        """Return the recording bitrate of a camera: its resolution class's, from the file.

        The class is the one nearest the camera's megapixels (``width × height / 10^6``):
        1920×1080 is 2 MP, 2560×1440 and a 2048×2048 fisheye are 4 MP.

        Parameters
        ----------
        spec
            The camera.

        Returns
        -------
        int
            kbps.
        """
        pixels = spec.resolution_px * spec.resolution_v_px
        mp = min(self.bitrate_kbps, key=lambda c: (abs(pixels - c * 10**6), -c))
        return self.bitrate_kbps[mp]

    def storage(self, spec: CameraSpec) -> StorageChoice:
        """Choose the cheapest microSD card that holds the retention, or a recorder share.

        Footage is ``bitrate × retention`` (continuous recording); a card holds
        ``usable_pct`` of its nominal size. When no card holds it, the camera records to
        a recorder: a channel of an NVR plus its share of hard disk.

        Parameters
        ----------
        spec
            The camera (its resolution decides the bitrate).

        Returns
        -------
        StorageChoice
            The card (or recorder) and its price.
        """
        kbps = self.camera_bitrate_kbps(spec)
        need = kbps * _BYTES_PER_S_PER_KBPS * _SECONDS_PER_DAY * self.retention_days
        fits = [gb for gb in self.cards_vnd if gb * _GB * self.usable_pct >= need * 100]
        largest = max(self.cards_vnd)
        if fits:
            card = min(fits, key=lambda gb: (self.cards_vnd[gb], gb))
            return StorageChoice(need, card, self.cards_vnd[card], self.retention_days, largest)
        disk = -(-need * 100 * self.disk_vnd_per_tb // (self.usable_pct * _TB))
        vnd = self.recorder_channel_vnd + disk
        return StorageChoice(need, None, vnd, self.retention_days, largest)

    def camera_parts(
        self, spec: CameraSpec, mount_kind: str, *, connectivity: str | None = None
    ) -> dict[str, int]:
        """Return what one camera adds at a site, by part (the mount is paid per site).

        Parameters
        ----------
        spec
            The camera.
        mount_kind
            One of :data:`MOUNT_KINDS` (decides cable metres, power and connectivity).
        connectivity
            ``"wifi"`` or ``"4g"``; default the mount kind's (a lamp with no household
            nearby: ``"4g"``).

        Returns
        -------
        dict[str, int]
            VND for each of :data:`CAMERA_PARTS`: camera, cable, power, labour, storage,
            connectivity.
        """
        mount = self.mount(mount_kind)
        conn = _check_connectivity(mount.connectivity if connectivity is None else connectivity)
        return {
            "camera": _camera_vnd(spec),
            "cable": mount.cable_m * self.cable_vnd_per_m,
            "power": self.power_vnd[mount.power],
            "labour": self.labour_vnd,
            "storage": self.storage(spec).vnd,
            "connectivity": self.setup_vnd[conn],
        }

    def pose_cost_vnd(
        self, spec: CameraSpec, mount_kind: str, *, connectivity: str | None = None
    ) -> int:
        """Return the one-off VND one camera adds at a site (all its parts but the mount).

        Parameters
        ----------
        spec, mount_kind, connectivity
            As for :meth:`camera_parts`.

        Returns
        -------
        int
            The sum of :meth:`camera_parts`.
        """
        return sum(self.camera_parts(spec, mount_kind, connectivity=connectivity).values())

    # ---- a whole plan

    def itemise(
        self,
        cameras: pd.DataFrame,
        *,
        catalogue: Mapping[str, CameraSpec] | None = None,
        reaims: int = 0,
        lang: str = "vi",
    ) -> pd.DataFrame:
        """Return the one-off bill of a plan, by part.

        Parameters
        ----------
        cameras
            One row per planned new camera, with columns ``site_id``, ``mount_kind`` and
            ``spec_id``, and optionally ``connectivity`` (``wifi``/``4g``; empty: the
            mount kind's). Cameras at one site share its mounts: ``ceil(cameras /
            capacity)`` of them.
        catalogue
            Specs by ``spec_id``; default the shipped catalogue.
        reaims
            Existing cameras to re-aim (one visit each).
        lang
            Language of the notes, ``"vi"`` or ``"en"``.

        Returns
        -------
        pandas.DataFrame
            One row per part of :data:`PARTS` with columns ``part``, ``label_vi``,
            ``label_en``, ``quantity`` (cameras, mounts, metres, items or visits, see
            ``unit``), ``unit``, ``vnd`` (int64), ``share`` (of the total) and ``note``.
            ``attrs`` holds ``total_vnd`` (an int, the sum of ``vnd``), ``monthly_vnd``
            and ``retention_days``.

        Raises
        ------
        InputError
            Naming every bad row: a missing column, an unknown mount kind, spec or
            connectivity, a site with two mount kinds.
        """
        vocab.cost_label("text", "total", lang)  # checks the language
        if isinstance(reaims, bool) or not isinstance(reaims, int) or reaims < 0:
            raise InputError("re-aims must be a whole number, 0 or more", value=reaims)
        rows = self._plan_rows(cameras, catalogue if catalogue is not None else load_catalogue())
        tally = _Tally()
        for row in rows:
            self._add_camera(tally, row, lang)
        for kind, n in _mounts_needed(rows, self).items():
            mount = self.mount(kind)
            who = vocab.cost_label("text", "must_agree", lang, who=mount.consent_label(lang))
            note = mount.label(lang) + (f" ({who})" if mount.needs_consent else "")
            tally.add("mount", n * mount.total_vnd, n, note, count=n)
        if reaims:
            visit = vocab.format_vnd(self.reaim_vnd, lang)
            tally.add("reaim", reaims * self.reaim_vnd, reaims)
            tally.text["reaim"] = vocab.cost_label("text", "visits", lang, n=reaims, vnd=visit)
        return self._bill(tally, monthly=self._monthly(rows))

    def monthly_parts(self, cameras: pd.DataFrame) -> dict[str, int]:
        """Return a plan's recurring costs per month, by part.

        Parameters
        ----------
        cameras
            As for :meth:`itemise` (``spec_id`` is not needed).

        Returns
        -------
        dict[str, int]
            VND per month: ``connectivity`` (SIM data of 4G cameras) and ``electricity``
            (paid by whoever gives each camera its power).
        """
        return self._monthly(self._plan_rows(cameras, None))

    def monthly_vnd(self, cameras: pd.DataFrame) -> int:
        """Return a plan's recurring cost, VND per month (SIM data and electricity).

        Parameters
        ----------
        cameras
            As for :meth:`itemise` (``spec_id`` is not needed).

        Returns
        -------
        int
            The sum of :meth:`monthly_parts`.
        """
        return sum(self.monthly_parts(cameras).values())

    # ---- helpers

    def _add_camera(self, tally: _Tally, row: _PlanRow, lang: str) -> None:
        assert row.spec is not None
        mount = self.mount(row.mount_kind)
        parts = self.camera_parts(row.spec, row.mount_kind, connectivity=row.connectivity)
        tally.add("camera", parts["camera"], 1, row.spec.spec_id)
        tally.add("cable", parts["cable"], mount.cable_m, f"{mount.cable_m} m")
        tally.add("power", parts["power"], 1, vocab.cost_label("power", mount.power, lang))
        tally.add("labour", parts["labour"], 1)
        tally.add("storage", parts["storage"], 1, self.storage(row.spec).note(lang))
        conn = vocab.cost_label("connectivity", row.connectivity, lang)
        tally.add("connectivity", parts["connectivity"], 1, conn)

    def _monthly(self, rows: Iterable[_PlanRow]) -> dict[str, int]:
        out = {"connectivity": 0, "electricity": 0}
        for row in rows:
            out["connectivity"] += self.monthly_vnd_by_connectivity[row.connectivity]
            out["electricity"] += self.electricity_monthly_vnd
        return out

    def _bill(self, tally: _Tally, *, monthly: Mapping[str, int]) -> pd.DataFrame:
        total = sum(tally.vnd.values())
        bill = pd.DataFrame(
            {
                "part": list(PARTS),
                "label_vi": [vocab.cost_label("part", p, "vi") for p in PARTS],
                "label_en": [vocab.cost_label("part", p, "en") for p in PARTS],
                "quantity": pd.Series([tally.quantity[p] for p in PARTS], dtype="int64"),
                "unit": [_UNITS[p] for p in PARTS],
                "vnd": pd.Series([tally.vnd[p] for p in PARTS], dtype="int64"),
                "share": [tally.vnd[p] / total if total else 0.0 for p in PARTS],
                "note": [tally.note(p) for p in PARTS],
            }
        )
        bill.attrs["total_vnd"] = int(total)
        bill.attrs["monthly_vnd"] = int(sum(monthly.values()))
        bill.attrs["retention_days"] = self.retention_days
        return bill

    def _plan_rows(
        self, cameras: pd.DataFrame, catalogue: Mapping[str, CameraSpec] | None
    ) -> list[_PlanRow]:
        needed = ("site_id", "mount_kind") + (("spec_id",) if catalogue is not None else ())
        missing = [c for c in needed if c not in cameras.columns]
        if missing:
            msg = (
                f"the plan has no {missing[0]} column; give one row per new camera "
                f"with the columns {', '.join(needed)}"
            )
            raise InputError(msg, column=missing[0])
        rows: list[_PlanRow] = []
        problems: list[Problem] = []
        for pos, record in enumerate(cameras.to_dict("records")):
            parsed = self._plan_row(record, pos + 2, catalogue)
            if isinstance(parsed, Problem):
                problems.append(parsed)
            else:
                rows.append(parsed)
        problems += _mixed_sites(rows)
        if problems:
            raise _error(problems)
        return rows

    def _plan_row(
        self, record: Mapping[Any, Any], row_no: int, catalogue: Mapping[str, CameraSpec] | None
    ) -> _PlanRow | Problem:
        kind = _text(record.get("mount_kind"))
        if kind not in self.mounts:
            msg = f"is not a mount kind; use one of {', '.join(MOUNT_KINDS)}"
            return Problem(msg, row=row_no, column="mount_kind", value=kind)
        conn = _text(record.get("connectivity")) or self.mounts[kind].connectivity
        if conn not in CONNECTIVITY_KINDS:
            msg = f"is not a connectivity; use {' or '.join(CONNECTIVITY_KINDS)} or leave it empty"
            return Problem(msg, row=row_no, column="connectivity", value=conn)
        spec = None
        if catalogue is not None:
            spec_id = _text(record.get("spec_id"))
            spec = catalogue.get(spec_id)
            if spec is None:
                msg = (
                    "is not in the camera catalogue; use a spec_id of covplan/camera/catalogue.csv"
                )
                return Problem(msg, row=row_no, column="spec_id", value=spec_id)
        return _PlanRow(_text(record.get("site_id")), kind, conn, spec)


# ---- plan helpers


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _check_connectivity(conn: str) -> str:
    if conn not in CONNECTIVITY_KINDS:
        msg = f"is not a connectivity; use {' or '.join(CONNECTIVITY_KINDS)}"
        raise InputError(msg, column="connectivity", value=conn)
    return conn


def _camera_vnd(spec: CameraSpec) -> int:
    price = spec.price_vnd
    if isinstance(price, int):
        return price
    if not math.isfinite(price) or not float(price).is_integer():
        msg = f"camera {spec.spec_id!r}: write the price in whole VND, without decimals"
        raise InputError(msg, column="price_vnd", value=price)
    return int(price)


def _mounts_needed(rows: Iterable[_PlanRow], model: CostModel) -> dict[str, int]:
    """Mounts per kind: each site needs ``ceil(cameras / capacity)`` mounts of its kind."""
    per_site = Counter((row.site_id, row.mount_kind) for row in rows)
    out: dict[str, int] = {}
    for (_, kind), n in per_site.items():
        out[kind] = out.get(kind, 0) + -(-n // model.mount(kind).capacity)
    return out


def _mixed_sites(rows: Iterable[_PlanRow]) -> list[Problem]:
    kinds: dict[str, set[str]] = {}
    for row in rows:
        kinds.setdefault(row.site_id, set()).add(row.mount_kind)
    return [
        Problem(
            f"site has cameras on several mount kinds ({', '.join(sorted(k))}); "
            "a site is one mount kind: give the others their own site_id",
            column="mount_kind",
            value=site,
        )
        for site, k in kinds.items()
        if len(k) > 1
    ]


def _error(problems: list[Problem]) -> InputError:
    if len(problems) == 1:
        p = problems[0]
        return InputError(p.message, file=p.file, row=p.row, column=p.column, value=p.value)
    return InputError(problems=problems)


# ---- reading the cost file


def load_costs(path: str | os.PathLike[str] | None = None) -> CostModel:
    """Read the cost file: one number a row, each with its source.

    Parameters
    ----------
    path
        A CSV with the columns ``part, kind, item, value, source`` (``unit`` and
        ``notes`` are for people). Rows whose ``part`` starts with ``#`` and empty rows
        are skipped. Numbers are whole (VND, metres, days, kbps, percent); thousands may
        be grouped (``1.250.000``, ``1,250,000``, ``1_250_000``), decimals are refused.
        Default: the file shipped with covplan (``covplan/camera/costs.csv``).

    Returns
    -------
    CostModel
        The prices.

    Raises
    ------
    InputError
        Naming the file, row and column of every bad value (not a whole number,
        negative, unknown part, item or kind, no source, given twice) or a missing
        column; once every row reads, every number the file lacks.
    """
    src = COSTS_PATH if path is None else Path(path)
    try:
        fh = open(src, encoding="utf-8-sig", newline="")
    except OSError as err:
        msg = f"cannot be read ({err.strerror}); give the path of a cost CSV"
        raise InputError(msg, file=src) from None
    with fh:
        reader = csv.DictReader(fh)
        fields = [f.strip() for f in reader.fieldnames or []]
        missing = [c for c in _REQUIRED if c not in fields]
        if missing:
            raise _error(
                [
                    Problem(
                        f"the header has no column {c!r}; the cost file needs the columns "
                        f"{', '.join(_COLUMNS)}",
                        str(src),
                        1,
                        c,
                    )
                    for c in missing
                ]
            )
        reader.fieldnames = fields
        values, sources, problems = _read_rows(reader, src)
    if not problems:  # a bad row's number would be reported missing too: rows first
        problems = _missing(values, src)
    if problems:
        raise _error(problems)
    model = _build(values, sources, src)
    logger.info("read %d cost numbers from %s", len(values), src)
    return model


def _read_rows(
    reader: Iterable[dict[str, Any]], src: Path
) -> tuple[dict[Key, int | str], dict[str, str], list[Problem]]:
    values: dict[Key, int | str] = {}
    first_row: dict[Key, int] = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for row_no, row in enumerate(reader, start=2):
        cells = {k: _text(v) for k, v in row.items() if isinstance(k, str)}
        if not any(cells.values()) or cells.get("part", "").startswith("#"):
            continue
        parsed = _parse_row(cells, src, row_no)
        if isinstance(parsed, Problem):
            problems.append(parsed)
            continue
        key, value = parsed
        if key in values:
            msg = f"is given twice (first on row {first_row[key]}); keep one row"
            problems.append(Problem(msg, str(src), row_no, "item", "/".join(key)))
            continue
        values[key], first_row[key] = value, row_no
        sources["/".join(key)] = cells["source"]
    return values, sources, problems


def _parse_row(cells: Mapping[str, str], src: Path, row_no: int) -> tuple[Key, int | str] | Problem:
    part, kind, item = cells.get("part", ""), cells.get("kind", "").lower(), cells.get("item", "")
    file = str(src)
    parts = list(dict.fromkeys(p for p, _ in _ITEMS))
    if part not in parts:
        msg = f"is not a part; use one of {', '.join(parts)}"
        return Problem(msg, file, row_no, "part", part)
    spec = _ITEMS.get((part, item))
    if spec is None:
        items = [i for p, i in _ITEMS if p == part]
        msg = f"is not an item of {part}; use one of {', '.join(items)}"
        return Problem(msg, file, row_no, "item", item)
    kind_msg = _kind_problem(spec.kind, kind)
    if kind_msg:
        return Problem(kind_msg, file, row_no, "kind", kind)
    raw = cells.get("value", "")
    value, value_msg = _parse_value(spec, raw)
    if value_msg:
        return Problem(value_msg, file, row_no, "value", raw)
    if not cells.get("source"):
        msg = "has no source; write where the number comes from (a shop, a quote, a day rate)"
        return Problem(msg, file, row_no, "source")
    return (part, _kind_key(spec.kind, kind), item), value


def _kind_problem(rule: str, kind: str) -> str:
    if rule == "":
        return "" if not kind else "must be empty for this item"
    if rule in _KIND_PATTERNS:
        ok = _KIND_PATTERNS[rule].fullmatch(kind) is not None
        return "" if ok else f"is not {_KIND_EXAMPLES[rule]}"
    allowed = _ENUMS[rule]
    if kind in allowed:
        return ""
    noun = "mount kind" if rule == "mount" else f"{rule} kind"
    return f"is not a {noun}; use one of {', '.join(allowed)}"


def _kind_key(rule: str, kind: str) -> str:
    match = _KIND_PATTERNS[rule].fullmatch(kind) if rule in _KIND_PATTERNS else None
    return match.group(1) if match else kind


def _parse_value(spec: _Item, raw: str) -> tuple[int | str, str]:
    if spec.value != "int":
        allowed = _ENUMS[spec.value]
        word = raw.lower()
        return word, "" if word in allowed else f"is not one of {', '.join(allowed)}"
    try:
        number = _whole(raw)
    except ValueError as err:
        return 0, str(err)
    if number < spec.low:
        return number, ("must not be negative" if number < 0 else f"must be at least {spec.low}")
    if spec.high is not None and number > spec.high:
        return number, f"must be at most {spec.high}"
    return number, ""


def _whole(raw: str) -> int:
    """Read a whole number: ``250000``, ``250.000``, ``250,000``, ``250_000``; no decimals."""
    text = raw.strip()
    if _PLAIN_INT.fullmatch(text) or _GROUPED_INT.fullmatch(text):
        return int(re.sub(r"[.,_ ]", "", text))
    try:
        float(text.replace(",", "."))
    except ValueError:
        msg = "is not a number; write a whole number, e.g. 250000"
        raise ValueError(msg) from None
    msg = "is not a whole number; write whole VND (metres, days…) without decimals, e.g. 250000"
    raise ValueError(msg)


def _missing(values: Mapping[Key, int | str], src: Path) -> list[Problem]:
    wanted: list[Key] = [("mount", k, i) for k in MOUNT_KINDS for i in _MOUNT_ITEMS]
    wanted += [("power", k, "vnd") for k in POWER_KINDS]
    wanted += [
        ("connectivity", k, i) for k in CONNECTIVITY_KINDS for i in ("setup_vnd", "monthly_vnd")
    ]
    wanted += [(p, "", i) for (p, i), spec in _ITEMS.items() if spec.kind == ""]
    problems = [
        Problem(
            f"has no row {'/'.join(key)}; add one: {','.join(key)},<value>,<unit>,<source>",
            str(src),
            column="item",
            value="/".join(key),
        )
        for key in wanted
        if key not in values
    ]
    for item, example in (
        ("card_vnd", "storage,128gb,card_vnd"),
        ("bitrate_kbps", "storage,2mp,bitrate_kbps"),
    ):
        if not any(k[0] == "storage" and k[2] == item for k in values):
            msg = f"has no {item} row; add at least one, e.g. {example},<value>,<unit>,<source>"
            problems.append(Problem(msg, str(src), column="item", value=item))
    return problems


def _build(values: Mapping[Key, int | str], sources: Mapping[str, str], src: Path) -> CostModel:
    def num(part: str, kind: str, item: str) -> int:
        value = values[(part, kind, item)]
        assert isinstance(value, int)
        return value

    def word(part: str, kind: str, item: str) -> str:
        return str(values[(part, kind, item)])

    mounts = {
        k: MountCost(
            kind=k,
            hardware_vnd=num("mount", k, "hardware_vnd"),
            labour_vnd=num("mount", k, "labour_vnd"),
            capacity=num("mount", k, "capacity"),
            cable_m=num("mount", k, "cable_m"),
            power=word("mount", k, "power"),
            connectivity=word("mount", k, "connectivity"),
            consent=word("mount", k, "consent"),
        )
        for k in MOUNT_KINDS
    }

    def by_kind(part: str, item: str) -> dict[int, int]:
        return {int(k): num(p, k, i) for p, k, i in sorted(values) if (p, i) == (part, item)}

    return CostModel(
        mounts=mounts,
        cable_vnd_per_m=num("cable", "", "vnd_per_m"),
        power_vnd={k: num("power", k, "vnd") for k in POWER_KINDS},
        electricity_monthly_vnd=num("power", "", "electricity_monthly_vnd"),
        labour_vnd=num("labour", "", "camera_vnd"),
        cards_vnd=dict(sorted(by_kind("storage", "card_vnd").items())),
        bitrate_kbps=dict(sorted(by_kind("storage", "bitrate_kbps").items())),
        usable_pct=num("storage", "", "usable_pct"),
        retention_days=num("storage", "", "retention_days"),
        recorder_channel_vnd=num("storage", "", "recorder_channel_vnd"),
        disk_vnd_per_tb=num("storage", "", "disk_vnd_per_tb"),
        setup_vnd={k: num("connectivity", k, "setup_vnd") for k in CONNECTIVITY_KINDS},
        monthly_vnd_by_connectivity={
            k: num("connectivity", k, "monthly_vnd") for k in CONNECTIVITY_KINDS
        },
        reaim_vnd=num("reaim", "", "visit_vnd"),
        sources=dict(sources),
        path=src,
    )
