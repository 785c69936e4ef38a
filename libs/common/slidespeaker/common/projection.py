"""Job states kept folded and advanced with each new log entry, so reading a state does
not refold the whole log. A cache derived from the log, never a second source of truth.
The states it returns are its own and move on with the log: read them, never change them."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, advance

DEFAULT_SIZE = 1000


class Projection:
    def __init__(self, events: EventLog, size: int = DEFAULT_SIZE) -> None:
        self.events = events
        self.size = size
        self._states: OrderedDict[str, JobState] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    async def state(self, job_id: str) -> JobState | None:
        """The job's current state, or None if it has no log."""
        state, _ = await self.advanced(job_id)
        return state

    def forget(self, job_id: str) -> None:
        """Drop the job's state: the next read folds its whole log again."""
        self._states.pop(job_id, None)

    async def advanced(self, job_id: str) -> tuple[JobState | None, list[ev.Event]]:
        """The job's current state (None if it has no log), and the events folded into it
        now: those this projection had not seen (the whole log when it had no state)."""
        # One reader at a time per job: readers arriving together wait for one read of the
        # log instead of each folding it again.
        async with self._locks.setdefault(job_id, asyncio.Lock()):
            state = self._states.get(job_id) or JobState()
            entries = await self.events.read(job_id, after=state.last_event_id)
            advance(state, entries)
            if state.event_count == 0:
                self._locks.pop(job_id, None)
                return None, []
            self._states[job_id] = state
        self._states.move_to_end(job_id)
        while len(self._states) > self.size:
            evicted, _ = self._states.popitem(last=False)
            self._locks.pop(evicted, None)
        return state, [event for _, event in entries]
