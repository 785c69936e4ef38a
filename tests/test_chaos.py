"""Chaos: six jobs while a random stage process is SIGKILLed every few seconds and the CLI's
supervisor (the one `slidespeaker up` runs) starts it again. Every job completes, every
video holds every slide once at the right length, and no process is left behind."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices
from slidespeaker.cli.redis_server import start_redis
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus

from .chaos import left_behind, supervised_chaos
from .conftest import FAST_TIMINGS
from .jobs import run_job
from .media import probe
from .test_reliability import long_deck

pytestmark = pytest.mark.xdist_group("chaos")
PREFIX = "chaos"
JOBS = 6
KILL_EVERY_S = (1.5, 4.0)
CHAOS_S = 45.0  # of killing at most; then the jobs are let finish
# Jobs arrive over the first 25 s (a render takes seconds now): the chaos meets each stage
# of several jobs, not a queue drained before the third kill.
SUBMIT_EVERY_S = 5.0
SMALL = ev.JobOptions(width=320, height=180)
SPOKEN = "A sentence or two, so that each slide takes a moment to voice and to compose."


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[LocalServices]:
    handle = start_redis(tmp_path / "redis")
    services = LocalServices(handle.url, tmp_path / "home", env={
        **FAST_TIMINGS, "SLIDESPEAKER_KEY_PREFIX": PREFIX,
    })  # fmt: skip
    for name in PIPELINE_SERVICES:
        services.start(name, count=2 if name == "voice" else 1)
    try:
        yield services
    finally:
        services.stop()
        redis.Redis.from_url(handle.url).shutdown(nosave=True)


async def test_jobs_complete_while_stage_processes_are_killed_at_random(
    supervised: LocalServices,
) -> None:
    home = supervised.home

    async def arriving(n: int) -> JobState:
        await asyncio.sleep(n * SUBMIT_EVERY_S)
        deck = long_deck(2, SPOKEN)
        return await run_job(supervised.url, home, PREFIX, deck, f"d{n}.pdf", SMALL, timeout=600)

    async with supervised_chaos(supervised, every_s=KILL_EVERY_S, for_s=CHAOS_S) as kills:
        states = await asyncio.gather(*(arriving(n) for n in range(JOBS)))

    assert len(kills) >= 5, f"the chaos did some damage: {kills}"
    for state in states:
        assert state.status == JobStatus.completed, state.error
        check_video(home, state)
    supervised.stop()
    assert left_behind(home) == [], "no process of this stack outlives it"


def check_video(home: Path, state: JobState) -> None:
    assert state.outputs is not None and sorted(state.slides) == [1, 2]
    video = probe(home / "artifacts" / state.outputs.video_key)
    spoken = sum(slide.duration or 0 for slide in state.slides.values())
    assert abs(video.video.duration - spoken) < 0.1, "each slide once, at its length"
    assert abs(video.audio.duration - spoken) < 0.2
