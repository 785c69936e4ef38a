"""The marks in the still video (a frame per change): a frame wherever a mark appears or
leaves, drawn by ffmpeg into the slide's picture decoded once.

The slides' playlist gives a frame where the picture or a caption changes. The marks' edges
come from a second input: a playlist of a tiny picture with an entry at each edge. xstack
puts out a frame whenever either input has one (the slide's frame held, the tiny rows cropped
off again), and the marks are drawn on it. Listing the slide's picture again at each edge
instead cost a decode of it each time: about 20 ms of CPU at 1080p, as much as x264 spends
on the frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from PIL import Image

from slidespeaker.composer.audio import SAMPLE_RATE
from slidespeaker.composer.colours import VIDEO_TAGS
from slidespeaker.composer.ffmpeg import concat_path
from slidespeaker.composer.pointer import TO_MARKED, Style, drawing

EDGES = "edges.ffconcat"
EDGE_PICTURE = "edge.png"
EDGE_SIZE = (2, 2)  # the least yuv420p takes
MICROSECONDS = 1_000_000  # the concat demuxer's clock


def write_edges(times: Sequence[float], workdir: Path) -> Path:
    """A playlist with a frame at 0 and at each of `times` (s). Each time is written as the
    sum of whole microseconds before it, which is how the demuxer counts: the frame lands
    on it, not on the sum of the rounding of every entry before."""
    picture = workdir / EDGE_PICTURE
    Image.new("RGB", EDGE_SIZE).save(picture)
    starts = sorted({0, *(round(t * MICROSECONDS) for t in times)})
    entries = ["ffconcat version 1.0"]
    # The last entry's duration is ignored; it is there so that every entry has one.
    for since, to in pairwise([*starts, starts[-1] + 1]):
        entries += [f"file {concat_path(picture)}", f"option framerate {SAMPLE_RATE}",
                    f"duration {(to - since) / MICROSECONDS:.6f}"]  # fmt: skip
    listed = workdir / EDGES
    listed.write_text("\n".join(entries) + "\n", encoding="utf-8")
    return listed


def marked_graph(before: Sequence[str], after: Sequence[str], style: Style, edges: int) -> str:
    """The still video's filter graph with marks: the slides (input 0) through `before`
    and into the video's colours, a frame at each of their frames and at each edge (input
    `edges`), the marks drawn, then `after`; the result is `[video]`."""
    slides = ",".join([*before, TO_MARKED])
    marked = ",".join([drawing(style), *after, VIDEO_TAGS])
    return (
        f"[0:v]{slides}[slides];[{edges}:v]{TO_MARKED}[edges];"
        f"[slides][edges]xstack=inputs=2:layout=0_0|0_h0,crop=iw:ih-{EDGE_SIZE[1]}:0:0,"
        f"{marked}[video]"
    )
