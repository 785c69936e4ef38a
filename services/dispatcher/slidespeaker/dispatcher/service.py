"""The dispatcher service: reads the feed of new events, folds the job, records decisions.

Several dispatchers may run: a decision is appended only if the job's log has not moved
since the state it was based on (optimistic concurrency), else the job is folded again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import UTC, datetime

from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.bus import Message, StreamConsumer
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.keys import DISPATCHER_GROUP, Keys
from slidespeaker.common.log import Conflict, EventLog
from slidespeaker.common.logs import configure_logging, get_logger
from slidespeaker.common.runtime import connect, consumer_name, serve, stream_consumer
from slidespeaker.common.settings import Settings
from slidespeaker.dispatcher.decide import decide

CACHE_SIZE = 1000
MAX_CONFLICTS = 20


class Dispatcher:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.keys = Keys(settings.key_prefix)
        self.events = EventLog(redis, self.keys)
        self.name = consumer_name("dispatcher")
        # Folded states by job: a cache derived from the log, extended with new entries only.
        self._states: OrderedDict[str, JobState] = OrderedDict()
        self.logger = get_logger(stage="dispatcher")

    def consumer(self) -> StreamConsumer:
        return stream_consumer(
            self.redis, self.settings, stream=self.keys.feed, group=DISPATCHER_GROUP,
            consumer=self.name, handler=self.handle, on_dead_letter=self.dead_letter,
        )  # fmt: skip

    async def handle(self, message: Message) -> None:
        job_id = message.fields["job_id"]
        for _ in range(MAX_CONFLICTS):
            state = await self._current_state(job_id)
            decisions = decide(
                state,
                now=datetime.now(UTC),
                max_attempts=self.settings.max_attempts,
                backoff_s=self.settings.retry_backoff_s,
            )
            if not decisions:
                return
            try:
                await self.events.append(*decisions, expected_last_id=state.last_event_id)
            except Conflict:
                continue
            for decision in decisions:
                self.logger.info("dispatcher.decided", job_id=job_id, decision=decision.type)
            return
        raise RuntimeError(f"job {job_id}: the log kept moving; giving up for now")

    async def dead_letter(self, message: Message, why: str) -> None:
        """Deciding keeps failing for this job: fail it visibly rather than leave it hanging."""
        job_id = message.fields["job_id"]
        reason = f"the dispatcher kept failing on this job ({why}); see its log"
        await self.events.append(ev.JobFailed(job_id=job_id, reason=reason))

    async def _current_state(self, job_id: str) -> JobState:
        cached = self._states.pop(job_id, None)
        after = cached.last_event_id if cached else None
        state = fold(await self.events.read(job_id, after=after), cached)
        self._states[job_id] = state
        if len(self._states) > CACHE_SIZE:
            self._states.popitem(last=False)
        return state


def run(settings: Settings) -> None:
    configure_logging(settings.log_level, service="dispatcher")

    async def main() -> None:
        redis = connect(settings)
        await serve("dispatcher", Dispatcher(redis, settings).consumer(), redis, settings)

    asyncio.run(main())
