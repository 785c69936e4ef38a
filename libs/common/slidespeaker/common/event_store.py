"""The per-job event log on Redis Streams: append, read in order, follow.

Appending an event also does the routing that event needs, in the same MULTI/EXEC
transaction: a feed entry for the dispatcher, the work message for a dispatched task,
the stop flag for cancellation. So the log and the work queues can never disagree.

A finished job's log moves to the object store once it is old enough (archiving.py): reads
then take its entries from there, and an event appended later (a retry, a deletion) starts
the job's stream again after them, so every reader sees one log with the same entry ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from slidespeaker.common import events as ev
from slidespeaker.common.bus import position
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.job_index import JobIndex, Line
from slidespeaker.common.keys import Keys
from slidespeaker.common.limits import ActiveLimit
from slidespeaker.common.log_archive import LogArchive
from slidespeaker.common.messages import FeedMessage, WorkMessage
from slidespeaker.common.object_store import ObjectStore

FEED_MAXLEN = 100_000
LIMIT_TRIES = 100  # submissions racing each other for the last slots: each try, one wins


class Conflict(Exception):
    """The log moved on since the state a decision was based on: fold again, decide again."""


class Stopped(Exception):
    """The job was cancelled or has failed: nothing more of its work may start."""


LogEntry = tuple[str, ev.Event]


class EventLog:
    def __init__(
        self, redis: Redis, keys: Keys | None = None, store: ObjectStore | None = None
    ) -> None:
        """`store`: where archived logs are read from (unset: this log reads live jobs only)."""
        self.redis = redis
        self.keys = keys or Keys()
        self.store = store
        self.index = JobIndex(redis, self.keys)

    async def append(
        self, *events: ev.Event, expected_last_id: str | None = None, unless_stopped: bool = False,
        limit: ActiveLimit | None = None, state_after: JobState | None = None,
    ) -> list[str]:  # fmt: skip
        """Append events of one job atomically; returns their entry ids.

        With `expected_last_id`, the append happens only if the log's last entry is still
        that one (optimistic concurrency for decisions), else Conflict is raised. With
        `unless_stopped`, only if the job's stop flag is not set, checked in the same
        transaction (a task must not start once its job's cancellation is in the log), else
        Stopped is raised. With `limit` (job.submitted, job.retry_requested), only if its
        owner has fewer unfinished jobs than it allows, else LimitReached is raised; counted
        under WATCH, retried when another job starts or ends meanwhile. With `state_after`
        (the job's state once these events are folded, known to whoever appends with
        `expected_last_id`), the job's line in the index is written in the same transaction.
        """
        if limit is None:
            return await self._append(events, expected_last_id, unless_stopped, None, state_after)
        for _ in range(LIMIT_TRIES):
            try:
                return await self._append(
                    events, expected_last_id, unless_stopped, limit, state_after
                )
            except Conflict:
                continue
        raise Conflict(events[0].job_id if events else "")

    async def _append(
        self, events: Sequence[ev.Event], expected_last_id: str | None, unless_stopped: bool,
        limit: ActiveLimit | None, state_after: JobState | None,
    ) -> list[str]:  # fmt: skip
        if not events:
            return []
        job_id = events[0].job_id
        log_key, stop_key = self.keys.job_log(job_id), self.keys.job_stop(job_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            if unless_stopped:
                await pipe.watch(stop_key)
                if await pipe.exists(stop_key):
                    raise Stopped(job_id)
            if expected_last_id is not None:
                await pipe.watch(log_key)
                last: Any = await pipe.xrevrange(log_key, count=1)
                if last:
                    last_id: str | None = _entry_id(last[0][0])
                else:  # the whole log may be archived: its last entry is the archive's
                    last_id = await self._archived_to(pipe, job_id)
                if last_id != expected_last_id:
                    raise Conflict(job_id)
            if limit is not None:
                await pipe.watch(self.keys.active_jobs)
                await limit.check(pipe, self.keys)
            if unless_stopped or expected_last_id is not None or limit is not None:
                pipe.multi()  # type: ignore[no-untyped-call]
            log_positions = []
            for event in events:
                log_positions.append(len(pipe))
                pipe.xadd(log_key, {"event": ev.encode_event(event)})
                await self._route(pipe, event)
            if state_after is not None:
                await self.index.queue(pipe, state_after)
            try:
                results = await pipe.execute()
            except WatchError as exc:
                if unless_stopped and await self.redis.exists(stop_key):
                    raise Stopped(job_id) from exc
                raise Conflict(job_id) from exc
        return [_entry_id(results[i]) for i in log_positions]

    async def _route(self, pipe: Pipeline, event: ev.Event) -> None:
        keys = self.keys
        feed = FeedMessage(job_id=event.job_id).to_fields()
        pipe.xadd(keys.feed, feed, maxlen=FEED_MAXLEN, approximate=True)  # type: ignore[arg-type]
        pipe.zadd(keys.jobs_in_redis, {event.job_id: event.ts.timestamp()})
        match event:
            case ev.TaskDispatched():
                work = WorkMessage(job_id=event.job_id, task=event.task, attempt=event.attempt)
                pipe.xadd(keys.work(event.task.stage), work.to_fields())  # type: ignore[arg-type]
            case ev.JobSubmitted():
                await self.index.list_job(pipe, event.job_id, event.owner, event.ts.timestamp())
                await self.index.queue(pipe, fold([event]))  # listed and counted from the start
                if event.owner is not None:
                    pipe.sadd(keys.active_jobs, event.job_id)
            case ev.JobCancelRequested():
                pipe.set(keys.job_stop(event.job_id), event.type)
            case ev.JobFailed() | ev.JobCancelled():
                pipe.set(keys.job_stop(event.job_id), event.type)
                pipe.srem(keys.active_jobs, event.job_id)
            case ev.JobCompleted():
                pipe.srem(keys.active_jobs, event.job_id)
            case ev.JobRetryRequested():
                pipe.delete(keys.job_stop(event.job_id))
                pipe.sadd(keys.active_jobs, event.job_id)
            case ev.JobDeleted():  # its line says so: the lists leave it out
                pipe.srem(keys.active_jobs, event.job_id)

    async def read(self, job_id: str, after: str | None = None) -> list[LogEntry]:
        """Every event of the job in order (or only those after the entry id `after`)."""
        start = f"({after}" if after else "-"
        # In one transaction: a log archived meanwhile is either still in the stream or
        # already marked archived, never neither.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xrange(self.keys.job_log(job_id), min=start, max="+")
            pipe.hget(self.keys.job_lines, job_id)
            raw, line = await pipe.execute()
        archived_to = None if line is None else Line.parse(line).archived_to
        live = [_decode(entry_id, fields) for entry_id, fields in raw]
        if archived_to is None or (after and position(after) >= position(archived_to)):
            return live
        archived = await self.archive(job_id).load(job_id)
        older = [e for e in archived if not after or position(e[0]) > position(after)]
        # Stream entries already in the archive: archived again, not yet removed (a crash
        # in between); each entry is read once.
        newest = position(archived[-1][0]) if archived else (0, 0)
        return older + [e for e in live if position(e[0]) > newest]

    def archive(self, job_id: str) -> LogArchive:
        if self.store is None:
            raise RuntimeError(f"job {job_id}'s log is archived, and this reader has no store")
        return LogArchive(self.store)

    async def follow(
        self, job_id: str, after: str = "0-0", block_ms: int = 1000
    ) -> AsyncIterator[LogEntry]:
        """Yield the job's events from `after` on, waiting for new ones forever."""
        last = after
        for entry in await self.read(job_id, after):  # what is archived first
            last = entry[0]
            yield entry
        while True:
            for entry in await self.wait_for_new(job_id, last, block_ms):
                last = entry[0]
                yield entry

    async def wait_for_new(self, job_id: str, after: str, block_ms: int) -> list[LogEntry]:
        """The job's events after `after`, waiting up to `block_ms` for one to arrive."""
        key = self.keys.job_log(job_id)
        reply: Any = await self.redis.xread({key: after}, block=block_ms, count=500)
        return [
            _decode(entry_id, fields) for _, entries in reply or [] for entry_id, fields in entries
        ]

    async def exists(self, job_id: str) -> bool:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.exists(self.keys.job_log(job_id))
            pipe.hget(self.keys.job_lines, job_id)
            live, line = await pipe.execute()
        return bool(live or (line is not None and Line.parse(line).archived_to))

    async def _archived_to(self, pipe: Pipeline, job_id: str) -> str | None:
        line: Any = await pipe.hget(self.keys.job_lines, job_id)
        return None if line is None else Line.parse(line).archived_to

    async def stop_requested(self, job_id: str) -> bool:
        return bool(await self.redis.exists(self.keys.job_stop(job_id)))


def _entry_id(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _decode(entry_id: bytes | str, fields: dict[bytes | str, bytes | str]) -> LogEntry:
    data = fields.get(b"event") or fields.get("event") or b"{}"
    return _entry_id(entry_id), ev.parse_event(data)
