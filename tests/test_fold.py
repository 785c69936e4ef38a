"""The fold: every event type, idempotent replays, tolerance of newer logs."""

from __future__ import annotations

import json

from slidespeaker.common import events as ev
from slidespeaker.common.events import Action, Cue, NarrationSource, TaskRef
from slidespeaker.common.fold import JobStatus, TaskStatus, fold, handled_types

JOB = "job-1"
VOICE_2 = TaskRef(action=Action.voice_slide, slide=2)
PODCAST = TaskRef(action=Action.script_podcast)
HELLO_BLOCK = ev.TextBlock(text="Hello there", box=(0.1, 0.1, 0.5, 0.2), kind="title")


def a_whole_job() -> list[ev.Event]:
    """One event of every type, in an order a real job could produce them."""
    script = TaskRef(action=Action.script_deck)
    return [
        ev.JobSubmitted(job_id=JOB, filename="talk.pptx", deck_key="jobs/job-1/deck.pptx"),
        ev.TaskDispatched(job_id=JOB, task=script),
        ev.TaskStarted(job_id=JOB, task=script, worker="scripter-1"),
        ev.DeckParsed(job_id=JOB, format="pptx", slide_count=2, source_slides=[1, 3]),
        ev.CostEstimated(job_id=JOB, llm_requests=1, llm_input_tokens=900, cost_usd=0.01),
        ev.SlideScripted(
            job_id=JOB, slide=1, title="Hi", narration="Hello.", source=NarrationSource.notes
        ),
        ev.SlideScripted(job_id=JOB, slide=2, narration="", source=NarrationSource.none),
        ev.JobWarning(job_id=JOB, slide=2, code="no_narration", message="nothing to say"),
        ev.SlideRendered(
            job_id=JOB, slide=1, image_key="s1.png", width=640, height=360, page=(720, 405),
            blocks=[HELLO_BLOCK], links=[ev.PointerLink(sentence="Hello.", block=0)],
        ),
        ev.SlideRendered(job_id=JOB, slide=2, image_key="s2.png", width=640, height=360),
        ev.TaskCompleted(job_id=JOB, task=script),
        ev.TaskDispatched(job_id=JOB, task=VOICE_2),
        ev.TaskStarted(job_id=JOB, task=VOICE_2, worker="voice-1"),
        ev.JobProgress(job_id=JOB, stage=ev.Stage.voice, message="1 of 1 sentences", slide=2),
        ev.StageFailed(job_id=JOB, task=VOICE_2, error="boom", retryable=True),
        ev.StageRetried(job_id=JOB, task=VOICE_2, attempt=2, delay_s=0.2),
        ev.TaskDispatched(job_id=JOB, task=VOICE_2, attempt=2),
        ev.SlideVoiced(
            job_id=JOB, slide=1, audio_key="a1.wav", duration=1.5, voice="joe",
            cues=[Cue(text="Hello.", start=0.0, end=1.5)],
        ),
        ev.SlideVoiced(job_id=JOB, slide=2, audio_key=None, duration=0.0, voice="joe"),
        ev.AvatarRendered(job_id=JOB, slide=1),
        ev.SlideComposed(
            job_id=JOB, slide=1, narration_start=0.4, image_key="s1.png", duration=2.7
        ),
        ev.StageStopped(job_id=JOB, task=VOICE_2, attempt=2, worker="voice-2"),
        ev.VideoComposed(
            job_id=JOB, video_key="v.mp4", srt_key="s.srt", vtt_key="s.vtt",
            transcript_key="t.md", duration=5.7, poster_key="p.jpg",
        ),
        ev.TaskDispatched(job_id=JOB, task=PODCAST),
        ev.PodcastScripted(
            job_id=JOB, source="outline",
            turns=[ev.Turn(speaker="host", text="Welcome.", slide=1),
                   ev.Turn(speaker="guest", text="Hello.", slide=1)],
        ),
        ev.TurnVoiced(
            job_id=JOB, turn=2, speaker="guest", audio_key="t2.wav", duration=0.8, voice="joe",
            cues=[Cue(text="Hello.", start=0.0, end=0.8)],
        ),
        ev.PodcastComposed(
            job_id=JOB, mp3_key="p.mp3", m4a_key="p.m4a", srt_key="p.srt", vtt_key="p.vtt",
            json_key="p.json", duration=3.1,
        ),
        ev.JobCompleted(job_id=JOB),
    ]  # fmt: skip


def test_every_event_type_has_a_fold_function() -> None:
    assert handled_types() == ev.KNOWN_TYPES
    kinds = {e.type for e in a_whole_job()}
    others = {"job.cancel_requested", "job.cancelled", "job.failed", "job.retry_requested"}
    others |= {"task.timed_out"}
    assert kinds | others | {"job.deleted", "script.approved"} == ev.KNOWN_TYPES


def test_a_whole_job_folds_to_what_happened() -> None:
    state = fold(a_whole_job())
    assert state.job_id == JOB
    assert state.status == JobStatus.completed
    assert state.filename == "talk.pptx"
    assert state.slide_count == 2
    assert state.estimate is not None and state.estimate.llm_requests == 1
    assert state.slides[1].source_slide == 1 and state.slides[2].source_slide == 3
    assert state.slides[1].narration == "Hello." and state.slides[1].narration_source == "notes"
    assert state.slides[1].cues[0].end == 1.5
    assert state.slides[1].blocks == [HELLO_BLOCK] and state.slides[1].page == (720, 405)
    assert [link.sentence for link in state.slides[1].links] == ["Hello."]
    assert state.slides[1].avatar_done and state.slides[1].duration == 2.7
    assert state.slides[1].narration_start == 0.4 and state.slides[1].composed_audio_key is None
    assert state.slides[2].audio_key is None and state.slides[2].audio_duration == 0.0
    assert [w.code for w in state.warnings] == ["no_narration"]
    assert state.progress == {"voice": "1 of 1 sentences"}
    assert state.tasks[VOICE_2.key].status == TaskStatus.stopped
    assert state.tasks[VOICE_2.key].attempt == 2
    assert state.tasks["script_deck"].status == TaskStatus.done
    assert state.outputs is not None and state.outputs.duration == 5.7
    assert state.outputs.poster_key == "p.jpg"
    assert [(t.speaker, t.text, t.slide) for t in state.turns] == [
        ("host", "Welcome.", 1), ("guest", "Hello.", 1)
    ]  # fmt: skip
    assert state.turns[0].duration is None and state.turns[1].duration == 0.8
    assert state.turns[1].audio_key == "t2.wav" and state.turns[1].cues[0].end == 0.8
    assert state.podcast is not None and state.podcast.duration == 3.1
    assert state.output_files()["podcast.m4a"] == "p.m4a"
    assert state.output_files()["video.mp4"] == "v.mp4"
    assert state.event_count == len(a_whole_job())


def test_failure_and_cancellation_are_terminal() -> None:
    start = a_whole_job()[:3]
    failed = fold([*start, ev.JobFailed(job_id=JOB, reason="the file is empty")])
    assert failed.status == JobStatus.failed and failed.error == "the file is empty"
    later = fold([ev.JobCompleted(job_id=JOB)], failed)
    assert later.status == JobStatus.failed, "nothing revives a failed job"

    cancelled = fold([*start, ev.JobCancelRequested(job_id=JOB), ev.JobCancelled(job_id=JOB)])
    assert cancelled.cancel_requested and cancelled.status == JobStatus.cancelled


def test_a_retry_keeps_finished_work_and_forgets_the_rest() -> None:
    events = a_whole_job()[:16]  # voice slide 2 failed
    failed = fold([*events, ev.JobFailed(job_id=JOB, reason="voice failed")])
    retried = fold([ev.JobRetryRequested(job_id=JOB)], failed)
    assert retried.status == JobStatus.running and retried.error is None
    assert retried.retries == 1
    assert "script_deck" in retried.tasks, "finished work is kept"
    assert VOICE_2.key not in retried.tasks, "the failed task will be dispatched again"
    assert fold([ev.JobRetryRequested(job_id=JOB)], fold(a_whole_job())).status == "completed"


def test_a_job_under_review_waits_for_approval_of_its_edited_script() -> None:
    events = a_whole_job()[:11]  # scripted, script task done
    submitted = events[0]
    assert isinstance(submitted, ev.JobSubmitted)
    events[0] = submitted.model_copy(update={"options": ev.JobOptions(review=True)})
    waiting = fold(events)
    assert waiting.status == JobStatus.awaiting_review and waiting.needs_review
    edit: ev.Event = ev.SlideScripted(
        job_id=JOB, slide=1, narration="Better.", source=NarrationSource.edited
    )
    approved = fold([edit, ev.ScriptApproved(job_id=JOB)], waiting)
    assert approved.status == JobStatus.running and not approved.needs_review
    assert approved.slides[1].narration == "Better."


def test_a_log_whose_layout_came_with_the_narration_still_folds_it() -> None:
    """Logs from before the layout came with the picture: slide.rendered, then
    slide.scripted with the blocks, the page and the links."""
    link = ev.PointerLink(sentence="Hello.", block=0)
    old: list[ev.Event] = [
        ev.SlideRendered(job_id=JOB, slide=1, image_key="s1.png", width=640, height=360),
        ev.SlideScripted(
            job_id=JOB, slide=1, narration="Hello.", source=NarrationSource.notes,
            blocks=[HELLO_BLOCK], page=(720, 405), links=[link],
        ),
    ]  # fmt: skip
    slide = fold([*a_whole_job()[:4], *old]).slides[1]
    assert (slide.image_key, slide.narration) == ("s1.png", "Hello.")
    assert (slide.blocks, slide.page, slide.links) == ([HELLO_BLOCK], (720, 405), [link])


def test_a_narration_written_again_keeps_the_layout_its_picture_brought() -> None:
    """A retried script_deck writes the narration again before the picture: the layout
    already folded stays until the picture brings it again."""
    rewritten = ev.SlideScripted(
        job_id=JOB, slide=1, title="Hi", narration="Hello.", source=NarrationSource.notes
    )
    slide = fold([rewritten], fold(a_whole_job())).slides[1]
    assert slide.blocks == [HELLO_BLOCK] and slide.page == (720, 405) and slide.links


def test_a_deleted_job_keeps_its_history_but_not_its_outputs() -> None:
    state = fold([*a_whole_job(), ev.JobDeleted(job_id=JOB)])
    assert state.deleted and state.outputs is None and state.status == JobStatus.completed
    assert state.podcast is None and state.output_files() == {}


def test_tasks_record_when_they_started_and_finished() -> None:
    state = fold(a_whole_job())
    script = state.tasks["script_deck"]
    assert script.started_at is not None and script.finished_at is not None
    assert script.started_at <= script.finished_at


def test_status_is_queued_until_a_service_starts_work() -> None:
    events = a_whole_job()
    assert fold(events[:2]).status == JobStatus.queued
    assert fold(events[:3]).status == JobStatus.running


def test_replaying_twice_gives_the_same_state() -> None:
    events = a_whole_job()
    assert fold(events) == fold(events)
    # Every event delivered twice in a row (at-least-once delivery) changes nothing either.
    doubled = [e for event in events for e in (event, event)]
    once, twice = fold(events), fold(doubled)
    assert once.model_dump(exclude={"event_count"}) == twice.model_dump(exclude={"event_count"})


def test_a_stale_report_of_an_older_attempt_is_ignored() -> None:
    events = a_whole_job()[:17]  # voice slide 2 was retried: attempt 2 dispatched
    late = ev.StageFailed(job_id=JOB, task=VOICE_2, attempt=1, error="late", retryable=True)
    state = fold([*events, late])
    assert state.tasks[VOICE_2.key].status == TaskStatus.dispatched
    assert state.tasks[VOICE_2.key].attempt == 2


def test_unknown_future_fields_and_types_do_not_break_the_fold() -> None:
    stored = [json.loads(ev.encode_event(e)) for e in a_whole_job()]
    stored[0]["presenter_mood"] = "cheerful"  # a field a newer version added
    stored.insert(3, {"type": "slide.translated", "job_id": JOB, "slide": 1, "version": 1})
    events = [ev.parse_event(json.dumps(raw)) for raw in stored]
    assert isinstance(events[3], ev.UnknownEvent)
    state = fold(events)
    assert state.status == JobStatus.completed
    assert state.event_count == len(stored)


def test_a_slide_composed_by_version_1_keeps_its_stored_padded_narration() -> None:
    # As version 1 wrote it: the narration padded with its pauses, stored as a WAV.
    old = {"type": "slide.composed", "version": 1, "job_id": JOB, "slide": 1,
           "audio_key": "jobs/job-1/compose/slide-001.wav", "image_key": "s1.png",
           "duration": 2.7}  # fmt: skip
    state = fold([*a_whole_job()[:5], ev.parse_event(json.dumps(old))])
    slide = state.slides[1]
    assert slide.composed_audio_key == "jobs/job-1/compose/slide-001.wav"
    assert (slide.narration_start, slide.duration) == (0.0, 2.7)


def test_events_round_trip_with_type_version_id_and_utc_time() -> None:
    for event in a_whole_job():
        raw = json.loads(ev.encode_event(event))
        assert raw["type"] == event.type and raw["version"] == event.version >= 1
        assert raw["ts"].endswith("Z"), "RFC 3339 in UTC"
        assert ev.parse_event(json.dumps(raw)) == event
