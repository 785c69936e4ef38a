"""Benchmark: what keeping artifacts in an object store costs (issue 15), in one run.

- a 10-slide render end to end (submitted to completed) with `file://` storage against
  `s3://` (moto's S3 server over real HTTP on localhost), as a ratio (target <= 1.3x): the
  median of three renders each, after a warm-up render; each render says new words, so
  nothing comes from the voice cache;
- a 200 MB upload through the API into `s3://`: the API process's peak resident memory above
  what it held idle (target < 100 MB), sampled every 20 ms while the upload streams.

- Redis's `used_memory` after 500 finished jobs were recorded and archived, against before
  them (target within 10 %). The jobs are not rendered: each one's log (a 10-slide render's
  events, about 100, with its task messages and feed entries) is appended through EventLog as
  the services would, their messages read and acknowledged as the consumers would, and each
  job's line written to the job index as the dispatcher would; then `archive_finished`
  (what `slidespeaker archive --older-than 0` runs) moves the logs into a `file://` store.
  "Before" is taken after 20 jobs went the same way: what Redis allocates once (scripts,
  buffers: about 0.6 MB, the same with 50 jobs as with 500) is not growth per job.
- an hourly retention round's time with 100 and with 2000 archived jobs (none expired), each
  set in an installation of its own: the same, since a round reads no archived log.

    .venv/bin/python bench/storage_bench.py           # everything
    .venv/bin/python bench/storage_bench.py archive   # only Redis's memory after archiving
    .venv/bin/python bench/storage_bench.py retention # only a retention round's time
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pymupdf
import redis
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' S3 helpers

from slidespeaker.api.retention import purge_expired  # noqa: E402
from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices  # noqa: E402
from slidespeaker.cli.redis_server import free_port, start_redis, stop_redis  # noqa: E402
from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.archiving import archive_finished  # noqa: E402
from slidespeaker.common.bus import ensure_group  # noqa: E402
from slidespeaker.common.event_store import EventLog  # noqa: E402
from slidespeaker.common.fold import JobStatus, fold  # noqa: E402
from slidespeaker.common.jobs import submit_job  # noqa: E402
from slidespeaker.common.keys import Keys  # noqa: E402
from slidespeaker.common.object_store import ObjectStore  # noqa: E402
from slidespeaker.common.projection import Projection  # noqa: E402
from slidespeaker.common.storage import Storage  # noqa: E402
from tests.stores import S3_ENV, new_bucket, s3_access, s3_server  # noqa: E402

SLIDES, UPLOAD_MB = 10, 200
ARCHIVED_JOBS = 500
RETENTION_JOBS = (100, 2000)
WARM_UP = 20
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


def finished_job(job_id: str, owner: str) -> list[ev.Event]:
    """A 10-slide render's log as its services write it: about 100 events, its tasks taking
    as long as they take (so its line in the job index holds real stage times)."""
    clock = datetime.now(UTC) - timedelta(minutes=10)

    def ran(action: ev.Action, seconds: float, slide: int | None = None) -> list[ev.Event]:
        nonlocal clock
        task = ev.TaskRef(action=action, slide=slide)
        started = clock + timedelta(seconds=0.05)
        clock = started + timedelta(seconds=seconds)
        return [
            ev.TaskDispatched(job_id=job_id, task=task, ts=started),
            ev.TaskStarted(job_id=job_id, task=task, worker="worker-1", ts=started),
            ev.TaskCompleted(job_id=job_id, task=task, ts=clock),
        ]

    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=job_id, filename="talk.pptx", deck_key=f"jobs/{job_id}/deck.pptx",
                        options=OPTIONS, owner=owner),
        ev.DeckParsed(job_id=job_id, format="pptx", slide_count=SLIDES),
        *ran(ev.Action.script_deck, 12.345),
    ]  # fmt: skip
    for n in range(1, SLIDES + 1):
        cues = [ev.Cue(text="A sentence of narration.", start=0.0, end=2.0)] * 8
        events += [*ran(ev.Action.voice_slide, 3.217, n), *ran(ev.Action.compose_slide, 4.321, n)]
        events += [
            ev.SlideRendered(job_id=job_id, slide=n, image_key=f"s{n}.png", width=1280,
                             height=720),
            ev.SlideScripted(job_id=job_id, slide=n, narration="Words worth saying. " * 12,
                             source=ev.NarrationSource.notes),
            ev.SlideVoiced(job_id=job_id, slide=n, audio_key=f"a{n}.flac", duration=6.0,
                           voice="amy", cues=cues),
            ev.SlideComposed(job_id=job_id, slide=n, audio_key=f"a{n}.flac",
                             image_key=f"s{n}.png", duration=7.2),
        ]  # fmt: skip
    return [*events, *ran(ev.Action.compose_video, 21.5), ev.JobCompleted(job_id=job_id)]


async def consume_everything(client: Redis, keys: Keys) -> None:
    """Read and acknowledge every message, as the dispatcher and the services would."""
    streams = {keys.feed: "dispatcher", **{keys.work(s): s.value for s in ev.Stage}}
    for stream, group in streams.items():
        await ensure_group(client, stream, group)
        while True:
            batch: Any = await client.xreadgroup(group, "bench", {stream: ">"}, count=1000)
            if not batch:
                break
            ids = [entry_id for _, entries in batch for entry_id, _ in entries]
            await client.xack(stream, group, *ids)


async def record_and_archive(log: EventLog, first: int, count: int) -> None:
    """Record `count` finished jobs (numbered from `first`), then archive them."""
    for n in range(first, first + count):
        events = finished_job(f"{n:032x}", owner=f"user{n % 20}")
        for start in range(0, len(events), 10):  # appended a few at a time, as they happen
            await log.append(*events[start : start + 10])
        await log.index.write(fold(await log.read(events[0].job_id)))
    await consume_everything(log.redis, log.keys)
    archived = await archive_finished(log, before=datetime.now(UTC) + timedelta(seconds=1))
    if len(archived.jobs) != count:
        raise RuntimeError(f"{len(archived.jobs)} jobs of {count} were archived")


async def archived_memory(url: str, store: ObjectStore) -> tuple[int, int]:
    """Redis's used_memory before ARCHIVED_JOBS finished jobs and once they are archived;
    before is after WARM_UP jobs went the same way, so that it includes what Redis allocates
    once, whatever the number of jobs (about 0.6 MB here, with 50 jobs as with 500)."""
    client = Redis.from_url(url)
    try:
        log = EventLog(client, Keys(), store)
        await record_and_archive(log, 0, WARM_UP)
        before = (await client.info("memory"))["used_memory"]
        await record_and_archive(log, WARM_UP, ARCHIVED_JOBS)
        return before, (await client.info("memory"))["used_memory"]
    finally:
        await client.aclose()


def measure_archiving(work: Path) -> None:
    handle = start_redis(work / "archive-redis")
    try:
        store = ObjectStore((work / "archive-store").resolve().as_uri())
        before, after = asyncio.run(archived_memory(handle.url, store))
        print(
            f"Redis used_memory: {before / 2**20:.2f} MB before {ARCHIVED_JOBS} finished jobs, "
            f"{after / 2**20:.2f} MB once they are archived: {(after - before) / before:+.1%} "
            f"(target within 10 %), {(after - before) / ARCHIVED_JOBS:.0f} bytes a job "
            "(its entries in the indexes that keep it listed and counted)"
        )
    finally:
        stop_redis(handle, work / "archive-redis")


async def retention_round(url: str, store: ObjectStore, scratch: Path, jobs: int) -> float:
    """Seconds an hourly retention round takes once `jobs` ended jobs are archived (none
    expired yet: what a round finds most hours), in an installation of its own."""
    client = Redis.from_url(url)
    try:
        log = EventLog(client, Keys(prefix=f"retention{jobs}"), store)
        for n in range(jobs):
            job_id = f"{jobs}-{n:08}"
            await log.append(
                ev.JobSubmitted(job_id=job_id, filename="d.pdf", deck_key=f"jobs/{job_id}/d.pdf"),
                ev.JobFailed(job_id=job_id, reason="bench", stage=ev.Stage.voice, slide=1),
            )
            await log.index.write(fold(await log.read(job_id)))
        await archive_finished(log, before=datetime.now(UTC) + timedelta(seconds=1))
        started = time.perf_counter()
        purged = await purge_expired(
            log, Projection(log), Storage(store, scratch), now=datetime.now(UTC), days=30
        )
        spent = time.perf_counter() - started
        if purged.jobs:
            raise RuntimeError(f"{len(purged.jobs)} jobs purged, none expired")
        return spent
    finally:
        await client.aclose()


def measure_retention(work: Path) -> None:
    handle = start_redis(work / "retention-redis")
    try:
        store = ObjectStore((work / "retention-store").resolve().as_uri())
        rounds = {
            jobs: asyncio.run(retention_round(handle.url, store, work / "scratch", jobs))
            for jobs in RETENTION_JOBS
        }
        spent = [f"{s * 1000:.0f} ms with {jobs} archived jobs" for jobs, s in rounds.items()]
        print(f"retention round: {', '.join(spent)} (the same work: no archived log is read)")
    finally:
        stop_redis(handle, work / "retention-redis")


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    if sys.argv[1:] in (["archive"], ["retention"]):
        with tempfile.TemporaryDirectory(prefix="storage-bench-") as tmp:
            if sys.argv[1] == "archive":
                measure_archiving(Path(tmp))
            else:
                measure_retention(Path(tmp))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        return
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
            measure_archiving(work)
            measure_retention(work)
        finally:
            stop_redis(handle, work / "redis")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
