"""Archived event logs on a real redis-server and a real store (a folder, and moto's S3 server):
once archived, Redis holds no key of the job and the log reads the same, entry ids and all;
an event appended later (a retry) continues it; archiving is idempotent and crash-safe."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.archiving import archive_finished, archive_job
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.events import Action, TaskRef
from slidespeaker.common.fold import JobStatus, fold
from slidespeaker.common.jobs import job_state
from slidespeaker.common.keys import Keys
from slidespeaker.common.log_archive import LogArchive
from slidespeaker.common.object_store import ObjectStore

from .stores import S3_ENV, new_bucket, s3_access

LATER = datetime.now(UTC) + timedelta(days=1)  # archive whatever has ended by now


def failed_job(job_id: str, slides: int = 3) -> list[ev.Event]:
    """A job's log as the services write it, up to its failure on the last slide's voice."""
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=job_id, filename="talk.pdf", deck_key=f"jobs/{job_id}/deck.pdf"),
        ev.DeckParsed(job_id=job_id, format="pdf", slide_count=slides),
    ]
    for n in range(1, slides + 1):
        voice = TaskRef(action=Action.voice_slide, slide=n)
        events += [
            ev.SlideRendered(job_id=job_id, slide=n, image_key=f"s{n}.png", width=640, height=360),
            ev.TaskDispatched(job_id=job_id, task=voice),
            ev.TaskStarted(job_id=job_id, task=voice, worker="voice-1"),
        ]
        if n < slides:
            events += [
                ev.SlideVoiced(
                    job_id=job_id, slide=n, audio_key=f"a{n}.flac", duration=2.0, voice="joe"
                ),
                ev.TaskCompleted(job_id=job_id, task=voice),
            ]
    last = TaskRef(action=Action.voice_slide, slide=slides)
    events += [
        ev.StageFailed(job_id=job_id, task=last, attempt=1, error="no voice", retryable=False),
        ev.JobFailed(job_id=job_id, reason="no voice", stage=ev.Stage.voice, slide=slides),
    ]
    return events


async def keys_of(redis: Redis, keys: Keys, job_id: str) -> list[Any]:
    """The Redis keys of the job (of this test's installation: other tests share the server)."""
    return [key async for key in redis.scan_iter(match=f"{keys.prefix}:*{job_id}*")]


async def test_an_archived_log_reads_the_same_and_leaves_no_key_in_redis(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*failed_job("j1"))
    before = await log.read("j1")
    middle = before[len(before) // 2][0]
    after_middle = await log.read("j1", after=middle)
    at_middle = await job_state(log, "j1", at=middle)
    assert await aredis.exists(keys.job_stop("j1"))

    archived = await archive_finished(log, before=LATER)

    assert archived.jobs == ["j1"]
    assert await keys_of(aredis, keys, "j1") == []
    assert file_store.exists(storage_keys.event_log("j1"))
    assert await log.read("j1") == before, "the same entry ids, the same events"
    assert await log.read("j1", after=middle) == after_middle
    assert await job_state(log, "j1", at=middle) == at_middle
    assert await log.exists("j1") and not await log.exists("nobody")
    assert await log.index.newest(owner=None, status=None, offset=0, limit=10) == ["j1"], (
        "still listed"
    )
    assert (await archive_finished(log, before=LATER)).jobs == [], "nothing left to archive"


async def test_a_live_or_recent_job_is_not_archived(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*failed_job("running")[:-2])  # still voicing its last slide
    await log.append(*failed_job("recent"))
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert (await archive_finished(log, before=hour_ago)).jobs == []
    assert (await archive_finished(log, before=LATER)).jobs == ["recent"]
    assert fold(await log.read("running")).status == JobStatus.running
    assert await aredis.exists(keys.job_log("running"))
    assert not file_store.exists(storage_keys.event_log("running"))


async def test_a_retried_archived_job_continues_its_log_and_is_archived_again(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*failed_job("j1"))
    await archive_finished(log, before=LATER)
    archived = await log.read("j1")

    [retry_id] = await log.append(ev.JobRetryRequested(job_id="j1"))
    decided = fold(await log.read("j1"))
    assert decided.status == JobStatus.running and decided.last_event_id == retry_id
    # A decision based on the whole log (the dispatcher's) appends after the retry.
    redo = TaskRef(action=Action.voice_slide, slide=3)
    await log.append(ev.TaskDispatched(job_id="j1", task=redo), expected_last_id=retry_id)
    await log.append(ev.JobCompleted(job_id="j1"))
    whole = await log.read("j1")
    assert whole[: len(archived)] == archived and len(whole) == len(archived) + 3
    assert await log.read("j1", after=archived[-1][0]) == whole[len(archived) :]

    assert (await archive_finished(log, before=LATER)).jobs == ["j1"]
    assert await keys_of(aredis, keys, "j1") == []
    assert await log.read("j1") == whole


async def test_a_crash_between_writing_the_archive_and_clearing_redis_loses_and_repeats_nothing(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*failed_job("j1"))
    await archive_finished(log, before=LATER)
    await log.append(ev.JobRetryRequested(job_id="j1"), ev.JobCancelled(job_id="j1"))
    whole = await log.read("j1")
    # The archiver wrote the whole log again, then died before Redis let go of its tail.
    await LogArchive(file_store).save("j1", whole)
    assert await log.read("j1") == whole, "the tail is in both: read once"
    assert await archive_job(log, "j1", before=LATER) == "archived"
    assert await log.read("j1") == whole


async def test_an_append_while_archiving_keeps_the_job_in_redis(
    aredis: Redis, keys: Keys, file_store: ObjectStore, redis_server: RedisHandle
) -> None:
    late = ev.StageStopped(
        job_id="j1", task=TaskRef(action=Action.voice_slide, slide=3), worker="voice-2"
    )

    class AppendingStore(ObjectStore):
        """A store while whose write of the log another client appends to the job (a late
        report)."""

        def put_bytes(self, key: str, data: bytes) -> None:
            super().put_bytes(key, data)
            if key != storage_keys.event_log("j1"):
                return
            with redis.Redis.from_url(redis_server.url) as other:
                other.xadd(keys.job_log("j1"), {"event": ev.encode_event(late)})

    log = EventLog(aredis, keys, AppendingStore(file_store.url))
    await log.append(*failed_job("j1"))
    assert await archive_job(log, "j1", before=LATER) == "kept", "the log grew meanwhile"
    assert await aredis.exists(keys.job_log("j1"))
    entries = await EventLog(aredis, keys, file_store).read("j1")
    assert entries[-1][1] == late and len(entries) == len(failed_job("j1")) + 1


def test_the_archive_command_on_s3(
    redis_server: RedisHandle, s3_endpoint: str, tmp_path: Path
) -> None:
    bucket = f"archive-{uuid.uuid4().hex[:8]}"
    new_bucket(s3_endpoint, bucket)
    store = ObjectStore(f"s3://{bucket}/logs", s3_access(s3_endpoint))
    prefix = f"a{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ, **S3_ENV, "AWS_ENDPOINT_URL": s3_endpoint,
        "SLIDESPEAKER_STORAGE_URL": f"s3://{bucket}/logs", "SLIDESPEAKER_HOME": str(tmp_path),
        "SLIDESPEAKER_REDIS_URL": redis_server.url, "SLIDESPEAKER_KEY_PREFIX": prefix,
    }  # fmt: skip

    async def appended() -> list[Any]:
        client = Redis.from_url(redis_server.url)
        try:
            log = EventLog(client, Keys(prefix), store)
            await log.append(*failed_job("s3job"))
            return await log.read("s3job")
        finally:
            await client.aclose()

    async def after_archiving() -> tuple[list[Any], list[Any]]:
        client = Redis.from_url(redis_server.url)
        try:
            entries = await EventLog(client, Keys(prefix), store).read("s3job")
            return await keys_of(client, Keys(prefix), "s3job"), entries
        finally:
            await client.aclose()

    before = asyncio.run(appended())
    done = subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", "archive", "--older-than", "0"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["s3job"]
    left, entries = asyncio.run(after_archiving())
    assert left == [] and entries == before
    assert store.exists(storage_keys.event_log("s3job"))


async def test_a_job_another_process_archived_is_neither_reported_nor_makes_others_missed(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*failed_job("first"))
    await archive_finished(log, before=LATER)
    await log.append(*failed_job("second"))
    # As another archiver leaves it: the log gone, the index not yet told.
    await aredis.zadd(keys.jobs_in_redis, {"first": 0})
    assert (await archive_finished(log, before=LATER)).jobs == ["second"]
    assert await aredis.zcard(keys.jobs_in_redis) == 0
