"""Damage at random, shared by the chaos test and bench/chaos_bench.py: SIGKILL a random
stage process every few seconds, and find what a stack left behind once it stopped."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psutil

from slidespeaker.cli.processes import LocalServices


@contextlib.asynccontextmanager
async def supervised_chaos(
    services: LocalServices, *, every_s: tuple[float, float], for_s: float
) -> AsyncIterator[list[str]]:
    """For the block: the CLI's supervisor restarting whatever dies, and a random service
    process SIGKILLed every `every_s` seconds for `for_s` seconds; yields the victims' names."""
    kills: list[str] = []
    stop = asyncio.Event()
    supervisor = asyncio.create_task(services.supervise(lambda names: None))
    damage = asyncio.create_task(
        kill_at_random(services, kills, stop, every_s=every_s, for_s=for_s)
    )
    try:
        yield kills
    finally:
        stop.set()
        await damage
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor


async def kill_at_random(
    services: LocalServices,
    kills: list[str],
    stop: asyncio.Event,
    *,
    every_s: tuple[float, float],
    for_s: float,
) -> None:
    """SIGKILL a live service process chosen at random every `every_s` (a range) seconds,
    for `for_s` seconds or until `stop` is set; the victims' names go to `kills`."""
    until = time.monotonic() + for_s
    while not stop.is_set() and time.monotonic() < until:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), random.uniform(*every_s))
        alive = [(name, p) for name, p in services.processes if p.poll() is None]
        if alive and not stop.is_set():
            name, victim = random.choice(alive)
            victim.kill()
            kills.append(name)


def left_behind(home: Path) -> list[str]:
    """Processes whose environment names this stack's home: services, ffmpeg, soffice."""
    mine = str(home.resolve())
    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        with contextlib.suppress(psutil.Error):
            ours = proc.environ().get("SLIDESPEAKER_HOME") == mine
            if ours and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{proc.info['name']} ({proc.info['pid']})")
    return found
