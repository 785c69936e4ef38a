"""Narration: the speaker notes, else the slide's own text as sentences, else nothing."""

from __future__ import annotations

from slidespeaker.common.events import NarrationSource, SlideScripted, parse_event
from slidespeaker.scripter.deck import SlideContent, narration_for


def _slide(
    title: str = "",
    body: list[str] | None = None,
    notes: str = "",
    pictures: list[str] | None = None,
) -> SlideContent:
    return SlideContent(
        source_slide=1,
        title=title,
        body=body or [],
        notes=notes,
        pictures=pictures or [],
        has_media=False,
        image_only=False,
    )


def test_notes_win() -> None:
    slide = _slide(
        "Agenda", ["One", "Two"], notes="  Welcome, everyone.\nToday we cover two things. "
    )
    assert narration_for(slide) == (
        "Agenda",
        "Welcome, everyone.\nToday we cover two things.",
        NarrationSource.notes,
    )


def test_composed_from_title_and_body() -> None:
    slide = _slide("Next Steps", ["Finalize pricing", "Launch now!", "Hire SEs?", "Plan:"])
    assert narration_for(slide) == (
        "Next Steps",
        "Next Steps. Finalize pricing. Launch now! Hire SEs? Plan:",
        NarrationSource.outline,
    )


def test_numbers_and_symbols_are_not_said() -> None:
    slide = _slide("Results", ["12", "3 / 22", "•", "0, 1670, 225", "Revenue grew 18%"])
    assert narration_for(slide)[1] == "Results. Revenue grew 18%."


def test_notes_without_words_fall_back_to_the_slide() -> None:
    assert narration_for(_slide("Results", notes="12"))[1:] == (
        "Results.",
        NarrationSource.outline,
    )


def test_chinese_lines_end_with_a_wide_full_stop() -> None:
    assert narration_for(_slide("倾听不同观点", ["Hello"]))[1] == "倾听不同观点。 Hello."


def test_nothing_to_say() -> None:
    assert narration_for(_slide()) == ("", "", NarrationSource.none)
    assert narration_for(_slide(pictures=["a cat on a sofa"])) == ("", "", NarrationSource.none)
    assert narration_for(_slide(body=["4"])) == ("", "", NarrationSource.none)


def test_old_logs_name_the_outline_slide_text() -> None:
    old = {"type": "slide.scripted", "job_id": "j", "slide": 1, "narration": "Hi."}
    event = parse_event({**old, "source": "slide_text"})
    assert isinstance(event, SlideScripted) and event.source == NarrationSource.outline
