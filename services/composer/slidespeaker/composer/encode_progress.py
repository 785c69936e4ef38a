"""ffmpeg's progress, heard in its reader thread, as job.progress events on the job's log."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

from slidespeaker.common.runtime import TaskContext

EVERY_S = 1.0  # at most one event a second: enough for a progress bar, little for the log


class EncodeProgress:
    """Call it from any thread with the seconds written; `sent()` waits for the events.

    The last report (the whole length written) is always told, so the bar ends full.
    """

    def __init__(self, ctx: TaskContext, total_s: float) -> None:
        self.ctx = ctx
        self.total = max(1, round(total_s))
        self.loop = asyncio.get_running_loop()
        self.last_told = float("-inf")
        self.done_told = -1
        self.pending: list[concurrent.futures.Future[None]] = []

    def __call__(self, seconds: float) -> None:
        done = min(round(seconds), self.total)
        now = time.monotonic()
        due = now - self.last_told >= EVERY_S or done == self.total
        if not due or done == self.done_told:
            return
        self.last_told, self.done_told = now, done
        message = f"encoding the video: {done} of {self.total} s"
        self.pending.append(
            asyncio.run_coroutine_threadsafe(
                self.ctx.progress(message, done, self.total), self.loop
            )
        )

    async def sent(self) -> None:
        """Wait until every event told so far is on the log (so none lands after the result)."""
        await asyncio.gather(*(asyncio.wrap_future(told) for told in self.pending))
