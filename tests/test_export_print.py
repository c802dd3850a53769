"""The printed maps (maps.pdf): searchable Vietnamese, human titles, pages with work only.

The demo ward planned with its survey and phases is drawn; ``pdftotext`` (poppler-utils,
installed by ``.ci/run``) reads the text back: "Sơ đồ tuyến" and every route's title,
no machine id, every camera in the ward list. A large ward gets group pages or area
sheets instead of one unreadable ward page, and its list continues on pages of its own.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from covplan.export import maps
from covplan.plan.write import map_data

#: Machine ids a person must never read in a title.
MACHINE_ID = re.compile(r"\b(alley|path|lane|street|service|route)-[0-9a-z]{4,}|\b(node|way)/\d+")


def _pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "poppler-utils is not installed (.ci/run installs it: apt-get install poppler-utils)"
        )
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def demo(demo_area: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo ward planned with its survey and phases; its maps drawn once."""
    from covplan import datasets
    from covplan.plan import plan_ward
    from covplan.survey import read_survey

    survey = read_survey(datasets.get_path("demo-survey.csv"), area=demo_area)
    plan = plan_ward(demo_area, survey=survey, phases=True, name="Phường mẫu (dữ liệu giả lập)")
    data = map_data(plan)
    pages = maps.page_plan(data, lang="vi")
    out = tmp_path_factory.mktemp("print")
    maps.plan_maps(data, pdf_path=out / "maps.pdf", png_path=out / "map.png", page_list=pages)
    return {"plan": plan, "data": data, "pages": pages, "pdf": out / "maps.pdf"}


def test_pdf_text_is_searchable_vietnamese(demo: dict[str, Any]) -> None:
    text = _pdftotext(demo["pdf"])
    assert "Sơ đồ tuyến" in text and "Bản đồ camera an ninh toàn phường" in text
    assert "Phường mẫu (dữ liệu giả lập)" in text and "Tỉ lệ quan sát" in text
    route_pages = [p for p in demo["pages"] if p.stem.startswith("route-")]
    assert route_pages
    for page in route_pages:
        assert page.title in text, page.title  # every route's title, whole
    fonts = subprocess.run(["pdffonts", str(demo["pdf"])], capture_output=True, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(re.search(r"yes\s+yes\s+yes\s+\d+\s+\d+$", r) for r in rows), rows


def test_titles_are_never_machine_ids(demo: dict[str, Any]) -> None:
    text = _pdftotext(demo["pdf"])
    for page_text, page in zip(text.split("\f"), demo["pages"], strict=False):
        first = page_text.strip().splitlines()[0]
        assert first.strip().startswith(page.title.split(" — ")[0][:20]), (first, page.title)
        assert not MACHINE_ID.search(page.title), page.title
    assert not MACHINE_ID.search(text)


def test_pages_only_for_routes_with_work(demo: dict[str, Any]) -> None:
    plan, pages = demo["plan"], demo["pages"]
    layers = plan.layers()
    with_cameras = set(plan.install["route_id"].dropna().astype(str))
    ex = layers["existing_cameras"]
    with_cameras |= set(ex.loc[ex["role"].isin(["reaim", "keep"]), "route_id"].dropna())
    segs = layers["routes"]
    gaps = set(segs.loc[segs["n_seen"] < segs["n_targets"], "route_id"].astype(str))
    planned = set(plan.area.routes.loc[plan.area.routes["planned"], "route_id"].astype(str))
    expected = (with_cameras | gaps) & planned
    got = {next(iter(p.focus_routes)) for p in pages if p.stem.startswith("route-")}
    assert got == expected
    # routes with nothing to do get no page, even when planned
    routes = demo["data"].routes.assign(planned=True)
    idle = set(routes["route_id"].astype(str)) - expected
    assert idle
    more = maps.page_plan(dataclasses.replace(demo["data"], routes=routes, _rows=None))
    assert {next(iter(p.focus_routes)) for p in more if p.stem.startswith("route-")} == got
    for p in pages:  # a route page shows a camera, or the points left unseen
        if p.stem.startswith("route-"):
            assert p.cameras or next(iter(p.focus_routes)) in gaps, p.title
    n_pdf = subprocess.run(["pdfinfo", str(demo["pdf"])], capture_output=True, check=True)
    assert re.search(rf"^Pages:\s+{len(pages)}$", n_pdf.stdout.decode(), re.M)


def test_ward_page_lists_every_camera(demo: dict[str, Any]) -> None:
    plan, pages = demo["plan"], demo["pages"]
    ward = pages[0]
    layers = plan.layers()
    ex = layers["existing_cameras"]
    codes = [*plan.install["code"], *ex.loc[ex["role"].isin(["reaim", "keep"]), "number"]]
    assert [c["code"] for c in ward.cameras] == codes
    assert len(codes) > maps.PANEL_LINES  # the panel cannot hold them: list pages follow
    listed = [c["code"] for p in pages if p.stem.startswith("ward-list") for c in p.cameras]
    assert listed == codes
    text = _pdftotext(demo["pdf"])
    assert "… còn" in text and "(+" not in text
    lists = "\n".join(t for t, p in zip(text.split("\f"), pages, strict=False) if p.kind == "list")
    for code in codes:
        assert re.search(rf"\b{code}\b", lists), code


def test_large_ward_gets_group_pages(demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(maps, "LARGE_CAMERAS", 10)
    data = dataclasses.replace(demo["data"], _rows=None)
    pages = maps.page_plan(data, lang="vi")
    assert not pages[0].codes  # the ward page: an overview without codes
    groups = [p for p in pages if p.stem.startswith("group-")]
    assert len(groups) == len(data.groups) and all(p.codes for p in groups)
    for p in groups:  # each group page lists every camera of its routes
        assert p.cameras == [c for c in pages[0].cameras if c["route_id"] in p.focus_routes]


def test_large_ward_without_groups_gets_area_sheets(
    demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maps, "LARGE_CAMERAS", 10)
    monkeypatch.setattr(maps, "SHEET_WIDTH_M", 200.0)
    data = dataclasses.replace(demo["data"], groups=None, _rows=None)
    pages = maps.page_plan(data, lang="vi")
    sheets = [p for p in pages if p.stem.startswith("sheet-") and p.kind == "map"]
    assert len(sheets) >= 2 and len(pages[0].sheets) == len(sheets)
    assert sheets[0].title == f"Bản đồ khu vực 1/{len(sheets)}"
    on_sheets = {c["code"] for p in sheets for c in p.cameras}
    assert on_sheets == {c["code"] for c in pages[0].cameras}  # every camera on a sheet


def test_parallel_drawing_gives_the_same_pages(demo: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("pdfunite") is None:
        pytest.skip("poppler-utils is not installed (pdfunite joins the workers' pages)")
    pages = [p for p in demo["pages"] if p.stem.startswith("route-")][:3]
    maps.plan_maps(demo["data"], pdf_path=tmp_path / "two.pdf", page_list=pages, workers=2)
    maps.plan_maps(demo["data"], pdf_path=tmp_path / "one.pdf", page_list=pages, workers=1)
    two, one = _pdftotext(tmp_path / "two.pdf"), _pdftotext(tmp_path / "one.pdf")
    assert two.count("\f") == one.count("\f") == len(pages)
    assert two == one
    assert not list(tmp_path.glob("*.part*"))  # the workers' PDFs are gone
