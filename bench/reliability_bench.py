"""Benchmark: how fast the system reacts to cancellation and damage, and its throughput.

- cancellation latency: from `job.cancel_requested` to every started task of that job having
  ended (completed or recorded `stage.stopped`), p50 and p95 over RUNS jobs (target p95 < 1 s);
- recovery after SIGKILL: from killing the voice process mid-slide to another process
  taking the slide over (target < 2x the reclaim timeout), and to the slide voiced again
  (the take-over plus voicing the slide from its start);
- throughput: small one-slide jobs per minute, with two voice processes (Piper);
- throughput with 1 and 3 voice processes on a latency-bound provider: the tests' local
  server speaking OpenAI's speech protocol, answering each request after LATENCY_S, in a
  process of its own; jobs of four slides, submitted at once: jobs a minute end to end, and
  slides the voice stage voiced a minute.

    .venv/bin/python bench/reliability_bench.py
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pymupdf
import redis
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the speech server the tests use

from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices  # noqa: E402
from slidespeaker.cli.redis_server import start_redis, stop_redis  # noqa: E402
from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.event_store import EventLog  # noqa: E402
from slidespeaker.common.fold import fold  # noqa: E402
from slidespeaker.common.jobs import submit_job  # noqa: E402
from slidespeaker.common.keys import Keys  # noqa: E402
from slidespeaker.common.object_store import ObjectStore  # noqa: E402
from tests.voice.speech_servers import API_KEY, latency_bound_server  # noqa: E402

RUNS, SMALL_JOBS, CLAIM_TIMEOUT_S = 20, 30, 5
SMALL = ev.JobOptions(width=320, height=180)
LATENCY_S, HOSTED_JOBS, HOSTED_VOICES = 1.5, 6, (1, 3)
HOSTED = SMALL.model_copy(update={"voice_provider": "openai", "voice": "alloy"})


def deck(pages: int, words: str) -> bytes:
    """A PDF whose slides say `words`, each deck in words of its own (`Deck 7, slide 2.`): a
    slide already voiced would come from the voice cache, in no time."""
    serial = next(_decks)
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        text = f"Deck {serial}, slide {n}. {words}"
        doc.new_page().insert_textbox(pymupdf.Rect(40, 40, 560, 800), text)
    data: bytes = doc.tobytes()
    return data


_decks = itertools.count(1)
LONG_WORDS = "These sentences keep the voice busy for a good while. " * 6


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


async def cancellation(log: EventLog, storage: ObjectStore) -> float:
    job_id = await submit_job(
        log, storage, deck=deck(6, LONG_WORDS), filename="long.pdf", options=SMALL
    )
    await wait_for(log, job_id, voice_started)
    start = time.monotonic()
    await log.append(ev.JobCancelRequested(job_id=job_id))
    await wait_for(log, job_id, all_started_ended, timeout=30)
    return time.monotonic() - start


async def recovery(log: EventLog, storage: ObjectStore) -> tuple[float, float]:
    """Seconds from the SIGKILL to the slide taken over, and to it voiced again."""
    job_id = await submit_job(
        log, storage, deck=deck(6, LONG_WORDS), filename="long.pdf", options=SMALL
    )
    events = await wait_for(log, job_id, voice_started)
    victim = next(e for e in events if isinstance(e, ev.TaskStarted) and e.task.stage == "voice")
    os.kill(int(victim.worker.split("-")[-2]), signal.SIGKILL)
    killed = time.monotonic()

    def taken_over(es: list[ev.Event]) -> bool:
        return any(
            isinstance(e, ev.TaskStarted) and e.task == victim.task and e.worker != victim.worker
            for e in es
        )

    def voiced_again(es: list[ev.Event]) -> bool:
        return any(isinstance(e, ev.SlideVoiced) and e.slide == victim.task.slide for e in es)

    await wait_for(log, job_id, taken_over)
    taken = time.monotonic() - killed
    await wait_for(log, job_id, voiced_again)
    return taken, time.monotonic() - killed


async def run_jobs(log: EventLog, storage: ObjectStore, decks: list[bytes],
                   options: ev.JobOptions) -> tuple[float, list[list[ev.Event]]]:  # fmt: skip
    """Submit a job per deck at once; the seconds until all completed, and their logs."""
    start = time.monotonic()
    jobs = [
        await submit_job(log, storage, deck=data, filename=f"{n}.pdf", options=options)
        for n, data in enumerate(decks)
    ]
    logs = []
    for job_id in jobs:
        events = await wait_for(log, job_id, lambda es: fold(es).status.terminal)
        assert fold(events).status == "completed", fold(events).error
        logs.append(events)
    return time.monotonic() - start, logs


def voiced_per_minute(logs: list[list[ev.Event]]) -> float:
    """Slides the voice stage voiced a minute, from its first task's start to its last slide."""
    events = [e for log in logs for e in log]
    starts = [e.ts for e in events if isinstance(e, ev.TaskStarted) and e.task.stage == "voice"]
    voiced = [e.ts for e in events if isinstance(e, ev.SlideVoiced)]
    return len(voiced) / (max(voiced) - min(starts)).total_seconds() * 60


async def throughput(log: EventLog, storage: ObjectStore) -> float:
    short = [deck(1, "One short slide.") for _ in range(SMALL_JOBS)]
    seconds, _ = await run_jobs(log, storage, short, SMALL)
    return SMALL_JOBS / seconds * 60


def hosted_throughput(url: str, home: Path, voices: int) -> tuple[float, float]:
    """Jobs a minute with `voices` voice processes speaking through the hosted provider, and
    slides the voice stage voiced a minute."""
    services = LocalServices(url, home)
    try:
        for name in PIPELINE_SERVICES:
            services.start(name, voices if name == "voice" else 1)
        wait_for_processes(url, "voice", voices)
        return asyncio.run(_hosted_jobs(url, home))
    finally:
        services.stop()


def wait_for_processes(url: str, service: str, count: int, timeout: float = 120) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while len(list(client.scan_iter(match=Keys().presence_pattern(service)))) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} {service} processes did not come up")
        time.sleep(0.2)
    client.close()


async def _hosted_jobs(url: str, home: Path) -> tuple[float, float]:
    client = Redis.from_url(url)
    try:
        log = EventLog(client, Keys())
        storage = ObjectStore((home / "artifacts").resolve().as_uri())
        spoken = [deck(4, "A sentence on this slide.") for _ in range(HOSTED_JOBS)]
        seconds, logs = await run_jobs(log, storage, spoken, HOSTED)
        return HOSTED_JOBS / seconds * 60, voiced_per_minute(logs)
    finally:
        await client.aclose()


async def measure(url: str, home: Path) -> None:
    redis = Redis.from_url(url)
    log, storage = EventLog(redis, Keys()), ObjectStore((home / "artifacts").resolve().as_uri())
    try:
        latencies = sorted([await cancellation(log, storage) for _ in range(RUNS)])
        p50, p95 = statistics.median(latencies), latencies[int(0.95 * (RUNS - 1))]
        print(f"cancellation, {RUNS} runs: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
              "(target p95 < 1 s)")  # fmt: skip
        taken, voiced = await recovery(log, storage)
        limit = 2 * CLAIM_TIMEOUT_S
        print(f"recovery after SIGKILL of a voice process: taken over in {taken:.1f} s "
              f"(reclaim timeout {CLAIM_TIMEOUT_S} s; target < {limit} s), the slide voiced "
              f"again {voiced:.1f} s after the kill")  # fmt: skip
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
            wait_for_processes(handle.url, "voice", 2)
            asyncio.run(_with_supervision(services, handle.url, home))
            services.stop()
            with latency_bound_server(LATENCY_S) as provider_url:
                os.environ.update({"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": provider_url})
                rates = {n: hosted_throughput(handle.url, home, n) for n in HOSTED_VOICES}
            for n, (jobs, slides) in rates.items():
                jobs_x, slides_x = jobs / rates[1][0], slides / rates[1][1]
                print(f"{n} voice process(es), hosted speech answering in {LATENCY_S} s: "
                      f"{jobs:.1f} jobs a minute ({jobs_x:.2f}x one), the voice stage "
                      f"{slides:.0f} slides a minute ({slides_x:.2f}x one)")  # fmt: skip
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
