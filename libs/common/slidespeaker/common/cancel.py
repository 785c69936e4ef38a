"""Cancellation checkpoints.

A service's cancel watcher (an asyncio task polling the job's stop flag) sets a
CancelToken; the work itself, often running in a thread, calls `check()` at its
checkpoints (between slides, between sentences, while a child process runs).
"""

from __future__ import annotations

import threading


class JobCancelled(Exception):
    """Raised at a checkpoint once the job was cancelled or has failed elsewhere."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise JobCancelled(self.reason)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile."""
        return self._event.wait(seconds)
