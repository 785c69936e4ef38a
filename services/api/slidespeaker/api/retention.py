"""Retention: finished jobs older than SLIDESPEAKER_RETENTION_DAYS are deleted with their
files, and so is every cache entry (storage_keys.Cache) that no remaining job uses and
nobody has written or reused for as long.

A round costs the same with 100 jobs or a million:
- Expired jobs are looked for in everyone's list (job_index.py) from its oldest page not
  yet wholly deleted, up to the first page whose newest job was submitted after the cutoff
  (a job submitted after it cannot have ended before it). When a job ended is read from its
  line and Redis (its stream's last entry id, or the archive mark's), not from its log.
- A cache entry is in use if a job still in Redis (live, or ended too recently to be
  archived) refers to it, or if any of its files was written since the cutoff. Archiving a
  job writes a mark beside each entry it uses (archiving.py: a store cannot touch an
  object), and a reused video segment is written again once a day (stored_segments.py).
  So a kept archived job's entries are always newer than the cutoff, without reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.bus import position
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.job_index import DELETED, PAGE, Line
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage
from slidespeaker.common.storage_keys import Cache


@dataclass
class Purged:
    jobs: list[str] = field(default_factory=list)
    cache_files: int = 0


async def purge_expired(
    events: EventLog, projection: Projection, storage: Storage, *, now: datetime, days: float
) -> Purged:
    cutoff = now - timedelta(days=days)
    purged = Purged(jobs=await _delete_expired_jobs(events, storage, cutoff))
    in_use = await _used_by_jobs_in_redis(projection, deleted=set(purged.jobs))
    used = {storage_keys.entry_name(key) for key in in_use}
    for cache in Cache:
        purged.cache_files += _purge_unused(storage, cache, cutoff.timestamp(), keep=used)
    _purge_unused(storage, storage_keys.ESTIMATES, cutoff.timestamp(), keep=set())
    return purged


async def _delete_expired_jobs(events: EventLog, storage: Storage, cutoff: datetime) -> list[str]:
    index, redis, keys = events.index, events.redis, events.keys
    deleted_pages = int(await redis.get(keys.deleted_pages) or 0)
    deleted: list[str] = []
    for page in range(deleted_pages, await index.pages()):
        ids, submitted = await index.page(page)
        gone = 0
        for job_id, ending in zip(ids, await _endings(events, ids), strict=True):
            if ending.expired(cutoff):
                await events.append(ev.JobDeleted(job_id=job_id))
                storage.delete_below(storage_keys.job(job_id))
                deleted.append(job_id)
            gone += ending.deleted or ending.expired(cutoff)
        if gone == PAGE and page == deleted_pages:  # a full page: no job joins it later
            deleted_pages += 1
        if submitted is not None and submitted >= cutoff.timestamp():
            break  # later pages' jobs were submitted after the cutoff
    await redis.set(keys.deleted_pages, deleted_pages)
    return deleted


@dataclass(frozen=True)
class Ending:
    deleted: bool
    at: datetime | None  # when its last event was appended, if it has ended

    def expired(self, cutoff: datetime) -> bool:
        return not self.deleted and self.at is not None and self.at < cutoff


async def _endings(events: EventLog, ids: list[str]) -> list[Ending]:
    """Whether each job is deleted and when it ended, from its line and its stream's last
    entry (or the line's archive mark): no log is read. A job.deleted last in its stream
    counts before the dispatcher has folded it into the line, so no job is deleted twice."""
    lines = await events.index.lines(ids)
    async with events.redis.pipeline(transaction=False) as pipe:
        for job_id in ids:
            pipe.xrevrange(events.keys.job_log(job_id), count=1)
        last: Any = await pipe.execute()
    return [
        _ending(line, entries[0] if entries else None)
        for line, entries in zip(lines, last, strict=True)
    ]


def _ending(line: Line | None, last: Any) -> Ending:
    if line is None:  # not indexed yet: just submitted
        return Ending(deleted=False, at=None)
    deleted_last = last is not None and _is_deletion(last[1])
    entry_id = last[0] if last is not None else line.archived_to
    if line.status == DELETED or deleted_last or not line.ended or entry_id is None:
        return Ending(deleted=line.status == DELETED or deleted_last, at=None)
    millis, _ = position(entry_id)
    return Ending(deleted=False, at=datetime.fromtimestamp(millis / 1000, tz=UTC))


def _is_deletion(fields: dict[bytes, bytes]) -> bool:
    return isinstance(ev.parse_event(fields[b"event"]), ev.JobDeleted)


async def _used_by_jobs_in_redis(projection: Projection, deleted: set[str]) -> list[str]:
    """The cache entries that the jobs with a log in Redis refer to: live work and what
    ended too recently to be archived, never every job kept. Deleted jobs (just now, or
    as their line or last entry says) are not read: a deleted archived job's log is in the
    store."""
    events = projection.events
    raw: Any = await events.redis.zrange(events.keys.jobs_in_redis, 0, -1)
    ids = [i.decode() if isinstance(i, bytes) else i for i in raw]
    used: list[str] = []
    for job_id, ending in zip(ids, await _endings(events, ids), strict=True):
        if job_id in deleted or ending.deleted:
            continue
        state = await projection.state(job_id)
        if state is not None and not state.deleted:
            used += state.cached_audio()
    return used


def _purge_unused(storage: Storage, folder: str, cutoff: float, keep: set[str]) -> int:
    """Remove the entries below `folder` none of whose files was written since the cutoff,
    but those in `keep`: what is being made for a job just submitted is never taken away."""
    files = list(storage.files_below(folder))
    newest: dict[str, float] = {}
    for stored in files:
        name = storage_keys.entry_name(stored.key)
        newest[name] = max(newest.get(name, 0.0), stored.modified)
    removed = 0
    for stored in files:
        name = storage_keys.entry_name(stored.key)
        if newest[name] < cutoff and name not in keep:
            storage.delete(stored.key)
            removed += 1
    return removed
