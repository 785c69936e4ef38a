"""The caller: who they are signed in as, and media tokens for what a browser fetches without
headers (EventSource, <video>)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from slidespeaker.api import media_tokens
from slidespeaker.api.deps import CallerDep, JobId, SettingsDep
from slidespeaker.api.views import errors
from slidespeaker.common.settings import AuthMode

router = APIRouter(prefix="/api", tags=["access"])


class Me(BaseModel):
    auth: AuthMode  # how this installation signs people in
    name: str | None  # None: no accounts (auth none or the shared token)
    email: str | None
    admin: bool


class MediaToken(BaseModel):
    token: str  # for `?token=` on this job's event stream, artifacts and slide images
    expires_at: datetime


@router.get("/me")
async def me(caller: CallerDep, settings: SettingsDep) -> Me:
    return Me(auth=settings.auth_mode, name=caller.name, email=caller.email, admin=caller.admin)


@router.post("/jobs/{job_id}/media-token", responses=errors(404))
async def media_token(
    job_id: JobId, caller: CallerDep, settings: SettingsDep, request: Request
) -> MediaToken:
    """A token that opens this job's media read-only until it expires: put it in URLs
    instead of the API key."""
    expires = int(time.time() + settings.media_token_s)
    grant = media_tokens.MediaGrant(job_id=job_id, user=caller.name, expires=expires)
    return MediaToken(
        token=media_tokens.issue(request.app.state.media_secret, grant),
        expires_at=datetime.fromtimestamp(expires, UTC),
    )
