"""The dispatcher's policy: given a job's folded state, the events that should come next.

Pure: the same state (and clock) gives the same decisions. Every decision is an event
(`task.dispatched`, `stage.retried`, `job.failed`, ...), so the log tells why work ran.

A slide's next tasks change only with its own events and its tasks' events. Deciding after
each event looks at the slides and tasks the events since the last decisions touched
(`Touched`), not at every slide: looking at every one made deciding quadratic in the deck's
length (a job of N slides has about 9 N events), 0.96 CPU-s for 300 slides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slidespeaker.common import events as ev
from slidespeaker.common.events import Action, TaskRef, task_key
from slidespeaker.common.fold import JobState, SlideState, TaskState, TaskStatus

VOICE = (Action.voice_slide,)
VOICE_AVATAR = (Action.voice_slide, Action.avatar_slide)
VOICE_COMPOSE = (Action.voice_slide, Action.compose_slide)
VOICE_AVATAR_COMPOSE = (Action.voice_slide, Action.avatar_slide, Action.compose_slide)


@dataclass
class Touched:
    """What events changed, as far as deciding goes: slides (their state or tasks) and
    tasks (by key); `job`: something of the whole job (its deck parsed, a retry, ...), so
    every slide is looked at."""

    slides: set[int] = field(default_factory=set)
    tasks: set[str] = field(default_factory=set)
    job: bool = False

    def add(self, events: Iterable[ev.Event]) -> None:
        for event in events:
            if isinstance(event, SAY_NOTHING_DECIDED):
                continue
            task: TaskRef | None = getattr(event, "task", None)
            slide: int | None = getattr(event, "slide", None)
            if task is not None:
                self.tasks.add(task.key)
                slide = task.slide
            if slide is not None:
                self.slides.add(slide)
            elif task is None:  # neither a slide's nor a task's: the job's
                self.job = True


# Events nothing decided depends on: how far a stage is, warnings for the person.
SAY_NOTHING_DECIDED = (ev.JobProgress, ev.JobWarning)


def decide(
    state: JobState, *, now: datetime, max_attempts: int, backoff_s: float,
    touched: Touched | None = None,
) -> list[ev.Event]:  # fmt: skip
    """The events that should follow `state`, `touched` being what changed since the last
    decisions (None: everything may have)."""
    touched = Touched(job=True) if touched is None else touched
    if not state.job_id or state.status.terminal:
        return []
    if state.cancel_requested:
        return [ev.JobCancelled(job_id=state.job_id)]
    failed = _failed(state, touched)
    if failed:
        return _handle_failure(state, failed[0], now, max_attempts, backoff_s)
    if all(_done(state, TaskRef(action=final)) for final in _finals(state)):
        return [ev.JobCompleted(job_id=state.job_id)]
    return [
        ev.TaskDispatched(job_id=state.job_id, task=task)
        for task in _next_tasks(state, touched)
        if state.task(task) is None
    ]


def _failed(state: JobState, touched: Touched) -> list[TaskState]:
    if touched.job:
        return [t for t in state.tasks.values() if t.status == TaskStatus.failed]
    found = (state.tasks.get(key) for key in sorted(touched.tasks))
    return [t for t in found if t is not None and t.status == TaskStatus.failed]


def deadline_at(state: JobState, deadline_s: float) -> datetime | None:
    """When the job must have ended by; None while it waits for nothing but the user (its
    script under review) or has ended."""
    if state.status.terminal or state.needs_review or state.running_since is None:
        return None
    return state.running_since + timedelta(seconds=deadline_s)


def overdue(state: JobState, *, now: datetime, deadline_s: float) -> list[ev.Event]:
    """A job still running past its deadline fails, saying so and what it was doing."""
    at = deadline_at(state, deadline_s)
    if at is None or now < at:
        return []
    running = sorted(
        t.task.key
        for t in state.tasks.values()
        if t.status in (TaskStatus.dispatched, TaskStatus.running)
    )
    doing = f" (still running: {', '.join(running)})" if running else ""
    limit = f"{deadline_s:.0f} s" if deadline_s < 120 else f"{deadline_s / 60:.0f} minutes"
    reason = f"the job took longer than its deadline of {limit}{doing}"
    return [ev.JobFailed(job_id=state.job_id, reason=reason)]


def _next_tasks(state: JobState, touched: Touched) -> Iterator[TaskRef]:
    yield TaskRef(action=Action.script_deck)
    if state.slide_count is None:
        return
    if state.needs_review:
        return  # nothing is voiced before the script is approved
    if state.options.wants_video:
        yield from _next_video_tasks(state, touched)
    if state.options.wants_podcast:
        yield from _next_podcast_tasks(state)


def _finals(state: JobState) -> list[Action]:
    """The tasks whose completion ends the job: one per output the user asked for."""
    asked = {
        Action.compose_video: state.options.wants_video,
        Action.compose_podcast: state.options.wants_podcast,
    }
    return [action for action, wanted in asked.items() if wanted]


def _done(state: JobState, task: TaskRef) -> bool:
    current = state.task(task)
    return current is not None and current.status == TaskStatus.done


def _next_video_tasks(state: JobState, touched: Touched) -> Iterator[TaskRef]:
    """The touched slides' next tasks, then the video once every slide is composed. A
    slide costs a few dict look-ups: tasks are named by their keys, and a TaskRef is made
    only for one to dispatch (making them for every slide after every event took the
    dispatcher 6 of its CPU-s on a 300-slide deck)."""
    count = state.slide_count or 0
    presenter = state.options.avatar != "none"
    numbers = range(1, count + 1) if touched.job else sorted(touched.slides)
    composed_one = False
    for number in numbers:
        slide = state.slides.get(number)
        if slide is None or slide.narration is None:
            continue
        if slide.duration is not None:
            composed_one = True  # done: nothing more to ask of it
            continue
        for action in _slide_actions(slide, presenter=presenter):
            if task_key(action, number) not in state.tasks:
                yield TaskRef(action=action, slide=number)
    # Only a slide just composed can make it the last one.
    if count and composed_one and all(_composed(state, n) for n in range(1, count + 1)):
        yield TaskRef(action=Action.compose_video)


def _composed(state: JobState, number: int) -> bool:
    slide = state.slides.get(number)
    return slide is not None and slide.duration is not None


def _next_podcast_tasks(state: JobState) -> Iterator[TaskRef]:
    """The dialogue once every slide is scripted, then each turn voiced (in parallel), then
    the podcast once every turn has its audio."""
    if not _done(state, TaskRef(action=Action.script_deck)):
        return
    yield TaskRef(action=Action.script_podcast)
    if not state.turns:
        return
    for number in range(1, len(state.turns) + 1):
        yield TaskRef(action=Action.voice_turn, turn=number)
    if all(turn.duration is not None for turn in state.turns):
        yield TaskRef(action=Action.compose_podcast)


def _slide_actions(slide: SlideState, *, presenter: bool) -> tuple[Action, ...]:
    """What a scripted slide's tasks are so far: each slide moves on as soon as its previous
    stage is done, independently of the others. The avatar stage is asked only when the job
    wants a presenter. The voice needs only the narration, which comes before the picture
    (a deck's conversion takes seconds); the composer needs both."""
    if slide.audio_duration is None:
        return VOICE
    if presenter and not slide.avatar_done:
        return VOICE_AVATAR
    if slide.image_key is None:
        return VOICE_AVATAR if presenter else VOICE
    return VOICE_AVATAR_COMPOSE if presenter else VOICE_COMPOSE


def _handle_failure(
    state: JobState, task: TaskState, now: datetime, max_attempts: int, backoff_s: float
) -> list[ev.Event]:
    if task.retryable and task.attempt < max_attempts:
        delay = backoff_s * 2 ** (task.attempt - 1)
        attempt = task.attempt + 1
        return [
            ev.StageRetried(job_id=state.job_id, task=task.task, attempt=attempt, delay_s=delay),
            ev.TaskDispatched(
                job_id=state.job_id,
                task=task.task,
                attempt=attempt,
                not_before=now + timedelta(seconds=delay),
            ),
        ]
    return [
        ev.JobFailed(
            job_id=state.job_id,
            reason=_failure_reason(task),
            stage=task.task.stage,
            slide=task.task.slide,
        )
    ]


def _failure_reason(task: TaskState) -> str:
    """Bad input speaks for itself; other failures say where and how often they happened."""
    if not task.retryable and task.task.slide is None:
        return task.error or "failed"
    where = f" on slide {task.task.slide}" if task.task.slide else ""
    where = f" on podcast turn {task.task.turn}" if task.task.turn else where
    tries = f" after {task.attempt} attempts" if task.retryable else ""
    return f"{task.task.stage.value} failed{where}{tries}: {task.error}"
