"""Frames per second of the quality metrics at 640×360 and 1920×1080.

Frames are real: the road clip from ../shared/data/video/ (upscaled to 1080p for the large
size); synthetic noise frames are used when the shared data is absent.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from benchmarks._measure import timed
from covplan.check.quality import (
    assess_clip,
    compare_to_reference,
    frame_metrics,
    frozen_feed,
    osd_mask,
)
from covplan.check.verify import motion_heat

CLIP = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "video"
    / "road-overhead-640x360.avi"
)


def _frames(n: int) -> tuple[list[np.ndarray], str]:
    if CLIP.exists():
        cap = cv2.VideoCapture(str(CLIP))
        out = []
        while len(out) < n:
            ok, f = cap.read()
            if not ok:
                break
            out.append(f)
        return out, CLIP.name
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (360, 640, 3), dtype=np.uint8) for _ in range(n)], "synthetic"


def run(quick: bool = False) -> pd.DataFrame:
    n = 10 if quick else 40
    base, name = _frames(n)
    rows = []
    for w, h in ((640, 360), (1920, 1080)):
        frames = [cv2.resize(f, (w, h), interpolation=cv2.INTER_CUBIC) for f in base]
        mask = osd_mask(frames[0].shape)
        _, s_metrics = timed(lambda fr=frames, m=mask: [frame_metrics(f, mask=m) for f in fr])
        _, s_frozen = timed(frozen_feed, frames, mask=mask)
        reps = 3 if quick else 10
        _, s_orb = timed(
            lambda fr=frames, k=reps: [compare_to_reference(fr[i], fr[0]) for i in range(k)]
        )
        _, s_heat = timed(motion_heat, frames)
        _, s_clip = timed(assess_clip, frames, reference=frames[0])
        rows.append(
            {
                "clip": name,
                "width": w,
                "height": h,
                "frames": len(frames),
                "fps_frame_metrics": len(frames) / s_metrics,
                "fps_frozen_check": len(frames) / s_frozen,
                "fps_reference_orb": reps / s_orb,
                "fps_motion_heat": len(frames) / s_heat,
                "fps_assess_clip": len(frames) / s_clip,
            }
        )
    return pd.DataFrame(rows).round(1)
