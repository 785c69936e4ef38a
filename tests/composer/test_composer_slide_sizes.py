"""Slides of extreme sizes (5 x 3 cm, 68 x 38 cm) through the whole pipeline: each fills the
16:9 video as far as its shape allows, black bars elsewhere, never stretched."""

from __future__ import annotations

import asyncio
import uuid

import numpy as np
import pymupdf
import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus

from ..conftest import Stack
from ..jobs import StoredFiles, run_job
from ..media import probe
from .test_composer_service import frame_at

POINTS_PER_CM = 72 / 2.54
PAGES_CM = [(5.0, 3.0), (68.0, 38.0)]
FRAME = (640, 360)
WHITE_ENOUGH = 128  # grey level: the white page versus the black bars, past H.264's blur


def a_deck_of_extreme_sizes() -> bytes:
    """White pages of those sizes, each with a line to say (unique, so no cached audio)."""
    document = pymupdf.open()
    for width_cm, height_cm in PAGES_CM:
        page = document.new_page(width=width_cm * POINTS_PER_CM, height=height_cm * POINTS_PER_CM)
        text = f"A slide of {width_cm:g} by {height_cm:g} cm ({uuid.uuid4().hex[:6]})."
        page.insert_text((4, page.rect.height / 2), text, fontsize=page.rect.height / 12)
    data: bytes = document.tobytes()
    return data


@pytest.fixture(scope="module")
def finished(stack: Stack) -> JobState:
    options = ev.JobOptions(width=FRAME[0], height=FRAME[1])
    state = asyncio.run(
        run_job(stack.url, stack.home, stack.prefix, a_deck_of_extreme_sizes(), "sizes.pdf",
                options=options)
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    return state


def test_each_extreme_slide_is_letterboxed_at_its_own_shape(
    stack: Stack, finished: JobState
) -> None:
    assert finished.outputs is not None
    video = StoredFiles(stack.home).path(finished.outputs.video_key)
    assert (probe(video).width, probe(video).height) == FRAME
    start = 0.0
    for number, (width_cm, height_cm) in enumerate(PAGES_CM, start=1):
        duration = finished.slide(number).duration or 0.0
        picture = frame_at(video, start + duration / 2)
        start += duration

        scale = min(FRAME[0] / width_cm, FRAME[1] / height_cm)
        expected = (width_cm * scale, height_cm * scale)
        assert page_extent(picture) == pytest.approx(expected, abs=3), f"slide {number}"


def page_extent(grey: np.ndarray) -> tuple[int, int]:
    """How wide and tall the white page is, along the frame's middle row and column."""
    row = np.flatnonzero(grey[grey.shape[0] // 2] > WHITE_ENOUGH)
    column = np.flatnonzero(grey[:, grey.shape[1] // 2] > WHITE_ENOUGH)
    return int(row[-1] - row[0] + 1), int(column[-1] - column[0] + 1)
