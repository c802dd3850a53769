import re

import pytest
from PIL import Image
from toy_plan import toy_plan

from covplan.export import MapData, plan_maps, route_atlas, segment_coverage
from covplan.export._furniture import _nice_length
from covplan.export.tables import install_list
from covplan.export.web import write_html_map
from covplan.geometry import view_polygons


def _pdf_pages(path):
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def _cones(t, a):
    """The plan's cones: each view cut by buildings, empty ones (fully blocked) dropped."""
    cones = view_polygons(t.chosen.assign(number="x"), a.buildings, crs=a.crs)
    return cones[~cones.geometry.is_empty]


@pytest.fixture(scope="module")
def data():
    t = toy_plan()
    a = t.area
    il = install_list(
        t.chosen[t.chosen.source == "new"], sites=t.sites, routes=a.routes, catalogue=t.catalogue
    )
    ex = t.cameras.assign(
        role=["reaim", "reaim", "keep", "unused"], number=["R01", "R02", "K01", ""]
    )
    layers = {
        "routes": segment_coverage(a.segments, t.targets),
        "view_cones": _cones(t, a),
        "unseen_targets": t.targets[t.targets.cover_count < t.targets.k_required],
        "existing_cameras": ex,
        "new_cameras": il,
    }
    md = MapData.from_layers(
        buildings=a.buildings,
        segments=layers["routes"],
        routes=a.routes.reset_index(drop=True),
        groups=a.groups.reset_index(drop=True),
        boundary=a.boundary,
        new=il,
        existing=ex,
        cones=layers["view_cones"],
        unseen=layers["unseen_targets"],
        synthetic=True,
        title=a.name,
    )
    return t, md, layers


def test_plan_maps_pdf_and_png(data, tmp_path):
    _, md, _ = data
    ticks = []
    files = plan_maps(
        md,
        pdf_path=tmp_path / "maps.pdf",
        png_path=tmp_path / "map.png",
        page_dir=tmp_path / "pages",
        lang="vi",
        dpi=60,
        progress=ticks.append,
    )
    assert _pdf_pages(tmp_path / "maps.pdf") == 3  # ward + two planned alleys
    assert len(ticks) == 3
    with Image.open(tmp_path / "map.png") as im:
        assert im.format == "PNG" and im.size[0] > im.size[1]
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        "route-kiet-12-le-loi.png",
        "route-kiet-40-le-loi.png",
    ]
    assert len(files) == 4
    assert not list(tmp_path.glob(".*"))  # no temporary left


def test_group_pages(data, tmp_path):
    _, md, _ = data
    plan_maps(md, pdf_path=tmp_path / "g.pdf", pages="group", lang="en", dpi=50)
    assert _pdf_pages(tmp_path / "g.pdf") == 3  # ward + two groups


def test_route_atlas(data, tmp_path):
    t, _, _ = data
    files = route_atlas(t.area, tmp_path, lang="en", dpi=50)
    assert _pdf_pages(tmp_path / "route-atlas.pdf") == 4  # ward + three routes
    assert (tmp_path / "route-atlas.png").exists()
    assert len(list((tmp_path / "route-atlas").glob("*.png"))) == 3
    assert len(files) == 5


def test_nice_scale_length():
    assert _nice_length(250) == 50
    assert _nice_length(1200) == 200
    assert _nice_length(60) == 10


def test_html_map(data, tmp_path):
    t, _, layers = data
    path = write_html_map(
        tmp_path / "map.html",
        layers,
        buildings=t.area.buildings,
        lang="vi",
        tiles=None,
        title="Phường Mẫu",
        fallback_png=b"\x89PNG fake",
    )
    html = path.read_text(encoding="utf-8")
    assert "Kiệt 12 Lê Lợi" in html and "N03" in html
    assert "covplan-offline" in html and "data:image/png;base64," in html
    assert "tile.openstreetmap.org" not in html
