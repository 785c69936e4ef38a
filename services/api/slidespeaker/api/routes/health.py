"""Health, open to everyone: is Redis reachable, which services run, how far behind they are."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from slidespeaker.api.deps import ServiceHealthDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(services: ServiceHealthDep) -> dict[str, Any]:
    """`ok` when Redis answers and every service has a live process; per service, its live
    processes and its queue: messages waiting (`lag`) and taken but unfinished (`pending`).
    Measured at most once a second for all callers: `age_s` says how long ago."""
    return await services.report()
