"""Scaling one stage: a second voice process shares the slides of one deck."""

from __future__ import annotations

import pymupdf
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobStatus
from slidespeaker.common.keys import Keys

from .conftest import Stack
from .jobs import run_job


def a_deck(pages: int) -> bytes:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        text = f"Slide {n}. Each of these slides has a sentence or two for the voice to read."
        doc.new_page().insert_text((72, 72), text)
    data: bytes = doc.tobytes()
    return data


async def test_two_voice_processes_share_one_deck(stack: Stack) -> None:
    if len(stack.processes.get("voice", [])) < 2:  # another test may have added one already
        stack.start("voice")
    stack.wait_until_count("voice", 2)
    options = ev.JobOptions(width=320, height=180)
    state = await run_job(stack.url, stack.home, stack.prefix, a_deck(8), "shared.pdf", options)
    assert state.status == JobStatus.completed, state.error

    redis = Redis.from_url(stack.url)
    try:
        entries = await EventLog(redis, Keys(stack.prefix)).read(state.job_id)
    finally:
        await redis.aclose()
    workers = {
        e.worker for _, e in entries if isinstance(e, ev.TaskStarted) and e.task.stage == "voice"
    }
    assert len(workers) >= 2, f"more than one voice process took slides: {workers}"
