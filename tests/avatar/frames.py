"""Reading clips and videos back frame by frame (PyAV), and measuring what moves in them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np

from slidespeaker.avatar.figure import MOUTH_INSIDE

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


def decoded_frames(path: Path, pix_fmt: str = "rgba") -> Iterator[tuple[float, np.ndarray]]:
    """Each frame's time (s) and pixels."""
    with av.open(str(path)) as container:
        stream: Any = container.streams.video[0]
        for frame in container.decode(stream):
            yield float(frame.pts * stream.time_base), frame.to_ndarray(format=pix_fmt)


def mouth_box(width: int, height: int) -> Box:
    """Where the presenter's mouth can be (with room for the head's sway), in its clip."""
    cx = width / 2
    return (round(cx - 0.11 * height), round(0.47 * height), round(cx + 0.11 * height),
            round(0.64 * height))  # fmt: skip


def mouth_opening(frame: np.ndarray, box: Box) -> int:
    """How many pixels of the open mouth's inside show (0 when the mouth is closed)."""
    left, top, right, bottom = box
    region = frame[top:bottom, left:right, :3].astype(int)
    distance = np.abs(region - np.array(MOUTH_INSIDE[:3])).sum(axis=2)
    return int((distance < 40).sum())


def changed_pixels(a: np.ndarray, b: np.ndarray, box: Box) -> int:
    """Pixels of `box` that differ visibly between two frames (beyond encoding noise)."""
    left, top, right, bottom = box
    diff = np.abs(a[top:bottom, left:right].astype(int) - b[top:bottom, left:right].astype(int))
    return int((diff.max(axis=2) > 24).sum())
