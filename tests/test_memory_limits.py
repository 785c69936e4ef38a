"""A deck at 720p completes with every service (and every child it starts: ffmpeg) under
an address-space limit of ROOM_MB above what it maps at rest (tests/memory.py).
bench/memory_bench.py runs 300 slides the same way and shows memory does not grow with the
deck's length."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.fold import JobStatus

from .conftest import PIPELINE, Stack
from .jobs import run_job
from .media import probe
from .memory import ROOM_MB, address_space_limit_mb, colourful_deck, limited_stack, status_mb

SLIDES = 40


@pytest.fixture
def stack_under_limits(tmp_path: Path) -> Iterator[Stack]:
    with limited_stack(tmp_path) as stack:
        yield stack


@pytest.mark.timeout(600)
async def test_a_720p_deck_completes_with_every_service_under_a_memory_limit(
    stack_under_limits: Stack,
) -> None:
    stack = stack_under_limits
    for name in PIPELINE:
        limit = address_space_limit_mb(stack, name)
        assert limit < status_mb(stack, name, "VmSize") + ROOM_MB + 1, f"{name} is not limited"
    options = ev.JobOptions(width=1280, height=720, pointer="none", subtitles="none")
    state = await run_job(
        stack.url, stack.home, stack.prefix, colourful_deck(SLIDES), "long.pdf", options,
        timeout=540,
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    assert len(state.slides) == SLIDES
    media = probe(stack.home / "artifacts" / storage_keys.output(state.job_id, "video.mp4"))
    spoken = sum(slide.audio_duration or 0 for slide in state.slides.values())
    assert media.video.duration == pytest.approx(media.audio.duration, abs=0.2)
    assert media.video.duration >= spoken
    for name in PIPELINE:
        assert stack.alive(name), f"{name} was stopped by its limit"
