"""Jobs: submit a deck, list jobs, read one (folded from its log), cancel, retry, re-run,
delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, HTTPException, Query, Response, UploadFile, status
from fastapi.responses import JSONResponse

from slidespeaker.api.deps import (
    CallerDep,
    EventLogDep,
    JobId,
    ProjectionDep,
    SettingsDep,
    StorageDep,
    ViewCacheDep,
)
from slidespeaker.api.job_form import (
    JobForm,
    LexiconField,
    PasswordField,
    ResolutionField,
    job_options,
)
from slidespeaker.api.limits import active_limit, check_deck_size, take
from slidespeaker.api.routes.voices import offered_voices
from slidespeaker.api.uploads import checked_upload
from slidespeaker.api.views import JobList, errors, job_view, summary
from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.jobs import InStore, job_state, submit_job
from slidespeaker.common.languages import unspeakable
from slidespeaker.common.projection import Projection

router = APIRouter(
    prefix="/api/jobs", tags=["jobs"], responses=errors(400, 404, 409, 413, 415, 422, 429)
)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_job(
    file: UploadFile,
    caller: CallerDep,
    settings: SettingsDep,
    events: EventLogDep,
    storage: StorageDep,
    form: Annotated[JobForm, Form()],
    lexicon: LexiconField = None,
    password: PasswordField = None,
    resolution: ResolutionField = None,
) -> dict[str, str]:
    options = await job_options(form, lexicon, resolution)
    refused = unspeakable(options, await offered_voices(events))
    if refused:  # before any work: nothing here could speak what was asked for
        raise HTTPException(422, refused)
    check_deck_size(caller, file.size)
    await take("submissions", caller, settings, events)
    with checked_upload(file, storage.scratch, password) as deck:
        job_id = await submit_job(
            events, storage.store, deck=deck, filename=file.filename or "deck", options=options,
            owner=caller.owner, limit=active_limit(caller, settings),
        )  # fmt: skip
    return {"job_id": job_id}


@router.get("")
async def list_jobs(
    caller: CallerDep,
    events: EventLogDep,
    projection: ProjectionDep,
    status_filter: Annotated[JobStatus | None, Query(alias="status")] = None,
    owner: Annotated[str | None, Query(description="an admin's filter: this user's jobs")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JobList:
    """The caller's jobs (an admin's: everyone's), newest first; deleted jobs are left out.
    Found in the job index (job_index.py); only the page's jobs are read."""
    if not caller.admin and owner not in (None, caller.name):
        return JobList(jobs=[], total=0)  # someone else's jobs: as if there were none
    whose = owner if caller.admin else caller.name
    if whose is None and not caller.admin:
        return JobList(jobs=[], total=0)
    wanted = status_filter.value if status_filter else None
    page = await events.index.newest(owner=whose, status=wanted, offset=offset, limit=limit)
    states = [await projection.state(job_id) for job_id in page]
    shown = [summary(s) for s in states if s is not None and caller.may_open(s)]
    return JobList(jobs=shown, total=await events.index.total(owner=whose, status=wanted))


@router.get("/{job_id}", response_class=Response, responses={200: {"model": JobState}})
async def read_job(
    job_id: JobId,
    events: EventLogDep,
    projection: ProjectionDep,
    views: ViewCacheDep,
    at: Annotated[str | None, Query(description="state right after this event id")] = None,
) -> Response:
    """The job's state folded from its log (with links to its artifacts and slide images);
    with `at`, as it was right after that event."""
    if at:
        state = await job_state(events, job_id, at)
        if state is None:
            raise HTTPException(404, "no such job or event")
        return JSONResponse(job_view(state))
    current = await projection.state(job_id)
    if current is None:
        raise HTTPException(404, "no such job")
    return Response(views.json(current), media_type="application/json")


async def existing(projection: Projection, job_id: str) -> JobState:
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    return state


@router.post("/{job_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
async def cancel_job(
    job_id: JobId, caller: CallerDep, events: EventLogDep, projection: ProjectionDep
) -> dict[str, str]:
    state = await existing(projection, job_id)
    if state.status.terminal:
        raise HTTPException(409, f"the job is already {state.status.value}")
    await events.append(ev.JobCancelRequested(job_id=job_id, by=caller.name))
    return {"job_id": job_id, "status": "cancel_requested"}


@router.post("/{job_id}/retry", status_code=status.HTTP_202_ACCEPTED)
async def retry_job(
    job_id: JobId, caller: CallerDep, settings: SettingsDep, events: EventLogDep,
    projection: ProjectionDep,
) -> dict[str, str]:  # fmt: skip
    """Run a failed or cancelled job again from where it stopped, keeping finished work."""
    state = await existing(projection, job_id)
    if state.status not in (JobStatus.failed, JobStatus.cancelled) or state.deleted:
        raise HTTPException(
            409, f"only a failed or cancelled job can be retried; it is {state.status.value}"
        )
    # Running again counts against the owner's unfinished jobs (an admin's retry of someone
    # else's job does not).
    limit = active_limit(caller, settings) if caller.name == state.owner else None
    await events.append(ev.JobRetryRequested(job_id=job_id, by=caller.name), limit=limit)
    return {"job_id": job_id, "status": "retry_requested"}


@router.post("/{job_id}/rerun", status_code=status.HTTP_201_CREATED)
async def rerun_job(
    job_id: JobId,
    caller: CallerDep,
    settings: SettingsDep,
    events: EventLogDep,
    projection: ProjectionDep,
    storage: StorageDep,
    changes: Annotated[dict[str, Any], Body(description="options to change, e.g. {'voice': ...}")],
) -> dict[str, str]:
    """A new job (the caller's) on the same deck with some options changed; audio already
    made for the same text and voice is reused from the cache."""
    state = await existing(projection, job_id)
    if state.deleted:
        raise HTTPException(409, "the job was deleted: its deck is gone")
    unknown = set(changes) - set(ev.JobOptions.model_fields)
    if unknown:
        raise HTTPException(422, f"unknown options: {', '.join(sorted(unknown))}")
    try:
        options = ev.JobOptions.model_validate({**state.options.model_dump(), **changes})
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    refused = unspeakable(options, await offered_voices(events))
    if refused:
        raise HTTPException(422, refused)
    await take("submissions", caller, settings, events)
    new_id = await submit_job(
        events, storage.store, deck=InStore(state.deck_key), filename=state.filename,
        options=options, owner=caller.owner, limit=active_limit(caller, settings),
    )  # fmt: skip
    return {"job_id": new_id}


@router.delete("/{job_id}")
async def delete_job(
    job_id: JobId, caller: CallerDep, events: EventLogDep, projection: ProjectionDep,
    storage: StorageDep,
) -> dict[str, str]:  # fmt: skip
    """Cancel the job if it runs, then remove its files; its log stays and records this."""
    state = await existing(projection, job_id)
    if not state.status.terminal:
        await events.append(ev.JobCancelRequested(job_id=job_id, reason="deleted", by=caller.name))
    await events.append(ev.JobDeleted(job_id=job_id, by=caller.name))
    storage.delete_below(storage_keys.job(job_id))
    return {"job_id": job_id, "status": "deleted"}
