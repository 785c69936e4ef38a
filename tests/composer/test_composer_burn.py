"""Burned-in captions: drawn in the caption band exactly while a cue is on, nowhere else,
and the still-slide video keeps one frame per change rather than a frame rate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import SAMPLE_RATE, write_silence
from slidespeaker.composer.video import SlideMedia, compose_video

from ..media import frame_shown_at

BLUE = (40, 60, 210)
GREY = (90, 90, 90)
CUES = [
    Cue(text="Revenue grew by twelve percent.", start=0.6, end=1.4),
    Cue(text="مرحبا بالعالم — and costs stayed flat.", start=2.5, end=3.5),
]


@pytest.fixture
def burned(
    tmp_path: Path, solid_png: Callable[..., Path], token: CancelToken
) -> tuple[Path, list[float]]:
    """Two 2 s slides, a cue on each; the video and its frames' times."""
    two_seconds = tmp_path / "two.wav"
    write_silence(two_seconds, 2 * SAMPLE_RATE)
    slides = [SlideMedia(solid_png(colour), two_seconds, 2.0) for colour in (BLUE, GREY)]
    workdir = tmp_path / "work"
    workdir.mkdir()
    out = tmp_path / "burned.mp4"
    compose_video(
        slides, out, title="", slide_titles=["", ""], token=token, timeout=60,
        workdir=workdir, burn_cues=CUES,
    )  # fmt: skip
    assert list(workdir.iterdir()) == [], "the captions file is gone with the rest"
    with av.open(str(out)) as container:
        times = [frame.time for frame in container.decode(video=0)]
    return out, times


def test_captions_show_in_the_bottom_band_only_while_their_cue_is_on(
    burned: tuple[Path, list[float]],
) -> None:
    video, _ = burned
    with av.open(str(video)) as container:
        band = {t: caption_band_change(container, t, colour) for t, colour in [
            (0.3, BLUE), (1.0, BLUE), (1.7, BLUE), (2.2, GREY), (3.0, GREY), (3.8, GREY),
        ]}  # fmt: skip

    assert band[1.0] > 200 and band[3.0] > 200, "text is drawn while its cue is on"
    assert band[0.3] == band[1.7] == band[2.2] == band[3.8] == 0, "and only then"


def test_a_frame_starts_at_each_slide_and_caption_change_and_no_more(
    burned: tuple[Path, list[float]],
) -> None:
    _, times = burned

    assert [round(t, 2) for t in times[:-1]] == [0.0, 0.6, 1.4, 2.0, 2.5, 3.5]
    assert times[-1] == pytest.approx(4.0, abs=0.01)  # the short closing frame


def caption_band_change(container: Any, seconds: float, colour: tuple[int, int, int]) -> int:
    """How many pixels of the bottom quarter differ clearly from the slide's own colour."""
    shown = frame_shown_at(container, seconds)
    pixels = shown.to_ndarray(format="rgb24", src_colorspace="ITU709").astype(int)
    band = pixels[pixels.shape[0] * 3 // 4 :]
    centre = pixels[pixels.shape[0] // 2, pixels.shape[1] // 2]
    assert abs(centre - np.array(colour)).max() <= 6, "the slide itself is untouched"
    return int((abs(band - np.array(colour)).max(axis=2) > 40).sum())
