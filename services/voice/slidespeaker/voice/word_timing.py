"""Word timings from Piper's phoneme alignments.

Piper reports how many audio samples each phoneme took, adding up exactly to the audio.
Which written word each phoneme belongs to is not said, and the two streams do not match
one to one: a number or a URL is spoken as several words, and espeak joins small words in
context ("that the" becomes one word, "ðætðə"). So each written word is phonemized alone
and that sequence is aligned with the spoken one, phoneme by phoneme: a word starts at
the first phoneme matched to it. Words that match nothing ("a" alone is "eɪ", in context
"ɐ") share the unmatched phonemes between their neighbours. When too little matches,
the sentence honestly falls back to sentence timing, with the reason recorded.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from piper.const import BOS, EOS
from piper.voice import PhonemeAlignment

from slidespeaker.common.events import Cue

MIN_MATCHED = 0.6  # of the written words' phonemes, or the alignment is not trusted
_STRESS = {"ˈ", "ˌ"}  # espeak moves stress with context, so it is never matched

Phonemize = Callable[[str], list[list[str]]]


@dataclass(frozen=True)
class Phone:
    """One spoken phoneme: its samples from the start of the sentence, and its spoken word."""

    symbol: str
    start: int
    end: int
    word: int


class Mismatch(Exception):
    """The phonemes cannot be matched to the written words; the message says why."""


def spoken_phones(alignments: Sequence[PhonemeAlignment], offset: int, word: int) -> list[Phone]:
    """The phonemes of one chunk; spaces and punctuation only separate them. A stress mark is
    not matched (espeak moves it with context) but its samples are spoken: they belong to the
    phoneme it marks, so a word that opens with one starts where the engine says it does.

    `word` numbers the first spoken word of this chunk; every pause starts a new one.
    """
    phones: list[Phone] = []
    position = offset
    stress_start: int | None = None
    for alignment in alignments:
        end = position + int(alignment.num_samples)
        if _is_pause(alignment.phoneme):
            word += bool(phones) and phones[-1].word == word
            stress_start = None
        elif alignment.phoneme in _STRESS:
            stress_start = position if stress_start is None else stress_start
        else:
            start = position if stress_start is None else stress_start
            phones.append(Phone(alignment.phoneme, start, end, word))
            stress_start = None
        position = end
    return phones


def time_words(
    written: Sequence[str], spoken: Sequence[Phone], sample_rate: int, phonemize: Phonemize
) -> list[Cue]:
    """Each written word with the time of the phonemes it was spoken as."""
    if not spoken:
        raise Mismatch("the engine spoke no phonemes")
    expected = [
        (symbol, i) for i, word in enumerate(written) for symbol in _phonemes(word, phonemize)
    ]
    matcher = SequenceMatcher(
        None, [symbol for symbol, _ in expected], [p.symbol for p in spoken], autojunk=False
    )
    matched: dict[int, list[int]] = {}  # written word -> the spoken phonemes matched to it
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched.setdefault(expected[block.a + k][1], []).append(block.b + k)
    share = sum(len(v) for v in matched.values()) / max(1, len(expected))
    if share < MIN_MATCHED:
        raise Mismatch(f"only {share:.0%} of the phonemes matched the written words")
    cues: list[Cue] = []
    said_until = 0  # a word that took no time of its own sits where the one before ended
    for word, (first, last) in zip(written, _spans(len(written), matched, spoken), strict=True):
        start = max(spoken[first].start, said_until)
        said_until = max(spoken[last].end, start)
        cues.append(Cue(text=word, start=start / sample_rate, end=said_until / sample_rate))
    return cues


def _spans(
    count: int, matched: dict[int, list[int]], spoken: Sequence[Phone]
) -> list[tuple[int, int]]:
    """Each written word's first and last spoken phoneme; every phoneme goes to some word."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < count:
        if index in matched:
            spans.append(_grown(matched[index], spans, matched.get(index + 1), spoken))
            index += 1
            continue
        run = index  # a run of words that matched nothing shares the phonemes left between
        while index < count and index not in matched:
            index += 1
        lo = spans[-1][1] + 1 if spans else 0
        hi = matched[index][0] - 1 if index in matched else len(spoken) - 1
        spans += _shared(index - run, lo, hi)
    return spans


def _grown(
    phones: list[int], before: list[tuple[int, int]], next_word: list[int] | None,
    spoken: Sequence[Phone],
) -> tuple[int, int]:  # fmt: skip
    """A matched word grown over the unmatched phonemes of its own spoken word."""
    first, last = phones[0], phones[-1]
    floor = before[-1][1] + 1 if before else 0
    ceiling = next_word[0] - 1 if next_word else len(spoken) - 1
    while first > floor and spoken[first - 1].word == spoken[first].word:
        first -= 1
    if not before:
        first = 0  # the sentence's first word starts with its first phoneme
    while last < ceiling and spoken[last + 1].word == spoken[last].word:
        last += 1
    return first, last


def _shared(words: int, lo: int, hi: int) -> list[tuple[int, int]]:
    if hi < lo:  # nothing left between the neighbours: the words take no time of their own
        at = min(lo, hi + 1)
        return [(max(0, at - 1), max(0, at - 1))] * words
    size = hi - lo + 1
    bounds = [lo + size * k // words for k in range(words + 1)]
    return [(bounds[k], max(bounds[k], bounds[k + 1] - 1)) for k in range(words)]


def _phonemes(word: str, phonemize: Phonemize) -> list[str]:
    return [
        symbol
        for sentence in phonemize(word)
        for symbol in sentence
        if not _is_pause(symbol) and symbol not in _STRESS
    ]


def _is_pause(phoneme: str) -> bool:
    if phoneme in (BOS, EOS, " "):
        return True
    return all(unicodedata.category(char).startswith("P") for char in phoneme)
