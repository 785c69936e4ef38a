"""Jobs: submit a deck, read the state folded from its log, read its events, cancel it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, UploadFile, status

from slidespeaker.api.deps import EventLogDep, SettingsDep, StorageDep
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState
from slidespeaker.common.jobs import job_state, submit_job

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_job(
    file: UploadFile,
    events: EventLogDep,
    storage: StorageDep,
    settings: SettingsDep,
    width: Annotated[int, Form(ge=160, le=3840)] = 1920,
    height: Annotated[int, Form(ge=90, le=2160)] = 1080,
) -> dict[str, str]:
    limit = settings.max_deck_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"the deck is larger than {settings.max_deck_mb} MB")
    options = ev.JobOptions(width=width, height=height)
    job_id = await submit_job(
        events, storage, deck=data, filename=file.filename or "deck", options=options
    )
    return {"job_id": job_id}


@router.get("/{job_id}")
async def read_job(job_id: str, events: EventLogDep, at: str | None = None) -> JobState:
    state = await job_state(events, job_id, at)
    if state is None:
        raise HTTPException(404, "no such job" if at is None else "no such job or event")
    return state


@router.get("/{job_id}/events")
async def read_events(job_id: str, events: EventLogDep) -> list[dict[str, Any]]:
    entries = await events.read(job_id)
    if not entries:
        raise HTTPException(404, "no such job")
    return [{"id": entry_id, **event.model_dump(mode="json")} for entry_id, event in entries]


@router.post("/{job_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
async def cancel_job(job_id: str, events: EventLogDep) -> dict[str, str]:
    state = await job_state(events, job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    if state.status.terminal:
        raise HTTPException(409, f"the job is already {state.status.value}")
    await events.append(ev.JobCancelRequested(job_id=job_id))
    return {"job_id": job_id, "status": "cancel_requested"}
