"""Submitting decks to the running services and waiting for the outcome, as a client would."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.settings import Settings


async def run_job(
    url: str, home: Path, prefix: str, deck: Path | bytes, filename: str,
    options: ev.JobOptions | None = None, timeout: float = 120, until: JobStatus | None = None,
) -> JobState:  # fmt: skip
    """Submit a deck and wait until its job ends (or reaches `until`); the state then, folded
    from its log."""
    redis = Redis.from_url(url)
    try:
        log = EventLog(redis, Keys(prefix))
        job_id = await submit_job(
            log, home_store(home), deck=deck, filename=filename, options=options or ev.JobOptions()
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


def home_store(home: Path) -> ObjectStore:
    """The store the services of a stack with this home use by default (file://)."""
    return ObjectStore(Settings(home=home).storage_location)


class StoredFiles:
    """The files a file:// store keeps under a home, for tests to look at directly."""

    def __init__(self, home: Path) -> None:
        self.root = Path(unquote(urlsplit(Settings(home=home).storage_location).path))

    def path(self, key: str) -> Path:
        return self.root / key
