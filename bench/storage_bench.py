"""Benchmark: what keeping artifacts in an object store costs (issue 15), in one run.

- a 10-slide render end to end (submitted to completed) with `file://` storage against
  `s3://` (moto's S3 server over real HTTP on localhost), as a ratio (target <= 1.3x): the
  median of three renders each, after a warm-up render; each render says new words, so
  nothing comes from the voice cache;
- a 200 MB upload through the API into `s3://`: the API process's peak resident memory above
  what it held idle (target < 100 MB), sampled every 20 ms while the upload streams.

Redis's memory after archiving is not measured yet: event logs are not archived yet.

    .venv/bin/python bench/storage_bench.py
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
import pymupdf
import redis
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' S3 helpers

from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices  # noqa: E402
from slidespeaker.cli.redis_server import free_port, start_redis, stop_redis  # noqa: E402
from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.event_store import EventLog  # noqa: E402
from slidespeaker.common.fold import JobStatus, fold  # noqa: E402
from slidespeaker.common.jobs import submit_job  # noqa: E402
from slidespeaker.common.keys import Keys  # noqa: E402
from slidespeaker.common.object_store import ObjectStore  # noqa: E402
from tests.stores import S3_ENV, new_bucket, s3_access, s3_server  # noqa: E402

SLIDES, UPLOAD_MB = 10, 200
RUNS = 3  # renders timed per store, the median taken: a busy machine varies run to run
OPTIONS = ev.JobOptions(width=1280, height=720)
_serial = itertools.count(1)


def deck(pages: int) -> bytes:
    """A PDF whose slides say words no other deck of this run says."""
    serial = next(_serial)
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        text = (f"Render {serial}, slide {n}. A few sentences worth saying about this slide, "
                "so that each one is voiced for several seconds. And one more.")  # fmt: skip
        doc.new_page().insert_textbox(pymupdf.Rect(40, 40, 560, 800), text)
    data: bytes = doc.tobytes()
    return data


def big_pdf(path: Path, megabytes: int) -> None:
    """A one-page PDF carrying `megabytes` of incompressible bytes as an attachment."""
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "A big deck.")
    doc.embfile_add("noise.bin", os.urandom(megabytes * 2**20))
    doc.save(path)


def wait_for(url: str, names: tuple[str, ...], timeout: float = 300) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    for name in names:
        while not next(iter(client.scan_iter(match=Keys().presence_pattern(name))), None):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} did not come up")
            time.sleep(0.2)
    client.close()


async def render_seconds(url: str, store: ObjectStore) -> float:
    client = Redis.from_url(url)
    try:
        log = EventLog(client, Keys())
        started = time.monotonic()
        job_id = await submit_job(log, store, deck=deck(SLIDES), filename="d.pdf", options=OPTIONS)
        while True:
            state = fold(await log.read(job_id))
            if state.status.terminal:
                break
            await asyncio.sleep(0.05)
        if state.status != JobStatus.completed:
            raise RuntimeError(f"the render failed: {state.error}")
        return time.monotonic() - started
    finally:
        await client.aclose()


def render_with(url: str, home: Path, env: dict[str, str], store: ObjectStore) -> float:
    """The median seconds of RUNS fresh 10-slide renders, after a warm-up one, with the stack
    on `env`."""
    services = LocalServices(url, home, env={**env, "SLIDESPEAKER_LOG_LEVEL": "WARNING"})
    try:
        for name in PIPELINE_SERVICES:
            services.start(name)
        wait_for(url, PIPELINE_SERVICES)
        asyncio.run(render_seconds(url, store))  # Piper and LibreOffice loaded, caches warm
        return statistics.median(asyncio.run(render_seconds(url, store)) for _ in range(RUNS))
    finally:
        services.stop()


def upload_peak_mb(url: str, home: Path, env: dict[str, str], work: Path) -> float:
    """The API's peak RSS above idle while a UPLOAD_MB deck streams through it."""
    deck_path = work / "big.pdf"
    big_pdf(deck_path, UPLOAD_MB)
    port = free_port()
    services = LocalServices(url, home, env={
        **env, "SLIDESPEAKER_API_PORT": str(port), "SLIDESPEAKER_MAX_DECK_MB": str(UPLOAD_MB + 20),
        "SLIDESPEAKER_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    try:
        services.start("api")
        api = psutil.Process(next(p.pid for name, p in services.processes if name == "api"))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        time.sleep(2)
        idle = api.memory_info().rss
        peak, done = idle, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, api.memory_info().rss)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        with deck_path.open("rb") as file:
            response = httpx.post(f"{base}/api/jobs", files={"file": ("big.pdf", file)},
                                  timeout=600)  # fmt: skip
        done.set()
        sampler.join()
        if response.status_code != 201:
            raise RuntimeError(f"the upload was refused: {response.status_code} {response.text}")
        return (peak - idle) / 2**20
    finally:
        services.stop()


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="storage-bench-") as tmp, s3_server() as endpoint:
        work = Path(tmp)
        handle = start_redis(work / "redis")
        try:
            new_bucket(endpoint, "bench")
            s3_env = {**S3_ENV, "AWS_ENDPOINT_URL": endpoint,
                      "SLIDESPEAKER_STORAGE_URL": "s3://bench/renders"}  # fmt: skip
            local = render_with(
                handle.url,
                work / "file-home",
                {},
                ObjectStore((work / "file-home/artifacts").as_uri()),
            )
            remote = render_with(
                handle.url,
                work / "s3-home",
                s3_env,
                ObjectStore("s3://bench/renders", s3_access(endpoint)),
            )
            print(
                f"{SLIDES}-slide render: file:// {local:.1f} s, s3:// {remote:.1f} s, "
                f"ratio {remote / local:.2f}x (target <= 1.3x)"
            )
            peak = upload_peak_mb(handle.url, work / "api-home", s3_env, work)
            print(
                f"{UPLOAD_MB} MB upload into s3://: the API's peak memory {peak:.0f} MB above "
                "idle (target < 100 MB)"
            )
        finally:
            stop_redis(handle, work / "redis")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
