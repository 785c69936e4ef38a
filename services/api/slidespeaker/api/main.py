"""The HTTP API: one router per resource, state and storage set up in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis

from slidespeaker.api.routes import health, jobs
from slidespeaker.common.keys import Keys
from slidespeaker.common.log import EventLog
from slidespeaker.common.logs import configure_logging
from slidespeaker.common.runtime import connect
from slidespeaker.common.settings import Settings, get_settings
from slidespeaker.common.storage import Storage


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis: Redis = connect(settings)
        app.state.settings = settings
        app.state.event_log = EventLog(redis, Keys(settings.key_prefix))
        app.state.storage = Storage(settings.storage_dir)
        yield
        await redis.aclose()

    app = FastAPI(title="SlideSpeaker", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(jobs.router)
    return app


def run(settings: Settings) -> None:
    configure_logging(settings.log_level, service="api")
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
