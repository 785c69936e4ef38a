"""Bad decks end in a failed job with a reason a person understands, in seconds; the
services keep running and the next job succeeds."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.fold import JobStatus

from .conftest import PIPELINE, Stack
from .jobs import run_job

CORPUS_CASES = [
    ("poi_divino_revelado_corrupt_zip.pptx", "damaged"),
    ("poi_clusterfuzz_5463_bad_zip_directory.pptx", "damaged"),
    ("tika_encrypted_pptx_password_tika.pptx", "password-protected"),
    ("docling_pdf_password_1234_1p.pdf", "password-protected"),
    ("shapecrawler_zero_slides.pptx", "no visible slides"),
    ("shapecrawler_038_russian_notes_1s.pptx", "no visible slides"),
]
MADE_CASES = [
    ("empty.pptx", b"", "empty"),
    ("notes.pdf", b"just some text, not a deck\n" * 10, "not a PDF or PowerPoint"),
    ("fake.pptx", b"PK\x03\x04" + b"\x00" * 200, "damaged"),
]
FAST_FAILURE_S = 30


@pytest.mark.parametrize(("name", "reason"), CORPUS_CASES)
async def test_a_bad_real_world_deck_fails_clearly(
    stack: Stack, realworld: Path, name: str, reason: str
) -> None:
    state = await run_job(
        stack.url, stack.home, stack.prefix, realworld / name, name, timeout=FAST_FAILURE_S
    )
    assert state.status == JobStatus.failed
    assert state.error is not None and reason in state.error
    assert all(stack.alive(service) for service in PIPELINE)


@pytest.mark.parametrize(("name", "data", "reason"), MADE_CASES)
async def test_a_file_that_is_no_deck_fails_clearly(
    stack: Stack, name: str, data: bytes, reason: str
) -> None:
    state = await run_job(stack.url, stack.home, stack.prefix, data, name, timeout=FAST_FAILURE_S)
    assert state.status == JobStatus.failed
    assert state.error is not None and reason in state.error
    assert all(stack.alive(service) for service in PIPELINE)


async def test_after_bad_decks_the_next_job_succeeds(stack: Stack, realworld: Path) -> None:
    await run_job(stack.url, stack.home, stack.prefix, b"", "empty.pdf", timeout=FAST_FAILURE_S)
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Still here. The services kept running.")
    state = await run_job(stack.url, stack.home, stack.prefix, doc.tobytes(), "ok.pdf")
    assert state.status == JobStatus.completed, state.error
    assert state.slide_count == 1
