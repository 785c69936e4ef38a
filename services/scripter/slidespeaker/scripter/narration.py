"""What is said over a slide: its speaker notes, else its own title and text as sentences."""

from __future__ import annotations

from slidespeaker.common.events import NarrationSource
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.text import SENTENCE_ENDS, has_words

WIDE_FULL_STOP = "。"  # after Chinese and Japanese text a "." reads as a stray symbol


def narration_for(slide: SlideContent) -> tuple[str, str, NarrationSource]:
    """(title, narration text, source); ("", "", none) when the slide has nothing to say."""
    if has_words(slide.notes):
        return slide.title, slide.notes.strip(), NarrationSource.notes
    sentences = [_as_sentence(line) for line in [slide.title, *slide.body] if has_words(line)]
    if sentences:
        return slide.title, " ".join(sentences), NarrationSource.outline
    return "", "", NarrationSource.none


def _as_sentence(line: str) -> str:
    line = line.strip()
    if line.endswith(SENTENCE_ENDS):
        return line
    return line + (WIDE_FULL_STOP if _is_cjk(line[-1]) else ".")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
    )
