"""The dispatcher service: reads the feed of new events, folds the job, records decisions.

Several dispatchers may run: a decision is appended only if the job's log has not moved
since the state it was based on (optimistic concurrency), else the job is folded again.

Jobs have deadlines (deadlines.py): each job's is kept in an index as its events pass, and
every `job_deadline_check_s` the jobs past theirs are folded and failed, so a job nothing
happens to any more still ends.

The dispatcher also makes every stage's consumer group, whether or not a consumer of it runs:
a stage scaled to zero (KEDA's redis-streams scaler, deploy/kubernetes/) is woken by its
group's lag, which Redis reports only for a group that exists.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from slidespeaker.common import events as ev
from slidespeaker.common.bus import Message, StreamConsumer, ensure_group
from slidespeaker.common.deadlines import job_deadline_s
from slidespeaker.common.event_store import Conflict, EventLog
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.keys import DISPATCHER_GROUP, Keys
from slidespeaker.common.logging_setup import configure_logging, get_logger
from slidespeaker.common.messages import FeedMessage
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.periodic import running_every
from slidespeaker.common.projection import Projection
from slidespeaker.common.runtime import connect, consumer_name, serve, stream_consumer
from slidespeaker.common.settings import Settings
from slidespeaker.dispatcher.decide import Touched, deadline_at, decide, overdue

MAX_CONFLICTS = 20
TOUCHED_KEPT = 1000  # jobs; as many as the projection keeps states of
# How often the stages' groups are made again: should Redis lose them (a flush, a restore),
# a stage at zero replicas would otherwise never be woken.
WORK_GROUPS_EVERY_S = 60.0
ENDINGS = (ev.JobCompleted, ev.JobFailed, ev.JobCancelled)


class Dispatcher:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.keys = Keys(settings.key_prefix)
        # The store: a job retried after its log was archived is read from there.
        self.events = EventLog(redis, self.keys, ObjectStore.from_settings(settings))
        self.name = consumer_name("dispatcher")
        self.projection = Projection(self.events)
        # Per job, what its events changed since a decision round last found nothing to do
        # (decide.Touched): kept through conflicts and failures, so no change goes unseen.
        self.touched: dict[str, Touched] = {}
        self.logger = get_logger(stage="dispatcher")

    def consumer(self) -> StreamConsumer:
        return stream_consumer(
            self.redis, self.settings, stream=self.keys.feed, group=DISPATCHER_GROUP,
            consumer=self.name, handler=self.handle, on_dead_letter=self.dead_letter,
        )  # fmt: skip

    async def handle(self, message: Message) -> None:
        job_id = FeedMessage.model_validate(message.fields).job_id
        for _ in range(MAX_CONFLICTS):
            state, touched = await self._read(job_id)
            if state is None:
                return
            await self._index(state)
            decisions = decide(
                state,
                now=datetime.now(UTC),
                max_attempts=self.settings.max_attempts,
                backoff_s=self.settings.retry_backoff_s,
                touched=touched,
            )
            if not decisions:
                # Looked at since the last change: the next round starts from its events.
                # (Decisions made are not enough: a second failed task waits for the next.)
                self.touched.pop(job_id, None)
                return
            # A job that ends is counted as ended in the same transaction: a client that sees
            # it ended finds it so in the list and the metrics too.
            ends = any(isinstance(d, ENDINGS) for d in decisions)
            try:
                await self.events.append(
                    *decisions, expected_last_id=state.last_event_id,
                    state_after=fold(decisions, state) if ends else None,
                )  # fmt: skip
            except Conflict:
                continue
            for decision in decisions:
                self.logger.info("dispatcher.decided", job_id=job_id, decision=decision.type)
            return
        raise RuntimeError(f"job {job_id}: the log kept moving; giving up for now")

    async def _read(self, job_id: str) -> tuple[JobState | None, Touched]:
        """The job's state, and what changed since a round last found nothing to do. Every
        read goes through here: events folded by any other read would go unseen."""
        state, new = await self.projection.advanced(job_id)
        if state is None:
            self.touched.pop(job_id, None)
            return None, Touched()
        touched = self.touched.setdefault(job_id, Touched())
        touched.add(new)
        self._keep_touched_bounded()
        return state, touched

    def _keep_touched_bounded(self) -> None:
        """Jobs whose last round another dispatcher made are never looked at here again:
        past TOUCHED_KEPT jobs the oldest is forgotten, and its state with it, so were it
        ever read again its whole log would count as changed."""
        while len(self.touched) > TOUCHED_KEPT:
            oldest = next(iter(self.touched))
            del self.touched[oldest]
            self.projection.forget(oldest)

    async def _index(self, state: JobState) -> None:
        """The job's deadline, and its line in the job index (status, time per stage)."""
        at = deadline_at(state, job_deadline_s(state, self.settings))
        async with self.redis.pipeline(transaction=False) as pipe:
            if at is None:
                pipe.zrem(self.keys.job_deadlines, state.job_id)
            else:
                pipe.zadd(self.keys.job_deadlines, {state.job_id: at.timestamp()})
            await self.events.index.queue(pipe, state)
            await pipe.execute()

    async def fail_overdue_jobs(self) -> bool:
        """One round of the deadline check; never ends the loop (returns False)."""
        now = datetime.now(UTC)
        try:
            due: Any = await self.redis.zrangebyscore(self.keys.job_deadlines, 0, now.timestamp())
            for job_id in due:
                await self._fail_if_overdue(job_id.decode(), now)
        except RedisError as exc:  # Redis away for a moment: the next round looks again
            self.logger.warning("dispatcher.deadline_check_failed", error=str(exc))
        return False

    async def _fail_if_overdue(self, job_id: str, now: datetime) -> None:
        state, _ = await self._read(job_id)
        if state is None:
            await self.redis.zrem(self.keys.job_deadlines, job_id)
            return
        failed = overdue(state, now=now, deadline_s=job_deadline_s(state, self.settings))
        if not failed:
            await self._index(state)  # moved on (retried, in review, ended)
            return
        with contextlib.suppress(Conflict):  # the job moved meanwhile: the next round sees it
            await self.events.append(*failed, expected_last_id=state.last_event_id)
            self.logger.warning("dispatcher.job_overdue", job_id=job_id)

    async def make_work_groups(self) -> bool:
        """One round of making every stage's group (at 0, as its consumers make it: no task
        already queued is missed); never ends the loop (returns False)."""
        try:
            for stage in ev.Stage:
                await ensure_group(self.redis, self.keys.work(stage), stage.value)
        except RedisError as exc:  # Redis away for a moment: the next round makes them
            self.logger.warning("dispatcher.work_groups_failed", error=str(exc))
        return False

    async def dead_letter(self, message: Message, why: str) -> None:
        """Deciding keeps failing for this job: fail it visibly rather than leave it hanging."""
        job_id = FeedMessage.model_validate(message.fields).job_id
        reason = f"the dispatcher kept failing on this job ({why}); see its log"
        await self.events.append(ev.JobFailed(job_id=job_id, reason=reason))


def run(settings: Settings) -> None:
    configure_logging(settings.log_level, service="dispatcher")

    async def main() -> None:
        redis = connect(settings)
        dispatcher = Dispatcher(redis, settings)
        async with (
            running_every(WORK_GROUPS_EVERY_S, dispatcher.make_work_groups),
            running_every(settings.job_deadline_check_s, dispatcher.fail_overdue_jobs),
        ):
            await serve("dispatcher", dispatcher.consumer(), redis, settings)

    asyncio.run(main())
