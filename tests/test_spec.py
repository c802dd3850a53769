from __future__ import annotations

import math

import numpy as np
import pytest

import covplan
from covplan import settings
from covplan._errors import InputError
from covplan.camera.spec import (
    CameraSpec,
    dori_range_m,
    fov_from_lens,
    level_px_per_m,
    load_catalogue,
    pixel_density,
)


def test_catalogue_has_what_a_ward_buys() -> None:
    specs = load_catalogue()
    forms = {s.form for s in specs.values()}
    assert forms == {"bullet", "dome", "fisheye"}
    lenses = {s.lens_mm for s in specs.values() if s.form != "fisheye"}
    assert {2.8, 3.6, 6.0} <= lenses
    assert {s.resolution_px for s in specs.values() if s.form != "fisheye"} == {1920, 2560}
    assert all(100_000 < s.price_vnd < 20_000_000 for s in specs.values())  # VND, not USD
    assert covplan.CameraSpec is CameraSpec


def test_range_is_where_density_meets_each_threshold() -> None:
    spec = CameraSpec("b", "b", "bullet", 1920, 1080, 90.0, 50.0, 3.6, 900_000)
    for level, thr in settings.dori_px_per_m.items():
        r = spec.range_m(level)
        # 1920 px over 2·d·tan(45°) = 2d metres
        assert r == pytest.approx(1920 / (2 * thr))
        assert spec.px_per_m(r) == pytest.approx(thr)
        assert spec.px_per_m(r * 0.99) > thr > spec.px_per_m(r * 1.01)
    ranges = spec.dori()
    assert ranges["detect"] > ranges["observe"] > ranges["recognise"] > ranges["identify"]


def test_thresholds_are_read_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = CameraSpec("b", "b", "bullet", 1920, 1080, 90.0, 50.0)
    before = spec.range_m("observe")
    monkeypatch.setitem(settings.dori_px_per_m, "observe", 125.0)
    assert spec.range_m("observe") == pytest.approx(before / 2)
    assert level_px_per_m(80.0) == 80.0
    with pytest.raises(InputError, match="unknown DORI level"):
        level_px_per_m("glimpse")


def test_fov_from_lens_and_sensor() -> None:
    # 4 mm lens on a 1/2.7" sensor (5.37 mm wide): about 67.8°
    assert fov_from_lens(4.0, 5.37) == pytest.approx(2 * math.degrees(math.atan(5.37 / 8)))
    spec = CameraSpec.from_lens(
        "x",
        resolution_px=1920,
        resolution_v_px=1080,
        lens_mm=2.8,
        sensor_width_mm=5.37,
        sensor_height_mm=3.02,
    )
    assert 85 < spec.hfov_deg < 100 and spec.vfov_deg < spec.hfov_deg
    longer = CameraSpec.from_lens(
        "y",
        resolution_px=1920,
        resolution_v_px=1080,
        lens_mm=6.0,
        sensor_width_mm=5.37,
        sensor_height_mm=3.02,
    )
    assert longer.range_m("observe") > spec.range_m("observe")


def test_fisheye_is_equidistant() -> None:
    fish = load_catalogue()["fisheye-4mp-360"]
    assert fish.is_fisheye
    assert fish.px_per_m(10.0) == pytest.approx(fish.resolution_px / (math.pi * 10.0))
    assert fish.range_m("observe") < 15  # fisheyes see a small square, not an alley


def test_vectorised_density_and_range_are_inverse() -> None:
    res = np.array([1920, 2560, 2048])
    hfov = np.array([103.0, 55.0, 360.0])
    r = dori_range_m(res, hfov, 62.5)
    assert np.allclose(pixel_density(res, hfov, r), 62.5)
    assert pixel_density(1920, 90.0, 0.0) == math.inf


def test_bad_catalogue_names_file_row_and_column(tmp_path) -> None:
    path = tmp_path / "cat.csv"
    path.write_text(
        "spec_id,name,form,resolution_px,resolution_v_px,hfov_deg,vfov_deg,lens_mm,price_vnd\n"
        "a,A,bullet,1920,1080,90,50,3.6,900000\n"
        "b,B,bullet,1920,1080,wide,50,,900000\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_catalogue(path)
    assert err.value.row == 3 and err.value.column == "hfov_deg" and "cat.csv" in str(err.value)
    path.write_text(
        "spec_id,name,form,resolution_px,resolution_v_px,hfov_deg,vfov_deg,lens_mm,price_vnd\n"
        "a,A,ptz,1920,1080,90,50,3.6,900000\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="form"):
        load_catalogue(path)
    path.write_text("spec_id,name\na,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns"):
        load_catalogue(path)
