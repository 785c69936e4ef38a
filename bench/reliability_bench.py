"""Benchmark: how fast the system reacts to cancellation and damage, and its throughput.

- cancellation latency: from `job.cancel_requested` to every started task of that job having
  ended (completed or recorded `stage.stopped`), p50 and p95 over RUNS jobs (target p95 < 1 s);
- recovery after SIGKILL: from killing the voice process mid-slide to that slide voiced by
  another process (target < 2x the reclaim timeout);
- throughput: small one-slide jobs per minute, with two voice processes.

    .venv/bin/python bench/reliability_bench.py
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import tempfile
import time
from pathlib import Path

import pymupdf
from redis.asyncio import Redis

from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices
from slidespeaker.cli.redis_server import start_redis, stop_redis
from slidespeaker.common import events as ev
from slidespeaker.common.fold import fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.log import EventLog
from slidespeaker.common.storage import Storage

RUNS, SMALL_JOBS, CLAIM_TIMEOUT_S = 20, 30, 5
SMALL = ev.JobOptions(width=320, height=180)


def deck(pages: int, words: str) -> bytes:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        doc.new_page().insert_textbox(pymupdf.Rect(40, 40, 560, 800), f"Slide {n}. {words}")
    data: bytes = doc.tobytes()
    return data


LONG = deck(6, "These sentences keep the voice busy for a good while. " * 6)
SHORT = deck(1, "One short slide.")


async def wait_for(
    log: EventLog, job_id: str, done: object, timeout: float = 300
) -> list[ev.Event]:
    deadline = time.monotonic() + timeout
    while True:
        events = [e for _, e in await log.read(job_id)]
        if done(events):  # type: ignore[operator]
            return events
        if time.monotonic() > deadline:
            raise TimeoutError(job_id)
        await asyncio.sleep(0.01)


def voice_started(events: list[ev.Event]) -> bool:
    return any(isinstance(e, ev.TaskStarted) and e.task.stage == "voice" for e in events)


def all_started_ended(events: list[ev.Event]) -> bool:
    started = {e.task.key for e in events if isinstance(e, ev.TaskStarted)}
    ended = {e.task.key for e in events if isinstance(e, ev.TaskCompleted | ev.StageStopped)}
    return fold(events).status.terminal and started <= ended


async def cancellation(log: EventLog, storage: Storage) -> float:
    job_id = await submit_job(log, storage, deck=LONG, filename="long.pdf", options=SMALL)
    await wait_for(log, job_id, voice_started)
    start = time.monotonic()
    await log.append(ev.JobCancelRequested(job_id=job_id))
    await wait_for(log, job_id, all_started_ended, timeout=30)
    return time.monotonic() - start


async def recovery(log: EventLog, storage: Storage) -> float:
    job_id = await submit_job(log, storage, deck=LONG, filename="long.pdf", options=SMALL)
    events = await wait_for(log, job_id, voice_started)
    victim = next(e for e in events if isinstance(e, ev.TaskStarted) and e.task.stage == "voice")
    os.kill(int(victim.worker.split("-")[-2]), signal.SIGKILL)
    killed = time.monotonic()

    def voiced_again(es: list[ev.Event]) -> bool:
        return any(isinstance(e, ev.SlideVoiced) and e.slide == victim.task.slide for e in es)

    await wait_for(log, job_id, voiced_again)
    return time.monotonic() - killed


async def throughput(log: EventLog, storage: Storage) -> float:
    start = time.monotonic()
    jobs = [
        await submit_job(log, storage, deck=SHORT, filename=f"{n}.pdf", options=SMALL)
        for n in range(SMALL_JOBS)
    ]
    for job_id in jobs:
        await wait_for(log, job_id, lambda es: fold(es).status.terminal)
    return SMALL_JOBS / (time.monotonic() - start) * 60


async def measure(url: str, home: Path) -> None:
    redis = Redis.from_url(url)
    log, storage = EventLog(redis, Keys()), Storage(home / "artifacts")
    try:
        latencies = sorted([await cancellation(log, storage) for _ in range(RUNS)])
        p50, p95 = statistics.median(latencies), latencies[int(0.95 * (RUNS - 1))]
        print(f"cancellation, {RUNS} runs: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
              "(target p95 < 1 s)")  # fmt: skip
        recovered = await recovery(log, storage)
        limit = 2 * CLAIM_TIMEOUT_S
        print(f"recovery after SIGKILL of a voice process: {recovered:.1f} s "
              f"(reclaim timeout {CLAIM_TIMEOUT_S} s; target < {limit} s)")  # fmt: skip
        print(f"throughput: {await throughput(log, storage):.0f} one-slide jobs per minute "
              "with two voice processes")  # fmt: skip
    finally:
        await redis.aclose()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reliability-bench-") as tmp:
        home = Path(tmp)
        handle = start_redis(home / "redis")
        os.environ.update({
            "SLIDESPEAKER_CLAIM_TIMEOUT_S": str(CLAIM_TIMEOUT_S), "SLIDESPEAKER_HEARTBEAT_S": "1",
            "SLIDESPEAKER_RECLAIM_INTERVAL_S": "0.5", "SLIDESPEAKER_CANCEL_POLL_S": "0.1",
            "SLIDESPEAKER_LOG_LEVEL": "WARNING",
        })  # fmt: skip
        services = LocalServices(handle.url, home)
        try:
            for name in PIPELINE_SERVICES:
                services.start(name, 2 if name == "voice" else 1)
            time.sleep(8)  # the services load their libraries (Piper, PyMuPDF)
            asyncio.run(_with_supervision(services, handle.url, home))
        finally:
            services.stop()
            stop_redis(handle, home)


async def _with_supervision(services: LocalServices, url: str, home: Path) -> None:
    # The killed voice process is started again, as `slidespeaker up` would.
    supervisor = asyncio.create_task(services.supervise(lambda names: None))
    try:
        await measure(url, home)
    finally:
        supervisor.cancel()


if __name__ == "__main__":
    main()
