"""Metrics, for admins (or the shared token): jobs by status, queues, time per stage."""

from __future__ import annotations

from collections import Counter, defaultdict

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from slidespeaker.api.deps import EventLogDep, ProjectionDep, ServiceHealthDep, require_admin
from slidespeaker.api.views import errors

router = APIRouter(
    prefix="/api", tags=["health"], dependencies=[Depends(require_admin)], responses=errors(403)
)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(
    events: EventLogDep, projection: ProjectionDep, services: ServiceHealthDep
) -> str:
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
    report = await services.report()
    for name, health in report["services"].items():
        lines.append(f'slidespeaker_queue_pending{{service="{name}"}} {health["pending"]}')
        if health["lag"] is not None:
            lines.append(f'slidespeaker_queue_lag{{service="{name}"}} {health["lag"]}')
        lines.append(f'slidespeaker_processes{{service="{name}"}} {health["processes"]}')
    return "\n".join(lines) + "\n"
