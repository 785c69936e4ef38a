"""The job's state, rebuilt from its events: `state = fold(events)`.

This is the only source of job state. Each event type has one small pure function that
returns the next state; applying an event twice gives the same state (handlers set, they
never add), so a redelivered event cannot corrupt anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from slidespeaker.common import events as ev
from slidespeaker.common.events import Cue, Frozen, JobOptions, NarrationSource, Stage, TaskRef


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    awaiting_review = "awaiting_review"  # scripted; waits for the script to be approved
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.completed, JobStatus.failed, JobStatus.cancelled)


class TaskStatus(StrEnum):
    dispatched = "dispatched"
    running = "running"
    done = "done"
    failed = "failed"
    stopped = "stopped"


class TaskState(Frozen):
    task: TaskRef
    status: TaskStatus
    attempt: int = 1
    worker: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    retryable: bool = False
    not_before: datetime | None = None


class SlideState(Frozen):
    number: int
    source_slide: int | None = None
    image_key: str | None = None
    title: str = ""
    narration: str | None = None
    narration_source: NarrationSource | None = None
    audio_key: str | None = None
    audio_duration: float | None = None
    voice: str | None = None
    cues: list[Cue] = []
    avatar_done: bool = False
    avatar_key: str | None = None
    composed_audio_key: str | None = None
    composed_image_key: str | None = None
    duration: float | None = None
    composed_cues: list[Cue] = []


class Warning(Frozen):
    code: str
    message: str
    slide: int | None = None


class Outputs(Frozen):
    video_key: str
    srt_key: str
    vtt_key: str
    transcript_key: str
    duration: float
    poster_key: str | None = None


class JobState(Frozen):
    job_id: str = ""
    status: JobStatus = JobStatus.queued
    filename: str = ""
    deck_key: str = ""
    options: JobOptions = JobOptions()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deck_format: str | None = None
    slide_count: int | None = None
    slides: dict[int, SlideState] = {}
    tasks: dict[str, TaskState] = {}
    warnings: list[Warning] = []
    progress: dict[str, str] = {}
    cancel_requested: bool = False
    script_approved: bool = False
    deleted: bool = False
    retries: int = 0
    error: str | None = None
    failed_stage: Stage | None = None
    failed_slide: int | None = None
    outputs: Outputs | None = None
    event_count: int = 0
    last_event_id: str | None = None  # the stream entry id of the last event folded

    @property
    def needs_review(self) -> bool:
        """The user asked to review the script and has not approved it yet."""
        return self.options.review and not self.script_approved and not self.status.terminal

    def slide(self, number: int) -> SlideState:
        return self.slides.get(number) or SlideState(number=number)

    def task(self, ref: TaskRef) -> TaskState | None:
        return self.tasks.get(ref.key)


E = TypeVar("E", bound=ev.BaseEvent)
Handler = Callable[[JobState, Any], JobState]
_HANDLERS: dict[str, Handler] = {}


def _on(event_type: type[E]) -> Callable[[Callable[[JobState, E], JobState]], Handler]:
    type_name = event_type.model_fields["type"].default

    def register(fn: Callable[[JobState, E], JobState]) -> Handler:
        _HANDLERS[type_name] = fn
        return fn

    return register


def _with_slide(state: JobState, number: int, **changes: Any) -> JobState:
    slide = state.slide(number).model_copy(update=changes)
    return state.model_copy(update={"slides": {**state.slides, number: slide}})


def _with_task(state: JobState, ref: TaskRef, **changes: Any) -> JobState:
    current = state.task(ref) or TaskState(task=ref, status=TaskStatus.dispatched)
    task = current.model_copy(update=changes)
    return state.model_copy(update={"tasks": {**state.tasks, ref.key: task}})


def _running(state: JobState) -> JobStatus:
    return state.status if state.status.terminal else JobStatus.running


# --- one function per event type ----------------------------------------------------------


@_on(ev.JobSubmitted)
def _submitted(state: JobState, e: ev.JobSubmitted) -> JobState:
    return state.model_copy(
        update={
            "job_id": e.job_id,
            "filename": e.filename,
            "deck_key": e.deck_key,
            "options": e.options,
            "created_at": e.ts,
        }
    )


@_on(ev.JobCancelRequested)
def _cancel_requested(state: JobState, e: ev.JobCancelRequested) -> JobState:
    return state.model_copy(update={"cancel_requested": True})


@_on(ev.JobCancelled)
def _cancelled(state: JobState, e: ev.JobCancelled) -> JobState:
    if state.status.terminal:
        return state
    return state.model_copy(update={"status": JobStatus.cancelled})


@_on(ev.JobFailed)
def _failed(state: JobState, e: ev.JobFailed) -> JobState:
    if state.status.terminal:
        return state
    return state.model_copy(
        update={
            "status": JobStatus.failed,
            "error": e.reason,
            "failed_stage": e.stage,
            "failed_slide": e.slide,
        }
    )


@_on(ev.JobCompleted)
def _completed(state: JobState, e: ev.JobCompleted) -> JobState:
    if state.status.terminal:
        return state
    return state.model_copy(update={"status": JobStatus.completed})


@_on(ev.JobRetryRequested)
def _retry_requested(state: JobState, e: ev.JobRetryRequested) -> JobState:
    if state.status not in (JobStatus.failed, JobStatus.cancelled):
        return state
    # Unfinished tasks are forgotten, so the dispatcher hands them out again; done ones stay.
    kept = {key: t for key, t in state.tasks.items() if t.status == TaskStatus.done}
    return state.model_copy(
        update={
            "status": JobStatus.running,
            "tasks": kept,
            "error": None,
            "failed_stage": None,
            "failed_slide": None,
            "cancel_requested": False,
            "retries": state.retries + 1,
        }
    )


@_on(ev.JobDeleted)
def _deleted(state: JobState, e: ev.JobDeleted) -> JobState:
    return state.model_copy(update={"deleted": True, "outputs": None})


@_on(ev.JobWarning)
def _warning(state: JobState, e: ev.JobWarning) -> JobState:
    warning = Warning(code=e.code, message=e.message, slide=e.slide)
    if warning in state.warnings:
        return state
    return state.model_copy(update={"warnings": [*state.warnings, warning]})


@_on(ev.JobProgress)
def _progress(state: JobState, e: ev.JobProgress) -> JobState:
    return state.model_copy(update={"progress": {**state.progress, e.stage.value: e.message}})


@_on(ev.TaskDispatched)
def _dispatched(state: JobState, e: ev.TaskDispatched) -> JobState:
    return _with_task(
        state,
        e.task,
        status=TaskStatus.dispatched,
        attempt=e.attempt,
        not_before=e.not_before,
        error=None,
        retryable=False,
    )


@_on(ev.TaskStarted)
def _started(state: JobState, e: ev.TaskStarted) -> JobState:
    current = state.task(e.task)
    if current and (current.attempt > e.attempt or current.status == TaskStatus.done):
        return state  # a stale report of an older attempt
    state = state.model_copy(update={"status": _running(state)})
    return _with_task(
        state, e.task, status=TaskStatus.running, attempt=e.attempt, worker=e.worker,
        started_at=e.ts,
    )  # fmt: skip


@_on(ev.TaskCompleted)
def _task_completed(state: JobState, e: ev.TaskCompleted) -> JobState:
    state = _with_task(state, e.task, status=TaskStatus.done, error=None, finished_at=e.ts)
    if e.task.action == ev.Action.script_deck and state.needs_review:
        state = state.model_copy(update={"status": JobStatus.awaiting_review})
    return state


@_on(ev.ScriptApproved)
def _script_approved(state: JobState, e: ev.ScriptApproved) -> JobState:
    status = JobStatus.running if state.status == JobStatus.awaiting_review else state.status
    return state.model_copy(update={"script_approved": True, "status": status})


@_on(ev.StageFailed)
def _stage_failed(state: JobState, e: ev.StageFailed) -> JobState:
    current = state.task(e.task)
    if current and (current.attempt > e.attempt or current.status == TaskStatus.done):
        return state
    return _with_task(
        state, e.task, status=TaskStatus.failed, error=e.error, retryable=e.retryable,
        finished_at=e.ts,
    )  # fmt: skip


@_on(ev.StageRetried)
def _retried(state: JobState, e: ev.StageRetried) -> JobState:
    return state  # the task.dispatched that follows it carries the new attempt


@_on(ev.StageStopped)
def _stopped(state: JobState, e: ev.StageStopped) -> JobState:
    current = state.task(e.task)
    if current and current.status == TaskStatus.done:
        return state
    return _with_task(state, e.task, status=TaskStatus.stopped, worker=e.worker)


@_on(ev.DeckParsed)
def _deck_parsed(state: JobState, e: ev.DeckParsed) -> JobState:
    state = state.model_copy(
        update={"deck_format": e.format, "slide_count": e.slide_count, "status": _running(state)}
    )
    for number, source in enumerate(e.source_slides, start=1):
        state = _with_slide(state, number, source_slide=source)
    return state


@_on(ev.SlideRendered)
def _rendered(state: JobState, e: ev.SlideRendered) -> JobState:
    return _with_slide(state, e.slide, image_key=e.image_key)


@_on(ev.SlideScripted)
def _scripted(state: JobState, e: ev.SlideScripted) -> JobState:
    return _with_slide(
        state, e.slide, title=e.title, narration=e.narration, narration_source=e.source
    )


@_on(ev.SlideVoiced)
def _voiced(state: JobState, e: ev.SlideVoiced) -> JobState:
    return _with_slide(
        state,
        e.slide,
        audio_key=e.audio_key,
        audio_duration=e.duration,
        voice=e.voice,
        cues=e.cues,
    )


@_on(ev.AvatarRendered)
def _avatar(state: JobState, e: ev.AvatarRendered) -> JobState:
    return _with_slide(state, e.slide, avatar_done=True, avatar_key=e.video_key)


@_on(ev.SlideComposed)
def _slide_composed(state: JobState, e: ev.SlideComposed) -> JobState:
    return _with_slide(
        state,
        e.slide,
        composed_audio_key=e.audio_key,
        composed_image_key=e.image_key,
        duration=e.duration,
        composed_cues=e.cues,
    )


@_on(ev.VideoComposed)
def _video_composed(state: JobState, e: ev.VideoComposed) -> JobState:
    outputs = Outputs(
        video_key=e.video_key,
        srt_key=e.srt_key,
        vtt_key=e.vtt_key,
        transcript_key=e.transcript_key,
        duration=e.duration,
        poster_key=e.poster_key,
    )
    return state.model_copy(update={"outputs": outputs})


# --- the fold -----------------------------------------------------------------------------


def apply(state: JobState, event: ev.Event, entry_id: str | None = None) -> JobState:
    """The state after one more event. Unknown event types only advance the position."""
    handler = _HANDLERS.get(event.type)
    if handler is not None:
        state = handler(state, event)
    return state.model_copy(
        update={
            "job_id": state.job_id or event.job_id,
            "updated_at": event.ts,
            "event_count": state.event_count + 1,
            "last_event_id": entry_id or state.last_event_id,
        }
    )


def fold(
    events: Iterable[ev.Event] | Iterable[tuple[str, ev.Event]], state: JobState | None = None
) -> JobState:
    """Fold events (or `(entry_id, event)` pairs, as read from the log) into a state."""
    state = state or JobState()
    for item in events:
        entry_id, event = item if isinstance(item, tuple) else (None, item)
        state = apply(state, event, entry_id)
    return state


def handled_types() -> frozenset[str]:
    return frozenset(_HANDLERS)
