"""The script: read it, and (when the job waits for review) edit and approve it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from slidespeaker.api.deps import CallerDep, EventLogDep, JobId, ProjectionDep
from slidespeaker.api.views import errors
from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.review import ReviewClosed, approval

router = APIRouter(prefix="/api/jobs", tags=["script"], responses=errors(400, 404, 409, 422))

MAX_NARRATION_CHARS = 20_000


class ScriptLine(BaseModel):
    slide: int = Field(ge=1)
    title: str = ""
    narration: str = Field(max_length=MAX_NARRATION_CHARS)
    source: ev.NarrationSource | None = None
    language: str | None = None  # the narration's, BCP 47: the voice speaks it
    language_source: ev.LanguageSource | None = None
    blocks: list[ev.TextBlock] = []  # where the slide's text is, once its picture is made
    links: list[ev.PointerLink] = []  # which sentence the pointer shows on which block


class Script(BaseModel):
    status: JobStatus
    slides: list[ScriptLine]


class ScriptEdit(BaseModel):
    slide: int = Field(ge=1)
    narration: str = Field(max_length=MAX_NARRATION_CHARS)
    language: str | None = Field(None, max_length=35)  # a fix of the slide's language
    # A fix of the pointer: the slide's links, all of them; None keeps those still said.
    links: list[ev.PointerLink] | None = Field(None, max_length=200)


class ScriptReview(BaseModel):
    slides: list[ScriptEdit] = []  # only the slides whose narration changes


@router.get("/{job_id}/script")
async def read_script(job_id: JobId, projection: ProjectionDep) -> Script:
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    return script_of(state)


@router.put("/{job_id}/script")
async def approve_script(
    job_id: JobId, review: ScriptReview, caller: CallerDep, events: EventLogDep,
    projection: ProjectionDep,
) -> Script:  # fmt: skip
    """Apply the edits and approve the script; voicing starts with the edited narration."""
    state = await projection.state(job_id)
    if state is None:
        raise HTTPException(404, "no such job")
    try:
        narrations = {edit.slide: edit.narration for edit in review.slides}
        languages = {edit.slide: edit.language for edit in review.slides if edit.language}
        links = {e.slide: e.links for e in review.slides if e.links is not None}
        approved = approval(state, narrations, languages, by=caller.name, links=links)
    except ReviewClosed as exc:
        raise HTTPException(409, exc.message) from exc
    except BadInput as exc:
        raise HTTPException(422, exc.message) from exc
    await events.append(*approved)
    updated = await projection.state(job_id)
    assert updated is not None
    return script_of(updated)


def script_of(state: JobState) -> Script:
    lines = [
        ScriptLine(
            slide=n,
            title=s.title,
            narration=s.narration or "",
            source=s.narration_source,
            language=s.language,
            language_source=s.language_source,
            blocks=s.blocks,
            links=s.links,
        )
        for n, s in sorted(state.slides.items())
        if s.narration is not None
    ]
    return Script(status=state.status, slides=lines)
