"""The dispatcher's decisions, from folded states of real event sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slidespeaker.common import events as ev
from slidespeaker.common.events import Action, NarrationSource, TaskRef
from slidespeaker.common.fold import JobState, fold
from slidespeaker.dispatcher.decide import Touched, decide, overdue

JOB = "j"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def next_events(state: JobState) -> list[ev.Event]:
    return decide(state, now=NOW, max_attempts=3, backoff_s=2.0)


def dispatched(events: list[ev.Event]) -> list[str]:
    return [e.task.key for e in events if isinstance(e, ev.TaskDispatched)]


def scripted_deck(slides: int) -> list[ev.Event]:
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=JOB, filename="d.pdf", deck_key="k"),
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.script_deck)),
        ev.DeckParsed(job_id=JOB, format="pdf", slide_count=slides),
    ]
    for n in range(1, slides + 1):
        events.append(ev.SlideRendered(job_id=JOB, slide=n, image_key=f"{n}", width=1, height=1))
        events.append(
            ev.SlideScripted(job_id=JOB, slide=n, narration="Hi.", source=NarrationSource.notes)
        )
    return events


def test_a_submitted_job_gets_its_deck_scripted_once() -> None:
    state = fold([ev.JobSubmitted(job_id=JOB, filename="d.pdf", deck_key="k")])
    decisions = next_events(state)
    assert dispatched(decisions) == ["script_deck"]
    assert next_events(fold(decisions, state)) == [], "deciding again changes nothing"


def test_every_scripted_slide_fans_out_to_voice_at_once() -> None:
    assert dispatched(next_events(fold(scripted_deck(3)))) == [
        "voice_slide/1", "voice_slide/2", "voice_slide/3"
    ]  # fmt: skip


def test_slides_move_on_independently_and_the_video_waits_for_all() -> None:
    events = with_options(scripted_deck(2), avatar="local")
    events += [ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.voice_slide, slide=n))
               for n in (1, 2)]  # fmt: skip
    events.append(ev.SlideVoiced(job_id=JOB, slide=2, audio_key="a", duration=1.0, voice="v"))
    assert dispatched(next_events(fold(events))) == ["avatar_slide/2"]
    events += [
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.avatar_slide, slide=2)),
        ev.AvatarRendered(job_id=JOB, slide=2),
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.compose_slide, slide=2)),
        ev.SlideComposed(job_id=JOB, slide=2, image_key="i", duration=2.0),
    ]
    assert dispatched(next_events(fold(events))) == [], "slide 1 is not voiced yet"


def test_without_a_presenter_a_voiced_slide_goes_straight_to_the_composer() -> None:
    events = scripted_deck(2)
    events += [ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.voice_slide, slide=n))
               for n in (1, 2)]  # fmt: skip
    events.append(ev.SlideVoiced(job_id=JOB, slide=2, audio_key="a", duration=1.0, voice="v"))
    assert dispatched(next_events(fold(events))) == ["compose_slide/2"]


def test_a_slide_is_voiced_before_its_picture_and_composed_once_both_exist() -> None:
    """The narration comes while the deck still converts: voicing starts at once; the
    composer waits for the picture (and the layout that comes with it)."""
    events: list[ev.Event] = [
        *scripted_deck(1)[:3],
        ev.SlideScripted(job_id=JOB, slide=1, narration="Hi.", source=NarrationSource.notes),
    ]
    assert dispatched(next_events(fold(events))) == ["voice_slide/1"]
    events += [
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.voice_slide, slide=1)),
        ev.SlideVoiced(job_id=JOB, slide=1, audio_key="a", duration=1.0, voice="v"),
    ]
    assert dispatched(next_events(fold(events))) == [], "no picture yet"
    events.append(ev.SlideRendered(job_id=JOB, slide=1, image_key="1", width=1, height=1))
    assert dispatched(next_events(fold(events))) == ["compose_slide/1"]


def with_options(events: list[ev.Event], **options: object) -> list[ev.Event]:
    """The job asking for `options` (the first event is its submission)."""
    submitted = events[0]
    assert isinstance(submitted, ev.JobSubmitted)
    asked = ev.JobOptions.model_validate(options)
    return [submitted.model_copy(update={"options": asked}), *events[1:]]


def test_a_retryable_failure_is_retried_with_backoff_then_fails_the_job() -> None:
    task = TaskRef(action=Action.voice_slide, slide=1)
    events = [*scripted_deck(1), ev.TaskDispatched(job_id=JOB, task=task)]
    events.append(ev.StageFailed(job_id=JOB, task=task, error="timeout", retryable=True))
    retry = next_events(fold(events))
    assert [e.type for e in retry] == ["stage.retried", "task.dispatched"]
    assert isinstance(retry[1], ev.TaskDispatched) and retry[1].attempt == 2
    assert retry[1].not_before is not None and (retry[1].not_before - NOW).total_seconds() == 2.0
    events += retry
    events.append(ev.StageFailed(job_id=JOB, task=task, attempt=2, error="x", retryable=True))
    third = next_events(fold(events))
    assert isinstance(third[1], ev.TaskDispatched) and third[1].attempt == 3
    assert (third[1].not_before - NOW).total_seconds() == 4.0  # type: ignore[operator]
    events += [*third, ev.StageFailed(job_id=JOB, task=task, attempt=3, error="x", retryable=True)]
    (failed,) = next_events(fold(events))
    assert isinstance(failed, ev.JobFailed)
    assert failed.reason == "voice failed on slide 1 after 3 attempts: x"


def test_bad_input_fails_the_job_at_once_with_its_own_words() -> None:
    task = TaskRef(action=Action.script_deck)
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=JOB, filename="d.pdf", deck_key="k"),
        ev.TaskDispatched(job_id=JOB, task=task),
        ev.StageFailed(job_id=JOB, task=task, error="the file is empty", retryable=False),
    ]
    (failed,) = next_events(fold(events))
    assert isinstance(failed, ev.JobFailed) and failed.reason == "the file is empty"
    assert next_events(fold([*events, failed])) == [], "a failed job gets no more work"


def test_cancellation_ends_the_job() -> None:
    events = [*scripted_deck(2), ev.JobCancelRequested(job_id=JOB)]
    assert [e.type for e in next_events(fold(events))] == ["job.cancelled"]


def test_nothing_is_voiced_until_a_reviewed_script_is_approved() -> None:
    events = with_options(scripted_deck(2), review=True)
    events.append(ev.TaskCompleted(job_id=JOB, task=TaskRef(action=Action.script_deck)))
    assert dispatched(next_events(fold(events))) == []
    events.append(ev.ScriptApproved(job_id=JOB))
    assert dispatched(next_events(fold(events))) == ["voice_slide/1", "voice_slide/2"]


def podcast_job(fmt: str, slides: int = 2) -> list[ev.Event]:
    """A deck scripted to the end (the script task done), asking for `fmt`."""
    events = with_options(scripted_deck(slides), format=fmt)
    events.append(ev.TaskCompleted(job_id=JOB, task=TaskRef(action=Action.script_deck)))
    return events


def turns(count: int) -> ev.PodcastScripted:
    said = [ev.Turn(speaker="host" if n % 2 else "guest", text="Hi.", slide=1)
            for n in range(1, count + 1)]  # fmt: skip
    return ev.PodcastScripted(job_id=JOB, turns=said)


def done(*tasks: TaskRef) -> list[ev.Event]:
    return [e for t in tasks for e in (ev.TaskDispatched(job_id=JOB, task=t),
                                         ev.TaskCompleted(job_id=JOB, task=t))]  # fmt: skip


def test_a_podcast_only_job_scripts_a_dialogue_and_voices_no_slide() -> None:
    events = podcast_job("podcast")
    assert dispatched(next_events(fold(events))) == ["script_podcast"]
    events += [*done(TaskRef(action=Action.script_podcast)), turns(3)]
    fan_out = next_events(fold(events))
    assert dispatched(fan_out) == ["voice_turn/1", "voice_turn/2", "voice_turn/3"]
    events += fan_out
    for n in (1, 2):
        events.append(ev.TaskCompleted(job_id=JOB, task=TaskRef(action=Action.voice_turn, turn=n)))
        events.append(ev.TurnVoiced(job_id=JOB, turn=n, speaker="host", audio_key="a",
                                    duration=1.0, voice="v"))  # fmt: skip
    assert dispatched(next_events(fold(events))) == [], "turn 3 is not voiced yet"
    events.append(ev.TaskCompleted(job_id=JOB, task=TaskRef(action=Action.voice_turn, turn=3)))
    events.append(ev.TurnVoiced(job_id=JOB, turn=3, speaker="host", audio_key="a", duration=1.0,
                                voice="v"))  # fmt: skip
    assert dispatched(next_events(fold(events))) == ["compose_podcast"]
    events += done(TaskRef(action=Action.compose_podcast))
    assert [e.type for e in next_events(fold(events))] == ["job.completed"]


def test_a_job_asking_for_both_completes_only_when_both_exist() -> None:
    events = podcast_job("both", slides=1)
    assert dispatched(next_events(fold(events))) == ["voice_slide/1", "script_podcast"]
    events += done(TaskRef(action=Action.compose_video))
    assert [e.type for e in next_events(fold(events))] != ["job.completed"]
    events += done(TaskRef(action=Action.compose_podcast))
    assert [e.type for e in next_events(fold(events))] == ["job.completed"]


def test_the_dialogue_waits_until_every_slide_is_scripted() -> None:
    events = podcast_job("podcast")[:-1]  # the script task still running
    assert dispatched(next_events(fold(events))) == []


def test_a_failed_turn_is_retried_then_named_in_the_failure() -> None:
    task = TaskRef(action=Action.voice_turn, turn=4)
    events = [*podcast_job("podcast"), ev.TaskDispatched(job_id=JOB, task=task, attempt=3)]
    events.append(ev.StageFailed(job_id=JOB, task=task, attempt=3, error="x", retryable=True))
    (failed,) = next_events(fold(events))
    assert isinstance(failed, ev.JobFailed)
    assert failed.reason == "voice failed on podcast turn 4 after 3 attempts: x"


def test_a_job_past_its_deadline_fails_saying_what_was_still_running() -> None:
    events = [
        *scripted_deck(2),
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.voice_slide, slide=2)),
    ]
    state = fold(events)
    start = state.running_since
    assert start is not None
    assert overdue(state, now=start + timedelta(seconds=599), deadline_s=600) == []
    (failed,) = overdue(state, now=start + timedelta(seconds=601), deadline_s=600)
    assert isinstance(failed, ev.JobFailed)
    assert failed.reason == (
        "the job took longer than its deadline of 10 minutes"
        " (still running: script_deck, voice_slide/2)"
    )


def test_the_deadline_waits_while_the_script_is_reviewed_and_restarts_on_approval() -> None:
    submitted = ev.JobSubmitted(
        job_id=JOB, filename="d.pdf", deck_key="k", options=ev.JobOptions(review=True)
    )
    scripting: list[ev.Event] = [
        submitted,
        ev.TaskDispatched(job_id=JOB, task=TaskRef(action=Action.script_deck)),
    ]
    in_review = fold(scripting)
    later = submitted.ts + timedelta(hours=5)
    assert overdue(in_review, now=later, deadline_s=600) == []
    approved = ev.ScriptApproved(job_id=JOB, ts=later)
    events: list[ev.Event] = [submitted, approved]
    state = fold(events)
    assert overdue(state, now=later + timedelta(seconds=599), deadline_s=600) == []
    assert overdue(state, now=later + timedelta(seconds=601), deadline_s=600)


def test_a_timed_out_task_is_retried_then_fails_the_job_naming_it() -> None:
    voice = TaskRef(action=Action.voice_slide, slide=1)
    events = [*scripted_deck(1), ev.TaskDispatched(job_id=JOB, task=voice)]
    for attempt in (1, 2, 3):
        if attempt > 1:
            events.append(ev.TaskDispatched(job_id=JOB, task=voice, attempt=attempt))
        events.append(
            ev.TaskTimedOut(job_id=JOB, task=voice, attempt=attempt, deadline_s=61, worker="w")
        )
        decisions = next_events(fold(events))
        if attempt < 3:
            assert [d.type for d in decisions] == ["stage.retried", "task.dispatched"]
    (failed,) = decisions
    assert isinstance(failed, ev.JobFailed)
    assert failed.reason == (
        "voice failed on slide 1 after 3 attempts: took longer than its deadline of 61 s"
    )


# --- deciding on what changed ---------------------------------------------------------------


def answers(task: TaskRef, attempt: int, failing: set[str]) -> list[ev.Event]:
    """What the services log for a dispatched task: its results, or a failure the first
    time for the tasks in `failing`."""
    started = ev.TaskStarted(job_id=JOB, task=task, attempt=attempt, worker="w")
    if task.key in failing and attempt == 1:
        return [started, ev.StageFailed(job_id=JOB, task=task, error="x", retryable=True)]
    n = task.slide or 0
    results: list[ev.Event]
    match task.action:
        case Action.script_deck:
            results = [ev.DeckParsed(job_id=JOB, format="pdf", slide_count=4)]
            results += [
                ev.SlideScripted(job_id=JOB, slide=s, narration="Hi.", source=NarrationSource.notes)
                for s in range(1, 5)
            ]
            results += [
                ev.SlideRendered(job_id=JOB, slide=s, image_key="i", width=1, height=1)
                for s in (2, 1, 4, 3)
            ]
        case Action.voice_slide:
            results = [
                ev.JobProgress(job_id=JOB, stage=ev.Stage.voice, message="1 of 1", slide=n),
                ev.SlideVoiced(job_id=JOB, slide=n, audio_key="a", duration=1.0, voice="v"),
            ]
        case Action.avatar_slide:
            results = [ev.AvatarRendered(job_id=JOB, slide=n)]
        case Action.compose_slide:
            results = [ev.SlideComposed(job_id=JOB, slide=n, image_key="i", duration=2)]
        case _:
            results = [
                ev.JobWarning(job_id=JOB, code="c", message="m"),
                ev.VideoComposed(job_id=JOB, video_key="v", srt_key="s", vtt_key="t",
                                 transcript_key="m", duration=8),
            ]  # fmt: skip
    return [started, *results, ev.TaskCompleted(job_id=JOB, task=task, attempt=attempt)]


def played(*, by_change: bool, failing: set[str]) -> list[ev.Event]:
    """A 4-slide presenter job's whole log, the services answering the oldest dispatched
    tasks two at a time and the dispatcher deciding after each batch as the service does:
    on what the events since its last round with nothing to do touched (`by_change`), or
    on the whole job."""
    log = with_options([ev.JobSubmitted(job_id=JOB, filename="d.pdf", deck_key="k")],
                       avatar="local")  # fmt: skip
    state, touched = fold(log), Touched()
    waiting: list[ev.TaskDispatched] = []
    new: list[ev.Event] = list(log)
    while not state.status.terminal:
        touched.add(new)
        decisions = decide(state, now=NOW, max_attempts=3, backoff_s=1.0,
                           touched=touched if by_change else None)  # fmt: skip
        if decisions:
            new = decisions
        else:
            touched = Touched()
            assert waiting, "the job is stuck: nothing dispatched, nothing running"
            new = [e for d in waiting[:2] for e in answers(d.task, d.attempt, failing)]
            del waiting[:2]
        waiting += [e for e in new if isinstance(e, ev.TaskDispatched)]
        log += new
        state = fold(new, state)
    return log


def said(log: list[ev.Event]) -> list[tuple[str, str | None, int | None]]:
    """The log without its ids and times: each event's type, task and slide."""
    tasks = [getattr(e, "task", None) for e in log]
    return [
        (e.type, task.key if task else None, getattr(e, "slide", None))
        for e, task in zip(log, tasks, strict=True)
    ]


def test_deciding_on_what_changed_decides_as_looking_at_everything() -> None:
    """Two voices fail in one batch: both are retried (the second is not forgotten once
    the first's retry is decided), and every slide still moves on to the video."""
    failing = {"voice_slide/1", "voice_slide/2", "compose_slide/4"}  # 1 and 2: one batch
    by_change = played(by_change=True, failing=failing)
    assert said(by_change) == said(played(by_change=False, failing=failing))
    retried = [e.task.key for e in by_change if isinstance(e, ev.StageRetried)]
    assert sorted(retried) == sorted(failing)
    assert isinstance(by_change[-1], ev.JobCompleted)
    assert dispatched(by_change).count("compose_video") == 1


def test_what_events_touch() -> None:
    touched = Touched()
    touched.add([
        ev.SlideVoiced(job_id=JOB, slide=2, audio_key="a", duration=1.0, voice="v"),
        ev.TaskStarted(job_id=JOB, task=TaskRef(action=Action.compose_slide, slide=3), worker="w"),
        ev.TaskCompleted(job_id=JOB, task=TaskRef(action=Action.script_deck)),
        ev.JobProgress(job_id=JOB, stage=ev.Stage.voice, message="m"),
    ])  # fmt: skip
    assert (touched.slides, touched.tasks, touched.job) == (
        {2, 3}, {"compose_slide/3", "script_deck"}, False
    )  # fmt: skip
    touched.add([ev.ScriptApproved(job_id=JOB)])
    assert touched.job, "an event of the whole job has every slide looked at"
