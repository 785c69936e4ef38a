"""A job's event log: all of it as JSON, or live as Server-Sent Events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from fastapi.sse import EventSourceResponse
from redis.asyncio import Redis

from slidespeaker.api.deps import EventLogDep, JobId, ProjectionDep, SettingsDep
from slidespeaker.api.views import errors
from slidespeaker.common.log import EventLog, LogEntry

router = APIRouter(prefix="/api/jobs", tags=["events"], responses=errors(404))

TERMINAL = {"job.completed", "job.failed", "job.cancelled"}
ENTRY_ID = r"^\d+-\d+$"
KEEPALIVE_MS = 15_000  # a comment line this often keeps proxies from closing an idle stream


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
    `after`) on; the stream ends with the job. A finished job with nothing new answers 204,
    which tells an EventSource to stop reconnecting."""
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    start = last_event_id or after or "0-0"
    if state.status.terminal and not await events.read(job_id, after=start):
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return EventSourceResponse(_follow(settings.redis_url or "", events, job_id, start))


async def _follow(url: str, events: EventLog, job_id: str, start: str) -> AsyncIterator[str]:
    # A connection of its own: a client that goes away cancels this generator mid-read, and
    # a redis-py connection cancelled mid-command must not go back to the shared pool.
    redis = Redis.from_url(url)
    log, last = EventLog(redis, events.keys), start
    try:
        while True:
            entries = await log.wait_for_new(job_id, last, KEEPALIVE_MS)
            if not entries:
                yield ": keep-alive\n\n"
            for entry_id, event in entries:
                yield sse_message((entry_id, event))
                last = entry_id
                if event.type in TERMINAL:
                    return
    finally:
        await redis.aclose()
