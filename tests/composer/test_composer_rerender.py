"""A deck rendered with the presenter, then rendered again with one slide's script edited:
the composer encodes that slide's segment again and reuses the others' (as its log says),
and the second video is as correct as the first."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import av
import numpy as np
import pytest
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys

from ..avatar.test_avatar_jobs import job_end
from ..conftest import Stack
from ..jobs import StoredFiles, home_store
from ..media import frame_shown_at, probe
from ..voice.test_voice_service import a_deck

SIZE = (640, 360)
OPTIONS = ev.JobOptions(avatar="local", width=SIZE[0], height=SIZE[1])


async def rendered(stack: Stack, deck: bytes, edit: str | None = None) -> JobState:
    """The deck's job to its end; with `edit`, slide 2's script is edited in review first."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        options = OPTIONS.model_copy(update={"review": edit is not None})
        job = await submit_job(log, home_store(stack.home), deck=deck,
                               filename="talk.pdf", options=options)  # fmt: skip
        if edit is not None:
            await awaiting_review(log, job)
            await log.append(  # what the API's PUT /api/jobs/{id}/script appends
                ev.SlideScripted(job_id=job, slide=2, narration=edit,
                                 source=ev.NarrationSource.edited),
                ev.ScriptApproved(job_id=job),
            )  # fmt: skip
    finally:
        await redis.aclose()
    return await job_end(stack, job, timeout=240)


async def awaiting_review(log: EventLog, job: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while (state := fold(await log.read(job))).status != JobStatus.awaiting_review:
        assert not state.status.terminal, state.error
        assert time.monotonic() < deadline, f"job {job} did not reach review: {state.status}"
        await asyncio.sleep(0.1)


def segments_logged(stack: Stack, job: str) -> dict[str, Any]:
    """The composer's `video.segments` line for the job: which slides it encoded."""
    for log in stack.home.glob("composer-*.log"):
        for line in log.read_text(errors="replace").splitlines():
            if job in line and '"video.segments"' in line:
                said: dict[str, Any] = json.loads(line)
                return said
    raise AssertionError(f"the composer logged no video.segments for {job}")


async def test_a_deck_rendered_again_with_one_slide_edited_encodes_only_that_slide(
    stack: Stack,
) -> None:
    words = uuid.uuid4().hex[:6]  # a deck of its own: nothing reused from other tests
    deck = a_deck([f"Revenue {words} grew.", "Costs stayed flat.", f"Outlook {words} is good."])

    first = await rendered(stack, deck)
    second = await rendered(stack, deck, edit="Costs stayed flat, and then they fell sharply.")

    for state in (first, second):
        assert state.status == JobStatus.completed, state.error
        check_video(stack, state)
    assert segments_logged(stack, first.job_id)["encoded"] == [1, 2, 3]
    assert segments_logged(stack, second.job_id)["encoded"] == [2]
    assert segments_logged(stack, second.job_id)["reused"] == 2
    assert second.slide(2).duration != first.slide(2).duration, "slide 2 says more"


def check_video(stack: Stack, state: JobState) -> None:
    """Every slide on screen at its midpoint, picture and sound within a frame, chapters."""
    assert state.outputs is not None
    storage = StoredFiles(stack.home)
    video = storage.path(state.outputs.video_key)
    slides = [state.slide(n) for n in (1, 2, 3)]
    durations = [slide.duration or 0.0 for slide in slides]
    info = probe(video)
    assert info.audio.duration == pytest.approx(sum(durations), abs=0.001)
    assert info.video.duration == pytest.approx(info.audio.duration, abs=0.04)
    starts = np.cumsum([0.0, *durations])
    with av.open(str(video)) as container:
        chapters: list[Any] = container.chapters()
        assert len(chapters) == 3
        for chapter, start in zip(chapters, starts, strict=False):
            assert float(chapter["start"] * chapter["time_base"]) == pytest.approx(start, abs=1e-3)
        for slide, start, duration in zip(slides, starts, durations, strict=False):
            picture = storage.path(slide.composed_image_key or "")
            shown = frame_at(container, start + duration / 2)
            with av.open(str(picture)) as still:
                expected = next(still.decode(video=0)).to_ndarray(format="rgb24").astype(int)
            above = slice(0, SIZE[1] * 2 // 3)  # the slide above the presenter's corner
            assert np.abs(shown[above] - expected[above]).mean() < 3


def frame_at(container: Any, seconds: float) -> Any:
    shown = frame_shown_at(container, seconds)
    return shown.to_ndarray(format="rgb24", src_colorspace="ITU709").astype(int)
