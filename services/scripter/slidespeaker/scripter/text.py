"""Small text rules shared by the readers and the narration."""

from __future__ import annotations

import re

from slidespeaker.common.text_cleaning import clean_text

# Marks after which a line reads as finished, in the scripts the decks use.
SENTENCE_ENDS = tuple(".!?…:;。！？؟।")
WIDE_FULL_STOP = "。"  # after Chinese and Japanese text a "." reads as a stray symbol
SENTENCE_BREAK = re.compile(r"(?<=[.!?…。！？؟।])\s+")
# Chinese and Japanese are written without spaces and said at about two characters a word.
CJK_CHARS_PER_WORD = 2


def one_line(text: str) -> str:
    """Collapse line breaks (python-pptx gives soft breaks as \\v) and runs of spaces; every
    text the readers take from a deck passes here, so it is cleaned here (see clean_text)."""
    return clean_text(text)


def has_words(text: str) -> bool:
    """False for lines that are only numbers or symbols: page numbers, "•", "---"."""
    return any(ch.isalpha() for ch in text)


def as_sentence(line: str) -> str:
    """The line with a full stop fit for its script, unless it already ends like a sentence."""
    line = line.strip()
    if not line or line.endswith(SENTENCE_ENDS):
        return line
    return line + (WIDE_FULL_STOP if is_cjk(line[-1]) else ".")


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_BREAK.split(text.strip()) if part]


def word_count(text: str) -> int:
    """Spoken words: whitespace-separated words, CJK characters two to a word."""
    cjk = sum(1 for char in text if is_cjk(char))
    return len(text.split()) + cjk // CJK_CHARS_PER_WORD


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
    )
