"""Job states kept folded and advanced with each new log entry, so reading a state does
not refold the whole log. A cache derived from the log, never a second source of truth."""

from __future__ import annotations

from collections import OrderedDict

from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.log import EventLog

DEFAULT_SIZE = 1000


class Projection:
    def __init__(self, events: EventLog, size: int = DEFAULT_SIZE) -> None:
        self.events = events
        self.size = size
        self._states: OrderedDict[str, JobState] = OrderedDict()

    async def state(self, job_id: str) -> JobState | None:
        """The job's current state, or None if it has no log."""
        cached = self._states.get(job_id)
        after = cached.last_event_id if cached else None
        state = fold(await self.events.read(job_id, after=after), cached)
        if state.event_count == 0:
            return None
        self._remember(job_id, state)
        return state

    def _remember(self, job_id: str, state: JobState) -> None:
        current = self._states.get(job_id)
        # Two readers may race; keep whichever saw more of the log.
        if current is None or state.event_count >= current.event_count:
            self._states[job_id] = state
        self._states.move_to_end(job_id)
        while len(self._states) > self.size:
            self._states.popitem(last=False)
