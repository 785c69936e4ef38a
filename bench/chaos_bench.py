"""Benchmark: jobs under random SIGKILLs.

The same JOBS two-slide jobs run twice on a stack of its own (two voice processes, the CLI's
supervisor restarting whatever dies): once in peace, once while a random stage process is
SIGKILLed every 2-5 s for MINUTES (jobs are submitted over that time). Printed: the jobs
completed, the kills done, the slowest job's time under kills against in peace (the ratio),
and what is left at the end: processes of the stack and files (half-written `.tmp-*` files in
storage, and the services' scratch, which lives under a TMPDIR of its own). Targets: every
job completes; 0 processes and 0 files left.

    .venv/bin/python bench/chaos_bench.py [--jobs 30] [--minutes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' deck and chaos helpers

from slidespeaker.cli.processes import PIPELINE_SERVICES, LocalServices  # noqa: E402
from slidespeaker.cli.redis_server import start_redis  # noqa: E402
from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.fold import JobStatus  # noqa: E402
from tests.chaos import left_behind, supervised_chaos  # noqa: E402
from tests.jobs import run_job  # noqa: E402
from tests.test_reliability import long_deck  # noqa: E402

SMALL = ev.JobOptions(width=320, height=180)
# onnxruntime (Piper) writes one id file in TMPDIR when it is imported, and reuses it.
ONNXRUNTIME_SESSION = ".ses"
TIMINGS = {"SLIDESPEAKER_CLAIM_TIMEOUT_S": "5", "SLIDESPEAKER_HEARTBEAT_S": "1"}


async def run_jobs(
    services: LocalServices, prefix: str, jobs: int, spread_s: float
) -> list[tuple[JobStatus, float]]:
    """Submit `jobs` jobs spread over `spread_s` seconds; each one's outcome and time."""

    async def one(n: int) -> tuple[JobStatus, float]:
        await asyncio.sleep(spread_s * n / jobs)
        words = f"Job {n} says a sentence or two on each of its slides, to voice and compose."
        started = time.monotonic()
        state = await run_job(
            services.url, services.home, prefix, long_deck(2, words), f"d{n}.pdf", SMALL,
            timeout=1800,
        )  # fmt: skip
        return state.status, time.monotonic() - started

    return await asyncio.gather(*(one(n) for n in range(jobs)))


@dataclass
class Outcome:
    completed: int
    slowest_s: float
    kills: int
    processes_left: list[str]
    files_left: list[str]


async def phase(work: Path, jobs: int, minutes: float, chaos: bool) -> Outcome:
    name = "chaos" if chaos else "peace"
    handle = start_redis(work / f"{name}-redis")
    scratch = work / f"{name}-scratch"
    scratch.mkdir()
    services = LocalServices(handle.url, work / f"{name}-home", env={
        **TIMINGS, "SLIDESPEAKER_KEY_PREFIX": name, "TMPDIR": str(scratch),
    })  # fmt: skip
    for service in PIPELINE_SERVICES:
        services.start(service, count=2 if service == "voice" else 1)
    try:
        async with supervised_chaos(
            services, every_s=(2, 5), for_s=minutes * 60 if chaos else 0
        ) as kills:
            outcomes = await run_jobs(services, name, jobs, spread_s=minutes * 60 * 0.8)
    finally:
        services.stop()
        redis.Redis.from_url(handle.url).shutdown(nosave=True)
    scratch_left = [path for path in scratch.iterdir() if path.name != ONNXRUNTIME_SESSION]
    leaked = list((services.home / "artifacts").rglob(".tmp-*")) + scratch_left
    return Outcome(
        completed=sum(status == JobStatus.completed for status, _ in outcomes),
        slowest_s=max(seconds for _, seconds in outcomes),
        kills=len(kills),
        processes_left=left_behind(services.home),
        files_left=[str(path) for path in leaked],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="chaos-bench-") as work:
        peace = asyncio.run(phase(Path(work), args.jobs, args.minutes, chaos=False))
        chaos = asyncio.run(phase(Path(work), args.jobs, args.minutes, chaos=True))
    for name, result in (("peace", peace), ("chaos", chaos)):
        print(
            f"{name}: {result.completed}/{args.jobs} jobs completed, {result.kills} kills, "
            f"slowest job {result.slowest_s:.1f} s, {len(result.processes_left)} processes "
            f"and {len(result.files_left)} files left"
        )
        for leftover in [*result.processes_left, *result.files_left][:10]:
            print(f"  left: {leftover}")
    print(f"slowest job under kills / in peace: {chaos.slowest_s / peace.slowest_s:.2f}x")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
