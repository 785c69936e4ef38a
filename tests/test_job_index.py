"""The job index on a real redis-server: listing and counting jobs read counters and indexes
kept from each job's folded state, never every job's log; a state written twice or late
changes nothing, and an archived job stays listed and counted."""

from __future__ import annotations

from redis.asyncio import Redis

from slidespeaker.api.index_backfill import index_earlier_jobs
from slidespeaker.common import events as ev
from slidespeaker.common.archiving import archive_finished
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import fold
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore

from .test_archive_log import LATER, failed_job


def owned(events: list[ev.Event], owner: str) -> list[ev.Event]:
    submitted = events[0]
    assert isinstance(submitted, ev.JobSubmitted)
    return [submitted.model_copy(update={"owner": owner}), *events[1:]]


async def test_jobs_are_counted_and_listed_from_the_index(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    index = log.index
    a_log, b_log = owned(failed_job("a"), "alice"), owned(failed_job("b"), "bob")
    await log.append(a_log[0])
    await log.append(b_log[0])
    assert await index.counts() == {"queued": 2}, "counted from job.submitted on"
    assert await index.counts("alice") == {"queued": 1}
    assert await index.newest(owner=None, status=None, offset=0, limit=10) == ["b", "a"]
    assert await index.newest(owner="alice", status=None, offset=0, limit=10) == ["a"]

    await log.append(*a_log[1:])
    failed = fold(await log.read("a"))
    await index.write(failed)
    await index.write(failed)  # again (a redelivered feed entry): nothing moves twice
    await index.write(fold(a_log[:5]))  # an older state, late: ignored
    assert await index.counts() == {"queued": 1, "failed": 1}
    assert await index.counts("alice") == {"failed": 1}
    voice = (await index.stage_time())["voice"]
    assert voice.runs == 3, "two voiced slides and the failed one"
    assert await index.newest(owner=None, status="failed", offset=0, limit=10) == ["a"]
    assert await index.total(owner=None, status=None) == 2

    assert (await archive_finished(log, before=LATER)).jobs == ["a"]
    assert await index.counts() == {"queued": 1, "failed": 1}, "archived: still counted"
    assert await index.newest(owner="alice", status="failed", offset=0, limit=10) == ["a"]
    assert (await index.stage_time())["voice"].runs == 3

    await log.append(ev.JobDeleted(job_id="a"))
    await index.write(fold(await log.read("a")))
    assert await index.counts() == {"queued": 1}
    assert await index.counts("alice") == {}
    assert "voice" not in await index.stage_time()
    assert await index.newest(owner=None, status=None, offset=0, limit=10) == ["b"]
    assert await index.newest(owner="alice", status=None, offset=0, limit=10) == []


async def test_jobs_recorded_before_the_index_are_indexed_once(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*owned(failed_job("old"), "alice"))
    # What an installation kept before the index: the logs and the list of jobs only.
    await aredis.delete(
        keys.job_lines, keys.job_counts, keys.owner_job_counts("alice"), keys.owner_jobs("alice")
    )
    assert await index_earlier_jobs(log) == 1
    assert await log.index.counts("alice") == {"failed": 1}
    assert await log.index.newest(owner="alice", status=None, offset=0, limit=10) == ["old"]
    await aredis.delete(keys.job_lines)
    assert await index_earlier_jobs(log) == 0, "done once"
