"""Splitting narration into sentences: each becomes one synthesis call and one caption.

A full stop after a title or shorthand ("Dr.", "e.g.") or one followed by a word in lower
case ("the U.S. economy") does not end the sentence.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?;:。！？])\s+|\n+")
_NEVER_LAST = {
    "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "no.", "vs.", "e.g.", "i.e.", "approx.",
    "cf.", "fig.", "eg.", "ie.",
}  # fmt: skip


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for part in _BOUNDARY.split(text):
        part = part.strip()
        if not part:
            continue
        if sentences and _continues(sentences[-1], part):
            sentences[-1] += " " + part
        else:
            sentences.append(part)
    return sentences


def _continues(before: str, after: str) -> bool:
    if not before.endswith("."):
        return False
    last_word = before.split()[-1].lower()
    return last_word in _NEVER_LAST or after[0].islower()
