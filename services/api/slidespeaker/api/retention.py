"""Retention: finished jobs older than SLIDESPEAKER_RETENTION_DAYS are deleted with their
files, cached audio that no remaining job uses is removed, and so are video segments no
job has used for as long."""

from __future__ import annotations

import shutil
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState
from slidespeaker.common.log import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage

AUDIO_CACHE = "cache/audio"
# The composer's video segments: any job may reuse one (it is touched when it is), so one
# untouched since the cutoff goes.
SEGMENT_CACHE = "cache/segments"


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
    for job_id in await events.job_ids(limit=100_000):
        state = await projection.state(job_id)
        if state is None or state.deleted:
            continue
        if state.status.terminal and state.updated_at and state.updated_at < cutoff:
            await events.append(ev.JobDeleted(job_id=job_id))
            shutil.rmtree(storage.path(f"jobs/{job_id}"), ignore_errors=True)
            purged.jobs.append(job_id)
        else:
            kept.append(state)
    purged.cache_files = _purge_cache(storage, kept, cutoff)
    purged.cache_files += _purge_unused(storage.path(SEGMENT_CACHE), cutoff)
    return purged


def _purge_cache(storage: Storage, kept: list[JobState], cutoff: datetime) -> int:
    """Remove cached audio (and its sidecars) that no kept job uses and that is older than
    the cutoff, so audio being made for a job just submitted is never taken away."""
    keys = [s.audio_key for state in kept for s in state.slides.values()]
    keys += [turn.audio_key for state in kept for turn in state.turns]  # a podcast's
    used = {_stem(Path(key)) for key in keys if key}
    return _purge_unused(storage.path(AUDIO_CACHE), cutoff, keep=used)


def _purge_unused(root: Path, cutoff: datetime, keep: Container[str] = frozenset()) -> int:
    """Remove the files below `root` older than the cutoff, but those whose stem is in
    `keep`."""
    removed = 0
    for path in root.rglob("*") if root.is_dir() else []:
        if path.is_file() and _stem(path) not in keep and _older(path, cutoff):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _older(path: Path, cutoff: datetime) -> bool:
    return datetime.fromtimestamp(path.stat().st_mtime, cutoff.tzinfo) < cutoff
