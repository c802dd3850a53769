"""KMZ for phones: the icons inside the archive, one file per residential group and phase."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import pandas as pd
import pytest
from PIL import Image
from toy_plan import toy_plan

from covplan.export import segment_coverage, write_kml, write_kmz
from covplan.export.kml import ICON_ROLES, icon_png, layer_subsets, write_kmz_set
from covplan.export.tables import install_list

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def layers() -> dict[str, Any]:
    """The toy plan's layers; new cameras in phases (pilot, phase 1, phase 2)."""
    t = toy_plan()
    a = t.area
    il = install_list(
        t.chosen[t.chosen.source == "new"],
        sites=t.sites,
        routes=a.routes,
        groups=a.groups,
        catalogue=t.catalogue,
    ).assign(phase=["pilot", "phase_1", "phase_2"])
    routes = a.routes.reset_index(drop=True)
    ex = t.cameras.assign(
        role=["reaim", "reaim", "keep", "unused"],
        number=["R01", "R02", "K01", ""],
        heading_now_deg=t.cameras["heading_deg"],
        route_id=[routes.route_id.iloc[1], routes.route_id.iloc[2], routes.route_id.iloc[1], None],
    )
    segs = segment_coverage(a.segments, t.targets)
    group_of = dict(zip(routes.route_id, routes.group_id, strict=True))
    segs["group_id"] = segs["route_id"].map(group_of)
    return {
        "routes": segs,
        "existing_cameras": ex,
        "new_cameras": il.assign(source="new"),
        "_groups": a.groups.reset_index(drop=True),
        "_route_phase": {r: i % 3 for i, r in enumerate(routes.route_id)},
        "_area_routes": routes,
    }


def _plan_layers(layers: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in layers.items() if not k.startswith("_")}


def _hrefs(doc: bytes) -> list[str]:
    root = ET.fromstring(doc)
    return [e.text or "" for e in root.iter(f"{KML}href")]


def test_kmz_holds_its_icons(layers: dict[str, Any], tmp_path: Any) -> None:
    path = write_kmz(tmp_path / "plan.kmz", _plan_layers(layers), lang="vi")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "doc.kml"
        doc = z.read("doc.kml")
        hrefs = _hrefs(doc)
        assert hrefs and all(not h.startswith(("http:", "https:", "/")) for h in hrefs)
        assert set(hrefs) <= set(names)  # every icon it names is inside
        for role in ("new", "reaim", "keep", "unused"):  # every role the layers hold
            icon = f"files/camera-{role}.png"
            assert icon in names
            with Image.open(io.BytesIO(z.read(icon))) as im:
                assert im.format == "PNG" and im.size == (32, 32) and im.mode == "RGBA"
                assert im.getpixel((16, 16))[3] == 255 and im.getpixel((0, 0))[3] == 0
    assert b"http://maps.google.com" not in doc


def test_plain_kml_names_no_icon_url(layers: dict[str, Any], tmp_path: Any) -> None:
    text = write_kml(tmp_path / "plan.kml", _plan_layers(layers)).read_text(encoding="utf-8")
    assert "<href>" not in text and "http://maps.google.com" not in text


def test_icons_differ_by_role() -> None:
    pngs = {role: icon_png(role) for role in ICON_ROLES}
    assert len(set(pngs.values())) == len(ICON_ROLES)


def test_subsets_per_group_and_phase(layers: dict[str, Any]) -> None:
    plan_layers = _plan_layers(layers)
    subsets = layer_subsets(
        plan_layers, groups=layers["_groups"], route_phase=layers["_route_phase"], lang="vi"
    )
    kinds = [k for _, k, _, _ in subsets]
    assert kinds.count("group") == 2 and kinds.count("phase") == 3
    new = plan_layers["new_cameras"]
    by_group = [set(s["new_cameras"]["code"]) for _, k, _, s in subsets if k == "group"]
    expected = [set(new.loc[new.group_id == g, "code"]) for g in layers["_groups"].group_id]
    assert by_group == expected
    by_phase = {name: set(s["new_cameras"]["code"]) for _, k, name, s in subsets if k == "phase"}
    assert by_phase == {"Thí điểm": {"N01"}, "Giai đoạn 1": {"N02"}, "Giai đoạn 2": {"N03"}}
    for _, _, _, sub in subsets:  # a file's routes are its own
        assert set(sub["routes"]["route_id"]) <= set(plan_layers["routes"]["route_id"])
        roles = set(sub["existing_cameras"]["role"])
        assert "unused" not in roles


def test_write_kmz_set_files(layers: dict[str, Any], tmp_path: Any) -> None:
    files = write_kmz_set(
        tmp_path / "kmz",
        _plan_layers(layers),
        groups=layers["_groups"],
        route_phase=layers["_route_phase"],
        ward="Phường Mẫu",
        reaim=pd.DataFrame({"code": ["R01"], "address": ["12 Lê Lợi"]}),
    )
    names = sorted(p.name for p in files)
    assert "thi-diem.kmz" in names and "giai-doan-1.kmz" in names
    assert len(names) == 5 and len(set(names)) == 5
    for path in files:
        with zipfile.ZipFile(path) as z:
            doc = z.read("doc.kml")
            assert set(_hrefs(doc)) <= set(z.namelist())
            name = ET.fromstring(doc).find(f"{KML}Document/{KML}name")
            assert name is not None and (name.text or "").startswith("Phường Mẫu — ")
