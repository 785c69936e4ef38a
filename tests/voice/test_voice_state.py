"""The job state shows how each slide's captions were timed, as the voice service said."""

from __future__ import annotations

from slidespeaker.common import events as ev
from slidespeaker.common.events import Cue
from slidespeaker.common.fold import fold

JOB = "job-voice-state"


def test_the_state_shows_each_slides_word_timings_and_fallbacks() -> None:
    hello = Cue(text="Hello", start=0.0, end=0.4)
    why = "'Über.': espeak-ng gives no word timings"
    word_timed = ev.SlideVoiced(
        job_id=JOB, slide=1, audio_key="a.wav", duration=0.5, voice="joe", words=[hello],
        cues=[hello], timing="word",
    )  # fmt: skip
    sentence_timed = ev.SlideVoiced(
        job_id=JOB, slide=2, audio_key="b.wav", duration=0.9, voice="de", provider="espeak",
        timing="sentence", fallbacks=[why],
    )  # fmt: skip
    submitted = ev.JobSubmitted(job_id=JOB, filename="talk.pdf", deck_key="d.pdf")
    parsed = ev.DeckParsed(job_id=JOB, format="pdf", slide_count=2)
    events: list[ev.Event] = [submitted, parsed, word_timed, sentence_timed]
    state = fold(events)
    assert (state.slide(1).timing, state.slide(1).words, state.slide(1).fallbacks) == (
        "word", [hello], []
    )  # fmt: skip
    assert (state.slide(2).timing, state.slide(2).words, state.slide(2).fallbacks) == (
        "sentence", [], [why]
    )  # fmt: skip
