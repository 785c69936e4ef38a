"""Retention purges every cache (storage_keys.Cache) of what no kept job uses, once it is
older than the cutoff, and keeps what a kept job uses, however old; it reads no archived
log, and looks only at the pages of the job list that may hold expired jobs."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import redis
from redis.asyncio import Redis

from slidespeaker.api.retention import purge_expired
from slidespeaker.cli.redis_server import start_redis, stop_redis
from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.archiving import archive_finished
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import fold
from slidespeaker.common.keys import Keys
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage
from slidespeaker.common.storage_keys import Cache, beside, cache_entry

from .conftest import Stack, running_api
from .jobs import home_store
from .stores import local_storage
from .test_api import a_pdf, submit, wait_for_status
from .test_archive_log import LATER

DAY_S = 86400


def written(storage: Storage, keys: list[str], days_ago: float) -> None:
    for key in keys:
        storage.write_bytes(key, b"cached")
        then = time.time() - days_ago * DAY_S
        os.utime(storage.scratch.parent / "store" / key, (then, then))  # a file:// store


async def test_every_cache_folder_loses_what_no_kept_job_uses(
    event_log: EventLog, tmp_path: Path
) -> None:
    storage = local_storage(tmp_path)
    unused = [cache_entry(cache, f"{cache.name}unused", ".bin") for cache in Cache]
    unused.append(beside(unused[0], "timings.json"))
    recent = [cache_entry(cache, f"{cache.name}recent", ".bin") for cache in Cache]
    slide_audio = cache_entry(Cache.audio, "slideaudio", ".wav")
    turn_audio = cache_entry(Cache.audio, "turnaudio", ".wav")
    used = [slide_audio, beside(slide_audio, "timings.json"), beside(slide_audio, "phonemes.json"),
            turn_audio, beside(turn_audio, "timings.json")]  # fmt: skip
    written(storage, unused + used, days_ago=10)
    written(storage, recent, days_ago=0)
    job = "still-running"
    await event_log.append(
        ev.JobSubmitted(job_id=job, filename="d.pdf", deck_key="k",
                        options=ev.JobOptions(format="both")),
        ev.DeckParsed(job_id=job, format="pdf", slide_count=1),
        ev.SlideVoiced(job_id=job, slide=1, audio_key=slide_audio, duration=0.5, voice="v"),
        ev.PodcastScripted(job_id=job, turns=[ev.Turn(speaker="host", text="Hi.", slide=1)]),
        ev.TurnVoiced(job_id=job, turn=1, speaker="host", audio_key=turn_audio, duration=0.5,
                      voice="v"),
    )  # fmt: skip

    purged = await purge_expired(
        event_log, Projection(event_log), storage, now=datetime.now(UTC), days=1
    )

    assert purged.jobs == [] and purged.cache_files == len(unused)
    assert [key for key in unused if storage.exists(key)] == []
    assert [key for key in used + recent if not storage.exists(key)] == []


def ended_job(job_id: str, audio_key: str = "") -> list[ev.Event]:
    """A job that failed on its second slide, the first voiced into `audio_key` if given."""
    voiced = [ev.SlideVoiced(job_id=job_id, slide=1, audio_key=audio_key, duration=0.5,
                             voice="v")] if audio_key else []  # fmt: skip
    return [
        ev.JobSubmitted(job_id=job_id, filename="d.pdf", deck_key=f"jobs/{job_id}/d.pdf"),
        ev.DeckParsed(job_id=job_id, format="pdf", slide_count=2),
        *voiced,
        ev.JobFailed(job_id=job_id, reason="no voice", stage=ev.Stage.voice, slide=2),
    ]


async def record(log: EventLog, job_ids: list[str]) -> None:
    """Append the jobs' logs and index them, as the services and the dispatcher would."""
    for job_id in job_ids:
        await log.append(*ended_job(job_id))
        await log.index.write(fold(await log.read(job_id)))


@contextmanager
def archived_logs_unreadable(store: Path) -> Iterator[None]:
    """Take the archived logs out of the store: reading one fails."""
    (store / "logs").rename(store / "logs.away")
    try:
        yield
    finally:
        (store / "logs.away").rename(store / "logs")


def zrange_calls(client: redis.Redis) -> int:
    """A round's ZRANGE calls: one per page of the job list, one for the jobs in Redis."""
    return int(client.info("commandstats").get("cmdstat_zrange", {}).get("calls", 0))


async def test_retention_looks_only_at_the_pages_that_may_hold_expired_jobs(
    tmp_path: Path,
) -> None:
    # A redis-server of its own: its command counts are this test's alone.
    handle = start_redis(tmp_path / "redis")
    client, sync = Redis.from_url(handle.url), redis.Redis.from_url(handle.url)
    try:
        storage = local_storage(tmp_path)
        log = EventLog(client, Keys(), storage.store)
        expired = [f"old{n:03}" for n in range(150)]  # pages 0 and half of 1
        kept = [f"new{n:03}" for n in range(130)]  # the rest of page 1, and page 2
        await record(log, expired)
        await asyncio.sleep(0.01)
        cutoff = datetime.now(UTC)
        await asyncio.sleep(0.01)
        await record(log, kept)
        assert len((await archive_finished(log, before=LATER)).jobs) == 280
        days, now = 30, cutoff + timedelta(days=30)

        calls = zrange_calls(sync)
        with archived_logs_unreadable(tmp_path / "store"):
            purged = await purge_expired(log, Projection(log), storage, now=now, days=days)
        assert purged.jobs == expired, "no archived log read, not even the deleted jobs'"
        assert zrange_calls(sync) - calls == 2 + 1, "pages 0 and 1; page 2's jobs are newer"

        calls = zrange_calls(sync)  # before the dispatcher folds job.deleted into lines
        with archived_logs_unreadable(tmp_path / "store"):
            again = await purge_expired(log, Projection(log), storage, now=now, days=days)
        assert again.jobs == [], "each job deleted once"
        assert zrange_calls(sync) - calls == 1 + 1, "page 0 holds deleted jobs only: skipped"
        for job_id in expired:  # the dispatcher folds job.deleted into their lines
            await log.index.write(fold(await log.read(job_id)))
        with archived_logs_unreadable(tmp_path / "store"):
            again = await purge_expired(log, Projection(log), storage, now=now, days=days)
        assert again.jobs == []
        listed = await log.index.newest(owner=None, status=None, offset=0, limit=300)
        assert listed == list(reversed(kept))
    finally:
        await client.aclose()
        sync.close()
        stop_redis(handle, tmp_path / "redis")


async def test_an_archived_jobs_cached_audio_is_kept_without_reading_its_log(
    event_log: EventLog, tmp_path: Path
) -> None:
    storage = local_storage(tmp_path)
    log = EventLog(event_log.redis, event_log.keys, storage.store)
    used, unused = (cache_entry(Cache.audio, name, ".flac") for name in ("usedaudio", "oldaudio"))
    written(storage, [used, beside(used, "timings.json"), unused, beside(unused, "timings.json")],
            days_ago=10)  # fmt: skip
    await log.append(*ended_job("kept", audio_key=used))
    await log.append(*ended_job("deleted", audio_key=unused), ev.JobDeleted(job_id="deleted"))
    for job_id in ("kept", "deleted"):
        await log.index.write(fold(await log.read(job_id)))
    assert set((await archive_finished(log, before=LATER)).jobs) == {"kept", "deleted"}
    assert storage.exists(beside(used, "used")), "archiving marked the kept job's audio used"

    with archived_logs_unreadable(tmp_path / "store"):
        purged = await purge_expired(log, Projection(log), storage, now=datetime.now(UTC), days=1)
    assert purged.jobs == [] and purged.cache_files == 2
    assert storage.exists(used) and storage.exists(beside(used, "timings.json"))
    assert not storage.exists(unused) and not storage.exists(beside(unused, "timings.json"))


async def test_retention_purges_old_jobs_and_the_audio_only_they_used(
    own_stack: Stack, tmp_path: Path
) -> None:
    """End to end, on a stack of its own: retention deletes every job ended before its
    cutoff, which on the shared stack would be other tests' jobs too."""
    stack = own_stack
    with running_api(stack) as api:
        await purged_with_its_audio(api, stack, tmp_path)


async def purged_with_its_audio(api: httpx.Client, stack: Stack, tmp_path: Path) -> None:
    old = await asyncio.to_thread(lambda: submit(api, a_pdf(1, "Only the old job says this.")))
    old_state = await asyncio.to_thread(wait_for_status, api, old)
    audio = stack.home / "artifacts" / old_state["slides"]["1"]["audio_key"]
    assert audio.exists()
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        storage = Storage(home_store(stack.home), tmp_path)
        projection = Projection(log)
        soon = datetime.now(UTC) + timedelta(days=2)
        purged = await purge_expired(log, projection, storage, now=soon, days=30)
        assert old not in purged.jobs, "a recent job is kept"
        purged = await purge_expired(log, projection, storage, now=soon, days=1)
    finally:
        await redis.aclose()
    assert old in purged.jobs
    assert not list(storage.files_below(storage_keys.job(old)))
    assert not audio.exists() and purged.cache_files >= 1
    state = await asyncio.to_thread(lambda: api.get(f"/api/jobs/{old}").json())
    assert state["deleted"], "the log records the purge"
