"""Archiving and retention with several API processes sharing Redis: each process runs the
rounds, one at a time across them (one_at_a_time.py), so no job is archived or deleted twice
and none is missed. The API's own round functions, two of them side by side as two processes
would run them, each with its own Redis connection."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis

from slidespeaker.api.main import _archive, _purge
from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import fold
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.projection import Projection
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.common.storage_keys import event_log

from .test_retention import ended_job


class CountingStore(ObjectStore):
    """A file:// store that counts the archived logs written to it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.logs_written = 0

    def put_bytes(self, key: str, data: bytes) -> None:
        super().put_bytes(key, data)
        if key.startswith("logs/"):
            self.logs_written += 1


def api_process(client: Redis, keys: Keys, store: ObjectStore, scratch: Path) -> FastAPI:
    """What the API's lifespan sets up for its rounds, on a connection of its own."""
    app = FastAPI()
    app.state.event_log = EventLog(client, keys, store)
    app.state.projection = Projection(app.state.event_log)
    app.state.storage = Storage(store, scratch)
    return app


async def test_two_api_processes_archive_and_purge_each_job_once(
    redis_server: RedisHandle, keys: Keys, tmp_path: Path
) -> None:
    store = CountingStore((tmp_path / "store").resolve().as_uri())
    clients = [Redis.from_url(redis_server.url) for _ in range(2)]
    settings = Settings(archive_after_s=0, retention_days=0)
    try:
        apps = [api_process(c, keys, store, tmp_path / f"s{n}") for n, c in enumerate(clients)]
        log: EventLog = apps[0].state.event_log
        jobs = [f"job{n:02}" for n in range(30)]
        for job_id in jobs:
            await log.append(*ended_job(job_id))
            await log.index.write(fold(await log.read(job_id)))

        await asyncio.gather(*(_archive(app, settings)() for app in apps))
        assert store.logs_written == len(jobs), "each log archived once, by one process"
        assert not await log.redis.exists(*map(keys.job_log, jobs)), "none missed"

        await asyncio.gather(*(_purge(app, settings)() for app in apps))
        deleted = {job_id: [e for _, e in await log.read(job_id) if isinstance(e, ev.JobDeleted)]
                   for job_id in jobs}  # fmt: skip
        assert {job_id: len(events) for job_id, events in deleted.items()} == dict.fromkeys(
            jobs, 1
        ), "each job deleted once, by one process"

        await _archive(apps[1], settings)()  # the round is free again: the other takes it
        assert store.logs_written == 2 * len(jobs), "the deleted jobs archived again"
        assert store.exists(event_log(jobs[0]))
        assert not await log.redis.exists(keys.round_lock("archive"), keys.round_lock("retention"))
    finally:
        for client in clients:
            await client.aclose()
