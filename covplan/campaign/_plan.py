"""Read what a campaign needs from a plan folder (``covplan plan``) and a survey register."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from covplan._errors import InputError
from covplan.survey import read_survey
from covplan.vocab.messages import message

PHASES: tuple[str, ...] = ("pilot", "phase_1", "phase_2")
_PHASE_OF_INT = {0: "pilot", 1: "phase_1", 2: "phase_2"}


@dataclass(frozen=True)
class PlanFolder:
    summary: dict[str, Any]
    groups: pd.DataFrame  # group_id, name
    routes: pd.DataFrame  # route_id, name, group_id, phase
    cameras: pd.DataFrame  # code, role, source_id, group_id, route_id, phase, owner_id, ...
    households: pd.DataFrame  # household_id, kind, group_id
    contacts: pd.DataFrame  # household_id, name, phone, address
    phase_cost: pd.DataFrame  # group_id, phase, cost_vnd


def _need(path: Path) -> Path:
    if not path.is_file():
        msg = message("campaign.plan_file_missing", name=path.name)
        raise InputError(msg, file=path)
    return path


def _nearest_group(points: gpd.GeoSeries, segments: gpd.GeoDataFrame) -> list[str]:
    if len(points) == 0:
        return []
    crs = segments.estimate_utm_crs()
    segs = segments.to_crs(crs)[["group_id", "geometry"]].reset_index(drop=True)
    pts = gpd.GeoDataFrame(geometry=points.to_crs(crs).reset_index(drop=True))
    joined = gpd.sjoin_nearest(pts, segs, how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [str(g) for g in joined["group_id"]]


def _new_cameras(gpkg: Path) -> pd.DataFrame:
    new = gpd.read_file(gpkg, layer="new_cameras")
    return pd.DataFrame(
        {
            "code": new["code"].astype(str),
            "role": "new",
            "source_id": new["site_id"].astype(str),
            "group_id": new["group_id"].astype(str),
            "route_id": new["route_id"].astype(str),
            "phase": new["phase"].astype(str),
            "owner_id": None,
            "spec_id": new["spec_id"].astype(str),
            "cost_vnd": new["cost_vnd"].astype("int64"),
            "lat": new.geometry.y,
            "lon": new.geometry.x,
        }
    )


def _existing_cameras(
    gpkg: Path, segments: gpd.GeoDataFrame, route_phase: dict[str, Any], reaim_vnd: int
) -> pd.DataFrame:
    old = gpd.read_file(gpkg, layer="existing_cameras")
    old = old[old["role"].isin(["keep", "reaim"])].reset_index(drop=True)
    groups = _nearest_group(old.geometry, segments)
    route = old["route_id"].where(old["route_id"].notna(), None)
    phase = [
        _PHASE_OF_INT.get(int(route_phase[r]), "phase_2") if r in route_phase else "phase_2"
        for r in route
    ]
    return pd.DataFrame(
        {
            "code": old["number"].astype(str),
            "role": old["role"].astype(str),
            "source_id": old["camera_id"].astype(str),
            "group_id": groups,
            "route_id": route,
            "phase": phase,
            "owner_id": old["owner_id"].astype(str),
            "spec_id": None,
            "cost_vnd": [reaim_vnd if r == "reaim" else 0 for r in old["role"]],
            "lat": old.geometry.y,
            "lon": old.geometry.x,
        }
    )


def _routes(segments: gpd.GeoDataFrame, route_phase: dict[str, Any]) -> pd.DataFrame:
    planned = segments[segments["n_targets"].fillna(0) > 0]
    rows = []
    for route_id, part in planned.groupby("route_id", sort=True):
        name = str(part["name"].dropna().iloc[0]) if part["name"].notna().any() else ""
        phase = _PHASE_OF_INT.get(int(route_phase.get(str(route_id), 2)), "phase_2")
        rows.append(
            {
                "route_id": str(route_id),
                "name": name or str(route_id),
                "group_id": str(part["group_id"].mode().iloc[0]),
                "phase": phase,
            }
        )
    return pd.DataFrame(rows, columns=["route_id", "name", "group_id", "phase"])


def _households(
    survey: str | os.PathLike[str] | None, cameras: pd.DataFrame, segments: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = ["household_id", "name", "phone", "address"]
    if survey is None:  # the owners the plan names, without their contacts
        owned = cameras.dropna(subset=["owner_id"]).drop_duplicates("owner_id")
        homes = pd.DataFrame(
            {"household_id": owned["owner_id"], "kind": "household", "group_id": owned["group_id"]}
        )
        return homes.reset_index(drop=True), pd.DataFrame(columns=cols)
    reg = read_survey(survey)
    cams = reg.cameras.drop_duplicates("owner_id")
    homes = pd.DataFrame(
        {
            "household_id": cams["owner_id"].astype(str).to_numpy(),
            "kind": cams["owner_kind"].astype(str).to_numpy(),
            "group_id": _nearest_group(cams.geometry, segments),
        }
    )
    contacts = reg.contacts.reset_index(drop=True)
    contacts = contacts.rename(columns={"owner_id": "household_id"})
    contacts = contacts[contacts["household_id"].isin(homes["household_id"])]
    return homes, contacts.reindex(columns=cols)


def read_plan_folder(
    plan_dir: str | os.PathLike[str], survey: str | os.PathLike[str] | None = None
) -> PlanFolder:
    folder = Path(plan_dir)
    if not folder.is_dir():
        msg = message("campaign.no_plan_folder", folder=folder)
        raise InputError(msg, file=folder)
    summary = json.loads(_need(folder / "summary.json").read_text(encoding="utf-8"))
    gpkg = _need(folder / "plan.gpkg")
    segments = gpd.read_file(gpkg, layer="routes")
    segments = segments[segments["group_id"].notna()]
    phases = summary.get("phases") or {}
    route_phase = phases.get("route_phase") or {}
    n_reaim = int(summary.get("reaimed_cameras") or 0)
    reaim_vnd = int((summary.get("cost_parts") or {}).get("reaim", 0)) // max(n_reaim, 1)
    cameras = pd.concat(
        [_new_cameras(gpkg), _existing_cameras(gpkg, segments, route_phase, reaim_vnd)],
        ignore_index=True,
    )
    names = (summary.get("coverage") or {}).get("by_group") or {}
    group_ids = sorted(set(segments["group_id"].astype(str)) | set(cameras["group_id"]))
    groups = pd.DataFrame(
        {
            "group_id": group_ids,
            "name": [str((names.get(g) or {}).get("name") or g) for g in group_ids],
        }
    )
    homes, contacts = _households(survey, cameras, segments)
    by_group = phases.get("by_group") or []
    phase_cost = pd.DataFrame(
        [
            {
                "group_id": str(r["group_id"]),
                "phase": _PHASE_OF_INT.get(int(r["phase"]), "phase_2"),
                "cost_vnd": int(r["cost_vnd"]),
            }
            for r in by_group
        ],
        columns=["group_id", "phase", "cost_vnd"],
    )
    return PlanFolder(
        summary, groups, _routes(segments, route_phase), cameras, homes, contacts, phase_cost
    )


def default_deadlines(start: date, phases_of_group: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Pilot by 30/7 of the first year, phase 1 by its end, phase 2 by the end of the second."""
    due = {
        "pilot": date(start.year, 7, 30),
        "phase_1": date(start.year, 12, 31),
        "phase_2": date(start.year + 1, 12, 31),
    }
    if due["pilot"] < start:  # a campaign started late in the year: the plan's spans, shifted
        due = {
            "pilot": date(start.year + 1, 7, 30),
            "phase_1": date(start.year + 1, 12, 31),
            "phase_2": date(start.year + 2, 12, 31),
        }
    rows = []
    for group, phases in sorted(phases_of_group.items()):
        for phase in PHASES:
            if phase in phases or phase != "pilot":
                rows.append({"group_id": group, "phase": phase, "due_date": due[phase]})
    return rows
