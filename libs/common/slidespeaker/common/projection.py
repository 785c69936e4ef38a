"""Job states kept folded and advanced with each new log entry, so reading a state does
not refold the whole log. A cache derived from the log, never a second source of truth.
The states it returns are its own and move on with the log: read them, never change them."""

from __future__ import annotations

from collections import OrderedDict

from slidespeaker.common.fold import JobState, advance
from slidespeaker.common.log import EventLog

DEFAULT_SIZE = 1000


class Projection:
    def __init__(self, events: EventLog, size: int = DEFAULT_SIZE) -> None:
        self.events = events
        self.size = size
        self._states: OrderedDict[str, JobState] = OrderedDict()

    async def state(self, job_id: str) -> JobState | None:
        """The job's current state, or None if it has no log."""
        state = self._states.get(job_id) or JobState()
        entries = await self.events.read(job_id, after=state.last_event_id)
        # Another reader may have advanced the cached state while this one awaited the read.
        fresh = [
            e for e in entries if state.last_event_id is None or _after(e[0], state.last_event_id)
        ]
        advance(state, fresh)
        if state.event_count == 0:
            return None
        self._states[job_id] = state
        self._states.move_to_end(job_id)
        while len(self._states) > self.size:
            self._states.popitem(last=False)
        return state


def _after(entry_id: str, last: str) -> bool:
    """Stream entry ids order as (milliseconds, sequence)."""
    ms, _, seq = entry_id.partition("-")
    last_ms, _, last_seq = last.partition("-")
    return (int(ms), int(seq)) > (int(last_ms), int(last_seq))
