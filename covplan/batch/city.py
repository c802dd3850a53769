"""The city summary of a batch: every ward's cameras, whole cost and share seen, and a map.

Written beside the wards' folders: ``city-summary.json`` (every figure),
``city-summary.xlsx`` (a sheet of wards with a total row, a sheet of residential
groups), ``city-summary.csv`` (the wards, UTF-8 with BOM) and ``city-map.png`` (every
ward's box, shaded by the share seen, with its new cameras).
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from covplan._io import atomic_path, atomic_write_text
from covplan._style import CAMERA, COVERAGE, OUTLINE
from covplan.vocab import batch_label, format_vnd

if TYPE_CHECKING:  # run.py imports this module to write the summary
    from covplan.batch.run import WardResult

logger = logging.getLogger(__name__)

__all__ = ["CITY_FILES", "city_tables", "write_city_summary"]

#: The files of the city summary.
CITY_FILES: tuple[str, ...] = (
    "city-summary.json",
    "city-summary.xlsx",
    "city-summary.csv",
    "city-map.png",
)
_WARD_COLUMNS = [
    "ward",
    "slug",
    "status",
    "new_cameras",
    "reaimed_cameras",
    "kept_cameras",
    "cost_vnd",
    "monthly_vnd",
    "share_seen",
    "targets",
    "unseen_targets",
    "seconds",
    "error",
]
_GROUP_COLUMNS = ["ward", "group_id", "group_name", "share_seen", "targets", "n_seen"]


def city_tables(results: Sequence[WardResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the city summary's tables: one row per ward, one per residential group.

    Parameters
    ----------
    results
        The wards' results.

    Returns
    -------
    wards, groups
        Wards: ``ward``, ``slug``, ``status``, ``new_cameras``, ``reaimed_cameras``,
        ``kept_cameras``, ``cost_vnd`` and ``monthly_vnd`` (int VND), ``share_seen``,
        ``targets``, ``unseen_targets``, ``seconds``, ``error``. Groups: ``ward``,
        ``group_id``, ``group_name``, ``share_seen``, ``targets``, ``n_seen``.
    """
    wards, groups = [], []
    for r in results:
        s = r.summary
        cov = s.get("coverage") or {}
        ok = r.status != "failed" and bool(s)
        wards.append(
            {
                "ward": r.name,
                "slug": r.slug,
                "status": r.status,
                **{
                    k: int(s[k]) if ok and s.get(k) is not None else None
                    for k in _WARD_COLUMNS[3:8] + _WARD_COLUMNS[9:11]
                },
                "share_seen": cov.get("overall") if ok else None,
                "seconds": r.seconds,
                "error": r.error,
            }
        )
        for gid, g in (cov.get("by_group") or {}).items():
            groups.append(
                {
                    "ward": r.name,
                    "group_id": gid,
                    "group_name": g.get("name", ""),
                    "share_seen": g.get("coverage"),
                    "targets": g.get("n_targets"),
                    "n_seen": g.get("n_seen"),
                }
            )
    w = pd.DataFrame(wards, columns=_WARD_COLUMNS)
    for c in (*_WARD_COLUMNS[3:8], *_WARD_COLUMNS[9:11]):
        w[c] = w[c].astype("Int64")
    return w, pd.DataFrame(groups, columns=_GROUP_COLUMNS)


def _totals(wards: pd.DataFrame) -> dict[str, Any]:
    ok = wards[wards["status"] != "failed"]
    targets = int(ok["targets"].sum())
    unseen = int(ok["unseen_targets"].sum())
    return {
        "wards": len(wards),
        "planned": int((wards["status"] == "planned").sum()),
        "skipped": int((wards["status"] == "skipped").sum()),
        "failed": int((wards["status"] == "failed").sum()),
        "new_cameras": int(ok["new_cameras"].sum()),
        "reaimed_cameras": int(ok["reaimed_cameras"].sum()),
        "kept_cameras": int(ok["kept_cameras"].sum()),
        "cost_vnd": int(ok["cost_vnd"].sum()),
        "monthly_vnd": int(ok["monthly_vnd"].sum()),
        "targets": targets,
        "unseen_targets": unseen,
        "share_seen": round((targets - unseen) / targets, 4) if targets else None,
    }


def _localise(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    if "status" in out:
        out["status"] = [batch_label(str(s), lang) for s in out["status"]]
    out.columns = [batch_label(c, lang) for c in out.columns]
    return out


def _write_xlsx(path: Path, wards: pd.DataFrame, groups: pd.DataFrame, lang: str) -> None:
    total = _totals(wards)
    row = {c: total.get(c) for c in wards.columns if c in total and c != "status"}
    with_total = pd.concat(
        [wards, pd.DataFrame([{**row, "ward": batch_label("total", lang)}])], ignore_index=True
    )
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        _localise(with_total, lang).to_excel(
            xl, sheet_name=batch_label("sheet_wards", lang), index=False
        )
        _localise(groups, lang).to_excel(
            xl, sheet_name=batch_label("sheet_groups", lang), index=False
        )


def _shade(share: float | None) -> str:
    if share is None:
        return COVERAGE["not_planned"]
    return COVERAGE["covered" if share >= 0.999 else "partial" if share > 0 else "uncovered"]


def _places(results: Sequence[WardResult], gap_deg: float = 0.05) -> list[list[WardResult]]:
    """Group wards lying near each other (within about 5 km): one map panel per place."""
    places: list[tuple[list[float], list[WardResult]]] = []
    for r in results:
        if r.bbox is None:
            continue
        w, s, e, n = r.bbox
        for box, members in places:
            if (
                w <= box[2] + gap_deg
                and e >= box[0] - gap_deg
                and s <= box[3] + gap_deg
                and (n >= box[1] - gap_deg)
            ):
                box[:] = [min(box[0], w), min(box[1], s), max(box[2], e), max(box[3], n)]
                members.append(r)
                break
        else:
            places.append(([w, s, e, n], [r]))
    return [members for _, members in places]


def _draw_place(ax: Any, wards: Sequence[WardResult]) -> None:
    from matplotlib.patches import Rectangle  # plotting back-end, loaded only to draw the map

    for r in wards:
        assert r.bbox is not None
        w, s, e, n = r.bbox
        share = (r.summary.get("coverage") or {}).get("overall") if r.summary else None
        face = COVERAGE["not_planned"] if r.status == "failed" else _shade(share)
        ax.add_patch(
            Rectangle(
                (w, s),
                e - w,
                n - s,
                facecolor=face,
                alpha=0.35,
                edgecolor=OUTLINE["boundary"],
                linewidth=1.0,
            )
        )
        ax.annotate(r.name, ((w + e) / 2, (s + n) / 2), ha="center", va="center", fontsize=7)
        pts = [(c["lon"], c["lat"]) for c in r.chosen if c.get("source") == "new"]
        if pts:
            xs, ys = zip(*pts, strict=True)
            ax.scatter(xs, ys, s=5, color=CAMERA["new"], zorder=3)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=6)


def _write_map(path: Path, results: Sequence[WardResult], lang: str) -> None:
    import matplotlib  # plotting back-end, loaded only to draw the map

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # plotting back-end, as above
    from matplotlib.patches import Patch  # plotting back-end, as above

    places = _places(results) or [[]]
    cols = math.ceil(math.sqrt(len(places)))
    rows = math.ceil(len(places) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.5 * cols + 1, 4.5 * rows + 1), squeeze=False)
    try:
        for ax, place in zip(axes.flat, places, strict=False):
            _draw_place(ax, place)
        for ax in list(axes.flat)[len(places) :]:
            ax.set_axis_off()
        fig.suptitle(batch_label("map_title", lang))
        fig.legend(
            handles=[
                Patch(color=CAMERA["new"], label=batch_label("map_new", lang)),
                Patch(color=COVERAGE["covered"], alpha=0.35, label=batch_label("share_seen", lang)),
                Patch(
                    color=COVERAGE["not_planned"], alpha=0.35, label=batch_label("map_failed", lang)
                ),
            ],
            loc="lower center",
            ncol=3,
            fontsize=7,
        )
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)


def write_city_summary(
    results: Sequence[WardResult],
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
) -> list[Path]:
    """Write the city summary of a batch beside its wards' folders.

    Parameters
    ----------
    results
        The wards' results (planned, skipped and failed).
    out_dir
        The batch's folder.
    lang
        ``"vi"`` or ``"en"`` for headers and words.

    Returns
    -------
    list of pathlib.Path
        ``city-summary.json``, ``.xlsx``, ``.csv`` and ``city-map.png`` (one small
        figure, drawn even when the wards' own maps are off).
    """
    out = Path(out_dir)
    wards, groups = city_tables(results)
    doc = {
        "total": _totals(wards),
        "wards": json.loads(wards.to_json(orient="records", force_ascii=False)),
        "groups": json.loads(groups.to_json(orient="records", force_ascii=False)),
    }
    files = [out / name for name in CITY_FILES]
    atomic_write_text(files[0], json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    _write_xlsx(files[1], wards, groups, lang)
    atomic_write_text(
        files[2], _localise(wards, lang).to_csv(index=False, lineterminator="\r\n"), bom=True
    )
    _write_map(files[3], results, lang)
    total = doc["total"]
    logger.info(
        "write_city_summary: %d wards, %d new cameras, %s VND",
        total["wards"],
        total["new_cameras"],
        format_vnd(total["cost_vnd"], "en"),
    )
    return files
