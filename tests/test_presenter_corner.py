"""The presenter stays clear of the cue (issue 17): on a slide whose marked block lies in the
presenter's corner, the presenter stands in the other bottom corner for that slide; on a
slide marked elsewhere it keeps the corner asked for. Rendered by the real services, frames
read from the MP4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from slidespeaker.common import events as ev
from slidespeaker.composer.overlay import PresenterTrack
from slidespeaker.composer.pointer import on_frame

from .conftest import Stack
from .jobs import run_job
from .test_pointer import CHANGED, HEIGHT, WIDTH, frames_at, spoken_span

CORNER_LINE = "Margins widened in the final quarter"
TOP_LINE = "Welcome to the yearly review of our results"
# Each slide: (text, left, top, width in inches, right-aligned?), and notes about one line.
SLIDES = [
    ([(TOP_LINE, 0.5, 0.4, 9.0, False), (CORNER_LINE, 4.5, 4.7, 5.3, True)],
     "Margins widened in the final quarter, as we planned."),
    ([(TOP_LINE, 0.5, 0.4, 9.0, False), ("Hiring plans for the coming year", 0.5, 1.6, 9.0, False)],
     "Hiring plans for the coming year are set out here."),
]  # fmt: skip


def corner_deck(path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(10), Inches(5.625)
    for lines, notes in SLIDES:
        slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
        for text, left, top, width, right in lines:
            box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(0.6))
            paragraph = box.text_frame.paragraphs[0]
            paragraph.text = text
            paragraph.runs[0].font.size = Pt(24)
            if right:
                paragraph.alignment = PP_ALIGN.RIGHT
        slide.notes_slide.notes_text_frame.text = notes
    deck.save(str(path))
    return path


def changed(frame: np.ndarray[Any, Any], plain: np.ndarray[Any, Any],
            box: tuple[float, float, float, float]) -> int:  # fmt: skip
    """Pixels inside `box` (shares of the frame) that differ clearly from the plain slide."""
    x0, y0, x1, y1 = box
    area = np.s_[round(y0 * HEIGHT) : round(y1 * HEIGHT), round(x0 * WIDTH) : round(x1 * WIDTH)]
    return int((abs(frame[area] - plain[area]).max(axis=2) > CHANGED).sum())


async def test_the_presenter_moves_off_the_block_being_marked(stack: Stack, tmp_path: Path) -> None:
    deck = corner_deck(tmp_path / "corner.pptx")
    options = ev.JobOptions(width=WIDTH, height=HEIGHT, narration="notes", pointer="highlight",
                            avatar="local")  # fmt: skip
    state = await run_job(stack.url, stack.home, stack.prefix, deck, deck.name, options)
    assert state.status.value == "completed", state.error
    assert state.outputs is not None
    video = stack.home / "artifacts" / state.outputs.video_key
    track = PresenterTrack([], WIDTH, HEIGHT)
    tiles = {corner: track.tile(corner) for corner in ("bottom-right", "bottom-left")}
    slide_start = 0.0
    for number in (1, 2):
        slide = state.slide(number)
        assert slide.page is not None and slide.composed_image_key is not None
        (link,) = slide.links
        block = on_frame(slide.blocks[link.block].box, slide.page, (WIDTH, HEIGHT))
        start, end = spoken_span(slide, link.sentence, state)
        picture = stack.home / "artifacts" / slide.composed_image_key
        plain = np.asarray(Image.open(picture).convert("RGB")).astype(int)
        times = np.linspace(slide_start + start + 0.2, slide_start + end - 0.2, 3)
        for frame in frames_at(video, times):
            assert changed(frame, plain, block) > 200, f"slide {number}'s block is marked"
            left = changed(frame, plain, tiles["bottom-left"])
            if number == 1:
                assert left > 500, "the presenter stands in the bottom-left corner"
            else:
                assert left == 0, "the presenter keeps the bottom-right corner"
                assert changed(frame, plain, tiles["bottom-right"]) > 500
        slide_start += slide.duration or 0.0


@pytest.mark.parametrize(
    ("marked", "text", "corner"),
    [
        ([], [(0.85, 0.85, 0.95, 0.95)], "bottom-right"),  # nothing marked: as asked
        ([(0.85, 0.85, 0.95, 0.95)], [], "bottom-left"),  # the other bottom corner first
        ([(0.05, 0.8, 0.95, 0.9)], [(0.05, 0.05, 0.5, 0.15)], "top-right"),  # clear of text
        ([(0.0, 0.0, 1.0, 0.1), (0.0, 0.9, 1.0, 1.0)], [], "bottom-right"),  # none clear
    ],
)
def test_the_corner_clear_of_the_marked_blocks(
    marked: list[tuple[float, float, float, float]],
    text: list[tuple[float, float, float, float]],
    corner: str,
) -> None:
    track = PresenterTrack([], 1280, 720, position="bottom-right")
    assert track.corner_clear_of(marked, marked + text) == corner
