"""The dispatcher service: reads the feed of new events, folds the job, records decisions.

Several dispatchers may run: a decision is appended only if the job's log has not moved
since the state it was based on (optimistic concurrency), else the job is folded again.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.bus import Message, StreamConsumer
from slidespeaker.common.keys import DISPATCHER_GROUP, Keys
from slidespeaker.common.log import Conflict, EventLog
from slidespeaker.common.logs import configure_logging, get_logger
from slidespeaker.common.messages import FeedMessage
from slidespeaker.common.projection import Projection
from slidespeaker.common.runtime import connect, consumer_name, serve, stream_consumer
from slidespeaker.common.settings import Settings
from slidespeaker.dispatcher.decide import decide

MAX_CONFLICTS = 20


class Dispatcher:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.keys = Keys(settings.key_prefix)
        self.events = EventLog(redis, self.keys)
        self.name = consumer_name("dispatcher")
        self.projection = Projection(self.events)
        self.logger = get_logger(stage="dispatcher")

    def consumer(self) -> StreamConsumer:
        return stream_consumer(
            self.redis, self.settings, stream=self.keys.feed, group=DISPATCHER_GROUP,
            consumer=self.name, handler=self.handle, on_dead_letter=self.dead_letter,
        )  # fmt: skip

    async def handle(self, message: Message) -> None:
        job_id = FeedMessage.model_validate(message.fields).job_id
        for _ in range(MAX_CONFLICTS):
            state = await self.projection.state(job_id)
            if state is None:
                return
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
        job_id = FeedMessage.model_validate(message.fields).job_id
        reason = f"the dispatcher kept failing on this job ({why}); see its log"
        await self.events.append(ev.JobFailed(job_id=job_id, reason=reason))


def run(settings: Settings) -> None:
    configure_logging(settings.log_level, service="dispatcher")

    async def main() -> None:
        redis = connect(settings)
        await serve("dispatcher", Dispatcher(redis, settings).consumer(), redis, settings)

    asyncio.run(main())
