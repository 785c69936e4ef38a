"""The job's state, rebuilt from its events: `state = fold(events)`.

This is the only source of job state. Each event type has one small function that applies
it; applying an event twice gives the same state (handlers set, they never add), so a
redelivered event cannot corrupt anything. `fold` is pure: it builds a new state (or a copy
of the one given) and changes only that, in place, which keeps folding a 10,000-event log
fast. Owners of a cached state (the projection) advance it in place with `advance`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from slidespeaker.common import events as ev
from slidespeaker.common.events import (
    Build,
    Cue,
    JobOptions,
    LanguageSource,
    NarrationSource,
    PointerLink,
    Speaker,
    Stage,
    TaskRef,
    TextBlock,
)


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


class StateModel(BaseModel):
    """A part of the job state. The fold changes it in place while it folds (a state it made
    or was given to own); everyone else only reads it."""

    model_config = ConfigDict(extra="ignore")


class TaskState(StateModel):
    task: TaskRef
    status: TaskStatus
    attempt: int = 1
    worker: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    retryable: bool = False
    not_before: datetime | None = None


class SlideState(StateModel):
    number: int
    source_slide: int | None = None
    image_key: str | None = None
    title: str = ""
    narration: str | None = None
    narration_source: NarrationSource | None = None
    language: str | None = None  # the narration's, BCP 47
    language_source: LanguageSource | None = None
    blocks: list[TextBlock] = Field(default_factory=list)  # where the slide's text is
    page: tuple[float, float] | None = None  # the page's size, which the blocks' boxes divide
    links: list[PointerLink] = Field(default_factory=list)  # sentences -> the block they name
    builds: list[Build] = Field(default_factory=list)  # build steps, revealed as they are said
    audio_key: str | None = None
    audio_duration: float | None = None
    voice: str | None = None
    phonemes_key: str | None = None
    # Factories, not `[]`: pydantic deep-copies a mutable default for every new slide.
    cues: list[Cue] = Field(default_factory=list)
    words: list[Cue] = Field(default_factory=list)  # each spoken word as the engine timed it
    timing: str | None = None  # how the cues were timed: word, sentence or mixed
    fallbacks: list[str] = Field(default_factory=list)  # why sentences fell back to it
    avatar_done: bool = False
    avatar_key: str | None = None
    composed_audio_key: str | None = None  # the padded narration, in logs of version 1
    narration_start: float = 0.0  # s from the slide's start to its narration's
    composed_image_key: str | None = None
    composed_avatar_key: str | None = None  # the presenter's clip, checked while composing
    avatar_start: float = 0.0
    duration: float | None = None
    composed_cues: list[Cue] = Field(default_factory=list)


class Warning(StateModel):
    code: str
    message: str
    slide: int | None = None


class Outputs(StateModel):
    video_key: str
    srt_key: str
    vtt_key: str
    transcript_key: str
    duration: float
    poster_key: str | None = None

    def files(self) -> dict[str, str]:
        """Each output's storage key by its file name (as `render` writes it, as the API
        serves it)."""
        named = {
            "video.mp4": self.video_key,
            "subtitles.srt": self.srt_key,
            "subtitles.vtt": self.vtt_key,
            "transcript.md": self.transcript_key,
            "poster.jpg": self.poster_key,
        }
        return {name: key for name, key in named.items() if key}


class TurnState(StateModel):
    """One turn of the podcast's dialogue and, once voiced, its audio."""

    speaker: Speaker
    text: str
    slide: int
    language: str | None = None
    audio_key: str | None = None
    duration: float | None = None
    voice: str | None = None
    cues: list[Cue] = []  # relative to the turn's start


class PodcastOutputs(StateModel):
    mp3_key: str
    m4a_key: str
    srt_key: str
    vtt_key: str
    json_key: str
    duration: float

    def files(self) -> dict[str, str]:
        """Each podcast file's storage key by its file name, as for Outputs.files()."""
        return {
            "podcast.mp3": self.mp3_key,
            "podcast.m4a": self.m4a_key,
            "podcast.srt": self.srt_key,
            "podcast.vtt": self.vtt_key,
            "podcast.json": self.json_key,
        }


class CostEstimate(StateModel):
    llm_requests: int = 0
    llm_input_tokens: int = 0
    llm_output_tokens: int = 0
    tts_characters: int = 0
    cost_usd: float | None = None


COST_FIELDS = set(CostEstimate.model_fields)


class JobState(StateModel):
    job_id: str = ""
    status: JobStatus = JobStatus.queued
    filename: str = ""
    deck_key: str = ""
    options: JobOptions = JobOptions()
    owner: str | None = None  # None: submitted without accounts
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # When the job's deadline began: submitted, its script approved, or retried.
    running_since: datetime | None = None
    deck_format: str | None = None
    slide_count: int | None = None
    language: str | None = None  # the deck's, BCP 47
    language_source: LanguageSource | None = None
    narration_seconds: float | None = None  # expected, before any slide is voiced
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
    turns: list[TurnState] = []  # the podcast's dialogue, once scripted
    podcast: PodcastOutputs | None = None
    estimate: CostEstimate | None = None  # of the hosted calls, when there are any
    event_count: int = 0
    last_event_id: str | None = None  # the stream entry id of the last event folded
    # Warnings already recorded, to keep a redelivered one from being listed twice.
    _warning_keys: set[tuple[str, str, int | None]] = PrivateAttr(default_factory=set)

    @property
    def needs_review(self) -> bool:
        """The user asked to review the script and has not approved it yet."""
        return self.options.review and not self.script_approved and not self.status.terminal

    def output_files(self) -> dict[str, str]:
        """Every finished output's storage key by its file name: the video's, the podcast's."""
        video = self.outputs.files() if self.outputs else {}
        return {**video, **(self.podcast.files() if self.podcast else {})}

    def cached_audio(self) -> list[str]:
        """The cache entries the job's audio is kept in: its slides' and podcast turns'."""
        keys = [slide.audio_key for slide in self.slides.values()]
        keys += [turn.audio_key for turn in self.turns]
        return [key for key in keys if key]

    def slide(self, number: int) -> SlideState:
        """The slide's state (an empty one, not stored, if nothing is known of it yet)."""
        return self.slides.get(number) or SlideState(number=number)

    def task(self, ref: TaskRef) -> TaskState | None:
        return self.tasks.get(ref.key)


E = TypeVar("E", bound=ev.BaseEvent)
Handler = Callable[[JobState, Any], None]
_HANDLERS: dict[str, Handler] = {}


def _on(event_type: type[E]) -> Callable[[Callable[[JobState, E], None]], Handler]:
    type_name = event_type.model_fields["type"].default

    def register(fn: Callable[[JobState, E], None]) -> Handler:
        _HANDLERS[type_name] = fn
        return fn

    return register


def _set(model: BaseModel, **changes: Any) -> None:
    # Straight into the model's fields: the values come from validated events, and pydantic's
    # __setattr__ was most of the fold's time on long logs.
    model.__dict__.update(changes)


def _slide(state: JobState, number: int) -> SlideState:
    slide = state.slides.get(number)
    if slide is None:
        slide = state.slides[number] = SlideState(number=number)
    return slide


def _task(state: JobState, ref: TaskRef) -> TaskState:
    task = state.tasks.get(ref.key)
    if task is None:
        task = state.tasks[ref.key] = TaskState(task=ref, status=TaskStatus.dispatched)
    return task


def _is_stale(state: JobState, ref: TaskRef, attempt: int) -> bool:
    """A report of an older attempt, or of a task already done, changes nothing."""
    current = state.tasks.get(ref.key)
    return current is not None and (current.attempt > attempt or current.status == TaskStatus.done)


def _start_running(state: JobState) -> None:
    if not state.status.terminal:
        _set(state, status=JobStatus.running)


# --- one function per event type ----------------------------------------------------------


@_on(ev.JobSubmitted)
def _submitted(state: JobState, e: ev.JobSubmitted) -> None:
    _set(
        state, job_id=e.job_id, filename=e.filename, deck_key=e.deck_key, options=e.options,
        owner=e.owner, created_at=e.ts, running_since=e.ts,
    )  # fmt: skip


@_on(ev.JobCancelRequested)
def _cancel_requested(state: JobState, e: ev.JobCancelRequested) -> None:
    state.cancel_requested = True


@_on(ev.JobCancelled)
def _cancelled(state: JobState, e: ev.JobCancelled) -> None:
    if not state.status.terminal:
        state.status = JobStatus.cancelled


@_on(ev.JobFailed)
def _failed(state: JobState, e: ev.JobFailed) -> None:
    if not state.status.terminal:
        _set(
            state, status=JobStatus.failed, error=e.reason, failed_stage=e.stage,
            failed_slide=e.slide,
        )  # fmt: skip


@_on(ev.JobCompleted)
def _completed(state: JobState, e: ev.JobCompleted) -> None:
    if not state.status.terminal:
        state.status = JobStatus.completed


@_on(ev.JobRetryRequested)
def _retry_requested(state: JobState, e: ev.JobRetryRequested) -> None:
    if state.status not in (JobStatus.failed, JobStatus.cancelled):
        return
    # Unfinished tasks are forgotten, so the dispatcher hands them out again; done ones stay.
    state.tasks = {key: t for key, t in state.tasks.items() if t.status == TaskStatus.done}
    _set(
        state, status=JobStatus.running, error=None, failed_stage=None, failed_slide=None,
        cancel_requested=False, retries=state.retries + 1, running_since=e.ts,
    )  # fmt: skip


@_on(ev.JobDeleted)
def _deleted(state: JobState, e: ev.JobDeleted) -> None:
    _set(state, deleted=True, outputs=None, podcast=None)


@_on(ev.JobWarning)
def _warning(state: JobState, e: ev.JobWarning) -> None:
    key = (e.code, e.message, e.slide)
    seen: set[tuple[str, str, int | None]] = state.__pydantic_private__["_warning_keys"]  # type: ignore[index]
    if key not in seen:  # (read from the dict: pydantic's private-attribute lookup is slow)
        seen.add(key)
        state.warnings.append(Warning(code=e.code, message=e.message, slide=e.slide))


@_on(ev.JobProgress)
def _progress(state: JobState, e: ev.JobProgress) -> None:
    state.progress[e.stage.value] = e.message


@_on(ev.TaskDispatched)
def _dispatched(state: JobState, e: ev.TaskDispatched) -> None:
    _set(
        _task(state, e.task), status=TaskStatus.dispatched, attempt=e.attempt,
        not_before=e.not_before, error=None, retryable=False,
    )  # fmt: skip


@_on(ev.TaskStarted)
def _started(state: JobState, e: ev.TaskStarted) -> None:
    if _is_stale(state, e.task, e.attempt):
        return
    _start_running(state)
    _set(
        _task(state, e.task), status=TaskStatus.running, attempt=e.attempt, worker=e.worker,
        started_at=e.ts,
    )  # fmt: skip


@_on(ev.TaskCompleted)
def _task_completed(state: JobState, e: ev.TaskCompleted) -> None:
    _set(_task(state, e.task), status=TaskStatus.done, error=None, finished_at=e.ts)
    if e.task.action == ev.Action.script_deck and state.needs_review:
        state.status = JobStatus.awaiting_review


@_on(ev.ScriptApproved)
def _script_approved(state: JobState, e: ev.ScriptApproved) -> None:
    _set(state, script_approved=True, running_since=e.ts)
    if state.status == JobStatus.awaiting_review:
        state.status = JobStatus.running


@_on(ev.StageFailed)
def _stage_failed(state: JobState, e: ev.StageFailed) -> None:
    if _is_stale(state, e.task, e.attempt):
        return
    _set(
        _task(state, e.task), status=TaskStatus.failed, error=e.error, retryable=e.retryable,
        finished_at=e.ts,
    )  # fmt: skip


@_on(ev.TaskTimedOut)
def _timed_out(state: JobState, e: ev.TaskTimedOut) -> None:
    if _is_stale(state, e.task, e.attempt):
        return
    error = f"took longer than its deadline of {e.deadline_s:.0f} s"
    _set(
        _task(state, e.task), status=TaskStatus.failed, error=error, retryable=True,
        finished_at=e.ts,
    )  # fmt: skip


@_on(ev.StageRetried)
def _retried(state: JobState, e: ev.StageRetried) -> None:
    pass  # the task.dispatched that follows it carries the new attempt


@_on(ev.StageStopped)
def _stopped(state: JobState, e: ev.StageStopped) -> None:
    task = _task(state, e.task)
    if task.status != TaskStatus.done:
        _set(task, status=TaskStatus.stopped, worker=e.worker)


@_on(ev.DeckParsed)
def _deck_parsed(state: JobState, e: ev.DeckParsed) -> None:
    _set(
        state, deck_format=e.format, slide_count=e.slide_count, language=e.language,
        language_source=e.language_source, narration_seconds=e.narration_seconds,
    )  # fmt: skip
    _start_running(state)
    for number, source in enumerate(e.source_slides, start=1):
        _set(_slide(state, number), source_slide=source)


@_on(ev.CostEstimated)
def _cost_estimated(state: JobState, e: ev.CostEstimated) -> None:
    state.estimate = CostEstimate.model_validate(e.model_dump(include=COST_FIELDS))


@_on(ev.SlideRendered)
def _rendered(state: JobState, e: ev.SlideRendered) -> None:
    slide = _slide(state, e.slide)
    _set(slide, image_key=e.image_key, builds=e.builds)
    if e.page is not None:
        _set(slide, blocks=e.blocks, links=e.links, page=e.page)


@_on(ev.SlideScripted)
def _scripted(state: JobState, e: ev.SlideScripted) -> None:
    slide = _slide(state, e.slide)
    _set(
        slide, title=e.title, narration=e.narration, narration_source=e.source,
        language=e.language, language_source=e.language_source,
    )  # fmt: skip
    if e.page is not None:  # else the layout comes (or came) with the picture
        _set(slide, blocks=e.blocks, links=e.links, page=e.page)


@_on(ev.SlideVoiced)
def _voiced(state: JobState, e: ev.SlideVoiced) -> None:
    _set(
        _slide(state, e.slide), audio_key=e.audio_key, audio_duration=e.duration, voice=e.voice,
        phonemes_key=e.phonemes_key,
        cues=e.cues, words=e.words, timing=e.timing, fallbacks=e.fallbacks,
    )  # fmt: skip


@_on(ev.AvatarRendered)
def _avatar(state: JobState, e: ev.AvatarRendered) -> None:
    _set(_slide(state, e.slide), avatar_done=True, avatar_key=e.video_key)


@_on(ev.SlideComposed)
def _slide_composed(state: JobState, e: ev.SlideComposed) -> None:
    _set(
        _slide(state, e.slide), composed_audio_key=e.audio_key, composed_image_key=e.image_key,
        narration_start=e.narration_start, duration=e.duration, composed_cues=e.cues,
        composed_avatar_key=e.avatar_key, avatar_start=e.avatar_start,
    )  # fmt: skip


@_on(ev.VideoComposed)
def _video_composed(state: JobState, e: ev.VideoComposed) -> None:
    state.outputs = Outputs(
        video_key=e.video_key, srt_key=e.srt_key, vtt_key=e.vtt_key,
        transcript_key=e.transcript_key, duration=e.duration, poster_key=e.poster_key,
    )  # fmt: skip


@_on(ev.PodcastScripted)
def _podcast_scripted(state: JobState, e: ev.PodcastScripted) -> None:
    state.turns = [
        TurnState(speaker=t.speaker, text=t.text, slide=t.slide, language=t.language)
        for t in e.turns
    ]


@_on(ev.TurnVoiced)
def _turn_voiced(state: JobState, e: ev.TurnVoiced) -> None:
    if 1 <= e.turn <= len(state.turns):
        _set(
            state.turns[e.turn - 1], audio_key=e.audio_key, duration=e.duration, voice=e.voice,
            cues=e.cues,
        )  # fmt: skip


@_on(ev.PodcastComposed)
def _podcast_composed(state: JobState, e: ev.PodcastComposed) -> None:
    state.podcast = PodcastOutputs.model_validate(e.model_dump(include=PODCAST_FIELDS))


PODCAST_FIELDS = set(PodcastOutputs.model_fields)


# --- the fold -----------------------------------------------------------------------------

Entries = Iterable[ev.Event] | Iterable[tuple[str, ev.Event]]


def advance(state: JobState, events: Entries) -> JobState:
    """Apply events (or `(entry_id, event)` pairs, as read from the log) to `state` in place.

    Only for a state the caller owns (a cache it keeps); everyone else uses `fold`. Unknown
    event types only advance the position."""
    count, last_event, last_entry = 0, None, None
    for item in events:
        entry_id, event = item if isinstance(item, tuple) else (None, item)
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(state, event)
        count, last_event, last_entry = count + 1, event, entry_id or last_entry
    if last_event is not None:  # the position, set once rather than per event
        _set(
            state, job_id=state.job_id or last_event.job_id, updated_at=last_event.ts,
            event_count=state.event_count + count,
            last_event_id=last_entry or state.last_event_id,
        )  # fmt: skip
    return state


def fold(events: Entries, state: JobState | None = None) -> JobState:
    """The state after `events`, starting from nothing or from (a copy of) `state`."""
    return advance(state.model_copy(deep=True) if state else JobState(), events)


def handled_types() -> frozenset[str]:
    return frozenset(_HANDLERS)
