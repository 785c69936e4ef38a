"""The cue on screen: the block the voice is talking about, marked on the slide.

The mark is drawn by ffmpeg while it encodes (drawbox filters, told by a sendcmd list where
the band goes and when it shows), not as one more picture per marked state: a marked
picture drawn, saved as a PNG and decoded again cost about 75 ms of CPU at 1080p, where x264
spends about 20 on the frame. The still video stays a frame per change: a frame where a mark
appears or leaves, and none between. A mark shows from the first word of the first sentence
linked to its block to the last word of the last; gaps under half a second are bridged so it
never flickers. The filter graph is the same whatever the deck's length: only the list of
commands grows, a line per mark.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

from slidespeaker.common.events import Cue, PointerLink, TextBlock

Style = Literal["highlight", "spotlight", "none"]  # none: no mark is ever drawn
BRIDGED_S = 0.5  # a shorter gap between marks is bridged: no flicker
# A warm yellow at a third: the text stays readable through it, on white and on dark slides.
BAND = "0xFFC800@0.35"
DIMMED = "black@0.55"  # spotlight: the rest of the slide, darkened
PAD = 0.004  # the band's margin round the block, as a share of the picture's height
WORD = re.compile(r"\w+")
# drawbox blends a chroma sample once for each pixel over it: four times on 4:2:0 frames,
# which made the band's colour nearly opaque. Marks are drawn on 4:4:4 frames (the slide's
# picture turned straight into them) and those made 4:2:0 after.
TO_MARKED = "scale=out_color_matrix=bt709:out_range=tv,format=yuv444p"
COMMANDS_FILE = "marks.cmd"  # in ffmpeg's working directory: no path to escape in the graph
# A mark's commands take effect this long before its time: a frame's time, counted in audio
# samples, can fall a few microseconds before the time it was asked for.
EARLY_S = 0.0005
# The spotlight's dimmed sides round the band: above, below, left and right of it.
SIDES = ("above", "below", "left", "right")

Box = tuple[int, int, int, int]  # x, y, width, height in pixels


@dataclass(frozen=True)
class Mark:
    """Block `block` marked from `start` to `end` (s, on the slide's own clock)."""

    block: int
    start: float
    end: float


@dataclass(frozen=True)
class TimedPicture:
    """`picture` shown instead of the slide's own from `start` to `end` (a build state)."""

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


@dataclass(frozen=True)
class Highlight:
    """Block `box` (shares of the page, whose size is `page`) marked from `start` to `end`
    (s, on the slide's clock, or the video's or a segment's once moved there)."""

    box: tuple[float, float, float, float]
    page: tuple[float, float]
    start: float
    end: float


def highlights(
    found: Sequence[Mark], blocks: Sequence[TextBlock], page: tuple[float, float]
) -> list[Highlight]:
    """The marks whose block is on the slide, each with where that block is."""
    return [
        Highlight(blocks[m.block].box, page, m.start, m.end)
        for m in found
        if 0 <= m.block < len(blocks)
    ]


def drawing(style: Style) -> str:
    """The filters that draw the marks on frames made by TO_MARKED and put out yuv420p:
    sendcmd reads COMMANDS_FILE (see `commands`) and moves and shows the boxes, which start
    hidden."""
    if style == "spotlight":
        boxes = [f"drawbox@{side}=enable=0:color={DIMMED}:thickness=fill" for side in SIDES]
    else:
        boxes = [f"drawbox@band=enable=0:color={BAND}:thickness=fill"]
    return ",".join([f"sendcmd=filename={COMMANDS_FILE}", *boxes, "format=yuv420p"])


def commands(shown: Sequence[Highlight], style: Style, frame: tuple[int, int]) -> str:
    """sendcmd's list for `drawing(style)` on frames of `frame` (width, height): each
    highlight's boxes placed and shown when it starts, hidden when it ends (a later one's
    commands run after an earlier one's, so back-to-back marks hand over on one frame)."""
    lines = []
    for highlight in shown:
        boxes = _boxes(_band(highlight, frame), style, frame)
        placed = [
            f"drawbox@{name} {option} {value}"
            for name, box in boxes.items()
            for option, value in zip(("x", "y", "w", "h"), box, strict=True)
        ]
        shows = [f"drawbox@{name} enable 1" for name in boxes]
        hides = [f"[leave] drawbox@{name} enable 0" for name in boxes]
        span = f"{max(0.0, highlight.start - EARLY_S):.6f}-{highlight.end - EARLY_S:.6f}"
        lines.append(f"{span} {', '.join([*placed, *shows, *hides])};")
    return "\n".join(lines) + "\n"


def _band(highlight: Highlight, frame: tuple[int, int]) -> Box:
    """Where the band round the block goes on the frame; cut to it, at least a pixel."""
    width, height = frame
    pad = PAD * height
    x0, y0, x1, y1 = on_frame(highlight.box, highlight.page, frame)
    edges = (x0 * width - pad, y0 * height - pad, x1 * width + pad, y1 * height + pad)
    bx0 = min(max(0, round(edges[0])), width - 1)
    by0 = min(max(0, round(edges[1])), height - 1)
    bx1 = min(width, max(bx0 + 1, round(edges[2])))
    by1 = min(height, max(by0 + 1, round(edges[3])))
    return bx0, by0, bx1 - bx0, by1 - by0


def _boxes(band: Box, style: Style, frame: tuple[int, int]) -> dict[str, Box]:
    """The boxes drawn for `band`: itself, or the spotlight's sides round it that are not
    empty (drawbox takes a width or height of 0 for the whole frame's)."""
    if style != "spotlight":
        return {"band": band}
    width, height = frame
    x, y, w, h = band
    sides = {
        "above": (0, 0, width, y),
        "below": (0, y + h, width, height - y - h),
        "left": (0, y, x, h),
        "right": (x + w, y, width - x - w, h),
    }
    return {name: box for name, box in sides.items() if box[2] > 0 and box[3] > 0}


def shown_at(seconds: float, picture: Path, states: Sequence[TimedPicture]) -> Path:
    """What is shown at `seconds`: the timed picture whose time it is, else `picture`."""
    return next((state.picture for state in states if state.start <= seconds < state.end), picture)


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
