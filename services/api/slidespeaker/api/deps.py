"""Dependencies of the routes: settings, the event log, the projection, storage, the caller
and the jobs they may open."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request, status

from slidespeaker.api import auth, media_tokens
from slidespeaker.api.service_health import ServiceHealth
from slidespeaker.api.views import ViewCache
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.common.user_directory import UserDirectory


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


def get_users(request: Request) -> UserDirectory:
    users: UserDirectory = request.app.state.users
    return users


UsersDep = Annotated[UserDirectory, Depends(get_users)]


async def authenticate(
    request: Request,
    settings: SettingsDep,
    users: UsersDep,
    token: Annotated[
        str | None, Query(description="A media token, where a browser cannot send a header")
    ] = None,
) -> auth.Caller:
    """The caller, by the installation's auth mode (settings.auth); 401 if unknown."""
    if settings.auth_mode == "none":
        return auth.EVERYONE
    # Read by hand, not declared as a security scheme: with auth none the schema must not
    # say a credential is needed.
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    # Each credential in turn: a proxy may send an Authorization header of its own (say,
    # oauth2-proxy passing the ID token) beside the user it signed in.
    caller = None
    if scheme.lower() == "bearer" and key:
        caller = await auth.by_key(settings, users, key.strip())
    if caller is None and token is not None:
        caller = await _by_token(request, settings, users, token)
    if caller is None and settings.auth_mode == "proxy":
        caller = await auth.by_proxy(
            settings, users, request.client.host if request.client else None,
            request.headers.get(auth.FORWARDED_USER), request.headers.get(auth.FORWARDED_EMAIL),
        )  # fmt: skip
    if caller is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, _SIGN_IN[settings.auth_mode],
            # The web client asks for a key, or sends the person to the proxy's sign-in.
            headers={"WWW-Authenticate": "Bearer", AUTH_MODE_HEADER: settings.auth_mode},
        )  # fmt: skip
    return caller


AUTH_MODE_HEADER = "SlideSpeaker-Auth"
_SIGN_IN = {
    "none": "",
    "token": "this SlideSpeaker requires a token: send 'Authorization: Bearer <token>'",
    "users": "sign in: send your API key as 'Authorization: Bearer <key>'",
    "proxy": "sign in through this SlideSpeaker's sign-in proxy",
}


async def _by_token(
    request: Request, settings: Settings, users: UserDirectory, token: str
) -> auth.Caller | None:
    """`?token=`: a media token, read-only and for its own job; in token mode the shared
    token too, as before media tokens."""
    if settings.auth_mode == "token" and auth.is_shared_token(settings, token):
        return auth.EVERYONE
    grant = media_tokens.verify(request.app.state.media_secret, token)
    if grant is None or request.method not in ("GET", "HEAD"):
        return None
    if request.path_params.get("job_id") != grant.job_id:
        return None
    return await auth.by_media_grant(settings, users, grant)


CallerDep = Annotated[auth.Caller, Depends(authenticate)]


def require_admin(caller: CallerDep) -> None:
    if not caller.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may see this")


async def visible_job(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="a job's id")],
    caller: CallerDep,
    projection: ProjectionDep,
) -> str:
    """The job's id, if the job exists and the caller may open it. Someone else's job gets
    the very answer an unknown id gets, so ids cannot be probed."""
    state = await projection.state(job_id)
    if state is None or not caller.may_open(state):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such job")
    return job_id


# Every route about one job takes its id through this: the ownership check cannot be forgotten.
JobId = Annotated[str, Depends(visible_job)]
