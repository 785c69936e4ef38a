"""Text is cleaned where it enters, so no engine is handed what it cannot take; and a failure
that would only repeat itself is not retried."""

from __future__ import annotations

import asyncio
import unicodedata

import pymupdf
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput, is_retryable
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.text_cleaning import clean_text

from .conftest import Stack
from .jobs import home_store, job_events, run_job
from .voice.test_voice_service import a_deck

SMALL = ev.JobOptions(width=320, height=180)


def a_pdf_with_control_characters() -> bytes:
    """A page whose text layer holds a code listing with NUL for its visible spaces (as a
    Beamer listing's does), a vertical tab, an escape and a bell."""
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=300)
    page.insert_text((20, 40), "Code listing", fontname="helv", fontsize=20)
    font = page.get_fonts()[0][4]
    content = page.get_contents()[0]
    listing = rb"(for\000i\000in\000range\(10\):\013\033print\000i\007) Tj"
    stream = doc.xref_stream(content) + b"\nBT /" + font.encode() + b" 12 Tf 20 100 Td " + listing
    doc.update_stream(content, stream + b" ET")
    data: bytes = doc.tobytes()
    assert "\x00" in pymupdf.open("pdf", data)[0].get_text(), "the text layer holds NUL"
    return data


def has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def test_clean_text() -> None:
    assert clean_text("for\x00i\x00in\x0brange\x1b\x07") == "for i in range"
    assert clean_text("Cafe\u0301  \t\nau lait") == "Café au lait", "NFC, one space"
    assert clean_text("half \ud800 pair\ufdd0") == "half pair", "no surrogate, no non-character"
    assert clean_text("👩\u200d💻 and \u200cی") == "👩\u200d💻 and \u200cی", "joiners stay"


async def test_a_pdf_whose_text_holds_nul_renders_and_its_captions_hold_none(
    stack: Stack,
) -> None:
    deck = a_pdf_with_control_characters()
    state = await run_job(stack.url, stack.home, stack.prefix, deck, "listing.pdf", SMALL)
    assert state.status == JobStatus.completed, state.error
    slide = state.slide(1)
    assert slide.narration and "for i in range(10): print i" in slide.narration
    assert not has_control(slide.narration)
    assert slide.cues and not any(has_control(cue.text) for cue in slide.cues)
    assert state.outputs is not None
    for key in (state.outputs.srt_key, state.outputs.vtt_key, state.outputs.transcript_key):
        written = (stack.home / "artifacts" / key).read_text(encoding="utf-8")
        assert "print i" in written and not has_control(written.replace("\n", "")), key


def test_what_would_fail_again_is_not_retried() -> None:
    assert not is_retryable(ValueError("embedded null character"))
    assert not is_retryable(KeyError("slide"))
    assert not is_retryable(BadInput("the file is empty"))
    assert is_retryable(TimeoutError()) and is_retryable(ConnectionError())
    assert is_retryable(RuntimeError("OpenAI TTS is unavailable: 503"))


async def test_an_error_of_our_own_on_the_same_text_fails_at_once(stack: Stack) -> None:
    """A narration with NUL in it (written before text was cleaned, here straight into the
    log) makes Piper raise a ValueError: the job fails on the first attempt, saying why."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        options = SMALL.model_copy(update={"review": True})
        job_id = await submit_job(
            log, home_store(stack.home), deck=a_deck(["A slide."]),
            filename="t.pdf", options=options,
        )  # fmt: skip
        state = fold(await log.read(job_id))
        while state.status != JobStatus.awaiting_review:
            assert not state.status.terminal, state.error
            await asyncio.sleep(0.1)
            state = fold(await log.read(job_id))
        narration = "An old\x00narration."
        await log.append(
            ev.SlideScripted(job_id=job_id, slide=1, narration=narration, source="edited"),
            ev.ScriptApproved(job_id=job_id),
        )
        while not state.status.terminal:
            await asyncio.sleep(0.1)
            state = fold(await log.read(job_id))
    finally:
        await redis.aclose()
    assert state.status == JobStatus.failed
    assert "ValueError: embedded null character" in (state.error or "")
    assert "not retried" in (state.error or "") and "attempts" not in (state.error or "")
    events = await job_events(stack.url, stack.prefix, job_id)
    failures = [e for e in events if isinstance(e, ev.StageFailed)]
    assert len(failures) == 1 and not failures[0].retryable
    assert not any(isinstance(e, ev.StageRetried) for e in events)
