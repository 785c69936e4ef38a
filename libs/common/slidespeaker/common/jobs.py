"""Submitting a job and reading its state: shared by the API and the CLI."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.limits import ActiveLimit, LimitReached
from slidespeaker.common.object_store import ObjectStore

_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


def new_job_id() -> str:
    return uuid.uuid4().hex


def deck_key(job_id: str, filename: str) -> str:
    return storage_keys.deck(job_id, deck_suffix(filename))


def deck_suffix(filename: str) -> str:
    """The upload's suffix, when it is a plain one (the deck's type is read from its bytes)."""
    suffix = Path(filename).suffix.lower()
    return suffix if _SAFE_SUFFIX.match(suffix) else ""


@dataclass(frozen=True)
class InStore:
    """A deck already in the store (a re-run's): copied there, never fetched."""

    key: str


async def submit_job(
    events: EventLog,
    store: ObjectStore,
    *,
    deck: Path | bytes | InStore,
    filename: str,
    options: ev.JobOptions,
    owner: str | None = None,
    limit: ActiveLimit | None = None,
) -> str:
    """Store the deck and append `job.submitted`; the dispatcher takes it from there. With
    `limit`, LimitReached if the owner has as many unfinished jobs as it allows (checked
    before storing, and again atomically with the append)."""
    if limit is not None:
        await limit.check(events.redis, events.keys)  # most refusals cost no upload
    job_id = new_job_id()
    key = deck_key(job_id, filename)
    if isinstance(deck, InStore):
        await asyncio.to_thread(store.copy, deck.key, key)
    elif isinstance(deck, Path):
        await asyncio.to_thread(store.put_file, key, deck)  # streamed, in parts
    else:
        await asyncio.to_thread(store.put_bytes, key, deck)
    submitted = ev.JobSubmitted(
        job_id=job_id, filename=Path(filename).name, deck_key=key, options=options, owner=owner
    )
    try:
        await events.append(submitted, limit=limit)
    except LimitReached:
        await asyncio.to_thread(store.delete_below, storage_keys.job(job_id))
        raise
    return job_id


async def job_state(events: EventLog, job_id: str, at: str | None = None) -> JobState | None:
    """The job's state folded from its log; with `at` (an entry id or an event_id), the state
    right after that event. None if there is no such job (or no such event)."""
    entries = await events.read(job_id)
    if not entries:
        return None
    if at is None:
        return fold(entries)
    for position, (entry_id, event) in enumerate(entries):
        if at in (entry_id, str(event.event_id)):
            return fold(entries[: position + 1])
    return None
