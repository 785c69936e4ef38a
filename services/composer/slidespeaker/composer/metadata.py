"""What the MP4 says about itself: the deck's title, a note that the voice is synthetic, and
one chapter per slide, written as an FFMETADATA file for ffmpeg to map into the video."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate, pairwise

SYNTHETIC_SPEECH = "The narration is synthetic speech (text to speech), not a recorded voice."
_SPECIAL = re.compile(r"([=;#\\])")  # what FFMETADATA reads as syntax unless escaped


def ffmetadata(title: str, slide_titles: Sequence[str], durations: Sequence[float]) -> str:
    """The title, the synthetic-speech comment and a chapter per slide (ms from the start).

    A slide without a title gets its number as its chapter's name, so every slide has one.
    """
    lines = [";FFMETADATA1", f"title={_value(title)}", f"comment={_value(SYNTHETIC_SPEECH)}"]
    times = chapter_times(durations)
    for number, (name, (start, end)) in enumerate(zip(slide_titles, times, strict=True), 1):
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start}",
            f"END={end}",
            f"title={_value(name) or f'Slide {number}'}",
        ]
    return "\n".join(lines) + "\n"


def chapter_times(durations: Sequence[float]) -> list[tuple[int, int]]:
    """Each slide's (start, end) in ms; rounded from running totals, so no error adds up."""
    bounds = [0, *(round(end * 1000) for end in accumulate(durations))]
    return list(pairwise(bounds))


def _value(text: str) -> str:
    """One line (a title's line breaks become spaces), its syntax characters escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))
