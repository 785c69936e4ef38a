"""Slide builds (issue 17): a generated PPTX whose bullets enter one click at a time, with
notes about each bullet in turn, rendered by the real services. Each bullet is absent from
every frame before the narration reaches it and present in every frame after; a slide
whose animations cannot be shown as still pictures (an emphasis) is shown complete all
along, with a warning. Frames are read from the real video."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.util import Inches, Pt

from slidespeaker.common import events as ev
from slidespeaker.common.events import Build
from slidespeaker.common.fold import JobState, SlideState
from slidespeaker.composer.builds import reveal_times
from slidespeaker.composer.pointer import Mark
from slidespeaker.scripter.powerpoint.animations import Target
from slidespeaker.scripter.powerpoint.build_states import read_builds

from .animated_decks import PULSE, Step, add_builds
from .conftest import Stack
from .jobs import run_job
from .test_pointer import frames, spoken_span

WIDTH, HEIGHT = 640, 360
TITLE = "Harvest report"
BULLETS = [
    "Apples ripened early this autumn",
    "Pears suffered from the late frost",
    "Plums gave a record crop",
    "Cherries were sold at the market",
]
NOTES = (
    "Let us look at the harvest. "
    "Apples ripened early this autumn, three weeks ahead. "
    "Pears suffered from the late frost in April. "
    "Plums gave a record crop on every tree. "
    "Finally, cherries were sold at the market in town."
)
INK = 96  # of 255 below white on some channel: a pixel of text, not of the background
FRAME_S = 0.05  # how far a frame's time may sit from the moment it shows


def make_deck(path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(10), Inches(5.625)  # 16:9, like the video
    for effect in (None, PULSE):
        slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
        title = slide.shapes.add_textbox(Inches(0.5), Inches(0.3), Inches(9), Inches(0.8))
        title.text_frame.text = TITLE
        title.text_frame.paragraphs[0].runs[0].font.size = Pt(36)
        body = slide.shapes.add_textbox(Inches(0.8), Inches(1.4), Inches(8.5), Inches(3.8))
        body.text_frame.text = BULLETS[0]
        for text in BULLETS[1:]:
            body.text_frame.add_paragraph().text = text
        for paragraph in body.text_frame.paragraphs:
            paragraph.runs[0].font.size = Pt(24)
            paragraph.space_after = Pt(18)
        steps: list[Step] = [[(body.shape_id, (i, i))] for i in range(len(BULLETS))]
        if effect is None:
            add_builds(slide, steps)
        else:
            add_builds(slide, steps, effect)
        slide.notes_slide.notes_text_frame.text = NOTES
    deck.save(str(path))
    return path


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_deck(tmp_path_factory.mktemp("builds") / "harvest.pptx")


@pytest.fixture(scope="module")
def rendered(stack: Stack, deck: Path) -> tuple[JobState, Path]:
    """The deck rendered once for the module's tests, without a pointer (frames show only
    what the slide shows)."""
    options = ev.JobOptions(width=WIDTH, height=HEIGHT, narration="notes", pointer="none")
    state = asyncio.run(run_job(stack.url, stack.home, stack.prefix, deck, deck.name, options))
    assert state.status.value == "completed", state.error
    assert state.outputs is not None
    return state, stack.home / "artifacts" / state.outputs.video_key


def bullet_blocks(slide: SlideState) -> list[int]:
    return [next(i for i, b in enumerate(slide.blocks) if b.text == text) for text in BULLETS]


def inked(frame: np.ndarray[Any, Any], box: tuple[float, float, float, float]) -> bool:
    """Whether text shows inside `box` (shares of the frame)."""
    x0, y0, x1, y1 = box
    area = frame[round(y0 * HEIGHT) : round(y1 * HEIGHT), round(x0 * WIDTH) : round(x1 * WIDTH)]
    return bool((area.min(axis=2) < 255 - INK).sum() > 20)


def test_each_bullet_enters_when_the_narration_reaches_it(
    rendered: tuple[JobState, Path],
) -> None:
    state, video = rendered
    slide = state.slide(1)
    bullets = bullet_blocks(slide)
    # Each click's picture is the slide before it; each click reveals its own bullet only.
    assert [build.blocks for build in slide.builds] == [[b] for b in bullets]
    linked = {link.block: link.sentence for link in slide.links}
    assert set(bullets) <= set(linked), slide.links
    shown = [(t, f) for t, f in frames(video) if t < (slide.duration or 0) - FRAME_S]
    title = next(b for b in slide.blocks if b.text == TITLE)
    assert inked(shown[0][1], title.box), "the title shows from the start"
    for bullet in bullets:
        said_from, _ = spoken_span(slide, linked[bullet], state)
        box = slide.blocks[bullet].box
        before = [t for t, f in shown if t < said_from - FRAME_S and inked(f, box)]
        after = [t for t, f in shown if t > said_from + FRAME_S and not inked(f, box)]
        assert not before, f"bullet {bullet} shows at {before} before it is said at {said_from}"
        assert not after, f"bullet {bullet} is missing at {after} after it is said at {said_from}"
        assert any(t >= said_from - FRAME_S and inked(f, box) for t, f in shown)


def test_builds_that_cannot_be_still_pictures_show_the_slide_complete(
    rendered: tuple[JobState, Path],
) -> None:
    state, video = rendered
    first, second = state.slide(1), state.slide(2)
    assert second.builds == []
    assert [w.code for w in state.warnings if w.slide == 2] == ["builds"]
    start = first.duration or 0
    end = start + (second.duration or 0)
    shown = [f for t, f in frames(video) if start - FRAME_S < t < end - FRAME_S]
    assert shown
    for frame in shown:
        for bullet in bullet_blocks(second):
            assert inked(frame, second.blocks[bullet].box)


def test_unlinked_steps_are_spread_between_their_neighbours() -> None:
    builds = [Build(image_key=f"k{i}", blocks=[i]) for i in range(5)]
    # Blocks 1 and 3 are said at 4 s and 10 s (3 again later); 0, 2 and 4 never.
    found = [Mark(1, 4.0, 5.0), Mark(3, 10.0, 11.0), Mark(3, 12.0, 13.0)]
    assert reveal_times(builds, found, (1.0, 16.0)) == [1.0, 4.0, 7.0, 10.0, 13.0]
    # Said out of order: a step is never revealed before an earlier one.
    assert reveal_times(builds[:2], [Mark(1, 2.0, 3.0), Mark(0, 6.0, 7.0)], (1, 9)) == [6.0, 6.0]
    # Nothing said about any: evenly from the start of the speech.
    assert reveal_times(builds[:4], [], (0.5, 8.5)) == [0.5, 2.5, 4.5, 6.5]


def test_a_connector_naming_an_animated_shape_does_not_hide_it(tmp_path: Path) -> None:
    """A connector's ends carry the ids of the shapes they join, as the animation names its
    target: the target is the shape itself, found and built."""
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, 0, 0, Inches(1), Inches(1))
    box = slide.shapes.add_textbox(Inches(2), Inches(2), Inches(4), Inches(1))
    box.text_frame.text = BULLETS[0]
    line.begin_connect(box, 0)  # the connector (written first) names the box's id
    add_builds(slide, [[(box.shape_id, None)]])
    deck.save(str(tmp_path / "joined.pptx"))
    builds = read_builds(tmp_path / "joined.pptx", [1])
    assert builds[1].steps == [[Target(box.shape_id)]] and builds[1].unshowable is None
