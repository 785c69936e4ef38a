"""A job's event log: all of it as JSON, or live as Server-Sent Events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from fastapi.sse import EventSourceResponse
from redis.exceptions import RedisError

from slidespeaker.api.deps import EventLogDep, JobId, ProjectionDep, SettingsDep
from slidespeaker.api.views import errors
from slidespeaker.common.event_store import EventLog, LogEntry
from slidespeaker.common.events import utc_now
from slidespeaker.common.fold import JobState, TaskStatus, advance, fold
from slidespeaker.common.logging_setup import get_logger
from slidespeaker.common.redis_clients import async_client

router = APIRouter(prefix="/api/jobs", tags=["events"], responses=errors(404))

# A Redis stream entry id: two 64-bit numbers (19 digits stay below 2^64; Redis refuses more).
ENTRY_ID = r"^\d{1,19}-\d{1,19}$"
KEEPALIVE_MS = 15_000  # a comment line this often keeps proxies from closing an idle stream
# After the job's end, the longest its tasks get to record theirs: a voice process checks for
# a stop between sentences, and one sentence can take several seconds on a loaded machine.
SETTLE = timedelta(seconds=30)
SETTLE_POLL_MS = 200


def as_json(entry: LogEntry) -> dict[str, Any]:
    entry_id, event = entry
    return {"id": entry_id, **event.model_dump(mode="json")}


def sse_message(entry: LogEntry) -> str:
    entry_id, event = entry
    return f"id: {entry_id}\nevent: {event.type}\ndata: {json.dumps(as_json(entry))}\n\n"


@router.get("/{job_id}/events")
async def read_events(
    job_id: JobId,
    events: EventLogDep,
    after: Annotated[
        str | None, Query(pattern=ENTRY_ID, description="only events after this id")
    ] = None,
) -> list[dict[str, Any]]:
    if not await events.exists(job_id):
        raise HTTPException(404, "no such job")
    return [as_json(entry) for entry in await events.read(job_id, after=after)]


@router.get(
    "/{job_id}/events/stream",
    responses={200: {"content": {"text/event-stream": {}}}, 204: {"description": "ended"}},
)
async def stream_events(
    job_id: JobId,
    events: EventLogDep,
    projection: ProjectionDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header(pattern=ENTRY_ID)] = None,
    after: Annotated[str | None, Query(pattern=ENTRY_ID)] = None,
) -> Any:
    """Every event as it is appended (SSE id = the log's id), from `Last-Event-ID` (or
    `after`) on. The stream ends once the job has ended and its last tasks have recorded
    how they ended (a service stopping on cancellation records it just after the job's
    end). A job that has ended with nothing new answers 204, which tells an EventSource
    to stop reconnecting."""
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    start = last_event_id or after or "0-0"
    if _finished(state) and not _is_after(state.last_event_id or "0-0", start):
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return EventSourceResponse(_follow(settings.redis_url or "", events, job_id, start))


def _is_after(entry_id: str, other: str) -> bool:
    return _position(entry_id) > _position(other)


def _position(entry_id: str) -> tuple[int, int]:
    millis, _, sequence = entry_id.partition("-")
    return int(millis), int(sequence or 0)


def _finished(state: JobState) -> bool:
    """The job has ended, and nothing more will be recorded: no task of it is still running
    (each recorded its end), or the log has been quiet for SETTLE (a task whose service
    died records nothing)."""
    if not state.status.terminal:
        return False
    running = any(task.status == TaskStatus.running for task in state.tasks.values())
    quiet = state.updated_at is not None and utc_now() - state.updated_at > SETTLE
    return not running or quiet


async def _follow(url: str, events: EventLog, job_id: str, start: str) -> AsyncIterator[str]:
    # A connection of its own: a client that goes away cancels this generator mid-read, and
    # a redis-py connection cancelled mid-command must not go back to the shared pool.
    redis = async_client(url)
    log = EventLog(redis, events.keys, events.store)
    try:
        entries = await log.read(job_id)
        state = fold(entries)  # the whole job, to know when it has ended
        last = state.last_event_id or start
        for entry in entries:
            if _is_after(entry[0], start):
                yield sse_message(entry)
        while not _finished(state):
            block_ms = SETTLE_POLL_MS if state.status.terminal else KEEPALIVE_MS
            entries = await log.wait_for_new(job_id, last, block_ms)
            if not entries and not state.status.terminal:
                yield ": keep-alive\n\n"
            for entry in entries:
                yield sse_message(entry)
                last = entry[0]
            advance(state, entries)
    except RedisError as exc:
        # Ended cleanly, with the terminating chunk: the EventSource reconnects and resumes
        # from the last id it saw (an exception here would cut the response off mid-chunk).
        get_logger().warning("events.stream_interrupted", job_id=job_id, error=str(exc))
    finally:
        await redis.aclose()
