"""Running the services as local processes, one or more per service."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError, ResponseError

from slidespeaker.common.keys import Keys
from slidespeaker.common.redis_clients import sync_client

# Each service's module has `run(settings)`.
SERVICE_MODULES = {
    "api": "slidespeaker.api.main",
    "dispatcher": "slidespeaker.dispatcher.service",
    "scripter": "slidespeaker.scripter.service",
    "voice": "slidespeaker.voice.service",
    "avatar": "slidespeaker.avatar.service",
    "composer": "slidespeaker.composer.service",
}
ALL_SERVICES = tuple(SERVICE_MODULES)
PIPELINE_SERVICES = tuple(name for name in ALL_SERVICES if name != "api")
STOP_GRACE_S = 10
GROW_EVERY_S = 1.0  # how often dead processes are restarted and backlogs looked at
BACKLOG = 2  # messages waiting untaken that make a grown service start one more process
# What one voice process holds with Piper loaded (326 MB measured), with room to speak.
VOICE_PROCESS_MB = 400


@dataclass(frozen=True)
class VoiceLayout:
    """How many voice processes, and how many Piper threads each."""

    processes: int
    threads: int

    def env(self) -> dict[str, str]:
        return {"SLIDESPEAKER_PIPER_THREADS": str(self.threads)}


def voice_layout(cores: int, free_mb: float, processes: int | None = None) -> VoiceLayout:
    """Both (every) core speaks, none oversubscribed: one voice process per core with one
    Piper thread each, since one thread per process speaks faster than several threads in
    one (piper_engine.py); fewer processes when they would take more than half the free
    memory, each then given more threads. `processes` given (`up --scale voice=N`): only the
    threads are chosen."""
    if processes is None:
        processes = max(1, min(cores, int(free_mb / 2 // VOICE_PROCESS_MB)))
    return VoiceLayout(processes, max(1, cores // max(1, processes)))  # --scale voice=0: none


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which a container's cpuset limits)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Growth:
    """A service started with one process and given one more (up to `most`) whenever more
    work waits on its stream than one process takes at once: a deck of a slide or two does
    not pay for the start-up of processes only a longer deck keeps busy."""

    stream: str
    group: str
    most: int


def waiting(url: str, stream: str, group: str) -> int:
    """Messages on `stream` that no consumer of `group` has taken yet (at most 2 counted)."""
    with sync_client(url) as client:
        try:
            groups: Any = client.xinfo_groups(stream)
        except ResponseError:  # no stream yet: nothing was sent
            return 0
        taken = next((g["last-delivered-id"] for g in groups if _text(g["name"]) == group), None)
        if taken is None:  # no consumer has started yet
            return 0
        after: Any = client.xrange(stream, min=f"({_text(taken)}", max="+", count=2)
        return len(after)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def running_services(url: str, keys: Keys) -> set[str]:
    """Services with at least one live process (each refreshes its presence key)."""
    client = sync_client(url)
    alive = set()
    for name in ALL_SERVICES:
        if next(iter(client.scan_iter(match=keys.presence_pattern(name), count=100)), None):
            alive.add(name)
    return alive


@dataclass
class LocalServices:
    """Service processes this command started, stopped again when it ends."""

    url: str
    home: Path
    env: dict[str, str] = field(default_factory=dict)  # more settings for every process
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)  # and for one service
    growth: dict[str, Growth] = field(default_factory=dict)  # services grown on their backlog
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, count: int = 1) -> None:
        log_dir = self.home / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **self.env,
            **self.service_env.get(name, {}),
            "SLIDESPEAKER_REDIS_URL": self.url,
            "SLIDESPEAKER_HOME": str(self.home.resolve()),
            "SLIDESPEAKER_PARENT_PID": str(os.getpid()),
        }
        for _ in range(count):
            index = sum(1 for started, _ in self.processes if started == name) + 1
            log = open(log_dir / f"{name}-{index}.log", "ab")  # noqa: SIM115 - the child owns it
            self.processes.append(
                (
                    name,
                    subprocess.Popen(
                        [sys.executable, "-m", "slidespeaker.cli.main", "service", name],
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # Ctrl-C in the terminal reaches only the CLI
                    ),
                )
            )
            log.close()

    def start_missing(
        self, names: Iterable[str], keys: Keys, growth: Mapping[str, Growth] | None = None
    ) -> None:
        """Start each service that has none running: one process, grown on its backlog up
        to `growth`'s limit where one is given."""
        alive = running_services(self.url, keys)
        for name in names:
            if name not in alive:
                self.start(name)
                if growth and name in growth:
                    self.growth[name] = growth[name]

    def grow(self) -> list[str]:
        """One more process for each grown service whose stream has work waiting."""
        grown = []
        for name, growth in self.growth.items():
            count = sum(1 for started, _ in self.processes if started == name)
            if count < growth.most and waiting(self.url, growth.stream, growth.group) >= BACKLOG:
                self.start(name)
                grown.append(name)
        return grown

    def restart_dead(self) -> list[str]:
        """Start again every service process that died: its pending work is then reclaimed
        (and a message that keeps killing it is dead-lettered) instead of waiting forever."""
        dead = [(name, p) for name, p in self.processes if p.poll() is not None]
        for entry in dead:
            self.processes.remove(entry)
            self.start(entry[0])
        return [name for name, _ in dead]

    async def supervise(self, on_restart: Callable[[list[str]], None]) -> None:
        while True:
            restarted = self.restart_dead()
            if restarted:
                on_restart(restarted)
            with contextlib.suppress(RedisError):  # Redis restarting: look again next time
                self.grow()
            await asyncio.sleep(GROW_EVERY_S)

    def stop(self) -> None:
        for _name, proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _name, proc in self.processes:
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()
        self.processes.clear()
