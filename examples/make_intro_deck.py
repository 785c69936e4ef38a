"""Builds examples/slidespeaker-intro.pptx, the deck `make demo` renders.

It shows what SlideSpeaker does with each kind of slide: notes are read as written, a
slide without notes is narrated from its own text and table, a slide with nothing to say
is held on screen with a warning, and a hidden slide is skipped.
Run: .venv/bin/python examples/make_intro_deck.py
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.presentation import Presentation as PresentationFile
from pptx.util import Inches

OUT = Path(__file__).with_name("slidespeaker-intro.pptx")


def add_notes(slide, text: str) -> None:  # type: ignore[no-untyped-def]
    slide.notes_slide.notes_text_frame.text = text


def build() -> PresentationFile:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_layout, content_layout, blank_layout = (
        prs.slide_layouts[0],
        prs.slide_layouts[1],
        prs.slide_layouts[6],
    )

    slide = prs.slides.add_slide(title_layout)
    slide.shapes.title.text = "SlideSpeaker"
    slide.placeholders[1].text = "Slide decks into narrated videos"
    add_notes(
        slide,
        "Welcome to SlideSpeaker. Give it a slide deck, and it gives you back a "
        "narrated video, with subtitles and a transcript.",
    )

    slide = prs.slides.add_slide(content_layout)
    slide.shapes.title.text = "How it works"
    body = slide.placeholders[1].text_frame
    body.text = "Each slide is rendered to an image"
    for line in (
        "A script is written for every slide",
        "A voice reads it aloud",
        "Everything is composed into one video",
    ):
        body.add_paragraph().text = line
    add_notes(
        slide,
        "Every stage is its own service. The scripter reads the deck, the voice "
        "service speaks each slide, and the composer puts it all together.",
    )

    slide = prs.slides.add_slide(blank_layout)
    box = slide.shapes.add_textbox(Inches(1), Inches(0.5), Inches(8), Inches(1)).text_frame
    box.text = "What you get"
    table = slide.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(8), Inches(2)).table
    for row, (what, where) in enumerate(
        (
            ("Output", "File"),
            ("The video", "video.mp4"),
            ("Subtitles", "subtitles.srt and subtitles.vtt"),
        )
    ):
        table.cell(row, 0).text, table.cell(row, 1).text = what, where

    slide = prs.slides.add_slide(blank_layout)  # nothing to say: held on screen with a warning
    shape = slide.shapes.add_shape(MSO_SHAPE.OVAL, Inches(3), Inches(1.75), Inches(4), Inches(4))
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(0x2E, 0x86, 0xC1)

    slide = prs.slides.add_slide(content_layout)  # hidden: never shown, never narrated
    slide.shapes.title.text = "Hidden backup slide"
    slide._element.set("show", "0")
    add_notes(slide, "You should never hear this.")

    slide = prs.slides.add_slide(title_layout)
    slide.shapes.title.text = "Thank you"
    slide.placeholders[1].text = "slidespeaker render deck.pptx --out out/"
    add_notes(slide, "That is all it takes. Thank you for watching!")
    return prs


if __name__ == "__main__":
    build().save(str(OUT))
    print(f"wrote {OUT}")
