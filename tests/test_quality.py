"""Quality checks on the real clips: clean frames pass; each damage is caught by its own check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from covplan import settings
from covplan._errors import InputError
from covplan.check.quality import (
    assess_clip,
    compare_to_reference,
    frame_metrics,
    frozen_feed,
    osd_mask,
)
from covplan.vocab.messages import use_lang

VIDEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "video"
CLIPS = ["road-overhead-640x360.avi", "motorway-cctv-320x240.avi"]
pytestmark = pytest.mark.skipif(
    not VIDEO.is_dir(), reason=f"real clips not found in {VIDEO} (../shared/data absent)"
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


def read_clip(name: str, stride: int = 10, n: int = 16) -> tuple[list[np.ndarray], np.ndarray]:
    """Return n frames (every stride-th) and a reference frame taken just after them.

    (The motorway camera zooms out slowly, about 5 % over the clip: a reference far in
    time would rightly be reported as a zoom change.)
    """
    cap = cv2.VideoCapture(str(VIDEO / name))
    frames = []
    while len(frames) <= n * stride + stride:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames[: n * stride : stride], frames[min(len(frames) - 1, n * stride + stride)]


@pytest.fixture(scope="module", params=CLIPS)
def clip(request: pytest.FixtureRequest) -> tuple[str, list[np.ndarray], np.ndarray]:
    frames, ref = read_clip(request.param)
    return request.param, frames, ref


def covered(frames: list[np.ndarray]) -> list[np.ndarray]:
    """A hand or bag over the lens: a smooth, nearly uniform picture with sensor noise."""
    rng = np.random.default_rng(1)
    h, w = frames[0].shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    out = []
    for _ in frames:
        g = np.clip(70 + 12 * xx / w + 6 * yy / h + rng.normal(0, 3, (h, w)), 0, 255)
        out.append(np.repeat(g.astype(np.uint8)[:, :, None], 3, axis=2))
    return out


def moved(frames: list[np.ndarray]) -> list[np.ndarray]:
    """The camera turned: the picture shifted by 5 % of its width and rotated 2°."""
    h, w = frames[0].shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
    M[0, 2] += 0.05 * w
    return [cv2.warpAffine(f, M, (w, h), borderMode=cv2.BORDER_REFLECT) for f in frames]


def frozen(frames: list[np.ndarray]) -> list[np.ndarray]:
    """A recorder repeating the first image while its clock (the OSD bands) keeps ticking."""
    keep = osd_mask(frames[0].shape)[:, :, None]
    return [np.where(keep, frames[0], f) for f in frames]


DAMAGE = {
    "blur": lambda fs: [cv2.GaussianBlur(f, (0, 0), 3) for f in fs],
    "exposure": lambda fs: [(f * 0.2).astype(np.uint8) for f in fs],
    "covered": covered,
    "frozen": frozen,
    "moved": moved,
}


def test_clean_frames_pass(clip: tuple[str, list[np.ndarray], np.ndarray]) -> None:
    name, frames, ref = clip
    for reference in (None, ref):
        report = assess_clip(frames, reference=reference, hfov_deg=60)
        assert report.ok, (name, report.reasons)
        assert report.frozen["frozen"] is False
    assert report.moved is not None and report.moved["matched"]
    assert report.moved["shift_frac"] < 0.01


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_caught_by_its_check(
    clip: tuple[str, list[np.ndarray], np.ndarray], damage: str
) -> None:
    name, frames, ref = clip
    bad = DAMAGE[damage](frames)
    report = assess_clip(bad, reference=ref, hfov_deg=60)
    assert report.failures == [damage], (name, report.reasons)
    assert len(report.reasons) == 1
    if damage != "moved":  # without a reference, every check but "moved" still works
        assert assess_clip(bad).failures == [damage]


def test_move_is_measured_in_pixels_and_degrees(
    clip: tuple[str, list[np.ndarray], np.ndarray],
) -> None:
    _, frames, _ = clip
    w = frames[0].shape[1]
    shifted = np.roll(frames[0], round(0.06 * w), axis=1)
    m = compare_to_reference(shifted, frames[0], hfov_deg=90.0)
    assert m["moved"] and m["matched"]
    assert m["shift_px"] == pytest.approx(0.06 * w, abs=2)
    assert abs(m["rotation_deg"]) < 0.5
    # scene moved right => camera panned left: atan(dx / f), f = (w/2)/tan(45°)
    assert m["pan_deg"] == pytest.approx(-np.degrees(np.arctan(0.06 * w / (w / 2))), abs=0.3)


def test_frozen_needs_the_clock_mask() -> None:
    frames, _ = read_clip("motorway-cctv-320x240.avi", n=12)
    bad = frozen(frames)
    assert frozen_feed(bad)["frozen"] is True
    nothing_masked = np.ones(frames[0].shape[:2], bool)
    assert frozen_feed(bad, mask=nothing_masked)["frozen"] is False  # the ticking clock


def test_thresholds_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    frames, _ = read_clip("road-overhead-640x360.avi", n=6)
    assert assess_clip(frames).ok
    monkeypatch.setattr(settings, "quality_brightness_min", 200.0)
    assert assess_clip(frames).failures == ["exposure"]


def test_night_ir_is_a_note_not_a_failure() -> None:
    frames, _ = read_clip("motorway-cctv-320x240.avi", n=10)
    grey = [cv2.cvtColor(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR) for f in frames]
    assert frame_metrics(frames[0])["night_ir"] == 0.0
    report = assess_clip(grey)
    assert report.ok
    assert any("IR" in n for n in report.notes)


def test_record_is_json_ready() -> None:
    import json

    frames, ref = read_clip("road-overhead-640x360.avi", n=8)
    rec = assess_clip(frames, reference=ref).to_record()
    back = json.loads(json.dumps(rec))
    assert back["quality_failures"] == []
    assert back["reference_moved"] is False


def test_bad_frame_input() -> None:
    with pytest.raises(InputError, match="non-empty"):
        frame_metrics(np.zeros((0, 0, 3), np.uint8))
    with pytest.raises(InputError, match="no frames"):
        assess_clip([])
