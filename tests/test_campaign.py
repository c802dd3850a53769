"""A demo campaign end to end on the demo ward, its reports checked against the entries,
and bad input refused with a clear error that changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from campaign_support import START, plan_dir  # noqa: F401

from covplan import datasets
from covplan._errors import InputError
from covplan.campaign import (
    Register,
    camera_costs,
    export_xlsx,
    import_xlsx,
    init_campaign,
    open_register,
    progress,
    public_report,
    report_json,
    write_report,
)
from covplan.vocab import campaign_word
from covplan.vocab.messages import use_lang


@pytest.fixture
def english() -> Iterator[None]:
    """The tests that match English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


ON = date(2027, 1, 15)


def _secrets() -> list[str]:
    raw = pd.read_csv(datasets.get_path("demo-survey.csv"), dtype=str, encoding="utf-8-sig")
    return [*raw["owner_name"].dropna(), *raw["phone"].dropna()]


def _run_demo(reg: Register) -> dict[str, int]:
    """Visits, consents, decisions, contributions, spending, installs, verifications."""
    homes = reg.households()
    for i, hid in enumerate(homes["household_id"]):
        reg.visit(hid, date="2026-06-05", note="first visit")
        reg.consent(hid, agreed=i != 0, date="2026-06-06")
    cams = reg.cameras()
    early = cams[cams["phase"].isin(["pilot", "phase_1"])]
    raised: dict[str, int] = {}
    for gid in reg.groups()["group_id"]:
        reg.decide(
            gid,
            "phase_1",
            date="2026-06-10",
            method="meeting",
            households_for=31,
            households_total=40,
            amount_per_household_vnd=250_000,
            minutes_ref=f"BB-{gid}-01",
        )
        for n in range(30):
            reg.contribute(
                gid,
                250_000,
                f"{gid}-{n:03d}",
                date="2026-06-20",
                collector="Tổ trưởng",
                household=None,
            )
        raised[gid] = 30 * 250_000
    for row in early.itertuples(index=False):
        reg.visit(row.code, date="2026-06-08")
        reg.consent(row.code, date="2026-06-09")
    for gid, part in early.groupby("group_id"):
        new = part[part["role"] == "new"]
        cost = int(sum(new["cost_vnd"]))
        # a mistaken invoice, reversed, then the right one
        wrong = reg.spend(
            gid,
            cost + 1_000_000,
            "Cty Camera Huế",
            f"HD-{gid}-0",
            cameras=list(new["code"]),
            date="2026-07-01",
        )
        reg.reverse(wrong, reason="wrong amount", date="2026-07-02")
        reg.spend(
            gid, cost, "Cty Camera Huế", f"HD-{gid}-1", cameras=list(new["code"]), date="2026-07-02"
        )
        reg.spend(gid, 300_000, "Điện lực", f"HD-{gid}-2", purpose="power", date="2026-07-03")
    for row in early.itertuples(index=False):
        if row.role != "keep":
            reg.install(row.code, date="2026-07-10")
        reg.verify(row.code, date="2026-07-20", note="picture check: pass")
    return raised


@pytest.fixture(scope="module")
def demo(plan_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    db = tmp_path_factory.mktemp("campaign") / "demo.db"
    reg = init_campaign(
        plan_dir, db, survey=datasets.get_path("demo-survey.csv"), start=START, by="CSKV Lan"
    )
    raised = _run_demo(reg)
    return reg, raised, db


def test_init_writes_every_camera_and_household(demo, plan_dir: Path) -> None:  # noqa: F811
    reg, _, _ = demo
    summary = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
    cams = reg.cameras()
    assert (cams["role"] == "new").sum() == summary["new_cameras"]
    assert (cams["role"] == "reaim").sum() == summary["reaimed_cameras"]
    assert (cams["role"] == "keep").sum() == summary["kept_cameras"]
    assert cams["code"].str.match(r"^[NRK]\d\d$").all()
    assert set(cams["group_id"]) == {"TDP-01", "TDP-02", "TDP-03"}
    assert all(type(v) is int for v in cams["cost_vnd"])
    homes = reg.households()
    assert homes["household_id"].str.startswith("own-").all()
    assert len(reg.contacts()) == len(homes)  # names only in the private table
    # default deadlines from the plan: pilot 30/7, phase 1 end of year, phase 2 next year
    dues = reg.deadlines().set_index(["group_id", "phase"])["due_date"]
    assert dues[("TDP-02", "pilot")] == date(2026, 7, 30)
    assert dues[("TDP-01", "phase_1")] == date(2026, 12, 31)
    assert dues[("TDP-03", "phase_2")] == date(2027, 12, 31)
    assert ("TDP-01", "pilot") not in dues.index  # the pilot alley is in groups 2 and 3


def test_every_state_change_is_stamped(demo) -> None:
    reg, _, _ = demo
    ev = reg.events()
    assert set(ev["recorded_by"]) == {"CSKV Lan"}
    states = reg.cameras().set_index("code")["state"]
    early = reg.cameras().query("phase in ['pilot', 'phase_1']")["code"]
    assert (states[early] == "verified").all()
    assert (states.drop(early) == "to_visit").all()
    trail = ev[ev["subject_id"] == "N01"]["state"].tolist()
    assert trail == ["to_visit", "visited", "agreed", "installed", "verified"]
    r01 = ev[ev["subject_id"] == "R01"]["state"].tolist()
    assert r01 == ["to_visit", "visited", "agreed", "reaimed", "verified"]
    homes = reg.households()
    assert (homes["state"] == "declined").sum() == 1


def test_balances_are_the_sums_of_the_entries(demo) -> None:
    reg, raised, _ = demo
    entries = reg.entries()
    bal = reg.balances()
    for gid, money in raised.items():
        mine = entries[entries["group_id"] == gid]
        spent = sum(
            a for a, k in zip(mine["amount_vnd"], mine["kind"], strict=True) if k == "spending"
        )
        assert bal.loc[gid, "contributed_vnd"] == money
        assert bal.loc[gid, "spent_vnd"] == spent
        assert bal.loc[gid, "balance_vnd"] == money - spent
    reversed_ = entries[entries["reverses"].notna()]
    assert len(reversed_) == 3 and (reversed_["amount_vnd"] < 0).all()


def test_reports_match_the_entries(demo, tmp_path: Path) -> None:
    reg, raised, _ = demo
    written = write_report(reg, tmp_path / "report", on=ON)
    doc = json.loads(written["json"].read_text(encoding="utf-8"))
    entries = reg.entries()
    cams = reg.cameras()
    for gid, money in raised.items():
        g = doc["groups"][gid]
        mine = entries[entries["group_id"] == gid]
        spent = int(sum(mine[mine["kind"] == "spending"]["amount_vnd"]))
        assert (g["contributed_vnd"], g["spent_vnd"], g["balance_vnd"]) == (
            money,
            spent,
            money - spent,
        )
        early = cams[(cams["group_id"] == gid) & cams["phase"].isin(["pilot", "phase_1"])]
        assert g["cameras_verified"] == len(early)
        assert g["cameras_installed"] == int((early["role"] != "keep").sum())
        assert g["late_phases"] == ""  # pilot and phase 1 done on time; phase 2 not yet due
    assert doc["ward"]["contributed_vnd"] == sum(raised.values()) == 3 * 7_500_000
    assert doc["entries"] == len(entries)
    # each camera's full cost traced to invoices: the right invoice, the wrong one reversed
    costs = camera_costs(reg).set_index("code")
    paid_new = costs[(costs["role"] == "new") & (costs["paid_vnd"] > 0)]
    assert (paid_new["paid_vnd"] == paid_new["planned_vnd"]).all()
    assert "reversal of" in costs.loc["N10", "invoices"]
    assert sum(costs["paid_vnd"]) == int(sum(entries[entries["purpose"] == "camera"]["amount_vnd"]))
    # the accounting workbook lists every entry in order
    wb = openpyxl.load_workbook(written["accounting"], read_only=True)
    ledger = list(wb[campaign_word("sheet_ledger")].iter_rows(values_only=True))
    assert len(ledger) - 1 == len(entries)
    assert [r[0] for r in ledger[1:]] == list(entries["entry_id"])
    # progress: phase 1 routes covered, money raised against the phase cost
    prog = progress(reg, on=ON)
    assert (prog["routes_covered"] > 0).all()
    assert prog.loc["TDP-01", "routes_covered"] == 2  # both phase-1 alleys of group 1
    assert prog.loc["TDP-01", "current_phase"] == "phase_2"
    assert prog.loc["TDP-01", "raised_share"] == round(7_500_000 / 17_540_000, 4)
    for gid in raised:
        png = written[f"burnup-{gid}"]
        assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"


def test_public_report_has_no_names_and_finds_a_receipt(demo, tmp_path: Path) -> None:
    reg, _, _ = demo
    pub = public_report(reg, "TDP-02")
    receipts = pub["receipts"].set_index("receipt_no")
    assert receipts.loc["TDP-02-007", "amount_vnd"] == 250_000
    assert len(receipts) == 30
    assert set(pub["receipts"].columns) == {"receipt_no", "entry_date", "amount_vnd"}
    assert "household_id" not in pub["spending"] and "collector" not in pub["spending"]
    written = write_report(reg, tmp_path / "r", lang="en", plots=False)
    export_xlsx(reg, tmp_path / "register.xlsx")
    secrets = _secrets()
    for path in [*written.values(), tmp_path / "register.xlsx"]:
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path, read_only=True)
            text = "\n".join(
                str(c)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
                for c in row
                if c is not None
            )
        else:
            text = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, f"{path.name} shows personal data"
    wb = openpyxl.load_workbook(written["public-TDP-02"], read_only=True)
    assert wb.sheetnames == ["Summary", "What was bought", "Receipts"]


def test_export_then_import_gives_the_same_register(demo, plan_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    reg, _, _ = demo
    book = export_xlsx(reg, tmp_path / "register.xlsx", lang="vi")
    other = init_campaign(
        plan_dir, tmp_path / "copy.db", survey=datasets.get_path("demo-survey.csv"), start=START
    )
    counts = import_xlsx(other, book)
    assert counts["entries"] == len(reg.entries())
    assert other.balances().equals(reg.balances())
    a = reg.cameras().set_index("code")["state"]
    b = other.cameras().set_index("code")["state"]
    assert a.equals(b)
    assert camera_costs(other)["paid_vnd"].tolist() == camera_costs(reg)["paid_vnd"].tolist()
    # a private export carries the contacts sheet, a default one does not
    private = export_xlsx(reg, tmp_path / "private.xlsx", private=True)
    assert campaign_word("sheet_contacts") in openpyxl.load_workbook(private).sheetnames
    assert campaign_word("sheet_contacts") not in openpyxl.load_workbook(book).sheetnames


def _reversal(reg: Register) -> int:
    money = reg.entries()
    return int(money[money["reverses"].notna()]["entry_id"].iloc[0])


def _reversed(reg: Register) -> int:
    money = reg.entries()
    return int(money[money["reverses"].notna()]["reverses"].iloc[0])


def _snapshot(reg: Register) -> tuple[int, int, int, int]:
    return len(reg.entries()), len(reg.events()), len(reg.decisions()), len(reg.allocations())


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda r: r.contribute("TDP-01", -5000, "X-1", date="2026-07-01"), "positive whole"),
        (lambda r: r.contribute("TDP-01", "1500.5", "X-1", date="2026-07-01"), "not whole VND"),
        (lambda r: r.contribute("TDP-01", 1500.0, "X-1", date="2026-07-01"), "is a float"),
        (lambda r: r.contribute("TDP-01", True, "X-1", date="2026-07-01"), "not a sum of money"),
        (lambda r: r.contribute("TDP-09", 5000, "X-1", date="2026-07-01"), "unknown group"),
        (lambda r: r.contribute("TDP-01", 5000, "X-1", date="2026-05-01"), "before the campaign"),
        (lambda r: r.contribute("TDP-01", 5000, "TDP-02-007", date="2026-07-01"), "already"),
        (lambda r: r.contribute("TDP-01", 5000, "X-1", household="own-nobody"), "unknown house"),
        (lambda r: r.spend("TDP-01", 5000, "A", "B", cameras=["N99"]), "unknown camera"),
        (lambda r: r.spend("TDP-01", 5000, "A", "B", cameras=["N10"]), "is in group TDP-02"),
        (lambda r: r.spend("TDP-01", 5000, "A", "B", purpose="beer"), "purpose"),
        (lambda r: r.install("N05", date="2026-07-01"), "skips a step"),
        (lambda r: r.verify("N05", date="2026-07-01"), "skips a step"),
        (lambda r: r.visit("N99", date="2026-07-01"), "unknown camera"),
        (lambda r: r.install("K03", date="2026-07-01"), "skips a step"),
        (lambda r: r.reverse(_reversal(r), reason="x", date="2026-07-01"), "is not a contri"),
        (lambda r: r.reverse(_reversed(r), reason="x", date="2026-07-01"), "already reversed"),
        (lambda r: r.reverse(99_999, reason="x", date="2026-07-01"), "is not a contribution"),
        (
            lambda r: r.decide(
                "TDP-01",
                "phase_2",
                date="2026-07-01",
                method="vote",
                households_for=1,
                households_total=2,
                amount_per_household_vnd=1,
                minutes_ref="x",
            ),
            "method",
        ),
        (
            lambda r: r.decide(
                "TDP-01",
                "phase_2",
                date="2026-07-01",
                method="ballot",
                households_for=5,
                households_total=2,
                amount_per_household_vnd=1,
                minutes_ref="x",
            ),
            "between 0 and the total",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(demo, call, match: str, english) -> None:
    reg, _, _ = demo
    before = _snapshot(reg)
    bal = reg.balances()
    with pytest.raises(InputError, match=match):
        call(reg)
    assert _snapshot(reg) == before
    assert reg.balances().equals(bal)


def test_a_contribution_needs_an_adopted_decision(
    plan_dir: Path,  # noqa: F811
    tmp_path: Path,
    english: None,
) -> None:
    reg = init_campaign(plan_dir, tmp_path / "c.db", start=START)
    with pytest.raises(InputError, match="record it first"):
        reg.contribute("TDP-01", 200_000, "R-1", date="2026-06-10")
    reg.decide(
        "TDP-01",
        "pilot",
        date="2026-06-05",
        method="ballot",
        households_for=12,
        households_total=40,
        amount_per_household_vnd=200_000,
        minutes_ref="PL-1",
    )
    with pytest.raises(InputError, match="none was adopted by a majority"):
        reg.contribute("TDP-01", 200_000, "R-1", date="2026-06-10")
    reg.decide(
        "TDP-01",
        "pilot",
        date="2026-06-12",
        method="meeting",
        households_for=25,
        households_total=40,
        amount_per_household_vnd=200_000,
        minutes_ref="PL-2",
    )
    with pytest.raises(InputError, match="before the residents' decision"):
        reg.contribute("TDP-01", 200_000, "R-1", date="2026-06-10")
    reg.contribute("TDP-01", "200.000", "R-1", date="2026-06-13")
    assert reg.entries()["decision_id"].tolist() == [2]
    # a batch is all or nothing: one bad receipt undoes the two good ones before it
    with pytest.raises(InputError, match="already"), reg.batch():
        reg.contribute("TDP-01", 1000, "R-2", date="2026-06-14")
        reg.contribute("TDP-01", 1000, "R-3", date="2026-06-14")
        reg.contribute("TDP-01", 1000, "R-1", date="2026-06-14")
    assert reg.entries()["receipt_no"].tolist() == ["R-1"]
    # deadlines are new entries; the newest counts
    reg.set_deadline("TDP-01", "phase_1", "2027-03-31", note="rainy season")
    dues = open_register(tmp_path / "c.db").deadlines().set_index(["group_id", "phase"])
    assert dues.loc[("TDP-01", "phase_1"), "due_date"] == date(2027, 3, 31)
    assert report_json(reg)["groups"]["TDP-01"]["contributed_vnd"] == 200_000
