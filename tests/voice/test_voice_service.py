"""The voice service in the real pipeline: word-timed subtitles, cached audio, clear failures."""

from __future__ import annotations

import io
import shutil

import pptx
import pymupdf
import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.settings import Settings

from ..conftest import Stack
from ..jobs import job_events, run_job
from ..media import srt_times

SMALL = ev.JobOptions(width=320, height=180)
SLIDES = [
    "Quarterly results. Revenue grew 12% in 2024, and the team doubled in size.",
    "Next steps. We hire two engineers, ship the new editor, and visit www.example.com.",
]


def a_deck(texts: list[str]) -> bytes:
    doc = pymupdf.open()
    for text in texts:
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 540, 400), text)
    data: bytes = doc.tobytes()
    return data


async def voiced_events(stack: Stack, job_id: str) -> list[ev.SlideVoiced]:
    events = await job_events(stack.url, stack.prefix, job_id)
    return sorted((e for e in events if isinstance(e, ev.SlideVoiced)), key=lambda e: e.slide)


async def render(stack: Stack, texts: list[str], options: ev.JobOptions = SMALL) -> JobState:
    return await run_job(stack.url, stack.home, stack.prefix, a_deck(texts), "talk.pdf", options)


async def test_subtitles_start_when_their_first_word_is_spoken(stack: Stack) -> None:
    state = await render(stack, SLIDES)
    assert state.status == JobStatus.completed, state.error
    voiced = await voiced_events(stack, state.job_id)
    assert [v.timing for v in voiced] == ["word", "word"], [v.fallbacks for v in voiced]
    assert all(v.provider == "piper" and v.words for v in voiced)

    expected: list[float] = []  # where each caption's first word is spoken, on the video's clock
    slide_start = 0.0
    for v in voiced:
        lead = Settings().pause_before_s
        word_starts = {round(w.start, 3) for w in v.words}
        for cue in v.cues:
            assert round(cue.start, 3) in word_starts, "a caption starts at a word"
            expected.append(slide_start + lead + cue.start)
        slide_start += state.slide(v.slide).duration or 0.0
    assert state.outputs is not None
    shown = srt_times(stack.home / "artifacts" / state.outputs.srt_key)
    assert len(shown) == len(expected)
    for (start, end), spoken in zip(shown, expected, strict=True):
        assert abs(start - spoken) <= 0.05
        assert end - start <= 7.05


async def test_editing_one_slide_revoices_only_that_slide(stack: Stack) -> None:
    texts = ["A sentence only this test speaks, about cached audio.", "And a second slide."]
    first = await render(stack, texts)
    audio = [stack.home / "artifacts" / (first.slide(n).audio_key or "") for n in (1, 2)]
    written = [path.stat().st_mtime_ns for path in audio]
    edited = await render(stack, [texts[0], "And a second slide, edited."])
    faster = await render(stack, texts, SMALL.model_copy(update={"rate": 1.3}))
    assert first.status == edited.status == faster.status == JobStatus.completed
    assert edited.slide(1).audio_key == first.slide(1).audio_key
    assert audio[0].stat().st_mtime_ns == written[0], "the unchanged slide's audio was reused"
    assert edited.slide(2).audio_key != first.slide(2).audio_key, "the edited one was voiced"
    assert audio[1].stat().st_mtime_ns == written[1], "and the old audio left alone"
    assert faster.slide(1).audio_key != first.slide(1).audio_key, "the rate is part of the key"
    assert (faster.slide(1).audio_duration or 0) < (first.slide(1).audio_duration or 0)


async def test_an_unknown_voice_or_provider_fails_the_job_clearly(stack: Stack) -> None:
    no_voice = await render(stack, ["Hello."], SMALL.model_copy(update={"voice": "en_US-nobody"}))
    assert no_voice.status == JobStatus.failed and no_voice.failed_stage == ev.Stage.voice
    assert "no Piper voice 'en_US-nobody'" in (no_voice.error or "")
    assert "attempts" not in (no_voice.error or ""), "bad input is not retried"
    no_provider = await render(stack, ["Hello."], SMALL.model_copy(update={"voice_provider": "x"}))
    assert no_provider.status == JobStatus.failed
    assert "unknown voice provider 'x'" in (no_provider.error or "")


def a_pptx(notes: list[str]) -> bytes:
    presentation = pptx.Presentation()
    for number, text in enumerate(notes, start=1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        assert slide.shapes.title is not None
        slide.shapes.title.text = f"Slide {number}"
        slide.notes_slide.notes_text_frame.text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
async def test_each_slide_is_read_in_its_language_with_the_decks_lexicon(stack: Stack) -> None:
    notes = [
        "Acme reached $1.2M in Q3, up 3.5% since 2024-03-01. Thank you.",
        "ההכנסות גדלו בכל האזורים ברבעון הזה, והעלויות ירדו.",
    ]
    deck = a_pptx(notes)
    with_lexicon = SMALL.model_copy(update={"lexicon": {"Acme": "Ack me"}})
    state = await run_job(stack.url, stack.home, stack.prefix, deck, "talk.pptx", with_lexicon)
    assert state.status == JobStatus.completed, state.error
    english, hebrew = await voiced_events(stack, state.job_id)
    assert (english.provider, english.voice, english.timing) == (
        "piper",
        "en_US-joe-medium",
        "word",
    )
    assert [w.text for w in english.words] == notes[0].split(), "captions show the slide's words"
    assert "$1.2M in Q3, up 3.5%" in " ".join(c.text for c in english.cues)
    assert (hebrew.provider, hebrew.voice) == ("espeak", "he"), "an English voice never reads it"
    assert state.slide(1).timing == "word" and state.slide(2).timing == "sentence"
    assert state.slide(2).fallbacks == ["espeak-ng gives no word timings"]

    plain = await run_job(stack.url, stack.home, stack.prefix, deck, "talk.pptx", SMALL)
    assert plain.status == JobStatus.completed, plain.error
    assert plain.slide(1).audio_key != state.slide(1).audio_key, "the lexicon changed slide 1"
    assert plain.slide(2).audio_key == state.slide(2).audio_key, "and nothing in slide 2"
