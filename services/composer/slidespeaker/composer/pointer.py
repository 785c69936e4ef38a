"""The cue on screen: the block the voice is talking about, marked on the slide's picture.

Each state of a slide (block 2 marked, block 4 marked, ...) is one more still picture, shown
from the first word of the first sentence linked to the block to the last word of the
last; gaps under half a second are bridged so the mark never flickers. The still video
stays a frame per change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw

from slidespeaker.common.events import Cue, PointerLink, TextBlock

Style = Literal["highlight", "spotlight", "none"]  # none: no mark is ever drawn
BRIDGED_S = 0.5  # a shorter gap between marks is bridged: no flicker
# A warm yellow at a third: the text stays readable through it, on white and on dark slides.
BAND = (255, 200, 0, 90)
DIMMED = (0, 0, 0, 140)  # spotlight: the rest of the slide, darkened
PAD = 0.004  # the band's margin round the block, as a share of the picture's height
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Mark:
    """Block `block` marked from `start` to `end` (s, on the slide's own clock)."""

    block: int
    start: float
    end: float


@dataclass(frozen=True)
class MarkedPicture:
    picture: Path
    start: float
    end: float


def marks(links: Sequence[PointerLink], timed: Sequence[Cue], lead: float) -> list[Mark]:
    """When each linked block is talked about: its sentences found among the spoken words
    (`timed`: the voice's words, or its captions where it timed no words; `lead` s of
    silence before them), joined per block where they follow each other."""
    spoken = [(token, w) for cue in timed for token, w in _tokens(cue)]
    found: list[Mark] = []
    cursor = 0
    for link in links:
        wanted = [t for t in map(_normal, link.sentence.split()) if t]
        at = _find(wanted, [t for t, _ in spoken], cursor)
        if at is None:
            continue  # not said as written (an edit, a model's rewording): no mark
        first, last = spoken[at][1], spoken[at + len(wanted) - 1][1]
        cursor = at + len(wanted)
        mark = Mark(link.block, first.start + lead, last.end + lead)
        if found and found[-1].block == mark.block and mark.start - found[-1].end < BRIDGED_S:
            found[-1] = Mark(mark.block, found[-1].start, mark.end)
        else:
            found.append(mark)
    return _bridged(found)


def _bridged(found: list[Mark]) -> list[Mark]:
    """Each mark held until the next one starts when less than BRIDGED_S lies between."""
    held = list(found)
    for index, (mark, after) in enumerate(pairwise(found)):
        if after.start - mark.end < BRIDGED_S:
            held[index] = Mark(mark.block, mark.start, after.start)
    return held


def _tokens(cue: Cue) -> list[tuple[str, Cue]]:
    """A timed word, or a caption's words with its time shared out evenly among them."""
    words = [t for t in map(_normal, cue.text.split()) if t]
    step = (cue.end - cue.start) / max(1, len(words))
    return [
        (word, Cue(text=word, start=cue.start + i * step, end=cue.start + (i + 1) * step))
        for i, word in enumerate(words)
    ]


def _find(wanted: list[str], tokens: list[str], start: int) -> int | None:
    if not wanted:
        return None
    for at in range(start, len(tokens) - len(wanted) + 1):
        if tokens[at : at + len(wanted)] == wanted:
            return at
    return None


def _normal(word: str) -> str:
    return "".join(WORD.findall(word.casefold()))


def draw_marks(
    picture: Path, page: tuple[float, float], blocks: Sequence[TextBlock],
    found: Sequence[Mark], style: Style, out_dir: Path, states: Sequence[MarkedPicture] = (),
) -> list[MarkedPicture]:  # fmt: skip
    """The slide's picture with each marked block drawn, when (one picture per block and
    state, reused by later marks). `page` is the page's width and height, which the picture
    shows letter-boxed; `states` are the slide's build states, each shown instead of
    `picture` in its time, marks drawn over them."""
    spans = [(m.start, m.end) for m in found] + [(s.start, s.end) for s in states]
    edges = sorted({t for span in spans for t in span})
    drawn: dict[tuple[Path, int], Path] = {}
    frames: dict[Path, Image.Image] = {}  # each picture decoded once for all its marks
    pictures: list[MarkedPicture] = []
    for start, end in pairwise(edges):
        middle = (start + end) / 2
        base = shown_at(middle, picture, states)
        mark = next((m for m in found if m.start <= middle < m.end), None)
        if mark is None or not 0 <= mark.block < len(blocks):
            if base != picture:
                pictures.append(MarkedPicture(base, start, end))
            continue
        if (base, mark.block) not in drawn:
            if base not in frames:
                with Image.open(base) as opened:
                    frames[base] = opened.convert("RGB")
            path = out_dir / f"{base.stem}-block{mark.block}.png"
            _draw(frames[base].copy(), page, blocks[mark.block].box, style, path)
            drawn[base, mark.block] = path
        pictures.append(MarkedPicture(drawn[base, mark.block], start, end))
    return _joined(pictures)


def shown_at(seconds: float, picture: Path, states: Sequence[MarkedPicture]) -> Path:
    """What is shown at `seconds`: the timed picture whose time it is, else `picture`."""
    return next((state.picture for state in states if state.start <= seconds < state.end), picture)


def _joined(pictures: list[MarkedPicture]) -> list[MarkedPicture]:
    """Pictures shown back to back as one: a frame less in the video for each."""
    joined: list[MarkedPicture] = []
    for shown in pictures:
        if joined and joined[-1].picture == shown.picture and joined[-1].end == shown.start:
            joined[-1] = MarkedPicture(shown.picture, joined[-1].start, shown.end)
        else:
            joined.append(shown)
    return joined


def _draw(
    frame: Image.Image, page: tuple[float, float], box: tuple[float, float, float, float],
    style: Style, out: Path,
) -> None:  # fmt: skip
    """Write `frame` (changed) with the block at `box` marked."""
    width, height = frame.size
    pad = PAD * height
    x0, y0, x1, y1 = on_frame(box, page, (width, height))
    band = (
        round(x0 * width - pad), round(y0 * height - pad),
        round(x1 * width + pad), round(y1 * height + pad),
    )  # fmt: skip
    # A highlight changes only its band: only that is blended, not the whole frame.
    area = (0, 0, width, height) if style == "spotlight" else _within(band, width, height)
    base = frame.crop(area).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    moved = (band[0] - area[0], band[1] - area[1], band[2] - area[0], band[3] - area[1])
    if style == "highlight":
        draw.rounded_rectangle(moved, radius=pad * 2, fill=BAND)
    else:
        draw.rectangle((0, 0, width, height), fill=DIMMED)
        draw.rounded_rectangle(moved, radius=pad * 2, fill=(0, 0, 0, 0))
    frame.paste(Image.alpha_composite(base, layer).convert("RGB"), area[:2])
    # The least zlib effort: the picture is read once, by the final encode, right after; at
    # the default level saving it took most of a marked picture's CPU time.
    frame.save(out, format="png", compress_level=1)


def on_frame(
    box: tuple[float, float, float, float], page: tuple[float, float], frame: tuple[int, int]
) -> tuple[float, float, float, float]:
    """A block's `box` (shares of the page) as shares of a `frame` (width, height) that shows
    the page letter-boxed, as the scripter's render placed it."""
    width, height = frame
    scale = min(width / page[0], height / page[1])
    left, top = (width - page[0] * scale) / 2, (height - page[1] * scale) / 2
    x0, y0, x1, y1 = box
    return (
        (left + x0 * page[0] * scale) / width, (top + y0 * page[1] * scale) / height,
        (left + x1 * page[0] * scale) / width, (top + y1 * page[1] * scale) / height,
    )  # fmt: skip


def _within(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """`box` cut to the frame (at least a pixel of it)."""
    x0, y0 = min(max(0, box[0]), width - 1), min(max(0, box[1]), height - 1)
    return (x0, y0, min(width, max(x0 + 1, box[2])), min(height, max(y0 + 1, box[3])))
