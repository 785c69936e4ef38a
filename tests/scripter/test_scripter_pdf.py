"""PDF decks: a title and paragraphs per page; scanned pages are flagged, not narrated."""

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.scripter.deck import Deck, open_deck


def _open(path: Path, workdir: Path) -> Deck:
    return open_deck(path, workdir, token=CancelToken(), soffice_timeout=60)


def test_pdf_is_its_own_page_source(realworld: Path, tmp_path: Path) -> None:
    path = realworld / "moloch_beamer_demo_4x3_33p.pdf"
    deck = _open(path, tmp_path)
    assert deck.format == "pdf"
    assert deck.pdf_path == path
    assert [s.source_slide for s in deck.slides] == list(range(1, 34))
    assert deck.warnings == []
    assert not list(tmp_path.iterdir()), "a PDF needs no conversion"


def test_title_and_bullets(realworld: Path, tmp_path: Path) -> None:
    slide = _open(realworld / "moloch_beamer_demo_4x3_33p.pdf", tmp_path).slides[6]
    assert slide.title == "Moloch Title Formats"
    # Bullets lose their glyph; a sentence wrapped over two lines is one paragraph.
    assert slide.body[1:5] == [
        "regular (Regular)",
        "smallcaps (Small Caps)",
        "allsmallcaps (all small caps)",
        "allcaps (ALL CAPS)",
    ]
    assert slide.body[5].startswith("They can either be set globally for every frame or used")


def test_scanned_pages_are_flagged(realworld: Path, tmp_path: Path) -> None:
    deck = _open(realworld / "docling_scanned_mixed_orientation_4p.pdf", tmp_path)
    assert [s.image_only for s in deck.slides] == [True] * 4
    assert all(s.title == "" and s.body == [] for s in deck.slides)
    assert [(number, code) for number, code, _ in deck.warnings] == [
        (n, "scanned_page") for n in range(1, 5)
    ]


def test_pages_with_text_are_not_scans(realworld: Path, tmp_path: Path) -> None:
    deck = _open(realworld / "dotnetconf2020_xamarin_shell_mostly_image_19p.pdf", tmp_path)
    assert deck.slides[0].title == "focus.dotnetconf.net"
    assert not deck.slides[0].image_only
    assert sum(s.image_only for s in deck.slides) == 17
