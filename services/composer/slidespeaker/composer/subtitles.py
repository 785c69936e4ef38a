"""Subtitles in SRT and WebVTT from the narration's cues (absolute times, in seconds).

Each cue is wrapped to at most two lines that fit on screen; cues are put in order so
none overlaps the one before, and a cue with no time left to be shown is dropped.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from slidespeaker.common.events import Cue

MAX_LINE_WIDTH = 42  # columns, the usual subtitle line; a wide (CJK) character takes two
MAX_LINES = 2


class ScreenCue(NamedTuple):
    """What is on screen from `start_ms` to `end_ms`."""

    start_ms: int
    end_ms: int
    lines: list[str]


def write_srt(cues: Sequence[Cue], path: Path) -> None:
    blocks = [
        f"{number}\n{_timestamp(cue.start_ms, ',')} --> {_timestamp(cue.end_ms, ',')}\n"
        + "\n".join(cue.lines)
        + "\n"
        for number, cue in enumerate(screen_cues(cues), start=1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def write_vtt(cues: Sequence[Cue], path: Path) -> None:
    blocks = ["WEBVTT\n"] + [
        f"{_timestamp(cue.start_ms, '.')} --> {_timestamp(cue.end_ms, '.')}\n"
        + "\n".join(html.escape(line, quote=False) for line in cue.lines)  # <, > and & are markup
        + "\n"
        for cue in screen_cues(cues)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def screen_cues(cues: Sequence[Cue]) -> list[ScreenCue]:
    """The cues as shown: wrapped, split to fit, in order, none overlapping or empty."""
    screens: list[ScreenCue] = []
    shown_until = 0
    for cue in cues:
        start = max(_milliseconds(cue.start), shown_until)
        end = _milliseconds(cue.end)
        lines = wrap(cue.text)
        if end <= start or not lines:
            continue  # nothing can be shown for no time
        screens += _split_to_fit(start, end, lines)
        shown_until = end
    return screens


def wrap(text: str) -> list[str]:
    """Break text into lines of at most MAX_LINE_WIDTH columns, between words if it can."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for piece in _pieces(word):
            joined = f"{line} {piece}" if line else piece
            if _width(joined) <= MAX_LINE_WIDTH:
                line = joined
            else:
                lines.append(line)
                line = piece
    if line:
        lines.append(line)
    return lines


def _split_to_fit(start: int, end: int, lines: list[str]) -> list[ScreenCue]:
    # The fallback for when the voice engine gave no finer timings: a cue longer than
    # one screen is shown in parts, each for a share of its time in proportion to its length.
    pages = [lines[i : i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
    lengths = [sum(len(line) for line in page) for page in pages]
    total = sum(lengths)
    screens: list[ScreenCue] = []
    page_start = start
    told = 0
    for page, length in zip(pages, lengths, strict=True):
        told += length
        page_end = start + round((end - start) * told / total)
        if page_end > page_start:
            screens.append(ScreenCue(page_start, page_end, page))
        page_start = page_end
    return screens


def _pieces(word: str) -> list[str]:
    """A word wider than a line (a long URL; CJK text, which has no spaces) in pieces."""
    pieces: list[str] = []
    piece = ""
    width = 0
    for char in word:
        char_width = _char_width(char)
        if width + char_width > MAX_LINE_WIDTH:
            pieces.append(piece)
            piece, width = "", 0
        piece += char
        width += char_width
    pieces.append(piece)
    return pieces


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0  # marks and format characters sit on the character before them
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _milliseconds(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _timestamp(milliseconds: int, decimal_mark: str) -> str:
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"
