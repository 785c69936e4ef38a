"""Following a job's log on the terminal: one progress bar per stage, counting slides (and
the podcast's turns, when one is asked for); several jobs: one line each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, TaskStatus, advance

# Which event moves which bar forward by one slide.
_BARS: dict[type[ev.BaseEvent], str] = {
    ev.SlideScripted: "script",
    ev.SlideVoiced: "voice",
    ev.AvatarRendered: "avatar",
    ev.SlideComposed: "compose",
}
_TERMINAL = (ev.JobCompleted, ev.JobFailed, ev.JobCancelled)
_VIDEO_BARS = ("voice", "avatar", "compose", "video")


OnReview = Callable[[JobState], Awaitable[None]]


async def follow_job(
    events: EventLog, job_id: str, console: Console, on_review: OnReview | None = None
) -> JobState:
    """Show progress until the job ends; return its final state, folded from the log.
    `on_review` is called once if the job stops to have its script reviewed."""
    state = JobState()
    reviewed = False
    columns = (
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        names = (*_BARS.values(), "video", "podcast")
        bars = {name: progress.add_task(name, total=None) for name in names}
        async for entry_id, event in events.follow(job_id):
            advance(state, [(entry_id, event)])
            _show(progress, bars, event, state)
            if on_review and not reviewed and state.status == JobStatus.awaiting_review:
                reviewed = True
                await on_review(state)
            if isinstance(event, _TERMINAL):
                break
    return state


def _show(progress: Progress, bars: dict[str, TaskID], event: ev.Event, state: JobState) -> None:
    if isinstance(event, ev.JobSubmitted):
        _show_asked(progress, bars, event.options)
    if isinstance(event, ev.PodcastScripted):
        progress.update(bars["podcast"], total=len(event.turns))
    if isinstance(event, ev.TurnVoiced):
        progress.advance(bars["podcast"])
    if isinstance(event, ev.DeckParsed):
        for name in _BARS.values():
            progress.update(bars[name], total=event.slide_count)
        progress.update(bars["video"], total=1)
    bar = _BARS.get(type(event))
    if bar is not None:
        progress.advance(bars[bar])
    if isinstance(event, ev.VideoComposed):
        progress.update(bars["video"], completed=1)
    if isinstance(event, ev.JobWarning):
        progress.console.print(f"[yellow]warning[/]: {event.message}")
    if isinstance(event, ev.JobProgress):
        _show_progress(progress, bars["video"], event)
    if isinstance(event, ev.StageRetried):
        progress.console.print(f"[yellow]retrying[/] {event.task.key} (attempt {event.attempt})")


def _show_asked(progress: Progress, bars: dict[str, TaskID], options: ev.JobOptions) -> None:
    """Only the bars of the outputs asked for: the podcast's turns, the video's slides."""
    progress.update(bars["podcast"], visible=options.wants_podcast)
    for name in _VIDEO_BARS:
        progress.update(bars[name], visible=options.wants_video)
    if options.avatar == "none":  # no avatar task runs: no bar waits for one
        progress.update(bars["avatar"], visible=False)


def _show_progress(progress: Progress, video: TaskID, event: ev.JobProgress) -> None:
    """The encode moves the video bar (seconds done of the video's length); other long steps
    are said in a line."""
    if event.stage == ev.Stage.composer and event.total:
        progress.update(video, completed=event.done / event.total)
    else:
        progress.console.print(f"[dim]{event.stage.value}: {event.message}[/]")


async def follow_jobs(events: EventLog, decks: dict[str, str], console: Console) -> list[JobState]:
    """Show one line per deck (`decks`: job id -> its name) until every job ends: the tasks
    done of those dispatched so far, and the job's status. Their final states, in order."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        rows = {
            job: progress.add_task(name, total=None, status="queued") for job, name in decks.items()
        }

        async def follow(job_id: str) -> JobState:
            state = JobState()
            async for entry_id, event in events.follow(job_id):
                advance(state, [(entry_id, event)])
                done = sum(1 for task in state.tasks.values() if task.status == TaskStatus.done)
                status = state.status.value
                progress.update(rows[job_id], completed=done, total=len(state.tasks), status=status)
                if isinstance(event, _TERMINAL):
                    progress.stop_task(rows[job_id])  # its clock stops with it
                    break
            return state

        return list(await asyncio.gather(*(follow(job) for job in decks)))
