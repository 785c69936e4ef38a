"""The per-job event log on a real redis-server: append, read, follow, routing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import Conflict, EventLog, Stopped
from slidespeaker.common.events import Action, TaskRef
from slidespeaker.common.keys import Keys


def submitted(job_id: str = "j1") -> ev.JobSubmitted:
    return ev.JobSubmitted(job_id=job_id, filename="d.pdf", deck_key="jobs/j1/deck.pdf")


async def test_append_then_read_in_order(event_log: EventLog) -> None:
    first = submitted()
    second = ev.JobWarning(job_id="j1", code="c", message="m")
    ids = await event_log.append(first, second)
    entries = await event_log.read("j1")
    assert [entry_id for entry_id, _ in entries] == ids
    assert [event for _, event in entries] == [first, second]
    assert await event_log.read("j1", after=ids[0]) == [(ids[1], second)]


async def test_appending_routes_in_the_same_transaction(
    event_log: EventLog, aredis: Redis, keys: Keys
) -> None:
    task = TaskRef(action=Action.voice_slide, slide=3)
    await event_log.append(submitted(), ev.TaskDispatched(job_id="j1", task=task, attempt=2))
    assert await aredis.xlen(keys.feed) == 2
    work: Any = await aredis.xrange(keys.work(ev.Stage.voice))
    assert len(work) == 1
    fields = work[0][1]
    assert fields[b"job_id"] == b"j1" and fields[b"attempt"] == b"2"
    assert TaskRef.model_validate_json(fields[b"task"]) == task
    assert await event_log.index.newest(owner=None, status=None, offset=0, limit=10) == ["j1"]
    assert not await event_log.stop_requested("j1")
    await event_log.append(ev.JobCancelRequested(job_id="j1"))
    assert await event_log.stop_requested("j1")


async def test_expected_last_id_guards_decisions(event_log: EventLog) -> None:
    (first,) = await event_log.append(submitted())
    await event_log.append(ev.JobWarning(job_id="j1", code="c", message="m"))
    with pytest.raises(Conflict):
        await event_log.append(ev.JobCompleted(job_id="j1"), expected_last_id=first)
    assert len(await event_log.read("j1")) == 2, "the stale decision was not appended"
    last = (await event_log.read("j1"))[-1][0]
    await event_log.append(ev.JobCompleted(job_id="j1"), expected_last_id=last)
    assert len(await event_log.read("j1")) == 3


async def test_no_task_starts_once_the_job_is_stopped(event_log: EventLog) -> None:
    task = TaskRef(action=Action.voice_turn, turn=2)
    started = ev.TaskStarted(job_id="j1", task=task, worker="w")
    await event_log.append(submitted())
    await event_log.append(started, unless_stopped=True)
    await event_log.append(ev.JobCancelRequested(job_id="j1"))
    with pytest.raises(Stopped):
        await event_log.append(started, unless_stopped=True)
    types = [event.type for _, event in await event_log.read("j1")]
    assert types == ["job.submitted", "task.started", "job.cancel_requested"]


async def test_follow_yields_old_then_new_events(event_log: EventLog) -> None:
    await event_log.append(submitted())
    seen: list[str] = []

    async def follow() -> None:
        async for _entry_id, event in event_log.follow("j1", block_ms=100):
            seen.append(event.type)
            if event.type == "job.completed":
                return

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.3)
    await event_log.append(ev.JobCompleted(job_id="j1"))
    await asyncio.wait_for(follower, timeout=5)
    assert seen == ["job.submitted", "job.completed"]
