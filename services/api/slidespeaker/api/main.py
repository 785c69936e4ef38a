"""The HTTP API: one router per resource, state and storage set up in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError

from slidespeaker.api import limits
from slidespeaker.api.access_log import hide_tokens
from slidespeaker.api.deps import authenticate
from slidespeaker.api.index_backfill import upgrade_indexes
from slidespeaker.api.media_tokens import media_secret
from slidespeaker.api.options import OptionsMiddleware
from slidespeaker.api.retention import purge_expired
from slidespeaker.api.routes import (
    access,
    artifacts,
    asyncapi,
    estimates,
    events,
    health,
    jobs,
    metrics,
    script,
    voices,
)
from slidespeaker.api.service_health import ServiceHealth
from slidespeaker.api.views import ViewCache, errors
from slidespeaker.api.web_client import WebClient
from slidespeaker.common.archiving import archive_finished
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.keys import Keys
from slidespeaker.common.limits import LimitReached
from slidespeaker.common.logging_setup import configure_logging, get_logger
from slidespeaker.common.object_store import StoreError
from slidespeaker.common.one_at_a_time import one_at_a_time
from slidespeaker.common.periodic import running_every
from slidespeaker.common.projection import Projection
from slidespeaker.common.runtime import connect
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings, get_settings
from slidespeaker.common.storage import Storage
from slidespeaker.common.user_directory import UserDirectory

MULTIPART_OVERHEAD = 1024 * 1024  # the form's other fields and boundaries


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis: Redis = connect(settings)
        app.state.settings = settings
        keys = Keys(settings.key_prefix)
        scratch = Scratch(settings.scratch_dir, "api")  # uploads are checked in it
        app.state.storage = Storage.from_settings(settings, scratch.folder)
        app.state.event_log = EventLog(redis, keys, app.state.storage.store)
        app.state.users = UserDirectory(redis, keys)
        app.state.media_secret = await media_secret(settings, redis, keys)
        app.state.projection = Projection(app.state.event_log)
        app.state.view_cache = ViewCache()
        app.state.service_health = ServiceHealth(app.state.event_log)
        await upgrade_indexes(app.state.event_log)
        # Archiving here rather than in the dispatcher: every event passes through the
        # dispatcher, and writing logs to the store would hold up its decisions.
        async with running_every(settings.archive_check_s, _archive(app, settings)):
            if settings.retention_days is None:
                yield
            else:
                async with running_every(settings.retention_check_s, _purge(app, settings)):
                    yield
        await redis.aclose()
        scratch.close()

    app = FastAPI(
        title="SlideSpeaker",
        summary="Slide decks into narrated videos",
        lifespan=lifespan,
        # Enforced while the body streams in: a larger upload is refused with 413 before
        # it is read, not after.
        max_body_size=settings.max_deck_mb * 1024 * 1024 + MULTIPART_OVERHEAD,
    )
    app.add_exception_handler(StoreError, _store_failed)
    app.include_router(health.router)
    app.include_router(asyncapi.router)
    # Every other router needs a known caller (auth none knows everyone).
    unauthorized = errors(401) if settings.auth_mode != "none" else None
    routers = (jobs, events, artifacts, script, voices, estimates, access, metrics)
    for router in (module.router for module in routers):
        app.include_router(router, dependencies=[Depends(authenticate)], responses=unauthorized)
    app.add_exception_handler(LimitReached, limits.refusal)
    app.add_middleware(OptionsMiddleware, schema_app=app)
    if settings.web_dist.is_dir():
        app.router.routes.append(WebClient(settings.web_dist))
    return app


async def _store_failed(request: Request, exc: Exception) -> JSONResponse:
    """The store failing (down, no bucket, credentials refused) is the server's trouble,
    said with the store's name; nothing was submitted."""
    return JSONResponse({"detail": str(exc)}, status_code=503)


def _purge(app: FastAPI, settings: Settings) -> Callable[[], Awaitable[bool]]:
    async def purge() -> bool:
        events: EventLog = app.state.event_log
        lock = events.keys.round_lock("retention")
        async with one_at_a_time(events.redis, lock, settings.retention_check_s) as mine:
            if not mine:  # another API process runs this round
                return False
            purged = await purge_expired(
                events, app.state.projection, app.state.storage,
                now=datetime.now(UTC), days=settings.retention_days or 0.0,
            )  # fmt: skip
        if purged.jobs or purged.cache_files:
            get_logger().info("retention.purged", jobs=len(purged.jobs), files=purged.cache_files)
        return False

    return purge


def _archive(app: FastAPI, settings: Settings) -> Callable[[], Awaitable[bool]]:
    async def archive() -> bool:
        before = datetime.now(UTC) - timedelta(seconds=settings.archive_after_s)
        events: EventLog = app.state.event_log
        lock = events.keys.round_lock("archive")
        try:
            async with one_at_a_time(events.redis, lock, settings.archive_check_s) as mine:
                if not mine:  # another API process runs this round
                    return False
                archived = await archive_finished(events, before=before)
        except (RedisError, StoreError) as exc:  # tried again next round
            get_logger().warning("archive.failed", error=str(exc))
            return False
        if archived.jobs:
            get_logger().info("archive.archived", jobs=len(archived.jobs))
        return False

    return archive


def run(settings: Settings) -> None:
    configure_logging(settings.log_level, service="api")
    hide_tokens()
    # No proxy headers: uvicorn would otherwise replace the peer's address with the one a
    # proxy claims, and proxy sign-in must see who really connected (auth.by_proxy).
    uvicorn.run(
        create_app(settings), host=settings.api_host, port=settings.api_port, proxy_headers=False
    )
