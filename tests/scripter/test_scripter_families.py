"""The tricky families of real decks, each from file to script (or to a clear failure)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions, NarrationSource
from slidespeaker.scripter.deck import open_deck
from slidespeaker.scripter.powerpoint.reader import read_pptx
from slidespeaker.scripter.script import script_deck

JAPANESE = "poi_with_japanese_1s_table.pptx"
PRESENTATION_TYPE = b"presentationml.presentation.main+xml"
SLIDESHOW_TYPE = b"presentationml.slideshow.main+xml"


def _as_slideshow(deck: Path, out: Path) -> Path:
    """The deck, still named .pptx, with its main part declaring the slideshow type."""
    with zipfile.ZipFile(deck) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                assert PRESENTATION_TYPE in data
                data = data.replace(PRESENTATION_TYPE, SLIDESHOW_TYPE)
            target.writestr(entry, data)
    return out


def test_a_pptx_that_declares_itself_a_slideshow(realworld: Path, tmp_path: Path) -> None:
    deck = _as_slideshow(realworld / JAPANESE, tmp_path / "talk.pptx")
    opened = open_deck(deck, tmp_path / "work", token=CancelToken(), soffice_timeout=120)
    original, _, _ = read_pptx(realworld / JAPANESE, "pptx")
    assert opened.format == "ppsx"
    assert [(s.title, s.body) for s in opened.slides] == [(s.title, s.body) for s in original]
    with pymupdf.open(opened.pdf_path) as pdf:
        assert pdf.page_count == len(original)


def test_smartart_only_slide_is_narrated_from_the_diagram(realworld: Path) -> None:
    name = "tika_various2_10s_notes_chart_smartart_table.pptx"
    script = script_deck(realworld / name, JobOptions(narration="outline"))
    smartart = next(line for line in script if line.source_slide == 4)
    assert smartart.source == NarrationSource.outline
    assert "SmartList1 and SmartList2" in smartart.narration


def test_charts_are_narrated_by_title_and_series(realworld: Path) -> None:
    script = script_deck(realworld / "poi_aascu_birth_to_career_34s_charts.pptx", JobOptions())
    enrolment = script[8].narration
    assert "A line chart shows Total Enrollment (Millions) from 1995 to" in enrolment
    assert "2010 is highest, at 21.3, and 1995 lowest, at 14.2." in enrolment


@pytest.mark.parametrize(
    "name",
    ["c9python_splitting_data_9s_tables.pptx", "dotnetconf2019_async_streams_29s_notes_table.pptx"],
)
def test_code_and_tables_are_said_as_a_person_would(realworld: Path, name: str) -> None:
    script = script_deck(realworld / name, JobOptions(narration="outline"))
    said = " ".join(line.narration for line in script)
    assert "The slide shows code" in said
    for defect in ("delays_df", "[:,", "= and", ");", "{ get", "For 0,"):
        assert defect not in said, f"read symbol by symbol: {defect!r}"
    doubled = re.search(r"\b(\w+)\s+\1\b", said, re.IGNORECASE)
    assert doubled is None, f"a doubled word: {doubled[0] if doubled else ''}"
    assert "about This" not in said and "for Now" not in said, "a transition stitched to a clause"


def test_hebrew_deck_is_narrated_in_hebrew_only(realworld: Path) -> None:
    script = script_deck(
        realworld / "poi_stress021_hebrew_rtl_41s_charts_smartart.pptx", JobOptions()
    )
    assert len(script) == 41
    assert all(line.source == NarrationSource.outline for line in script if line.narration)
    second = script[1]
    assert second.narration.startswith("מבנה בחינת הבגרות במעבדה. מבנה הבחינה.")  # logical order
    latin = [ch for line in script for ch in line.narration if "a" <= ch.lower() <= "z"]
    every = sum(len(line.narration) for line in script)
    assert len(latin) < every * 0.02, "no English transitions or glue words"
    assert not any(w in line.narration for line in script for w in ("Next,", "Turning to"))


def test_scanned_pdf_gets_no_invented_narration(realworld: Path) -> None:
    script = script_deck(realworld / "docling_scanned_mixed_orientation_4p.pdf", JobOptions())
    assert [line.source for line in script] == [NarrationSource.none] * 4
    assert all("scan" in line.warnings[0] and "silence" in line.warnings[1] for line in script)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tika_encrypted_pptx_password_tika.pptx", "password-protected"),
        ("docling_pdf_password_1234_1p.pdf", "password-protected"),
        ("shapecrawler_zero_slides.pptx", "no visible slides"),
    ],
)
def test_unusable_decks_fail_the_script_clearly(realworld: Path, name: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        script_deck(realworld / name, JobOptions())
