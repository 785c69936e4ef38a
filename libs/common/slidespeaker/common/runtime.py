"""What every service shares: connecting, consuming its stream, staying visible, stopping.

A stage service (scripter, voice, avatar, composer) registers one `StageHandler` per
action of its stage: given a task and the job's folded state, it returns the result
events. This module does the rest: picks the handler by the task's action,
skips tasks that are stale or already done (at-least-once delivery), records
`task.started`, watches the job's stop flag so checkpoints see cancellation, and turns the
outcome into `task.completed`, `stage.failed` or `stage.stopped`. A task past its deadline
(deadlines.py) is stopped like a cancelled one, abandoned if it does not stop at a checkpoint,
and recorded as `task.timed_out`: its heartbeat never outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from slidespeaker.common import events as ev
from slidespeaker.common.bus import (
    BusTimings,
    DeadLetterHandler,
    Handler,
    Message,
    StreamConsumer,
)
from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.deadlines import task_deadline_s
from slidespeaker.common.errors import BadInput, is_retryable
from slidespeaker.common.event_store import EventLog, Stopped
from slidespeaker.common.fold import JobState, TaskState, TaskStatus
from slidespeaker.common.keys import Keys
from slidespeaker.common.logging_setup import configure_logging, get_logger
from slidespeaker.common.messages import WorkMessage
from slidespeaker.common.object_store import ObjectStore, StoreMisconfigured
from slidespeaker.common.periodic import running_every
from slidespeaker.common.projection import Projection
from slidespeaker.common.redis_clients import async_client
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage

PRESENCE_TTL_S = 5
# For a task past its deadline to stop at a checkpoint before it is abandoned (a tenth of a
# short deadline).
STOP_GRACE_S = 5.0


class TaskDeadline:
    """When a running task must be done by; the handler may extend it once it knows the
    work's size (the scripter, once it has counted the slides)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._started = time.monotonic()

    def extend_to(self, seconds: float) -> None:
        self.seconds = max(self.seconds, seconds)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self._started)


class PastDeadline(Exception):
    """The task ran past its deadline; the fold words it (task.timed_out) for the user."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class TaskContext:
    job_id: str
    task: ev.TaskRef
    attempt: int
    state: JobState
    settings: Settings
    storage: Storage  # the store, through this task's own scratch folder
    events: EventLog
    token: CancelToken
    worker: str
    logger: Any
    deadline: TaskDeadline

    @property
    def scratch(self) -> Path:
        """The task's own folder for files tools need, emptied when the task ends."""
        return self.storage.scratch

    async def emit(self, *events: ev.Event) -> None:
        """Append events now (progress, warnings, partial results) rather than at the end."""
        await self.events.append(*events)

    async def progress(self, message: str, done: int = 0, total: int = 0) -> None:
        """Tell the user what long work is under way (the CLI and web client show it)."""
        await self.emit(
            ev.JobProgress(
                job_id=self.job_id, stage=self.task.stage, slide=self.task.slide,
                message=message, done=done, total=total,
            )
        )  # fmt: skip


StageHandler = Callable[[TaskContext], Awaitable[list[ev.Event]]]
StageHandlers = Mapping[ev.Action, StageHandler]  # one per action of the stage


def stage_of(handlers: StageHandlers) -> ev.Stage:
    """The stage the handlers serve: every action of one stage, and no other, has one."""
    stages = {action.stage for action in handlers}
    if len(stages) != 1:
        raise ValueError(f"handlers for more or less than one stage: {sorted(stages)}")
    (stage,) = stages
    missing = [
        action.value for action in ev.Action if action.stage == stage and action not in handlers
    ]
    if missing:
        raise ValueError(f"the {stage.value} stage has no handler for {', '.join(missing)}")
    return stage


def stream_consumer(
    redis: Redis,
    settings: Settings,
    *,
    stream: str,
    group: str,
    consumer: str,
    handler: Handler,
    on_dead_letter: DeadLetterHandler,
) -> StreamConsumer:
    """A consumer with the configured timings and the shared dead-letter stream."""
    timings = BusTimings(
        claim_timeout_s=settings.claim_timeout_s,
        heartbeat_s=settings.heartbeat_s,
        reclaim_interval_s=settings.reclaim_interval_s,
        block_ms=settings.block_ms,
        max_deliveries=settings.max_deliveries,
    )
    return StreamConsumer(
        redis, stream=stream, group=group, consumer=consumer, handler=handler,
        dead_letter_stream=Keys(settings.key_prefix).dead_letters,
        on_dead_letter=on_dead_letter, timings=timings,
    )  # fmt: skip


def consumer_name(service: str) -> str:
    return f"{service}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def connect(settings: Settings) -> Redis:
    if not settings.redis_url:
        raise SystemExit("SLIDESPEAKER_REDIS_URL is not set (the CLI sets it for its services)")
    return async_client(settings.redis_url)


class StageWorker:
    def __init__(
        self, handlers: StageHandlers, settings: Settings, redis: Redis, scratch: Scratch
    ) -> None:
        self.stage = stage_of(handlers)
        self.handlers = handlers
        self.settings = settings
        self.redis = redis
        self.keys = Keys(settings.key_prefix)
        self.store = ObjectStore.from_settings(settings)
        self.events = EventLog(redis, self.keys, self.store)
        # Each task reads only the events since this worker's last task of the job: folding
        # the whole log every task made a 300-slide deck's tasks slower as its log grew.
        # Sharing the folded state is safe: the bus runs one handler at a time per process,
        # and handlers only read it.
        self.projection = Projection(self.events)
        self.scratch = scratch
        self.name = consumer_name(self.stage.value)
        self.logger = get_logger(stage=self.stage.value, worker=self.name)

    def consumer(self) -> StreamConsumer:
        return stream_consumer(
            self.redis, self.settings, stream=self.keys.work(self.stage), group=self.stage.value,
            consumer=self.name, handler=self.handle, on_dead_letter=self.dead_letter,
        )  # fmt: skip

    async def handle(self, message: Message) -> None:
        work = WorkMessage.from_fields(message.fields)
        job_id, task, attempt = work.job_id, work.task, work.attempt
        state = await self.projection.state(job_id) or JobState()
        if not _should_run(state, task, attempt):
            self.logger.info("task.skipped", job_id=job_id, task=task.key, attempt=attempt)
            return
        with structlog.contextvars.bound_contextvars(job_id=job_id, slide=task.slide):
            await self._run(job_id, task, attempt, state)

    async def _run(self, job_id: str, task: ev.TaskRef, attempt: int, state: JobState) -> None:
        token = CancelToken()
        with self.scratch.task() as folder:  # nothing of the task stays on this disk
            async with running_every(
                self.settings.cancel_poll_s, self._stop_watcher(job_id, token)
            ):
                await self._run_watched(job_id, task, attempt, state, token, folder)

    async def _run_watched(
        self, job_id: str, task: ev.TaskRef, attempt: int, state: JobState, token: CancelToken,
        scratch: Path,
    ) -> None:  # fmt: skip
        storage = Storage(self.store, scratch)
        ctx = TaskContext(
            job_id, task, attempt, state, self.settings, storage, self.events, token,
            self.name, self.logger.bind(job_id=job_id, slide=task.slide),
            TaskDeadline(task_deadline_s(task, state, self.settings)),
        )  # fmt: skip
        try:
            await self._wait_until(state.task(task), token)
            await self._record_start(job_id, task, attempt)
            ctx.logger.info("task.started", task=task.key, attempt=attempt)
            results = await _within_deadline(self.handlers[task.action](ctx), ctx)
            await self.events.append(
                *results, ev.TaskCompleted(job_id=job_id, task=task, attempt=attempt)
            )
            ctx.logger.info("task.completed", task=task.key)
        except PastDeadline as exc:
            ctx.logger.warning("task.timed_out", task=task.key, deadline_s=exc.seconds)
            await self.events.append(
                ev.TaskTimedOut(
                    job_id=job_id, task=task, attempt=attempt, deadline_s=exc.seconds,
                    worker=self.name,
                )
            )  # fmt: skip
        except JobCancelled:
            ctx.logger.info("task.stopped", task=task.key)
            await self.events.append(
                ev.StageStopped(job_id=job_id, task=task, attempt=attempt, worker=self.name)
            )
        except BadInput as exc:
            ctx.logger.warning("task.bad_input", task=task.key, error=exc.message)
            await self._fail(job_id, task, attempt, exc.message, retryable=False)
        except StoreMisconfigured as exc:  # no retry mends it: the job says which store
            ctx.logger.error("task.store_misconfigured", task=task.key, error=str(exc))
            await self._fail(job_id, task, attempt, str(exc), retryable=False)
        except Exception as exc:
            ctx.logger.exception("task.failed", task=task.key)
            if is_retryable(exc):
                await self._fail(job_id, task, attempt, _describe(exc), retryable=True)
            else:
                await self._fail(job_id, task, attempt, _not_retried(exc), retryable=False)

    async def _record_start(self, job_id: str, task: ev.TaskRef, attempt: int) -> None:
        """task.started, unless the job's cancellation (or failure) is in the log by then:
        checked in the same transaction, so no work starts after it."""
        started = ev.TaskStarted(job_id=job_id, task=task, attempt=attempt, worker=self.name)
        try:
            await self.events.append(started, unless_stopped=True)
        except Stopped as exc:
            raise JobCancelled("the job was cancelled or failed") from exc

    async def _fail(
        self, job_id: str, task: ev.TaskRef, attempt: int, error: str, *, retryable: bool
    ) -> None:
        await self.events.append(
            ev.StageFailed(
                job_id=job_id, task=task, attempt=attempt, error=error, retryable=retryable
            )
        )

    async def _wait_until(self, task_state: TaskState | None, token: CancelToken) -> None:
        """Honour a retry's backoff (`not_before`) while still seeing cancellation."""
        not_before = task_state.not_before if task_state else None
        while not_before and datetime.now(UTC) < not_before:
            token.check()
            await asyncio.sleep(min(0.2, (not_before - datetime.now(UTC)).total_seconds()))
        token.check()

    def _stop_watcher(self, job_id: str, token: CancelToken) -> Callable[[], Awaitable[bool]]:
        """Sets the token once the job is cancelled or failed, for the checkpoints to see."""

        async def watch() -> bool:
            if await self.events.stop_requested(job_id):
                token.cancel("the job was cancelled or failed")
            return token.cancelled

        return watch

    async def dead_letter(self, message: Message, why: str) -> None:
        try:
            work = WorkMessage.from_fields(message.fields)
        except (KeyError, ValueError):
            self.logger.error("task.malformed", fields=message.fields)
            return  # no job to tell: the dead-letter stream keeps it for an operator
        error = f"the {self.stage.value} service kept failing on this task ({why})"
        await self._fail(work.job_id, work.task, work.attempt, error, retryable=False)


async def _within_deadline(work: Awaitable[list[ev.Event]], ctx: TaskContext) -> list[ev.Event]:
    """The handler's result, or PastDeadline once its deadline passes: the token tells its
    checkpoints to stop (killing its children); one that does not stop within STOP_GRACE_S
    is abandoned (a thread blocked in a call runs on until that call's own timeout)."""
    grace = min(STOP_GRACE_S, ctx.deadline.seconds / 10)
    running = asyncio.ensure_future(work)
    while (remaining := ctx.deadline.remaining()) > 0:
        done, _ = await asyncio.wait({running}, timeout=remaining)
        if done:
            return running.result()
    ctx.token.cancel("the task ran past its deadline")
    done, _ = await asyncio.wait({running}, timeout=grace)
    if not done:
        running.cancel()
        await asyncio.wait({running})
    if not running.cancelled():
        running.exception()  # retrieved: how it stopped does not matter any more
    raise PastDeadline(ctx.deadline.seconds)


def _should_run(state: JobState, task: ev.TaskRef, attempt: int) -> bool:
    current = state.task(task)
    if state.status.terminal or current is None or current.attempt != attempt:
        return False
    return current.status in (TaskStatus.dispatched, TaskStatus.running)


def _not_retried(exc: BaseException) -> str:
    return (
        f"{_describe(exc)} (a fault of SlideSpeaker on this input, not retried: it would "
        "fail the same way; please report it)"
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        written = f" (writing {Path(exc.filename).name})" if exc.filename else ""
        return f"no space left on the disk{written}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def keep_presence(redis: Redis, key: str) -> None:
    while True:
        with contextlib.suppress(RedisError):  # Redis restarting: the next round sets it again
            await redis.set(key, str(os.getpid()), ex=PRESENCE_TTL_S)
        await asyncio.sleep(PRESENCE_TTL_S / 3)


async def serve(service: str, consumer: StreamConsumer, redis: Redis, settings: Settings) -> None:
    """Run one consumer until SIGTERM/SIGINT; stay visible to the CLI meanwhile."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    presence = asyncio.create_task(
        keep_presence(redis, Keys(settings.key_prefix).presence(service, consumer.consumer))
    )
    get_logger().info("service.started", consumer=consumer.consumer)
    run = asyncio.create_task(consumer.run(stop))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({run, stopping}, return_when=asyncio.FIRST_COMPLETED)
    # Work in flight is abandoned, not finished: its message stays pending and is reclaimed.
    for task in (run, presence, stopping):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await redis.delete(Keys(settings.key_prefix).presence(service, consumer.consumer))
    await redis.aclose()
    get_logger().info("service.stopped")


def run_stage(handlers: StageHandlers, settings: Settings, scratch: Scratch | None = None) -> None:
    """Serve the stage until stopped; `scratch`: the process's, when it claimed one first
    (for work beside the stage's), else claimed here."""
    stage = stage_of(handlers)
    configure_logging(settings.log_level, service=stage.value)
    scratch = scratch or Scratch(settings.scratch_dir, stage.value)
    # Every temporary file of this process (a tool's, a library's) lands in its scratch too,
    # so a crash leaves nothing the next start does not sweep.
    tempfile.tempdir = str(scratch.folder)

    async def main() -> None:
        redis = connect(settings)
        worker = StageWorker(handlers, settings, redis, scratch)
        await serve(stage.value, worker.consumer(), redis, settings)

    try:
        asyncio.run(main())
    finally:
        scratch.close()
