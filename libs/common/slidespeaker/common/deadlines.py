"""How long each piece of work may take, from its size, in one place.

A deadline is for work that hangs (a provider that never answers, a child that deadlocks),
not for slow work: each is several times what the work takes on a busy 2-core machine.
Past its deadline a task is stopped, its children killed, and it is retried like any failure
that may pass (`task.timed_out`); a whole job past its own deadline fails.
`SLIDESPEAKER_DEADLINE_SCALE` scales every deadline (tests shorten them).
"""

from __future__ import annotations

from slidespeaker.common.events import Action, TaskRef
from slidespeaker.common.fold import JobState
from slidespeaker.common.settings import Settings

TASK_BASE_S = 60.0  # fetching inputs, starting children, writing results
SCRIPT_PER_SLIDE_S = 60.0  # rendering a slide and writing its narration (a model call at most)
SLIDES_BEFORE_PARSING = 20  # what the scripter is allowed for before it knows the slide count
VOICE_PER_CHARACTER_S = 0.5  # about ten times what a hosted voice takes to speak it
AVATAR_PER_SECOND_S = 20.0  # the local presenter draws a second of clip in well under one
# HeyGen renders for minutes; past its own deadline (SLIDESPEAKER_HEYGEN_DEADLINE_S, 30 min)
# the slide is shown without the presenter, so the task's deadline lies beyond it.
HOSTED_AVATAR_S = 2400.0
MEDIA_BASE_S = 60.0  # an ffmpeg run: start-up and the first frames
MEDIA_PER_SECOND_S = 2.0  # and per second of media it makes
JOB_SLIDES = 30  # a job deadline covers a deck this long; longer decks get more, in proportion


def task_deadline_s(task: TaskRef, state: JobState, settings: Settings) -> float:
    """The deadline of `task` of the job in `state`, in seconds from its start."""
    return settings.deadline_scale * _unscaled(task, state, settings)


def script_deadline_s(slide_count: int, settings: Settings) -> float:
    """The scripter's deadline once it knows how many slides it will script."""
    return settings.deadline_scale * _script_s(slide_count, settings)


def media_timeout(media_seconds: float) -> float:
    """How long one child (ffmpeg, the presenter's clip writer) may take to make
    `media_seconds` of media before it is stopped."""
    return MEDIA_BASE_S + MEDIA_PER_SECOND_S * media_seconds


def job_deadline_s(state: JobState, settings: Settings) -> float:
    """A whole job's deadline, from when it started (or was approved, or retried)."""
    slides = max(state.slide_count or 0, len(state.turns))
    return settings.job_deadline_s * max(1.0, slides / JOB_SLIDES)


def _unscaled(task: TaskRef, state: JobState, settings: Settings) -> float:
    slide = state.slide(task.slide or 0)  # an empty one for tasks of the whole deck
    if task.action == Action.script_deck:
        return _script_s(state.slide_count or SLIDES_BEFORE_PARSING, settings)
    if task.action == Action.script_podcast:
        return TASK_BASE_S + SCRIPT_PER_SLIDE_S * max(1, len(state.slides))
    if task.action == Action.voice_slide:
        return TASK_BASE_S + VOICE_PER_CHARACTER_S * len(slide.narration or "")
    if task.action == Action.voice_turn:
        turn = state.turns[task.turn - 1] if task.turn and task.turn <= len(state.turns) else None
        return TASK_BASE_S + VOICE_PER_CHARACTER_S * len(turn.text if turn else "")
    if task.action == Action.avatar_slide:
        hosted = HOSTED_AVATAR_S if state.options.avatar == "heygen" else 0.0
        return TASK_BASE_S + AVATAR_PER_SECOND_S * (slide.audio_duration or 0.0) + hosted
    if task.action == Action.compose_slide:
        return TASK_BASE_S + media_timeout(slide.audio_duration or 0.0)
    if task.action == Action.compose_video:
        return TASK_BASE_S + 2 * media_timeout(_video_seconds(state))  # the video, the poster
    if task.action == Action.compose_podcast:
        seconds = sum(turn.duration or 0.0 for turn in state.turns)
        return TASK_BASE_S + 2 * media_timeout(seconds)  # the MP3 and the M4A
    raise ValueError(f"no deadline for {task.action}")


def _script_s(slide_count: int, settings: Settings) -> float:
    return TASK_BASE_S + settings.soffice_timeout_s + SCRIPT_PER_SLIDE_S * slide_count


def _video_seconds(state: JobState) -> float:
    return sum(slide.duration or 0.0 for slide in state.slides.values())
