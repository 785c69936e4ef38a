"""A service whose parent dies without stopping it stops by itself (SLIDESPEAKER_PARENT_PID)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from slidespeaker.cli.redis_server import RedisHandle

# The parent starts a dispatcher the way `render` and the tests do, prints its pid, then waits.
PARENT = textwrap.dedent(
    """
    import os, subprocess, sys, time
    env = {**os.environ, "SLIDESPEAKER_PARENT_PID": str(os.getpid())}
    child = subprocess.Popen(
        [sys.executable, "-m", "slidespeaker.cli.main", "service", "dispatcher"], env=env
    )
    print(child.pid, flush=True)
    time.sleep(600)
    """
)


def test_a_service_stops_when_its_parent_is_killed(
    redis_server: RedisHandle, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SLIDESPEAKER_REDIS_URL": redis_server.url,
        "SLIDESPEAKER_HOME": str(tmp_path),
        "SLIDESPEAKER_KEY_PREFIX": "orphan-test",
    }
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    service = psutil.Process(int(parent.stdout.readline()))
    time.sleep(1)  # let it start watching
    assert service.is_running() and service.status() != psutil.STATUS_ZOMBIE

    parent.send_signal(signal.SIGKILL)
    parent.wait()
    service.wait(timeout=30)  # raises psutil.TimeoutExpired if it runs on as an orphan
