"""The units a caption is made of, in scripts with spaces and without.

English and most scripts: words, between spaces. Chinese and Japanese write no spaces, so
each character is a unit (a caption can end after any of them), with the punctuation and
marks that belong to it (「 before, 。, ー, small kana after). Thai, Lao, Khmer and Burmese
write no spaces between words either: their units are words, where ICU's dictionary-based
word break iterator (icu4py) puts the boundaries, and a unit never ends inside a grapheme
cluster (a consonant with its vowel and tone marks, a leading vowel with the consonant after
it); a space the text has between them stays. Joined back, two units take a space between
them unless both sides are of a script without spaces.

icu4py rather than PyThaiNLP: 43 MB installed, imported in 0.03 s and splitting its first
sentence in 3 ms with 16 MB resident, for Thai, Lao, Khmer and Burmese alike; PyThaiNLP
(Thai only) is 67 MB, and its first split took 0.9 s and 80 MB.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from icu4py.breakers import WordBreaker

_DICTIONARY = (  # written without spaces between words, split by ICU's dictionaries
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
)
_NO_SPACE = (
    *_DICTIONARY,
    (0x2E80, 0x2FFF),  # CJK radicals
    (0x3000, 0x30FF),  # CJK punctuation, Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width forms
    (0x20000, 0x3FFFF),  # CJK extensions B and on
)
_LEADING_VOWELS = set("เแโใไເແໂໃໄ")  # written before the consonant they follow in speech
_SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_FOLLOWERS = set("ๆຯໆ") | _SMALL_KANA  # a repeat mark or small kana belongs to the one before


def no_space(char: str) -> bool:
    """Whether `char` is of a script written without spaces between words."""
    return _in(_NO_SPACE, char)


def _in(ranges: tuple[tuple[int, int], ...], char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def _word_boundaries(text: str) -> set[int]:
    """Where ICU's word break iterator starts a word, for text with a script it splits by
    dictionary (Thai's locale: its dictionaries cover Lao, Khmer and Burmese too)."""
    if not any(_in(_DICTIONARY, char) for char in text):
        return set()
    return {start for start, _ in WordBreaker(text, "th").segments()}


def units(text: str) -> list[str]:
    return [text[start:end] for start, end in unit_spans(text)]


def unit_spans(text: str) -> list[tuple[int, int]]:
    """Where each unit of `text` starts and ends."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    words = _word_boundaries(text)
    for index, char in enumerate(text):
        if char.isspace():
            if start is not None:
                spans.append((start, index))
            start = None
        elif start is None:
            start = index
        elif _starts_unit(text[index - 1], char) and (
            index in words or not (_in(_DICTIONARY, text[index - 1]) and _in(_DICTIONARY, char))
        ):
            spans.append((start, index))
            start = index
    if start is not None:
        spans.append((start, len(text)))
    return _keeping_spaces(text, spans)


def _keeping_spaces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A space between two units of a script without spaces (Thai writes one between
    phrases) stays, at the end of the unit before it."""
    kept = list(spans)
    for index in range(len(kept) - 1):
        (start, end), (after, _) = kept[index], kept[index + 1]
        if after > end and no_space(text[end - 1]) and no_space(text[after]):
            kept[index] = (start, after)
    return kept


def joined(pieces: Sequence[str]) -> str:
    text = ""
    for piece in pieces:
        if not piece:
            continue
        if text and gap(text, piece):
            text += " "
        text += piece
    return text


def gap(before: str, after: str) -> int:
    """Columns between two units on a line: a space, or none between scripts without (or
    after a unit that keeps its own)."""
    if before[-1].isspace() or (no_space(before[-1]) and no_space(after[0])):
        return 0
    return 1


def _starts_unit(before: str, char: str) -> bool:
    """Whether `char` starts a new unit after `before`, with no space between them."""
    if not (no_space(before) or no_space(char)):
        return False  # letters of a word in a script with spaces stay one word
    if before in _LEADING_VOWELS or unicodedata.category(before) in ("Ps", "Pi"):
        return False  # an opening bracket or a leading vowel goes with what follows
    return not _belongs_before(char)


def _belongs_before(char: str) -> bool:
    """Marks, small kana, length and repeat marks, closing and ending punctuation, and
    the spacing Thai and Lao letters that end a syllable (SARA AM, LAKKHANGYAO)."""
    category = unicodedata.category(char)
    if category in ("Mn", "Mc", "Me", "Lm", "Pe", "Pf", "Po"):
        return True
    return char in _FOLLOWERS or char in "\u0e33\u0e45\u0eb3"
