"""Metrics, for admins (or the shared token): jobs by status, queues, time per stage."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from slidespeaker.api.deps import EventLogDep, ServiceHealthDep, require_admin
from slidespeaker.api.views import errors

router = APIRouter(
    prefix="/api", tags=["health"], dependencies=[Depends(require_admin)], responses=errors(403)
)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(events: EventLogDep, services: ServiceHealthDep) -> str:
    """Prometheus text format: jobs by status, queue lengths, time spent per stage. Read from
    counters kept as jobs move on (job_index.py): the same work with 100 jobs or a million."""
    statuses = await events.index.counts()
    stages = await events.index.stage_time()
    lines = ["# TYPE slidespeaker_jobs gauge"]
    lines += [f'slidespeaker_jobs{{status="{s}"}} {n}' for s, n in sorted(statuses.items())]
    lines += ["# TYPE slidespeaker_stage_seconds summary"]
    for stage, spent in sorted(stages.items()):
        lines.append(f'slidespeaker_stage_seconds_sum{{stage="{stage}"}} {spent.seconds:.3f}')
        lines.append(f'slidespeaker_stage_seconds_count{{stage="{stage}"}} {spent.runs}')
    lines += ["# TYPE slidespeaker_queue_pending gauge", "# TYPE slidespeaker_queue_lag gauge"]
    report = await services.report()
    for name, health in report["services"].items():
        lines.append(f'slidespeaker_queue_pending{{service="{name}"}} {health["pending"]}')
        if health["lag"] is not None:
            lines.append(f'slidespeaker_queue_lag{{service="{name}"}} {health["lag"]}')
        lines.append(f'slidespeaker_processes{{service="{name}"}} {health["processes"]}')
    return "\n".join(lines) + "\n"
