"""The whole-cost model: the editable cost file, storage choice and the itemised bill."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import covplan.camera
from covplan._errors import InputError
from covplan.camera.costs import (
    CAMERA_PARTS,
    COSTS_PATH,
    MOUNT_KINDS,
    PARTS,
    CostModel,
    load_costs,
)
from covplan.camera.spec import CameraSpec, load_catalogue

# A cost file with round numbers, so a bill can be worked out by hand.
ROUND_COSTS = """\
part,kind,item,value,unit,source,notes
# round numbers for the tests,,,,,,
mount,pole,hardware_vnd,200000,VND,test,
mount,pole,labour_vnd,100000,VND,test,
mount,pole,capacity,2,cameras,test,
mount,pole,cable_m,20,m,test,
mount,pole,power,poe,,test,
mount,pole,connectivity,wifi,,test,
mount,pole,consent,power_company,,test,
mount,street_lamp,hardware_vnd,200000,VND,test,
mount,street_lamp,labour_vnd,100000,VND,test,
mount,street_lamp,capacity,2,cameras,test,
mount,street_lamp,cable_m,20,m,test,
mount,street_lamp,power,poe,,test,
mount,street_lamp,connectivity,wifi,,test,
mount,street_lamp,consent,ward,,test,
mount,wall,hardware_vnd,100000,VND,test,
mount,wall,labour_vnd,50000,VND,test,
mount,wall,capacity,1,cameras,test,
mount,wall,cable_m,10,m,test,
mount,wall,power,adapter,,test,
mount,wall,connectivity,wifi,,test,
mount,wall,consent,household,,test,
mount,gate,hardware_vnd,100000,VND,test,
mount,gate,labour_vnd,50000,VND,test,
mount,gate,capacity,1,cameras,test,
mount,gate,cable_m,15,m,test,
mount,gate,power,poe,,test,
mount,gate,connectivity,wifi,,test,
mount,gate,consent,agency,,test,
mount,new_pole,hardware_vnd,3000000,VND,test,
mount,new_pole,labour_vnd,1000000,VND,test,
mount,new_pole,capacity,2,cameras,test,
mount,new_pole,cable_m,30,m,test,
mount,new_pole,power,adapter,,test,
mount,new_pole,connectivity,4g,,test,
mount,new_pole,consent,ward,,test,
cable,,vnd_per_m,10000,VND per m,test,
power,poe,vnd,300000,VND,test,
power,adapter,vnd,100000,VND,test,
power,,electricity_monthly_vnd,10000,VND,test,
labour,,camera_vnd,200000,VND,test,
storage,64gb,card_vnd,150000,VND,test,
storage,128gb,card_vnd,250000,VND,test,
storage,256gb,card_vnd,500000,VND,test,
storage,,usable_pct,100,%,test,
storage,,retention_days,7,days,test,
storage,2mp,bitrate_kbps,1000,kbps,test,
storage,4mp,bitrate_kbps,2000,kbps,test,
storage,,recorder_channel_vnd,400000,VND,test,
storage,,disk_vnd_per_tb,1000000,VND,test,
connectivity,wifi,setup_vnd,100000,VND,test,
connectivity,wifi,monthly_vnd,0,VND,test,
connectivity,4g,setup_vnd,1000000,VND,test,
connectivity,4g,monthly_vnd,100000,VND,test,
reaim,,visit_vnd,200000,VND,test,
"""

CAM2 = CameraSpec("c2", "2 MP", "bullet", 1920, 1080, 54.0, 30.0, 6.0, 900_000)
CAM4 = CameraSpec("c4", "4 MP", "bullet", 2560, 1440, 55.0, 30.0, 6.0, 1_500_000)
CATALOGUE = {"c2": CAM2, "c4": CAM4}


def _write(tmp_path: Path, text: str, name: str = "costs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def model(tmp_path: Path) -> CostModel:
    return load_costs(_write(tmp_path, ROUND_COSTS))


def _plan(*rows: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([r[:3] for r in rows], columns=["site_id", "mount_kind", "spec_id"])
    frame["connectivity"] = [r[3] if len(r) > 3 else None for r in rows]
    return frame


def _row_of(text: str, start: str) -> int:
    """The spreadsheet row (header = 1) of the line starting with ``start``."""
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


# ---- the shipped file


def test_the_default_file_loads_with_a_source_for_every_number() -> None:
    costs = load_costs()
    assert costs.path == COSTS_PATH
    assert set(costs.mounts) == set(MOUNT_KINDS)
    assert costs.retention_days == 7
    assert costs.reaim_vnd == 200_000
    assert sorted(costs.cards_vnd) == [64, 128, 256]
    assert costs.bitrate_kbps[2] == 1000 and costs.bitrate_kbps[4] == 2000
    for mount in costs.mounts.values():
        assert type(mount.hardware_vnd) is int and type(mount.labour_vnd) is int
        assert 50_000 <= mount.total_vnd <= 10_000_000  # VND, not USD or millions
        assert mount.capacity >= 1 and mount.needs_consent
    assert costs.mount("wall").consent == "household"
    assert costs.mount("pole").consent == "power_company"
    assert costs.mount("gate").consent == "agency"
    assert costs.mount("new_pole").connectivity == "4g"
    assert costs.mount("wall").cable_m == 10 and costs.mount("pole").cable_m == 25
    assert costs.mount("new_pole").cable_m == 30
    assert all(s.strip() for s in costs.sources.values())
    assert len(costs.sources) >= 50
    assert covplan.camera.load_costs is load_costs and covplan.camera.PARTS == PARTS


def test_default_storage_cards_for_2mp_and_4mp_at_7_and_30_days() -> None:
    costs = load_costs()
    cat = load_catalogue()
    two, four = cat["bullet-2mp-6"], cat["bullet-4mp-6"]
    # 2 MP at 1 Mbps: 10.8 GB a day; 7 days = 75.6 GB > 95 % of 64 GB -> a 128 GB card
    week2 = costs.storage(two)
    assert week2.card_gb == 128 and week2.vnd == costs.cards_vnd[128]
    assert week2.need_bytes == 1000 * 125 * 86_400 * 7
    # 4 MP at 2 Mbps: 151.2 GB in a week > 95 % of 128 GB -> a 256 GB card
    week4 = costs.storage(four)
    assert week4.card_gb == 256 and week4.need_gb == 152
    # 30 days: 2 MP 324 GB, 4 MP 648 GB — more than a 256 GB card holds: a recorder
    month2 = costs.with_retention(30).storage(two)
    month4 = costs.with_retention(30).storage(four)
    assert month2.needs_recorder and month2.need_gb == 324
    assert month4.needs_recorder and month4.need_gb == 648
    assert "256 GB" in month4.note("en") and "recorder" in month4.note("en")
    assert month4.vnd > month2.vnd > week4.vnd
    # a day of 2 MP (10.8 GB) fits the 64 GB card
    assert costs.with_retention(1).storage(two).card_gb == 64
    assert costs.retention_days == 7  # with_retention is a copy


def test_bill_of_one_camera_is_mount_plus_pose() -> None:
    costs = load_costs()
    spec = load_catalogue()["bullet-2mp-6"]
    for kind in MOUNT_KINDS:
        parts = costs.camera_parts(spec, kind)
        assert tuple(parts) == CAMERA_PARTS
        assert all(type(v) is int for v in parts.values())
        assert costs.pose_cost_vnd(spec, kind) == sum(parts.values())
        bill = costs.itemise(_plan(("s", kind, "bullet-2mp-6")))
        assert bill.attrs["total_vnd"] == costs.mount_cost_vnd(kind) + sum(parts.values())
    assert costs.pose_cost_vnd(spec, "new_pole") > costs.pose_cost_vnd(spec, "wall")


# ---- a hand-made plan on round numbers


def test_storage_choice_by_hand(model: CostModel) -> None:
    # 1000 kbps = 125 000 B/s = 10.8 GB a day (cards hold 100 % in this file)
    assert model.storage(CAM2).card_gb == 128  # 75.6 GB
    assert model.storage(CAM4).card_gb == 256  # 151.2 GB
    month = model.with_retention(30)
    # 324 GB and 648 GB: more than 256 GB -> recorder channel + disk at 1 000 000 VND/TB
    assert month.storage(CAM2).vnd == 400_000 + 324_000
    assert month.storage(CAM4).vnd == 400_000 + 648_000
    assert month.storage(CAM4).needs_recorder
    # the cheapest card that holds wins, even when it is the bigger one
    promo = replace(model, cards_vnd={64: 150_000, 128: 600_000, 256: 500_000})
    assert promo.storage(CAM2).card_gb == 256


def test_itemised_bill_equals_a_hand_computation(model: CostModel) -> None:
    plan = _plan(
        ("P1", "pole", "c2"),
        ("P1", "pole", "c4"),  # back to back on the same pole: one mount
        ("W1", "wall", "c2"),
        ("N1", "new_pole", "c2"),
        ("L1", "street_lamp", "c2", "4g"),  # a lamp with no household nearby
    )
    bill = model.itemise(plan, catalogue=CATALOGUE, reaims=3, lang="en")
    got = dict(zip(bill["part"], bill["vnd"], strict=True))
    qty = dict(zip(bill["part"], bill["quantity"], strict=True))
    assert tuple(bill["part"]) == PARTS
    assert got == {
        "camera": 4 * 900_000 + 1_500_000,
        "mount": 300_000 + 150_000 + 4_000_000 + 300_000,
        "cable": (20 + 20 + 10 + 30 + 20) * 10_000,
        "power": 3 * 300_000 + 2 * 100_000,  # PoE on pole and lamp, adapters on wall and pole
        "labour": 5 * 200_000,
        "storage": 4 * 250_000 + 500_000,  # 128 GB for each 2 MP, 256 GB for the 4 MP
        "connectivity": 3 * 100_000 + 2 * 1_000_000,  # Wi-Fi ×3, 4G ×2
        "reaim": 3 * 200_000,
    }
    assert qty["mount"] == 4 and qty["camera"] == 5 and qty["cable"] == 100
    assert qty["reaim"] == 3
    assert bill.attrs["total_vnd"] == 17_350_000
    assert model.monthly_vnd(plan) == 2 * 100_000 + 5 * 10_000
    assert model.monthly_parts(plan) == {"connectivity": 200_000, "electricity": 50_000}
    assert bill.attrs["monthly_vnd"] == 250_000
    assert bill.loc[1, "note"] == (
        "1 × pole (the power company must agree), 1 × house wall (the household must agree), "
        "1 × new steel pole (the ward committee must agree), "
        "1 × street lamp (the ward committee must agree)"
    )
    assert bill.loc[5, "note"] == "4 × 128 GB microSD card, 1 × 256 GB microSD card"
    assert bill.loc[6, "note"] == "3 × the household's Wi-Fi/router, 2 × 4G router + SIM"


def test_totals_are_ints_and_the_sum_of_parts(model: CostModel) -> None:
    plan = _plan(("A", "gate", "c4"), ("B", "wall", "c2"), ("B", "wall", "c2"))
    bill = model.itemise(plan, catalogue=CATALOGUE, reaims=1)
    assert bill["vnd"].dtype == "int64" and bill["quantity"].dtype == "int64"
    total = bill.attrs["total_vnd"]
    assert type(total) is int and type(bill.attrs["monthly_vnd"]) is int
    assert total == int(bill["vnd"].sum())
    assert bill["share"].sum() == pytest.approx(1.0)
    # a wall holds one camera: two on one house are two mounts
    assert bill.set_index("part").loc["mount", "quantity"] == 3


def test_capacity_counts_mounts_per_site(model: CostModel) -> None:
    three = _plan(*[("P", "pole", "c2")] * 3)
    bill = model.itemise(three, catalogue=CATALOGUE)
    mount = bill.set_index("part").loc["mount"]
    assert mount["quantity"] == 2 and mount["vnd"] == 2 * 300_000
    empty = model.itemise(_plan(), catalogue=CATALOGUE)
    assert empty.attrs["total_vnd"] == 0 and (empty["share"] == 0).all()


def test_bill_labels_are_vietnamese_by_default(model: CostModel) -> None:
    bill = model.itemise(_plan(("W", "wall", "c2")), catalogue=CATALOGUE, reaims=2)
    labels = bill.set_index("part")
    assert labels.loc["reaim", "label_vi"] == "Xoay hướng camera hiện có"
    assert labels.loc["reaim", "note"] == "2 lần × 200.000 VNĐ"
    assert labels.loc["mount", "note"] == "1 × tường nhà (cần hộ gia đình đồng ý)"
    for text in [*bill["label_vi"], *bill["note"]]:
        assert unicodedata.is_normalized("NFC", text)
    assert model.mount("wall").label("en") == "house wall"


# ---- bad plans


def test_bad_plan_rows_name_the_row_and_column(model: CostModel) -> None:
    with pytest.raises(InputError) as err:
        model.itemise(_plan(("A", "pole", "c2"), ("B", "roof", "c2")), catalogue=CATALOGUE)
    assert (err.value.row, err.value.column, err.value.value) == (3, "mount_kind", "roof")
    with pytest.raises(InputError, match="not in the camera catalogue") as err:
        model.itemise(_plan(("A", "pole", "nope")), catalogue=CATALOGUE)
    assert (err.value.row, err.value.column) == (2, "spec_id")
    with pytest.raises(InputError, match="several mount kinds"):
        model.itemise(_plan(("A", "pole", "c2"), ("A", "wall", "c2")), catalogue=CATALOGUE)
    with pytest.raises(InputError, match="no spec_id column"):
        model.itemise(pd.DataFrame({"site_id": ["A"], "mount_kind": ["pole"]}), catalogue={})
    with pytest.raises(InputError, match="connectivity"):
        model.itemise(_plan(("A", "pole", "c2", "5g")), catalogue=CATALOGUE)
    with pytest.raises(InputError, match="mount kind"):
        model.mount_cost_vnd("roof")


def test_a_camera_price_with_decimals_is_refused(model: CostModel) -> None:
    odd = CameraSpec("odd", "odd", "bullet", 1920, 1080, 54.0, 30.0, 6.0, 900_000.5)
    with pytest.raises(InputError, match="whole VND") as err:
        model.camera_parts(odd, "wall")
    assert err.value.column == "price_vnd"
    with pytest.raises(InputError, match="whole number of days"):
        model.with_retention(7.5)  # type: ignore[arg-type]


# ---- broken cost files


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        ("mount,wall,labour_vnd,50000,", "mount,wall,labour_vnd,5OOOO,", "value", "not a number"),
        ("mount,wall,labour_vnd,50000,", "mount,wall,labour_vnd,-50000,", "value", "negative"),
        ("mount,wall,labour_vnd,50000,", "mount,wall,labour_vnd,50000.5,", "value", "whole"),
        ("mount,wall,labour_vnd,50000,", "mount,wall,labour_vnd,50000.0,", "value", "whole"),
        ("mount,wall,labour_vnd,50000,", "mount,roof,labour_vnd,50000,", "kind", "mount kind"),
        ("mount,wall,capacity,1,", "mount,wall,capacity,0,", "value", "at least 1"),
        ("mount,wall,consent,household,", "mount,wall,consent,landlord,", "value", "not one of"),
        ("storage,64gb,card_vnd", "storage,64 MB,card_vnd", "kind", "card size"),
        (
            "cable,,vnd_per_m,10000,VND per m,test",
            "cable,,vnd_per_m,10000,VND per m,",
            "source",
            "source",
        ),
        ("reaim,,visit_vnd", "reaim,,visit_cost", "item", "not an item"),
    ],
)
def test_a_bad_value_names_the_row_and_column(
    tmp_path: Path, old: str, new: str, column: str, message: str
) -> None:
    assert ROUND_COSTS.count(old) == 1
    text = ROUND_COSTS.replace(old, new)
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        load_costs(path)
    assert len(err.value.problems) == 1
    assert err.value.row == _row_of(text, new)
    assert err.value.column == column
    assert err.value.file == str(path)
    assert str(path) in str(err.value) and f"row {err.value.row}" in str(err.value)


def test_a_missing_column_names_the_header(tmp_path: Path) -> None:
    cells = [line.split(",") for line in ROUND_COSTS.splitlines()]
    text = "\n".join(",".join(c[:5] + c[6:]) for c in cells)  # without the source column
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="no column 'source'") as err:
        load_costs(path)
    assert (err.value.row, err.value.column) == (1, "source")


def test_a_missing_number_and_a_duplicate_are_named(tmp_path: Path) -> None:
    without = ROUND_COSTS.replace("mount,gate,labour_vnd,50000,VND,test,\n", "")
    with pytest.raises(InputError, match="mount/gate/labour_vnd") as err:
        load_costs(_write(tmp_path, without))
    assert err.value.column == "item"
    twice = ROUND_COSTS + "reaim,,visit_vnd,250000,VND,second quote,\n"
    with pytest.raises(InputError, match="given twice") as err:
        load_costs(_write(tmp_path, twice, "twice.csv"))
    assert err.value.row == len(twice.splitlines())


def test_grouped_thousands_are_read_and_several_problems_are_all_listed(tmp_path: Path) -> None:
    text = ROUND_COSTS.replace(
        "mount,new_pole,hardware_vnd,3000000,", 'mount,new_pole,hardware_vnd,"3.000.000",'
    )
    assert load_costs(_write(tmp_path, text)).mount("new_pole").hardware_vnd == 3_000_000
    bad = ROUND_COSTS.replace("labour,,camera_vnd,200000", "labour,,camera_vnd,2.5").replace(
        "power,poe,vnd,300000", "power,poe,vnd,-1"
    )
    with pytest.raises(InputError) as err:
        load_costs(_write(tmp_path, bad, "bad.csv"))
    assert [p.column for p in err.value.problems] == ["value", "value"]
    assert {p.row for p in err.value.problems} == {
        _row_of(bad, "power,poe,vnd"),
        _row_of(bad, "labour,,camera_vnd"),
    }


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        load_costs(tmp_path / "absent.csv")
