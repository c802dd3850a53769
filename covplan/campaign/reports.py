"""Reports of a campaign: accounting, the public report per group, progress and burn-up plots.

Every figure is computed from the register's entries on each call (nothing stored):

- :func:`camera_costs` — each camera's planned cost and what invoices paid for it;
- :func:`ledger` — every money entry in order, without names;
- :func:`public_report` — one group's totals, what was bought, and its receipts by number;
- :func:`progress` — per group: routes fully covered, cameras installed and verified,
  money raised against the cost of the phases due so far, late phases;
- :func:`progress_history` — the same over time, for :func:`plot_burnup`;
- :func:`report_json` and :func:`write_report` — everything at once.

Words come from :func:`covplan.vocab.campaign_word` (``lang="vi"`` or ``"en"``).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from covplan._io import atomic_path, atomic_write_text
from covplan.campaign import _values as V  # noqa: N812
from covplan.campaign._plan import PHASES
from covplan.campaign.register import Register
from covplan.vocab import campaign_word, format_vnd

__all__ = [
    "camera_costs",
    "ledger",
    "plot_burnup",
    "progress",
    "progress_history",
    "public_report",
    "report_json",
    "write_report",
]

logger = logging.getLogger(__name__)

_INSTALLED = {"installed", "reaimed", "verified"}


def camera_costs(register: Register) -> pd.DataFrame:
    """Each camera's planned cost and its cost traced to invoices.

    Parameters
    ----------
    register
        The campaign register.

    Returns
    -------
    pandas.DataFrame
        One row per camera: ``code``, ``role``, ``group_id``, ``phase``, ``state``,
        ``planned_vnd``, ``paid_vnd`` (the sum of its allocations, reversals included),
        ``invoices`` (``supplier invoice: amount; …``).
    """
    cams = register.cameras()
    alloc = register.allocations()
    money = register.entries().set_index("entry_id")
    paid: dict[str, int] = {}
    invoices: dict[str, list[str]] = {}
    entries: dict[Any, dict[str, Any]] = money.to_dict(orient="index")  # type: ignore[assignment]
    for row in alloc.to_dict(orient="records"):
        code, amount = str(row["code"]), int(row["amount_vnd"])
        paid[code] = paid.get(code, 0) + amount
        entry = entries[row["entry_id"]]
        back = entry["reverses"]
        ref = entry["invoice_no"] if back is None or pd.isna(back) else f"reversal of {back}"
        invoices.setdefault(code, []).append(f"{entry['supplier']} {ref}: {amount}")
    out = cams[["code", "role", "group_id", "phase", "state"]].copy()
    out["planned_vnd"] = [int(v) for v in cams["cost_vnd"]]
    out["paid_vnd"] = [paid.get(c, 0) for c in cams["code"]]
    out["invoices"] = ["; ".join(invoices.get(c, [])) for c in cams["code"]]
    return out.astype({"planned_vnd": object, "paid_vnd": object})


def ledger(register: Register) -> pd.DataFrame:
    """Every money entry in the order recorded, with the cameras each spending paid for.

    Parameters
    ----------
    register
        The campaign register.

    Returns
    -------
    pandas.DataFrame
        The entries (pseudonymous household ids only, never names).
    """
    money = register.entries()
    alloc = register.allocations()
    codes = alloc.groupby("entry_id")["code"].agg(", ".join) if len(alloc) else pd.Series()
    money["cameras"] = [codes.get(e, "") for e in money["entry_id"]]
    return money


def _phase_of_today(register: Register, on: date) -> dict[str, str]:
    """Find the phase each group works on: the first not yet due, else phase 2."""
    dues = register.deadlines()
    out: dict[str, str] = {}
    for gid, part in dues.groupby("group_id"):
        ahead = part[part["due_date"] >= on].sort_values("due_date")
        out[str(gid)] = str(ahead["phase"].iloc[0]) if len(ahead) else "phase_2"
    return out


def _phase_costs(register: Register) -> dict[tuple[str, str], int]:
    rows = (register.summary.get("phases") or {}).get("by_group") or []
    names = dict(enumerate(PHASES))
    return {
        (str(r["group_id"]), names.get(int(r["phase"]), "phase_2")): int(r["cost_vnd"])
        for r in rows
    }


def _routes_covered(cams: pd.DataFrame, routes: pd.DataFrame) -> pd.Series:
    """Whether each planned route has every camera of the plan on it verified.

    A route with no camera of its own counts on the group's cameras of its phase.
    """
    verified = cams["state"] == "verified"
    done = []
    for r in routes.to_dict(orient="records"):
        mine = cams["route_id"] == r["route_id"]
        if not mine.any():
            mine = (cams["group_id"] == r["group_id"]) & (cams["phase"] == r["phase"])
        done.append(bool(mine.any() and verified[mine].all()))
    return pd.Series(done, index=routes["route_id"].to_numpy(), dtype=bool)


def _late(register: Register, cams: pd.DataFrame, on: date) -> pd.DataFrame:
    dues = register.deadlines()[["group_id", "phase", "due_date"]].copy()
    done = []
    for d in dues.to_dict(orient="records"):
        mine = cams[(cams["group_id"] == d["group_id"]) & (cams["phase"] == d["phase"])]
        done.append(bool(len(mine) == 0 or (mine["state"] == "verified").all()))
    dues["done"] = done
    dues["late"] = [(not ok) and due < on for ok, due in zip(done, dues["due_date"], strict=True)]
    return dues


def progress(register: Register, *, on: date | str | None = None) -> pd.DataFrame:
    """Where each group stands: routes, cameras, money against cost, late phases.

    Parameters
    ----------
    register
        The campaign register.
    on
        The day to judge lateness on (default today; a date or ``YYYY-MM-DD``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``group_id``: ``routes_planned``, ``routes_covered``,
        ``routes_covered_share``, ``cameras_planned``, ``cameras_installed`` (new
        installed and re-aimed, verified included), ``cameras_verified``,
        ``contributed_vnd``, ``spent_vnd``, ``balance_vnd``, ``current_phase``,
        ``phase_cost_vnd`` (the plan's cost of every phase up to the current one),
        ``plan_cost_vnd``, ``raised_share`` and ``late_phases``.
    """
    day = V.day(on or date.today(), "on")
    cams = register.cameras()
    routes = register.routes()
    covered = _routes_covered(cams, routes)
    money = register.balances()
    current = _phase_of_today(register, day)
    costs = _phase_costs(register)
    late = _late(register, cams, day)
    rows = []
    for gid in money.index:
        mine = cams[cams["group_id"] == gid]
        work = mine[mine["role"] != "keep"]
        groutes = routes[routes["group_id"] == gid]["route_id"]
        phase = current.get(gid, "phase_2")
        upto = PHASES[: PHASES.index(phase) + 1]
        phase_cost = sum(costs.get((gid, p), 0) for p in upto)
        plan_cost = sum(costs.get((gid, p), 0) for p in PHASES)
        raised = int(money.loc[gid, "contributed_vnd"])
        rows.append(
            {
                "group_id": gid,
                "routes_planned": len(groutes),
                "routes_covered": int(covered.reindex(groutes).fillna(False).sum()),
                "cameras_planned": len(mine),
                "cameras_installed": int(work["state"].isin(_INSTALLED).sum()),
                "cameras_verified": int((mine["state"] == "verified").sum()),
                "contributed_vnd": raised,
                "spent_vnd": int(money.loc[gid, "spent_vnd"]),
                "balance_vnd": int(money.loc[gid, "balance_vnd"]),
                "current_phase": phase,
                "phase_cost_vnd": phase_cost,
                "plan_cost_vnd": plan_cost,
                "raised_share": round(raised / phase_cost, 4) if phase_cost else None,
                "late_phases": ", ".join(late[(late["group_id"] == gid) & late["late"]]["phase"]),
            }
        )
    out = pd.DataFrame(rows).set_index("group_id")
    out.insert(
        2,
        "routes_covered_share",
        (out["routes_covered"] / out["routes_planned"].where(out["routes_planned"] > 0)).round(4),
    )
    return out


def progress_history(register: Register) -> pd.DataFrame:
    """Per group and day of any change: cameras installed and verified, money raised, so far.

    Parameters
    ----------
    register
        The campaign register.

    Returns
    -------
    pandas.DataFrame
        ``group_id``, ``date``, ``cameras_installed``, ``cameras_verified``,
        ``contributed_vnd`` (cumulative, one row per group and day).
    """
    cams = register.cameras().set_index("code")
    ev = register.events()
    ev = ev[(ev["subject"] == "camera") & ev["state"].isin(["installed", "reaimed", "verified"])]
    ev = ev[ev["action"] != "check_failed"]
    ev = ev.assign(group_id=ev["subject_id"].map(cams["group_id"]))
    money = register.entries()
    money = money[money["kind"] == "contribution"]
    days = sorted({register.start_date, *ev["event_date"], *money["entry_date"]})
    rows = []
    for gid in register.groups()["group_id"]:
        gev = ev[ev["group_id"] == gid]
        gm = money[money["group_id"] == gid]
        for d in days:
            upto = gev[gev["event_date"] <= d]
            rows.append(
                {
                    "group_id": gid,
                    "date": d,
                    "cameras_installed": int(
                        upto[upto["state"] != "verified"]["subject_id"].nunique()
                    ),
                    "cameras_verified": int(
                        upto[upto["state"] == "verified"]["subject_id"].nunique()
                    ),
                    "contributed_vnd": int(sum(gm[gm["entry_date"] <= d]["amount_vnd"])),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["group_id", "date", "cameras_installed", "cameras_verified", "contributed_vnd"],
    )


def public_report(register: Register, group: str) -> dict[str, pd.DataFrame]:
    """One group's public report: totals, what was bought, and the receipts by number.

    No names, phones, addresses, household ids or collectors: a household finds its own
    receipt by the number written on it.

    Parameters
    ----------
    register
        The campaign register.
    group
        The residential group's id.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``summary`` (item, value), ``spending`` (date, supplier, invoice, purpose,
        amount, cameras) and ``receipts`` (receipt no, date, amount; reversed ones at 0).
    """
    money = ledger(register)
    mine = money[money["group_id"] == group]
    bal = register.balances().to_dict(orient="index")[group]
    summary = pd.DataFrame(
        {
            "item": ["contributed_vnd", "spent_vnd", "balance_vnd"],
            "value": [
                int(bal["contributed_vnd"]),
                int(bal["spent_vnd"]),
                int(bal["balance_vnd"]),
            ],
        }
    )
    cols = ["entry_date", "supplier", "invoice_no", "purpose", "amount_vnd", "cameras", "reverses"]
    spending = mine[mine["kind"] == "spending"][cols].reset_index(drop=True)
    contrib = mine[mine["kind"] == "contribution"]
    undone = contrib.groupby("reverses")["amount_vnd"].sum() if len(contrib) else pd.Series()
    receipts = contrib[contrib["reverses"].isna()][
        ["receipt_no", "entry_date", "amount_vnd", "entry_id"]
    ].copy()
    receipts["amount_vnd"] = [
        int(a) + int(undone.get(e, 0))
        for a, e in zip(receipts["amount_vnd"], receipts["entry_id"], strict=True)
    ]
    receipts = receipts.drop(columns="entry_id").sort_values("receipt_no").reset_index(drop=True)
    return {"summary": summary, "spending": spending, "receipts": receipts}


def report_json(register: Register, *, on: date | str | None = None) -> dict[str, Any]:
    """Everything a program needs, as plain JSON types.

    Parameters
    ----------
    register
        The campaign register.
    on
        The day to judge lateness on (default today; a date or ``YYYY-MM-DD``).

    Returns
    -------
    dict
        ``campaign``, ``ward`` (totals) and ``groups``: per group id ``contributed_vnd``,
        ``spent_vnd``, ``balance_vnd`` and the columns of :func:`progress`.
    """
    prog = progress(register, on=on)
    groups: dict[str, Any] = {}
    for gid, row in prog.iterrows():
        groups[str(gid)] = {
            k: (
                None
                if v is None or (isinstance(v, float) and pd.isna(v))
                else v.item()
                if hasattr(v, "item")
                else v
            )
            for k, v in row.items()
        }
    total = {
        k: int(sum(int(g[k]) for g in groups.values()))
        for k in (
            "contributed_vnd",
            "spent_vnd",
            "balance_vnd",
            "cameras_planned",
            "cameras_installed",
            "cameras_verified",
        )
    }
    return {
        "campaign": register.name,
        "ward": {"name": register.ward, **total},
        "start_date": register.start_date.isoformat(),
        "entries": len(register.entries()),
        "groups": groups,
    }


def _localise(frame: pd.DataFrame, lang: str, *, index: bool = False) -> pd.DataFrame:
    out = frame.reset_index() if index else frame.copy()
    for col in (
        "role",
        "phase",
        "state",
        "kind",
        "method",
        "purpose",
        "subject",
        "action",
        "current_phase",
        "payer_kind",
        "item",
    ):
        if col in out:
            out[col] = [campaign_word(v, lang) if isinstance(v, str) else v for v in out[col]]
    for col in ("adopted", "late", "done"):
        if col in out:
            out[col] = [campaign_word("yes" if v else "no", lang) for v in out[col]]
    out.columns = [campaign_word(str(c), lang) for c in out.columns]
    return out


def _write_xlsx(path: Path, sheets: dict[str, pd.DataFrame], lang: str) -> Path:
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        for key, frame in sheets.items():
            sheet = campaign_word(key, lang)[:31]
            frame.to_excel(xl, sheet_name=sheet, index=False)
            ws = xl.sheets[sheet]
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
    return path


def plot_burnup(
    register: Register,
    group: str,
    path: str | os.PathLike[str] | None = None,
    *,
    lang: str = "vi",
) -> Any:
    """Plot a group's burn-up: cameras installed and verified, money raised, deadlines.

    Parameters
    ----------
    register
        The campaign register.
    group
        The residential group's id.
    path
        Where to save a PNG (None: only return the figure).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (two panels: cameras; money raised against the plan's cost).
    """
    import matplotlib  # plotting back-end, loaded only to draw

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # plotting back-end, loaded only to draw

    hist = progress_history(register)
    hist = hist[hist["group_id"] == group]
    cams = register.cameras()
    planned = int((cams["group_id"] == group).sum())
    costs = _phase_costs(register)
    dues = register.deadlines()
    dues = dues[dues["group_id"] == group]
    name = dict(zip(*register.groups().to_dict("list").values(), strict=True)).get(group, group)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, constrained_layout=True)
    days = pd.to_datetime(hist["date"])
    ax1.step(
        days,
        hist["cameras_installed"],
        where="post",
        label=campaign_word("cameras_installed", lang),
    )
    ax1.step(
        days, hist["cameras_verified"], where="post", label=campaign_word("cameras_verified", lang)
    )
    ax1.axhline(planned, color="grey", ls="--", label=campaign_word("burnup_planned", lang))
    ax1.set_ylabel(campaign_word("burnup_cameras", lang))
    ax2.step(
        days,
        hist["contributed_vnd"] / 1e6,
        where="post",
        color="tab:green",
        label=campaign_word("contributed_vnd", lang),
    )
    total = sum(costs.get((group, p), 0) for p in PHASES)
    ax2.axhline(total / 1e6, color="grey", ls="--", label=campaign_word("burnup_cost", lang))
    ax2.set_ylabel(campaign_word("burnup_money", lang))
    for d in dues.to_dict(orient="records"):
        due = pd.Timestamp(d["due_date"])
        for ax in (ax1, ax2):
            ax.axvline(due, color="tab:red", ls=":", lw=1)
        ax1.annotate(
            campaign_word("burnup_due", lang, phase=campaign_word(str(d["phase"]), lang)),
            (due, planned),
            rotation=90,
            va="top",
            ha="right",
            fontsize=8,
            color="tab:red",
        )
    ax1.legend(loc="center right", fontsize=8)
    ax2.legend(loc="center right", fontsize=8)
    ax1.set_title(campaign_word("burnup_title", lang, group=name))
    fig.autofmt_xdate()
    if path is not None:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=100, format="png")
        plt.close(fig)
    return fig


def write_report(
    register: Register,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
    on: date | str | None = None,
    plots: bool = True,
) -> dict[str, Path]:
    """Write the accounting workbook, the public reports, progress, plots and JSON.

    Parameters
    ----------
    register
        The campaign register.
    out_dir
        The folder to write into (created if missing).
    lang
        ``"vi"`` (default) or ``"en"``.
    on
        The day to judge lateness on (default today; a date or ``YYYY-MM-DD``).
    plots
        Whether to draw the burn-up PNGs.

    Returns
    -------
    dict of str to pathlib.Path
        What was written: ``accounting``, ``progress``, ``json``, ``public-<group>``,
        ``burnup-<group>``. Nothing written carries a name, phone or address.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    money = register.balances()
    ward = pd.DataFrame(
        [{k: int(money[k].sum()) for k in money.columns}],
        index=pd.Index([campaign_word("ward_total", lang)], name="group_id"),
    )
    led = ledger(register)
    written["accounting"] = _write_xlsx(
        out / "accounting.xlsx",
        {
            "sheet_balances": _localise(pd.concat([money, ward]), lang, index=True),
            "sheet_cameras": _localise(camera_costs(register), lang),
            "sheet_ledger": _localise(led, lang),
            "sheet_decisions": _localise(register.decisions(), lang),
        },
        lang,
    )
    prog = progress(register, on=on)
    written["progress"] = _write_xlsx(
        out / "progress.xlsx",
        {
            "sheet_progress": _localise(prog, lang, index=True),
            "sheet_deadlines": _localise(
                _late(register, register.cameras(), V.day(on or date.today(), "on")), lang
            ),
            "sheet_history": _localise(progress_history(register), lang),
        },
        lang,
    )
    for gid in money.index:
        pub = public_report(register, str(gid))
        written[f"public-{gid}"] = _write_xlsx(
            out / f"public-{gid}.xlsx",
            {
                "sheet_summary": _localise(pub["summary"], lang),
                "sheet_spending": _localise(pub["spending"], lang),
                "sheet_receipts": _localise(pub["receipts"], lang),
            },
            lang,
        )
        if plots:
            written[f"burnup-{gid}"] = out / f"burnup-{gid}.png"
            plot_burnup(register, str(gid), written[f"burnup-{gid}"], lang=lang)
    written["json"] = atomic_write_text(
        out / "report.json",
        json.dumps(report_json(register, on=on), ensure_ascii=False, indent=2, default=str),
    )
    logger.info(
        "campaign %s: report written to %s (%s VND contributed)",
        register.name,
        out,
        format_vnd(int(money["contributed_vnd"].sum()), lang),
    )
    return written
