import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from toy_plan import toy_plan

from covplan.export import segment_coverage, write_geopackage, write_kml, write_kmz
from covplan.export.gpkg import qgis_style, style_names
from covplan.export.tables import install_list
from covplan.geometry import view_polygons

KML = "{http://www.opengis.net/kml/2.2}"


def _cones(t, a):
    """The plan's cones: each view cut by buildings, empty ones (fully blocked) dropped."""
    cones = view_polygons(t.chosen.assign(number="x"), a.buildings, crs=a.crs)
    return cones[~cones.geometry.is_empty]


@pytest.fixture(scope="module")
def layers():
    t = toy_plan()
    a = t.area
    new = t.chosen[t.chosen.source == "new"]
    il = install_list(new, sites=t.sites, routes=a.routes, groups=a.groups, catalogue=t.catalogue)
    ex = t.cameras.assign(
        role=["reaim", "reaim", "keep", "unused"],
        number=["R01", "R02", "K01", ""],
        heading_now_deg=t.cameras["heading_deg"],
    )
    return {
        "routes": segment_coverage(a.segments, t.targets),
        "view_cones": _cones(t, a),
        "unseen_targets": t.targets[t.targets.cover_count < t.targets.k_required],
        "existing_cameras": ex,
        "new_cameras": il.assign(source="new"),
    }


def test_segment_coverage(layers):
    r = layers["routes"]
    cls = dict(zip(r["segment_id"], r["coverage_class"], strict=True))
    assert cls[0] == "not_planned" and cls[2] == "covered" and cls[5] == "partial"
    assert r.loc[r.segment_id == 5, "n_seen"].item() == 5
    assert r["n_targets"].sum() == 50


def test_geopackage_layers_and_styles(layers, tmp_path):
    path = write_geopackage(tmp_path / "plan.gpkg", layers, lang="vi")
    names = set(pyogrio.list_layers(path)[:, 0])
    assert set(layers) <= names
    for name, gdf in layers.items():
        back = gpd.read_file(path, layer=name)
        assert len(back) == len(gdf), name
    back = gpd.read_file(path, layer="new_cameras")
    assert list(back["code"]) == ["N01", "N02", "N03"]
    assert back.loc[0, "route_name"] == "Kiệt 12 Lê Lợi"
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT f_table_name, f_geometry_column, styleQML, styleSLD, useAsDefault FROM layer_styles"
    ).fetchall()
    assert {r[0] for r in rows} == set(layers)
    for _name, geom_col, qml, sld, default in rows:
        assert geom_col == "geom" and default == 1
        ET.fromstring(qml)
        ET.fromstring(sld)
    qml = dict((r[0], r[2]) for r in rows)["routes"]
    assert 'attr="coverage_class"' in qml and 'label="Được quan sát đủ"' in qml
    assert con.execute(
        "SELECT data_type FROM gpkg_contents WHERE table_name='layer_styles'"
    ).fetchone() == ("attributes",)


def test_vn2000_copy(layers, tmp_path):
    path = write_geopackage(tmp_path / "vn.gpkg", layers, crs=9214, styles=False)
    back = gpd.read_file(path, layer="new_cameras")
    assert back.crs.to_epsg() == 9214
    x, y = back.geometry.iloc[0].x, back.geometry.iloc[0].y
    assert 400_000 < x < 700_000 and 1_700_000 < y < 1_900_000  # metres, near Huế


def test_styles_in_english():
    assert set(style_names()) == {
        "routes",
        "new_cameras",
        "existing_cameras",
        "view_cones",
        "unseen_targets",
    }
    qml, _ = qgis_style("existing_cameras", "en")
    assert 'label="Camera to re-aim"' in qml


def test_kml_and_kmz_read_back(layers, tmp_path):
    kml = write_kml(tmp_path / "plan.kml", layers, lang="vi", title="Phường Mẫu")
    kmz = write_kmz(tmp_path / "plan.kmz", layers, lang="en")
    n_cameras = len(layers["new_cameras"]) + len(layers["existing_cameras"])
    for root in (
        ET.parse(kml).getroot(),
        ET.fromstring(zipfile.ZipFile(kmz).read("doc.kml")),
    ):
        marks = root.iter(f"{KML}Placemark")
        points = [m for m in marks if m.find(f"{KML}Point") is not None]
        assert len(points) == n_cameras
        # one placemark per view cone; a cone that a building splits is a MultiGeometry
        polys = [
            m
            for m in root.iter(f"{KML}Placemark")
            if m.find(f"{KML}Polygon") is not None
            or m.find(f"{KML}MultiGeometry/{KML}Polygon") is not None
        ]
        assert len(polys) == len(layers["view_cones"])
    text = kml.read_text(encoding="utf-8")
    assert "Kiệt 12 Lê Lợi" in text and "Đông" in text
    assert "Nguyễn" not in text  # no owner names
