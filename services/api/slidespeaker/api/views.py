"""What the API returns about jobs: the folded state plus links, and a short summary."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from slidespeaker.common.fold import JobState, JobStatus

# The type of each artifact a client may ask for (by the names of JobState.output_files()).
MEDIA_TYPES: dict[str, str] = {
    "video.mp4": "video/mp4",
    "subtitles.vtt": "text/vtt; charset=utf-8",
    "subtitles.srt": "application/x-subrip; charset=utf-8",
    "transcript.md": "text/markdown; charset=utf-8",
    "poster.jpg": "image/jpeg",
    "podcast.mp3": "audio/mpeg",
    "podcast.m4a": "audio/mp4",
    "podcast.srt": "application/x-subrip; charset=utf-8",
    "podcast.vtt": "text/vtt; charset=utf-8",
    "podcast.json": "application/json",
}


class ErrorBody(BaseModel):
    detail: str  # what went wrong, for a person


class Refusal(BaseModel):
    # A service's reason, or (as for any request) what is wrong with the parameters.
    detail: str | list[dict[str, Any]]


class LimitBody(BaseModel):
    detail: str
    limit: str  # which: max_active_jobs, submissions_per_hour, max_deck_mb
    most: float  # its value for this user


_REASONS = {
    400: "the request or the uploaded file cannot be used",
    401: "sign in: a key or token is required",
    403: "only an admin may see this",
    404: "no such job, or nothing of that name in it",
    409: "the job is not in a state that allows this",
    413: "the upload is too large",
    415: "the upload is not a PDF or PowerPoint deck",
    429: "one of the user's limits refuses it for now (see Retry-After)",
    422: "a field is invalid, or the options cannot be met (e.g. a voice not offered here)",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give."""
    models: dict[int, type[BaseModel]] = {422: Refusal, 429: LimitBody}
    return {
        code: {"model": models.get(code, ErrorBody), "description": _REASONS[code]}
        for code in codes
    }


def service_errors(reasons: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the answers of a route that asks a service: a 422 carries the
    service's reason or, as for any request, what is wrong with the parameters."""
    return {
        code: {"model": Refusal if code == 422 else ErrorBody, "description": reason}
        for code, reason in reasons.items()
    }


class JobSummary(BaseModel):
    job_id: str
    filename: str
    owner: str | None
    status: JobStatus
    slide_count: int | None
    created_at: datetime | None
    updated_at: datetime | None
    duration: float | None
    error: str | None


class JobList(BaseModel):
    jobs: list[JobSummary]
    total: int


def summary(state: JobState) -> JobSummary:
    return JobSummary(
        job_id=state.job_id,
        filename=state.filename,
        owner=state.owner,
        status=state.status,
        slide_count=state.slide_count,
        created_at=state.created_at,
        updated_at=state.updated_at,
        duration=_duration(state),
        error=state.error,
    )


def _duration(state: JobState) -> float | None:
    """The video's length, or the podcast's when only a podcast was made."""
    made = state.outputs or state.podcast
    return made.duration if made else None


def job_view(state: JobState) -> dict[str, Any]:
    """The state as JSON, with links to its artifacts and slide images."""
    base = f"/api/jobs/{state.job_id}"
    view = state.model_dump(mode="json")
    files = state.output_files()
    view["artifacts"] = {name: f"{base}/artifacts/{name}" for name in files}
    for number, slide in view["slides"].items():
        slide["image_url"] = f"{base}/slides/{number}/image" if slide["image_key"] else None
    return view


class ViewCache:
    """Each job's view as JSON, made once per position in its log: a job polled by many
    clients is serialised once per event, not once per request."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._views: OrderedDict[str, tuple[int, bytes]] = OrderedDict()

    def json(self, state: JobState) -> bytes:
        cached = self._views.get(state.job_id)
        if cached and cached[0] == state.event_count:
            self._views.move_to_end(state.job_id)
            return cached[1]
        body = json.dumps(job_view(state), separators=(",", ":")).encode()
        self._views[state.job_id] = (state.event_count, body)
        if len(self._views) > self.size:
            self._views.popitem(last=False)
        return body
