"""Submitting decks to the running services and waiting for the outcome, as a client would."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.storage import Storage


async def run_job(
    url: str, home: Path, prefix: str, deck: Path | bytes, filename: str,
    options: ev.JobOptions | None = None, timeout: float = 120, until: JobStatus | None = None,
) -> JobState:  # fmt: skip
    """Submit a deck and wait until its job ends (or reaches `until`); the state then, folded
    from its log."""
    redis = Redis.from_url(url)
    try:
        log = EventLog(redis, Keys(prefix))
        storage = Storage(home / "artifacts")
        job_id = await submit_job(
            log, storage, deck=deck, filename=filename, options=options or ev.JobOptions()
        )
        deadline = time.monotonic() + timeout
        while True:
            state = fold(await log.read(job_id))
            if state.status.terminal or state.status == until:
                return state
            assert time.monotonic() < deadline, f"job {job_id} did not end: {state.status}"
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


async def job_events(url: str, prefix: str, job_id: str) -> list[ev.Event]:
    """The job's events, in order, read from its log."""
    redis = Redis.from_url(url)
    try:
        return [event for _, event in await EventLog(redis, Keys(prefix)).read(job_id)]
    finally:
        await redis.aclose()
