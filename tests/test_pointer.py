"""The slide follows the voice (issue 17): a generated PPTX with a title and four bullets at
known places, and notes about bullets 2 and 4, rendered by the real services. While bullet
2's sentence is spoken its box is marked and no other bullet's is; the same for bullet 4;
bullets 1 and 3 never are. With pointer none the video is today's. The outline narration
of the deck (and of its PDF) points at the title and every bullet in turn; notes about
nothing on the slide point at nothing; spotlight dims all but the block."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches, Pt

from slidespeaker.common import events as ev
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.common.fold import JobState, SlideState
from slidespeaker.composer.pointer import Highlight, Mark, Style, marks
from slidespeaker.composer.video import SlideMedia, compose_video
from slidespeaker.scripter.deck import open_deck
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import link_sentences, page_blocks

from .conftest import Stack
from .jobs import run_job

WIDTH, HEIGHT = 640, 360
SLIDE_W, SLIDE_H = 10.0, 5.625  # inches: 16:9, like the video, so no letter-box
TITLE = "Quarterly review"
BULLETS = [
    "Welcome and agenda for the morning",
    "Revenue grew strongly in the northern region",
    "Hiring plans for the coming year",
    "Costs stayed flat across southern offices",
]
BULLET_TOPS = [1.4, 2.4, 3.4, 4.4]  # inches from the top; each box 0.6 in high
NOTES = (
    "Good morning everyone. "
    "Revenue grew strongly in the northern region, thanks to two new customers. "
    "We will take questions at the end of the session. "
    "Costs stayed flat across our southern offices all year."
)
ENCODING_NOISE = 8  # of 255: the closing frame, encoded after the first, differs by up to 5
CHANGED = 24  # of 255 on some channel: a pixel the mark changed, well above encoding noise


def make_deck(path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    bullets = [(text, 0.8, top, 24) for text, top in zip(BULLETS, BULLET_TOPS, strict=True)]
    boxes = [(TITLE, 0.5, 0.3, 36), *bullets]
    for text, left, top, size in boxes:
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(8.5), Inches(0.6))
        frame.text_frame.text = text
        frame.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
    slide.notes_slide.notes_text_frame.text = NOTES
    deck.save(str(path))
    return path


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_deck(tmp_path_factory.mktemp("pointer") / "review.pptx")


async def rendered(stack: Stack, deck: Path, pointer: str) -> tuple[JobState, Path]:
    options = ev.JobOptions(width=WIDTH, height=HEIGHT, narration="notes", pointer=pointer)
    state = await run_job(stack.url, stack.home, stack.prefix, deck, deck.name, options)
    assert state.status.value == "completed", state.error
    assert state.outputs is not None
    return state, stack.home / "artifacts" / state.outputs.video_key


def bullet_indexes(slide: SlideState) -> list[int]:
    """The blocks that are the bullets, checked to be where the deck put them."""
    indexes = [next(i for i, b in enumerate(slide.blocks) if b.text == text) for text in BULLETS]
    for index, top in zip(indexes, BULLET_TOPS, strict=True):
        x0, y0, x1, y1 = slide.blocks[index].box
        assert 0.8 / SLIDE_W < x0 < x1 < (0.8 + 8.5) / SLIDE_W
        assert top / SLIDE_H < y0 < y1 < (top + 0.6) / SLIDE_H
    return indexes


def frames(video: Path) -> list[tuple[float, np.ndarray[Any, Any]]]:
    with av.open(str(video)) as container:
        return [
            (float(f.time), f.to_ndarray(format="rgb24", src_colorspace="ITU709").astype(int))
            for f in container.decode(video=0)
        ]


def marked_in(frame: np.ndarray[Any, Any], plain: np.ndarray[Any, Any],
              box: tuple[float, float, float, float]) -> int:  # fmt: skip
    """Pixels inside `box` (shares of the frame) that differ clearly from the plain slide."""
    x0, y0, x1, y1 = box
    area = np.s_[round(y0 * HEIGHT) : round(y1 * HEIGHT), round(x0 * WIDTH) : round(x1 * WIDTH)]
    return int((abs(frame[area] - plain[area]).max(axis=2) > CHANGED).sum())


async def test_the_bullet_being_talked_about_is_marked_and_no_other(
    stack: Stack, deck: Path
) -> None:
    state, video = await rendered(stack, deck, "highlight")
    slide = state.slide(1)
    bullets = bullet_indexes(slide)
    assert [link.block for link in slide.links] == [bullets[1], bullets[3]], slide.links
    shown = frames(video)
    plain = shown[0][1]  # the pause before the narration: nothing is said yet
    spans = {link.block: spoken_span(slide, link.sentence, state) for link in slide.links}

    for marked in (bullets[1], bullets[3]):
        start, end = spans[marked]
        during = [f for t, f in shown if start + 0.1 < t < end - 0.1] or [
            frame_at(shown, (start + end) / 2)
        ]
        for frame in during:
            for index in bullets:
                changed = marked_in(frame, plain, slide.blocks[index].box)
                if index == marked:
                    assert changed > 200, f"block {index} is marked while it is talked about"
                else:
                    assert changed == 0, f"block {index} is not marked while {marked} is"
    for _, frame in shown:
        for never in (bullets[0], bullets[2]):
            assert marked_in(frame, plain, slide.blocks[never].box) == 0


async def test_pointer_none_gives_todays_video(stack: Stack, deck: Path) -> None:
    _, video = await rendered(stack, deck, "none")
    shown = frames(video)
    # One frame for the slide, one short closing frame: nothing is drawn in between.
    assert len(shown) == 2
    assert (abs(shown[0][1] - shown[1][1]) <= ENCODING_NOISE).all()


async def test_the_mark_shows_with_a_presenter_too(stack: Stack, deck: Path) -> None:
    """The moving video (the presenter in a corner, every frame encoded): while bullet 2 is
    talked about, its box is marked and bullets 1 and 3 are not (each box's left part, clear
    of the presenter's corner)."""
    options = ev.JobOptions(width=WIDTH, height=HEIGHT, narration="notes", pointer="highlight",
                            avatar="local")  # fmt: skip
    state = await run_job(stack.url, stack.home, stack.prefix, deck, deck.name, options)
    assert state.status.value == "completed", state.error
    assert state.outputs is not None
    slide = state.slide(1)
    bullets = bullet_indexes(slide)
    link = next(link for link in slide.links if link.block == bullets[1])
    start, end = spoken_span(slide, link.sentence, state)
    video = stack.home / "artifacts" / state.outputs.video_key
    plain, *during = frames_at(video, [0.2, *np.linspace(start + 0.2, end - 0.2, 5)])

    def left(index: int) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = slide.blocks[index].box
        return (x0, y0, x0 + (x1 - x0) * 0.6, y1)

    for frame in during:
        assert marked_in(frame, plain, left(bullets[1])) > 200
        assert marked_in(frame, plain, left(bullets[0])) == 0
        assert marked_in(frame, plain, left(bullets[2])) == 0


def frames_at(video: Path, seconds: Any) -> list[np.ndarray[Any, Any]]:
    """The frames shown at these times (in order), decoded without keeping the others."""
    wanted, found = list(seconds), []
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            while wanted and float(frame.time) + 0.04 > wanted[0]:
                found.append(frame.to_ndarray(format="rgb24", src_colorspace="ITU709").astype(int))
                wanted.pop(0)
    return found


def spoken_span(slide: SlideState, sentence: str, state: JobState) -> tuple[float, float]:
    """When `sentence` is spoken on the video's clock: from its first timed word to its last
    (the slide starts the video, after the pause before the narration)."""
    lead = (slide.composed_cues[0].start - slide.cues[0].start) if slide.cues else 0.0
    said = sentence.split()
    texts = [w.text for w in slide.words]
    for at in range(len(texts) - len(said) + 1):
        if texts[at : at + len(said)] == said:
            return slide.words[at].start + lead, slide.words[at + len(said) - 1].end + lead
    raise AssertionError(f"{sentence!r} is not among the spoken words of {state.job_id}")


def frame_at(shown: list[tuple[float, np.ndarray[Any, Any]]], seconds: float) -> Any:
    return [f for t, f in shown if t <= seconds][-1]


@pytest.mark.parametrize("kind", ["pptx", "pdf"])
def test_outline_narration_points_at_the_title_and_every_bullet_in_turn(
    deck: Path, tmp_path: Path, kind: str
) -> None:
    path = deck
    if kind == "pdf":  # the same slide as a PDF deck: LibreOffice's rendering of it
        path = tmp_path / "review.pdf"
        shutil.copy(opened(deck, tmp_path / "pptx").pdf_path, path)
    read = opened(path, tmp_path / kind)
    narration = Narrator(read.slides, ev.JobOptions(narration="outline"), None).narrate(1)
    with open_pdf(read.pdf_path) as document:
        blocks, _ = page_blocks(document, 0, narration.title)
    links = link_sentences(narration.text, blocks)
    assert [blocks[link.block].text for link in links] == [TITLE, *BULLETS], narration.text
    # Each link is a run of the narration's own words, which the composer finds in the voice's.
    assert all(link.sentence.rstrip(".") in narration.text for link in links)


def test_notes_that_mention_nothing_on_the_slide_point_at_nothing(
    deck: Path, tmp_path: Path
) -> None:
    read = opened(deck, tmp_path)
    with open_pdf(read.pdf_path) as document:
        blocks, _ = page_blocks(document, 0, TITLE)
    unrelated = "Thank you all for coming today. Please ask anything you like, at any time."
    assert link_sentences(unrelated, blocks) == []


def test_marks_follow_the_words_and_bridge_short_gaps() -> None:
    """Clauses of one spoken sentence, each about a block: a mark from its first word to its
    last, held over a gap under half a second, not over a longer one."""
    said = "It covers north sales, hiring plans and costs."
    starts = [0.0, 0.3, 0.6, 0.9, 1.5, 1.8, 2.1, 3.0]  # each word lasts 0.2 s
    words = [Cue(text=w, start=t, end=t + 0.2) for w, t in zip(said.split(), starts, strict=True)]
    about = [("north sales", 1), ("hiring plans", 2), ("costs.", 3)]
    links = [ev.PointerLink(sentence=text, block=block) for text, block in about]
    assert marks(links, words, lead=1.0) == [
        Mark(1, 1.6, 2.5),  # held until 'hiring', 0.4 s after 'sales' ends
        Mark(2, 2.5, 3.0),  # not held: 'costs' starts 1 s after 'plans' ends
        Mark(3, 4.0, 4.2),
    ]


def compose_marked(tmp_path: Path, background: tuple[int, int, int], style: Style) -> Path:
    """Two silent 3 s slides of `background`; block BOX of the first marked from 1 s to 2 s
    and, back to back, block OTHER_BOX from 2 s to 2.5 s."""
    picture = tmp_path / "slide.png"
    Image.new("RGB", (WIDTH, HEIGHT), background).save(picture)
    page = (720.0, 405.0)  # 16:9 like the frame: no letter-box
    marked = [[Highlight(BOX, page, 1.0, 2.0), Highlight(OTHER_BOX, page, 2.0, 2.5)], []]
    out = tmp_path / f"{style}.mp4"
    workdir = tmp_path / f"work-{style}"
    workdir.mkdir()
    compose_video(
        [SlideMedia(picture, None, 3.0), SlideMedia(picture, None, 3.0)], out, title="Marks",
        slide_titles=["one", "two"], token=CancelToken(), timeout=60, workdir=workdir,
        highlights=marked, pointer=style,
    )  # fmt: skip
    return out


BOX = (0.25, 0.4, 0.75, 0.5)  # shares of the page
OTHER_BOX = (0.25, 0.7, 0.75, 0.8)


def pixels_of(box: tuple[float, float, float, float], inset: int = 4) -> Any:
    """The pixels well inside `box` (shares of the frame), clear of the band's soft edges."""
    x0, y0, x1, y1 = box
    return np.s_[round(y0 * HEIGHT) + inset : round(y1 * HEIGHT) - inset,
                 round(x0 * WIDTH) + inset : round(x1 * WIDTH) - inset]  # fmt: skip


def test_the_still_video_gets_a_frame_where_a_mark_starts_and_ends_and_none_between(
    tmp_path: Path,
) -> None:
    """The marks are drawn while encoding, each on frames of its own: the video has a frame
    at the slide's start, at each mark's start, where one hands over to the next, at the
    last one's end and at the next slide; the mark shows on exactly its frames."""
    shown = frames(compose_marked(tmp_path, (250, 250, 250), "highlight"))
    times = [round(t, 3) for t, _ in shown]
    assert times[:5] == [0.0, 1.0, 2.0, 2.5, 3.0], times
    assert len(shown) == 6  # and the closing frame
    plain = shown[0][1]
    for (at, frame), band in zip(shown, [None, BOX, OTHER_BOX, None, None, None], strict=True):
        for box in (BOX, OTHER_BOX):
            changed = marked_in(frame, plain, box)
            assert (changed > 1000) if box == band else (changed == 0), (at, box)


@pytest.mark.parametrize("background", [(250, 250, 250), (30, 40, 60)])
def test_the_highlight_is_a_soft_band_on_light_and_dark_slides(
    tmp_path: Path, background: tuple[int, int, int]
) -> None:
    """Inside the band the slide shows through: a third of the band's colour over it, in
    every channel (drawn on 4:2:0 frames the colour came out nearly opaque)."""
    shown = frames(compose_marked(tmp_path, background, "highlight"))
    inside = shown[1][1][pixels_of(BOX)]
    band = np.array([255, 200, 0])
    expected = np.array(background) * 0.65 + band * 0.35
    assert (abs(inside - expected) <= 12).all(), (inside.mean(axis=(0, 1)), expected)
    assert (abs(shown[1][1][pixels_of((0, 0, 1, 0.3))] - np.array(background)) <= 4).all()


def test_spotlight_dims_all_but_the_block(tmp_path: Path) -> None:
    shown = frames(compose_marked(tmp_path, (250, 250, 250), "spotlight"))
    _, during = shown[1]
    assert (abs(during[pixels_of(BOX)] - 250) <= 4).all(), "the block stays as it was"
    assert (during[:100] < 150).all() and (during[-100:] < 150).all(), "the rest is dimmed"
    x0 = round(BOX[0] * WIDTH)
    assert (during[pixels_of(BOX)[0], : x0 - 10] < 150).all(), "left of the block too"
    assert (abs(shown[0][1] - 250) <= 4).all() and (abs(shown[4][1] - 250) <= 4).all()


def test_burned_captions_and_marks_each_get_their_frames(tmp_path: Path) -> None:
    """A caption and a mark on one still slide: a frame where either changes, the caption
    drawn over the band (its black outline inside the band's box)."""
    picture = tmp_path / "slide.png"
    Image.new("RGB", (WIDTH, HEIGHT), (250, 250, 250)).save(picture)
    band = (0.05, 0.8, 0.95, 0.97)
    workdir = tmp_path / "work"
    workdir.mkdir()
    out = tmp_path / "captioned.mp4"
    compose_video(
        [SlideMedia(picture, None, 3.0)], out, title="Marks", slide_titles=["one"],
        token=CancelToken(), timeout=60, workdir=workdir,
        highlights=[[Highlight(band, (720.0, 405.0), 0.5, 2.5)]],
        burn_cues=[Cue(text="A caption over the band", start=1.0, end=2.0)],
    )  # fmt: skip
    shown = frames(out)
    assert [round(t, 2) for t, _ in shown] == [0.0, 0.5, 1.0, 2.0, 2.5, 3.0]
    dark = [int((frame[pixels_of(band)] < 80).all(axis=2).sum()) for _, frame in shown]
    assert dark[2] > 50 and dark[1] == dark[3] == 0, dark  # the caption, only in its time
    assert marked_in(shown[1][1], shown[0][1], band) > 1000  # the band, from 0.5 s


def opened(path: Path, workdir: Path) -> Any:
    workdir.mkdir(exist_ok=True)
    return open_deck(path, workdir, token=CancelToken(), soffice_timeout=120)
