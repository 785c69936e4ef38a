"""Jobs recorded before the job index existed (job_index.py) are indexed once, when the API
starts: their lines, counters and owners' lists, folded from their logs. A marker in Redis
says it was done, so later starts read nothing."""

from __future__ import annotations

from typing import Any

from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import fold

BATCH = 200


async def index_earlier_jobs(events: EventLog) -> int:
    """Index every listed job that has no line yet; how many were indexed."""
    keys, redis = events.keys, events.redis
    if await redis.exists(keys.job_index_built):
        return 0
    indexed, start = 0, 0
    while raw := await redis.zrange(keys.jobs, start, start + BATCH - 1):
        ids: list[Any] = [i.decode() if isinstance(i, bytes) else i for i in raw]
        lines: Any = await redis.hmget(keys.job_lines, ids)
        for job_id, line in zip(ids, lines, strict=True):
            if line is None and (entries := await events.read(job_id)):
                state = fold(entries)
                await events.index.write(state)
                if state.owner is not None and state.created_at is not None:
                    owned = {job_id: state.created_at.timestamp()}
                    await redis.zadd(keys.owner_jobs(state.owner), owned)
                indexed += 1
        start += len(ids)
    await redis.set(keys.job_index_built, "1")
    return indexed
