"""Text made safe for every stage, once, where it enters (a deck's runs, notes and PDF text
layer; a model's answer; a person's edit).

Real decks carry what no speech engine takes: a PDF whose text layer encodes a code
listing's visible spaces as NUL (CPython refuses to pass a string with NUL to a child
process: "embedded null character"), vertical tabs for soft line breaks, lone surrogates
from broken encodings, decomposed accents. The text is put in NFC, every control,
surrogate and non-character becomes a space, and runs of whitespace become one space.
"""

from __future__ import annotations

import unicodedata

# Unicode categories of characters that are never spoken and that some engines refuse:
# controls (NUL, vertical tab, ...), surrogates, and unassigned code points.
UNSPEAKABLE_CATEGORIES = frozenset({"Cc", "Cs", "Cn"})


def clean_text(text: str) -> str:
    """`text` in NFC, on one line, with nothing a speech engine cannot take."""
    if text.isascii() and text.isprintable():  # the common case, without a copy
        return " ".join(text.split())
    normal = unicodedata.normalize("NFC", _without_surrogates(text))
    kept = "".join(
        " " if unicodedata.category(char) in UNSPEAKABLE_CATEGORIES else char for char in normal
    )
    return " ".join(kept.split())


def _without_surrogates(text: str) -> str:
    # NFC itself fails on a lone surrogate (a half of a broken UTF-16 pair).
    return "".join(" " if "\ud800" <= char <= "\udfff" else char for char in text)
