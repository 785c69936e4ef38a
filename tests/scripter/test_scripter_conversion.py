"""The LibreOffice conversion stops on cancel or timeout and leaves nothing half-made."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.process import ChildTimeout
from slidespeaker.scripter.deck import open_deck, render_slide

DECK = "poi_with_japanese_1s_table.pptx"


def test_cancel_stops_soffice_within_a_second(realworld: Path, tmp_path: Path) -> None:
    token = CancelToken()
    started = threading.Event()

    def convert() -> None:
        started.set()
        open_deck(realworld / DECK, tmp_path, token=token, soffice_timeout=60)

    with ThreadPoolExecutor(max_workers=1) as pool:
        conversion = pool.submit(convert)
        started.wait()
        time.sleep(0.5)  # soffice is running by now (it takes over a second)
        cancelled_at = time.monotonic()
        token.cancel()
        with pytest.raises(JobCancelled):
            conversion.result(timeout=10)
        assert time.monotonic() - cancelled_at < 1.0
    assert not list(tmp_path.iterdir()), "partial files are removed"


def test_timeout_stops_soffice(realworld: Path, tmp_path: Path) -> None:
    with pytest.raises(ChildTimeout):
        open_deck(realworld / DECK, tmp_path, token=CancelToken(), soffice_timeout=0.3)
    assert not list(tmp_path.iterdir()), "partial files are removed"


def test_huge_slide_converts_and_renders(realworld: Path, tmp_path: Path) -> None:
    deck_path = realworld / "poi_bug65228_huge_slide_size_german_1s.pptx"
    deck = open_deck(deck_path, tmp_path, token=CancelToken(), soffice_timeout=60)
    out = tmp_path / "slide.png"
    with pymupdf.open(deck.pdf_path) as document:
        render_slide(document, 0, 1920, 1080, out)
    image = pymupdf.Pixmap(str(out))
    assert (image.width, image.height) == (1920, 1080)


def test_concurrent_conversions_each_get_their_pdf(realworld: Path, tmp_path: Path) -> None:
    # Two soffice runs sharing a profile silently lose one output; each run has its own.
    decks = ["tika_various2_10s_notes_chart_smartart_table.pptx", DECK]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(
            lambda name: open_deck(
                realworld / name, tmp_path / name, token=CancelToken(), soffice_timeout=60
            ),
            decks,
        )
        assert [len(deck.slides) for deck in results] == [9, 1]
