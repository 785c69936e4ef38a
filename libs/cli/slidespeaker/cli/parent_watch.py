"""A service started for another process stops once that process is gone.

`render`, `up` and the tests start services as child processes. If the parent dies
without stopping them (SIGKILL, a crashed test run), they would poll Redis on as
orphans; with `SLIDESPEAKER_PARENT_PID` set they notice and stop themselves.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import structlog

CHECK_EVERY_S = 1.0


def stop_when_orphaned(parent_pid: int) -> None:
    """Watch from a daemon thread; SIGTERM ourselves (the normal stop) once re-parented."""
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(CHECK_EVERY_S)
    structlog.get_logger().warning("service.orphaned", parent_pid=parent_pid)
    os.kill(os.getpid(), signal.SIGTERM)
