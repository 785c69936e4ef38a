"""Health: is the API up and can it reach Redis."""

from __future__ import annotations

from fastapi import APIRouter

from slidespeaker.api.deps import EventLogDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
async def health(events: EventLogDep) -> dict[str, str]:
    await events.redis.ping()
    return {"status": "ok"}
