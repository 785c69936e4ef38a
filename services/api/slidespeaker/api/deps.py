"""Dependencies of the routes: settings, the event log, the projection, storage, the token."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from slidespeaker.api.service_health import ServiceHealth
from slidespeaker.api.views import ViewCache
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_event_log(request: Request) -> EventLog:
    log: EventLog = request.app.state.event_log
    return log


def get_projection(request: Request) -> Projection:
    projection: Projection = request.app.state.projection
    return projection


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def get_view_cache(request: Request) -> ViewCache:
    views: ViewCache = request.app.state.view_cache
    return views


def get_service_health(request: Request) -> ServiceHealth:
    services: ServiceHealth = request.app.state.service_health
    return services


SettingsDep = Annotated[Settings, Depends(get_settings)]
ViewCacheDep = Annotated[ViewCache, Depends(get_view_cache)]
EventLogDep = Annotated[EventLog, Depends(get_event_log)]
ProjectionDep = Annotated[Projection, Depends(get_projection)]
StorageDep = Annotated[Storage, Depends(get_storage)]
ServiceHealthDep = Annotated[ServiceHealth, Depends(get_service_health)]

JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="a job's id")]

_bearer = HTTPBearer(auto_error=False)


def require_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    token: Annotated[str | None, Query(description="For EventSource and <video>")] = None,
) -> None:
    """With SLIDESPEAKER_API_TOKEN set, the request must carry it (header, or `?token=` where
    the browser cannot set headers)."""
    expected = settings.api_token
    if not expected:
        return
    given = credentials.credentials if credentials else token
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this SlideSpeaker requires a token: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
