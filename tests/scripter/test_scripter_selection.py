"""`--slides 3-7,9`: only those of the deck's own slides (or PDF pages) are read and shown,
each still named by its number in the deck."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.common.slide_selection import parse_slides
from slidespeaker.scripter.deck import Deck, open_deck
from slidespeaker.scripter.script import script_deck

VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"  # slide 9 of 10 is hidden
BEAMER = "moloch_beamer_demo_4x3_33p.pdf"


def _open(path: Path, workdir: Path, slides: str) -> Deck:
    return open_deck(path, workdir, token=CancelToken(), soffice_timeout=120, slides=slides)


@pytest.mark.parametrize(
    ("written", "normal"),
    [("3-7,9", "3-7,9"), (" 9 , 3 - 7 ", "3-7,9"), ("5,4,3", "3-5"), ("2-6,4-8,12", "2-8,12")],
)
def test_a_selection_is_kept_in_its_normal_form(written: str, normal: str) -> None:
    assert JobOptions(slides=written).slides == normal


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("7-3", "runs backwards: write 3-7"),
        ("0-2", "numbered from 1"),
        ("3-", "not a slide number or range"),
        ("three", "not a slide number or range"),
        ("1;2", "not a slide number or range"),
        ("", "not a slide number or range"),
    ],
)
def test_a_malformed_selection_is_refused_saying_why(written: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        JobOptions(slides=written)


def test_old_logs_without_a_selection_render_every_slide() -> None:
    assert JobOptions.model_validate({"narration": "auto"}).slides is None
    assert not parse_slides("3-7").includes(8)


def test_selected_slides_keep_their_numbers_and_pictures(realworld: Path, tmp_path: Path) -> None:
    deck = _open(realworld / VARIOUS, tmp_path, "2-3,8-10")  # 9 is hidden: left out
    assert [s.source_slide for s in deck.slides] == [2, 3, 8, 10]
    with pymupdf.open(deck.pdf_path) as pdf:
        assert pdf.page_count == 4
        assert "Slide2Header" in pdf[0].get_text()  # page i shows selected slide i
        assert "SLIDE3ChartTitle" in pdf[1].get_text()


def test_a_warning_names_the_page_by_its_number_in_the_deck(
    realworld: Path, tmp_path: Path
) -> None:
    deck = _open(realworld / "docling_scanned_mixed_orientation_4p.pdf", tmp_path, "3-4")
    assert [(number, code) for number, code, _ in deck.warnings] == [
        (1, "scanned_page"),
        (2, "scanned_page"),
    ]
    assert [message.split(" is ")[0] for _, _, message in deck.warnings] == ["page 3", "page 4"]


def test_selected_pdf_pages_are_the_pages_asked_for(realworld: Path, tmp_path: Path) -> None:
    deck = _open(realworld / BEAMER, tmp_path, "31-33")
    assert [s.source_slide for s in deck.slides] == [31, 32, 33]
    with pymupdf.open(realworld / BEAMER) as original, pymupdf.open(deck.pdf_path) as chosen:
        assert chosen.page_count == 3
        assert [page.get_text() for page in chosen] == [
            original[n].get_text() for n in (30, 31, 32)
        ]


@pytest.mark.parametrize(
    ("deck", "slides", "message"),
    [
        (VARIOUS, "3-12", "the deck has 10 slides, so there is no slide 12"),
        (BEAMER, "30,34", "the deck has 33 pages, so there is no page 34"),
        (VARIOUS, "9", "slides 9 are all hidden"),
    ],
)
def test_slides_the_deck_cannot_show_fail_before_any_conversion(
    realworld: Path, tmp_path: Path, deck: str, slides: str, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        _open(realworld / deck, tmp_path, slides)
    assert not list(tmp_path.iterdir()), "nothing is converted"


def test_the_script_of_a_selection_says_which_deck_slide_each_line_is(realworld: Path) -> None:
    lines = script_deck(realworld / VARIOUS, JobOptions(slides="8-10"))
    assert [(line.index, line.source_slide) for line in lines] == [(1, 8), (2, 10)]
