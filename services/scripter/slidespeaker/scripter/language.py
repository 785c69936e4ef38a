"""Which language a deck is written in, as far as the narration needs to know: whether it
is English (the outline may then add English transitions and glue words, "Next, ...",
"For North, Q1 is 10"), and whether it is already in the language the user asked for
(otherwise only a language model can narrate it in that language)."""

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
        return base_language(language) == "en"
    return looks_english(texts)


def base_language(language: str) -> str:
    """ "pt-BR" -> "pt"."""
    return language.casefold().replace("_", "-").split("-")[0]


# Languages told apart by their script: the share of letters in it must reach SCRIPT_SHARE.
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "he": ((0x0590, 0x05FF),),
    "ar": ((0x0600, 0x06FF), (0x0750, 0x077F)),
    "fa": ((0x0600, 0x06FF),),
    "ru": ((0x0400, 0x04FF),),
    "uk": ((0x0400, 0x04FF),),
    "bg": ((0x0400, 0x04FF),),
    "el": ((0x0370, 0x03FF),),
    "th": ((0x0E00, 0x0E7F),),
    "ko": ((0xAC00, 0xD7AF), (0x1100, 0x11FF)),
    "ja": ((0x3040, 0x30FF),),  # kana: Chinese has none
    "zh": ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)),
}
SCRIPT_SHARE = 0.3


def written_in(language: str, texts: Iterable[str]) -> bool | None:
    """Whether the texts are in `language`; None where neither its script nor English tells
    (asking for Portuguese of a Spanish deck)."""
    text = " ".join(texts)
    wanted = base_language(language)
    if wanted == "en":
        return looks_english([text])
    ranges = SCRIPT_RANGES.get(wanted)
    if ranges is None:
        return False if looks_english([text]) else None
    letters = [ord(ch) for ch in text if ch.isalpha()]
    if not letters:
        return None
    in_script = sum(1 for code in letters if any(lo <= code <= hi for lo, hi in ranges))
    share = in_script / len(letters)
    # Japanese mixes kana with Chinese characters: a little kana is enough to tell it.
    return share >= (SCRIPT_SHARE / 3 if wanted == "ja" else SCRIPT_SHARE)
