"""The services under memory limits: each (and every child it starts: ffmpeg) under an
address-space limit (RLIMIT_AS), for tests/test_memory_limits.py and bench/memory_bench.py."""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import redis

from slidespeaker.cli.redis_server import start_redis

from .conftest import PIPELINE, Stack

# MiB of address space each service may add to what it maps at rest: room for one slide's
# work (for the composer, the ffmpeg child encoding it at 720p maps about 600 MiB).
ROOM_MB = 500
# glibc reserves a 64 MiB malloc arena per thread that allocates, barely touched; RLIMIT_AS
# counts those reservations (a cgroup would not), so ffmpeg's dozen threads alone would
# pass 1 GiB. Two arenas keep the address space close to the memory really used.
ARENAS = {"MALLOC_ARENA_MAX": "2"}


@contextlib.contextmanager
def limited_stack(work: Path, room_mb: int = ROOM_MB) -> Iterator[Stack]:
    """Every pipeline service once on a Redis of its own, each limited, once started, to
    what it maps at rest plus `room_mb` (RLIMIT_AS; the ffmpeg it starts inherits it)."""
    handle = start_redis(work / "redis")
    home = work / "home"
    home.mkdir()
    stack = Stack(handle.url, home, prefix=f"m{uuid.uuid4().hex[:6]}")
    stack.env.update(ARENAS)
    try:
        for name in PIPELINE:
            stack.start(name)
        stack.wait_alive(PIPELINE)
        for name in PIPELINE:
            limit = int((status_mb(stack, name, "VmSize") + room_mb) * 2**20)
            pid = str(stack.processes[name][0].pid)
            subprocess.run(["prlimit", "--pid", pid, f"--as={limit}"], check=True)
        yield stack
    finally:
        stack.stop()
        redis.Redis.from_url(handle.url).shutdown(nosave=True)


def status_mb(stack: Stack, name: str, field: str) -> float:
    """A /proc status figure of the service's process (VmSize, VmHWM, ...), in MiB."""
    status = Path(f"/proc/{stack.processes[name][0].pid}/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith(f"{field}:"))
    return int(kb) / 1024


def colourful_deck(slides: int) -> bytes:
    """A PDF of `slides` pages, each a different colour (so no two frames are alike)."""
    doc = pymupdf.open()
    for n in range(1, slides + 1):
        page = doc.new_page(width=640, height=360)
        page.draw_rect(page.rect, color=None, fill=((n * 37 % 255) / 255, 0.5, 0.7))
        page.insert_text((40, 180), f"Slide {n}.", fontsize=40)
    data: bytes = doc.tobytes()
    return data


def address_space_limit_mb(stack: Stack, name: str) -> float:
    """The service's RLIMIT_AS (soft), in MiB, as the kernel reports it."""
    limits = Path(f"/proc/{stack.processes[name][0].pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    soft = line.split()[3]
    return float("inf") if soft == "unlimited" else int(soft) / 2**20
