"""Retention: finished jobs older than SLIDESPEAKER_RETENTION_DAYS are deleted with their
files, and so is everything in every cache (storage_keys.Cache) that no remaining job uses
and nobody has written or reused for as long (a reused video segment is written again
once a day, stored_segments.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState
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
    purged = Purged()
    kept: list[JobState] = []
    for job_id in await events.index.newest(owner=None, status=None, offset=0, limit=100_000):
        state = await projection.state(job_id)
        if state is None or state.deleted:
            continue
        if state.status.terminal and state.updated_at and state.updated_at < cutoff:
            await events.append(ev.JobDeleted(job_id=job_id))
            storage.delete_below(storage_keys.job(job_id))
            purged.jobs.append(job_id)
        else:
            kept.append(state)
    used = {storage_keys.entry_name(key) for key in _cached_keys(kept)}
    for cache in Cache:
        purged.cache_files += _purge_unused(storage, cache, cutoff.timestamp(), keep=used)
    _purge_unused(storage, storage_keys.ESTIMATES, cutoff.timestamp(), keep=set())
    return purged


def _cached_keys(kept: list[JobState]) -> list[str]:
    """The cache entries the kept jobs refer to: their slides' and podcast turns' audio."""
    keys = [s.audio_key for state in kept for s in state.slides.values()]
    keys += [turn.audio_key for state in kept for turn in state.turns]
    return [key for key in keys if key]


def _purge_unused(storage: Storage, folder: str, cutoff: float, keep: set[str]) -> int:
    """Remove the files below `folder` written before the cutoff, but those of the entries in
    `keep`: what is being made for a job just submitted is never taken away."""
    removed = 0
    for stored in list(storage.files_below(folder)):
        if stored.modified < cutoff and storage_keys.entry_name(stored.key) not in keep:
            storage.delete(stored.key)
            removed += 1
    return removed
