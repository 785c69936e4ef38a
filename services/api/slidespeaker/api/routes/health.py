"""Health and metrics: is Redis reachable, which services run, how far behind they are."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from redis.exceptions import RedisError

from slidespeaker.api.deps import EventLogDep, ProjectionDep
from slidespeaker.common.events import Stage
from slidespeaker.common.keys import DISPATCHER_GROUP
from slidespeaker.common.log import EventLog

router = APIRouter(prefix="/api", tags=["health"])

SERVICES = ("dispatcher", *(stage.value for stage in Stage))


@router.get("/health")
async def health(events: EventLogDep) -> dict[str, Any]:
    """`ok` when Redis answers and every service has a live process; per service, its live
    processes and its queue: messages waiting (`lag`) and taken but unfinished (`pending`)."""
    try:
        await events.redis.ping()
    except RedisError as exc:
        return {"status": "down", "redis": f"unreachable: {exc}", "services": {}}
    services = {name: await _service_health(events, name) for name in SERVICES}
    degraded = any(s["processes"] == 0 for s in services.values())
    return {"status": "degraded" if degraded else "ok", "redis": "ok", "services": services}


async def _service_health(events: EventLog, name: str) -> dict[str, Any]:
    keys = events.keys
    alive = [key async for key in events.redis.scan_iter(match=keys.presence_pattern(name))]
    stream = keys.feed if name == "dispatcher" else keys.work(Stage(name))
    group = DISPATCHER_GROUP if name == "dispatcher" else name
    pending, lag = await _queue(events, stream, group)
    return {"processes": len(alive), "pending": pending, "lag": lag}


async def _queue(events: EventLog, stream: str, group: str) -> tuple[int, int | None]:
    try:
        groups: Any = await events.redis.xinfo_groups(stream)
    except RedisError:
        return 0, 0  # no stream yet: nothing was ever queued
    for info in groups:
        if info["name"] in (group, group.encode()):
            return int(info["pending"]), info.get("lag")  # lag: Redis 7 and later
    return 0, None


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(events: EventLogDep, projection: ProjectionDep) -> str:
    """Prometheus text format: jobs by status, queue lengths, time spent per stage."""
    statuses: Counter[str] = Counter()
    seconds: defaultdict[str, float] = defaultdict(float)
    runs: Counter[str] = Counter()
    for job_id in await events.job_ids(limit=10_000):
        state = await projection.state(job_id)
        if state is None:
            continue
        statuses[state.status.value] += 1
        for task in state.tasks.values():
            if task.started_at and task.finished_at:
                spent = task.finished_at - task.started_at
                seconds[task.task.stage.value] += spent.total_seconds()
                runs[task.task.stage.value] += 1
    lines = ["# TYPE slidespeaker_jobs gauge"]
    lines += [f'slidespeaker_jobs{{status="{s}"}} {n}' for s, n in sorted(statuses.items())]
    lines += ["# TYPE slidespeaker_stage_seconds summary"]
    for stage in sorted(runs):
        lines.append(f'slidespeaker_stage_seconds_sum{{stage="{stage}"}} {seconds[stage]:.3f}')
        lines.append(f'slidespeaker_stage_seconds_count{{stage="{stage}"}} {runs[stage]}')
    lines += ["# TYPE slidespeaker_queue_pending gauge", "# TYPE slidespeaker_queue_lag gauge"]
    for name in SERVICES:
        health = await _service_health(events, name)
        lines.append(f'slidespeaker_queue_pending{{service="{name}"}} {health["pending"]}')
        if health["lag"] is not None:
            lines.append(f'slidespeaker_queue_lag{{service="{name}"}} {health["lag"]}')
        lines.append(f'slidespeaker_processes{{service="{name}"}} {health["processes"]}')
    return "\n".join(lines) + "\n"
