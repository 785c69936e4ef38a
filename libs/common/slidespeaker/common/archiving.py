"""Archiving: the log of a job that ended (completed, failed or cancelled) and has been quiet
for a while moves from Redis to the object store (log_archive.py), and every Redis key of the
job goes with it, so Redis holds live work only. The job stays listed (its ids in the indexes
are not keys of its own) and every reader reads the archive instead (event_store.py).

Crash-safe and idempotent: the log is written to the store and read back before anything
leaves Redis, and it leaves in one transaction that fails if the log grew meanwhile (then
the job is archived on a later round, with its new entries).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from slidespeaker.common.bus import trim_handled
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.events import Stage
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.storage_keys import beside

BATCH = 500  # jobs looked at per round trip of the index
Outcome = Literal["archived", "kept", "gone"]


@dataclass
class Archived:
    jobs: list[str] = field(default_factory=list)
    messages: int = 0  # handled messages trimmed from the feed and the work streams


async def archive_finished(events: EventLog, *, before: datetime) -> Archived:
    """Archive every ended job whose last event is older than `before`; then trim the
    messages every consumer has handled from the feed and the work queues, which would
    otherwise keep every task ever dispatched."""
    archived = Archived()
    keys = events.keys
    for stream in (keys.feed, *(keys.work(stage) for stage in Stage)):
        archived.messages += await trim_handled(events.redis, stream)
    seen = 0
    while True:
        ids: Any = await events.redis.zrangebyscore(
            keys.jobs_in_redis, "-inf", before.timestamp(), start=seen, num=BATCH
        )
        if not ids:
            return archived
        for raw in ids:
            job_id = raw.decode() if isinstance(raw, bytes) else raw
            outcome = await archive_job(events, job_id, before=before)
            if outcome == "archived":
                archived.jobs.append(job_id)
            elif outcome == "kept":
                seen += 1  # still in the index: the next batch starts after it


async def archive_job(events: EventLog, job_id: str, *, before: datetime) -> Outcome:
    """Archive the job if it has ended before `before`: archived; kept in Redis (live, ended
    too recently, or its log grew meanwhile); or gone (another process archived it)."""
    keys, log_key = events.keys, events.keys.job_log(job_id)
    async with events.redis.pipeline(transaction=True) as pipe:
        await pipe.watch(log_key)  # from here, an append makes the transaction below fail
        if not await pipe.exists(log_key):  # nothing of it left in Redis: archived already
            pipe.multi()  # type: ignore[no-untyped-call]
            pipe.zrem(keys.jobs_in_redis, job_id)
            return "gone" if await _executed(pipe) else "kept"
        # The whole log: what an earlier round archived (a job retried or deleted since has
        # entries in both), then the stream's.
        entries = await events.read(job_id)
        state = fold(entries)
        if not state.status.terminal or (state.updated_at or before) >= before:
            return "kept"  # live work, or ended too recently
        await events.archive(job_id).save(job_id, entries)
        await mark_used(events, state)
        pipe.multi()  # type: ignore[no-untyped-call]
        await events.index.queue(pipe, state)  # its line is current, then marked archived
        await events.index.mark_archived(pipe, job_id, entries[-1][0])
        pipe.delete(log_key, keys.job_stop(job_id))
        pipe.zrem(keys.jobs_in_redis, job_id)
        pipe.zrem(keys.job_deadlines, job_id)
        pipe.srem(keys.active_jobs, job_id)
        return "archived" if await _executed(pipe) else "kept"


async def mark_used(events: EventLog, state: JobState) -> None:
    """Write a mark beside each cache entry the job uses (a store cannot touch an object):
    retention keeps an entry written since its cutoff, so it keeps the entries of a kept
    job without reading its archived log (api/retention.py)."""
    if state.deleted or events.store is None:
        return
    for key in state.cached_audio():
        await asyncio.to_thread(events.store.put_bytes, beside(key, "used"), b"")


async def _executed(pipe: Pipeline) -> bool:
    try:
        await pipe.execute()
    except WatchError:  # the log grew meanwhile: a later round archives it whole
        return False
    return True
