"""Benchmark: serving a job's state from the API, and folding long logs.

- fold: time to fold a 10,000-event log (target < 50 ms), against refolding per request;
- GET /api/jobs/{id} for a job of 2,000 events: p50/p99 at a fixed 200 requests/s over 50
  connections (target p99 < 50 ms), then the highest rate `wrk` (Debian's) sustains, with
  GET /api/health measured the same way as the baseline for the HTTP stack itself.

    .venv/bin/python bench/api_bench.py        (needs redis-server and wrk: apt-get install wrk)
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import free_port, start_redis, stop_redis
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.events import Action, Cue, NarrationSource, TaskRef
from slidespeaker.common.fold import fold
from slidespeaker.common.keys import Keys

RATE, CONNECTIONS, SECONDS = 200, 50, 10


def job_events(job_id: str, count: int) -> list[ev.Event]:
    """A realistic job log of about `count` events: ten per slide."""
    slides = count // 10
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=job_id, filename="long.pptx", deck_key="k"),
        ev.DeckParsed(job_id=job_id, format="pptx", slide_count=slides),
    ]
    for n in range(1, slides + 1):
        voice = TaskRef(action=Action.voice_slide, slide=n)
        cues = [Cue(text="A sentence of narration.", start=0.0, end=2.0)] * 8
        image, notes = f"s{n}.png", NarrationSource.notes
        events += [
            ev.SlideRendered(job_id=job_id, slide=n, image_key=image, width=1920, height=1080),
            ev.SlideScripted(job_id=job_id, slide=n, narration="Words. " * 20, source=notes),
            ev.TaskDispatched(job_id=job_id, task=voice),
            ev.TaskStarted(job_id=job_id, task=voice, worker="voice-1"),
            ev.SlideVoiced(
                job_id=job_id, slide=n, audio_key=f"a{n}.wav", duration=2.0, voice="joe", cues=cues
            ),
            ev.TaskCompleted(job_id=job_id, task=voice),
            ev.AvatarRendered(job_id=job_id, slide=n),
            ev.SlideComposed(
                job_id=job_id, slide=n, narration_start=0.4, image_key=image, duration=3.2
            ),
            ev.JobProgress(job_id=job_id, stage=ev.Stage.composer, message="working", slide=n),
            ev.JobWarning(job_id=job_id, slide=n, code="note", message=f"slide {n}"),
        ]
    return events


def time_fold(events: list[ev.Event], rounds: int = 10) -> float:
    """The fold's CPU time (the best of `rounds`): on a machine others share, the wall clock
    also counts the time this process waits for a core."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        fold(events)
        best = min(best, time.process_time() - start)
    return best


async def fixed_rate(url: str) -> list[float]:
    """Latencies (s) of requests sent at RATE per second over CONNECTIONS kept-alive
    connections, each counted from when it was due (so a stall is not hidden by sending
    later). The client reads raw HTTP/1.1: httpx spent more CPU parsing the 280 KB answers
    than the server spent making them, and so measured its own queue."""
    host, port, path = _split(url)
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        idle.put_nowait(await asyncio.open_connection(host, port))
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    latencies: list[float] = []

    async def one(due: float) -> None:
        reader, writer = await idle.get()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        length = re.search(rb"(?i)content-length:\s*(\d+)", head)
        await reader.readexactly(int(length.group(1)) if length else 0)
        latencies.append(time.perf_counter() - due)
        idle.put_nowait((reader, writer))

    tasks = []
    begin = time.perf_counter()
    for i in range(RATE * SECONDS):
        due = begin + i / RATE
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait()[1].close()
    return latencies


def _split(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80, parts.path


def wrk_rate(url: str) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)$", out, re.MULTILINE)
    return rate, p99.group(1) if p99 else "?"


def start_api(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "slidespeaker.cli.main", "service", "api"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_until_up(url: str) -> None:
    async with httpx.AsyncClient() as client:
        while True:
            try:
                (await client.get(url, timeout=60)).raise_for_status()
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    big = job_events("fold", 10_000)
    refold = time_fold(big)
    incremental = time_fold(big[-10:])
    print(f"fold of {len(big)} events: {refold * 1000:.1f} ms of CPU (target < 50 ms); "
          f"advancing a projection by 10 events: {incremental * 1000:.2f} ms "
          f"({refold / incremental:.0f}x less work per request)")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        home = Path(tmp)
        redis_handle = start_redis(home / "redis")
        port = free_port()
        env = {**os.environ, "SLIDESPEAKER_REDIS_URL": redis_handle.url,
               "SLIDESPEAKER_HOME": str(home), "SLIDESPEAKER_API_PORT": str(port),
               "SLIDESPEAKER_LOG_LEVEL": "WARNING"}  # fmt: skip
        api = start_api(env)
        try:
            redis = Redis.from_url(redis_handle.url)
            job_id = "b" * 32
            events = job_events(job_id, 2_000)
            log = EventLog(redis, Keys())
            for start in range(0, len(events), 200):
                await log.append(*events[start : start + 200])
            await redis.aclose()
            base = f"http://127.0.0.1:{port}"
            await wait_until_up(f"{base}/api/health")
            state_url = f"{base}/api/jobs/{job_id}"
            await wait_until_up(state_url)  # also the warm-up: the first read folds the log
            latencies = await fixed_rate(state_url)
            p50, p99 = (percentile(latencies, q) * 1000 for q in (50, 99))
            print(f"GET /api/jobs/{{id}} ({len(events)} events) at {RATE}/s over "
                  f"{CONNECTIONS} connections: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                  "(target p99 < 50 ms)")  # fmt: skip
            state_rate, state_p99 = wrk_rate(state_url)
            health_rate, health_p99 = wrk_rate(f"{base}/api/health")
            print(f"wrk, {CONNECTIONS} connections: state {state_rate:.0f} req/s "
                  f"(p99 {state_p99}), health {health_rate:.0f} req/s (p99 {health_p99}); "
                  f"state/health = {state_rate / health_rate:.2f}")  # fmt: skip
        finally:
            api.terminate()
            api.wait()
            stop_redis(redis_handle, home)


if __name__ == "__main__":
    asyncio.run(main())
