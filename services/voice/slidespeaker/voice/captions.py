"""Captions from word timings: what is on screen together, and from when to when.

A caption holds whole words of one sentence (whole characters in Chinese and Japanese,
whole grapheme clusters in Thai: see `segments`), at most two lines of about 42 columns (a
wide character takes two, so about 21 Chinese characters a line) and at most about 7
seconds of speech. When the next word does not fit, the caption ends at the last clause
boundary in its second half if there is one (so a clause is not torn), else before it.
A caption starts when its first word is spoken and ends when its last word ends, so
captions never run ahead of or behind the voice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from slidespeaker.common.events import Cue
from slidespeaker.voice.segments import joined

MAX_LINE_WIDTH = 42  # columns; a wide (CJK) character takes two
MAX_LINES = 2
MAX_SECONDS = 7.0
_CLAUSE_ENDS = (",", ";", ":", "—", "–", ")", "»", "”", "、", "，", "；", "：")


def captions_from_words(words: Sequence[Cue]) -> list[Cue]:
    """The captions of one sentence, from its timed words in order."""
    captions: list[Cue] = []
    current: list[Cue] = []
    for word in words:
        while current and not fits([*current, word]):
            head, current = _break(current)
            captions.append(_caption(head))
        current.append(word)
    if current:
        captions.append(_caption(current))
    return captions


def fits(words: Sequence[Cue]) -> bool:
    spoken = words[-1].end - words[0].start
    return spoken <= MAX_SECONDS and lines_needed([w.text for w in words]) <= MAX_LINES


def lines_needed(words: Sequence[str]) -> int:
    """Lines the words take as the subtitle writer wraps them: greedily, between the spaces
    of their text, a piece wider than a line (Chinese, Thai between its spaces) cut at the
    line's width."""
    lines = 0
    width = 0
    for piece in joined(words).split():
        piece_width = display_width(piece)
        if lines and width + 1 + piece_width <= MAX_LINE_WIDTH:
            width += 1 + piece_width
        else:
            lines += max(1, -(-piece_width // MAX_LINE_WIDTH))  # a too-wide piece takes several
            width = piece_width % MAX_LINE_WIDTH or min(piece_width, MAX_LINE_WIDTH)
    return lines


def display_width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _break(words: list[Cue]) -> tuple[list[Cue], list[Cue]]:
    """Where a full caption ends: its last clause boundary in the second half, else its end."""
    for index in range(len(words) - 1, 0, -1):
        if index * 2 < len(words):
            break
        if words[index - 1].text.endswith(_CLAUSE_ENDS):
            return words[:index], words[index:]
    return words, []


def _caption(words: list[Cue]) -> Cue:
    text = joined([w.text for w in words]).strip()
    return Cue(text=text, start=words[0].start, end=words[-1].end)


def _char_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0  # marks and format characters sit on the character before them
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
