"""A podcast cancelled while its turns are voiced stops: no more turns, no podcast."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from tests.conftest import Stack

from ..jobs import home_store

DECK = "docling_unrecognized_shape_3s.pptx"


async def _cancel_while_voicing(stack: Stack, deck: Path) -> list[ev.Event]:
    """Submit a podcast, cancel it once its first turn is being voiced; its log a few
    seconds after the job ended."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        job_id = await submit_job(
            log, home_store(stack.home), deck=deck, filename=deck.name,
            options=ev.JobOptions(format="podcast"),
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while not any(_voicing_a_turn(e) for _, e in await log.read(job_id)):
            assert time.monotonic() < deadline, "no turn was voiced"
            await asyncio.sleep(0.05)
        await log.append(ev.JobCancelRequested(job_id=job_id))
        while not fold(await log.read(job_id)).status.terminal:
            assert time.monotonic() < deadline, "the job did not end"
            await asyncio.sleep(0.05)
        await asyncio.sleep(3)  # time for anything that would wrongly go on
        return [e for _, e in await log.read(job_id)]
    finally:
        await redis.aclose()


def _voicing_a_turn(event: ev.Event) -> bool:
    return isinstance(event, ev.TaskStarted) and event.task.action == ev.Action.voice_turn


@pytest.mark.timeout(300)
def test_cancelling_mid_podcast_stops_it(stack: Stack, realworld: Path) -> None:
    events = asyncio.run(_cancel_while_voicing(stack, realworld / DECK))
    state = fold(events)
    assert state.status == JobStatus.cancelled and state.podcast is None
    cancelled_at = next(n for n, e in enumerate(events) if e.type == "job.cancel_requested")
    later = events[cancelled_at:]
    assert not any(isinstance(e, ev.TaskStarted) for e in later), "no work starts after it"
    assert not any(e.type in ("podcast.composed", "task.dispatched") for e in later)
    voiced = [e for e in events if isinstance(e, ev.TurnVoiced)]
    assert len(voiced) < len(state.turns), "the turns left are not voiced"
