"""Whether a deck is written in English, which decides if the outline may add English
transitions and glue words ("Next, ...", "For North, Q1 is 10")."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words so common in English text that their share tells English from other languages,
# Latin-script ones included (German, Portuguese, Indonesian share almost none of them).
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "are",
        "for",
        "with",
        "on",
        "that",
        "this",
        "as",
        "be",
        "by",
        "it",
        "from",
        "or",
        "we",
        "you",
        "at",
        "an",
        "can",
        "will",
        "your",
        "our",
        "how",
        "what",
    ]
)
MIN_ENGLISH_SHARE = 0.06  # of all words; English prose runs at 0.3-0.4, slide text lower
WORD = re.compile(r"[^\W\d_]+")


def looks_english(texts: Iterable[str]) -> bool:
    words = WORD.findall(" ".join(texts).casefold())
    if not words:
        return False
    english = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    return english / len(words) >= MIN_ENGLISH_SHARE


def narrates_in_english(language: str | None, texts: Iterable[str]) -> bool:
    """The language asked for, else the deck's own."""
    if language:
        return language.casefold().split("-")[0] == "en"
    return looks_english(texts)
