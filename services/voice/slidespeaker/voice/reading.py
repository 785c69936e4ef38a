"""What the engine is given to say for each written word, and the timings mapped back.

The captions show what the slide says ("$1.2M"); the engine says its spoken form ("one
point two million dollars"). Each written word is read on its own — first by the job's
pronunciation lexicon, then (for English) by the rules in `english` — so each spoken word
belongs to exactly one written word, and a written word is shown from the start of its
first spoken word to the end of its last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from slidespeaker.common.events import Cue
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.voice import english
from slidespeaker.voice.segments import joined, units
from slidespeaker.voice.speech import SpokenSentence

_PUNCTUATION = "\"'([{“‘«»”’)]}.,;:!?…"


@dataclass(frozen=True)
class Reading:
    """One sentence as written, its units (words; characters in Chinese and Japanese, see
    `segments`) and what is said for each ("" for nothing)."""

    sentence: str
    written: list[str]
    spoken: list[str]

    @property
    def text(self) -> str:
        """What the engine is given."""
        return joined(self.spoken)

    def captioned(self, sentence: SpokenSentence) -> SpokenSentence:
        """The spoken sentence with its text and word timings back on the written words."""
        if sentence.words is None:
            return replace(sentence, text=self.sentence)  # the rest (phonemes too) as spoken
        if len(sentence.words) != sum(len(units(said)) for said in self.spoken):
            why = f"{len(sentence.words)} words were timed, not the {len(self.spoken)} written"
            return replace(sentence, text=self.sentence, words=None, fallback=why)
        return replace(sentence, text=self.sentence, words=self._written_words(sentence.words))

    def _written_words(self, spoken: list[Cue]) -> list[Cue]:
        words: list[Cue] = []
        index = 0
        for written, said in zip(self.written, self.spoken, strict=True):
            count = len(units(said))
            if count:
                first, last = spoken[index], spoken[index + count - 1]
                words.append(Cue(text=written, start=first.start, end=last.end))
            else:  # said as nothing: it sits where the word before ended
                at = words[-1].end if words else (spoken[0].start if spoken else 0.0)
                words.append(Cue(text=written, start=at, end=at))
            index += count
        return words


Reader = Callable[[str], Reading]


def reader(language: str | None, lexicon: Lexicon) -> Reader:
    """How sentences are read in `language` (BCP 47) with the job's lexicon."""
    rules = english.say if (language or "").lower().split("-")[0] == "en" else None

    def read(sentence: str) -> Reading:
        written = units(sentence)
        return Reading(sentence, written, [_read(word, lexicon, rules) for word in written])

    return read


def as_written(sentence: str) -> Reading:
    written = units(sentence)
    return Reading(sentence, written, list(written))


def _read(word: str, lexicon: Lexicon, rules: Callable[[str], str] | None) -> str:
    core = word.strip().strip(_PUNCTUATION)  # a Thai unit keeps the space after it
    spoken = lexicon.spoken(core) if core else None
    if spoken is not None:
        start = word.index(core)
        return word[:start] + spoken + word[start + len(core) :]
    return rules(word) if rules else word


def spoken_text(sentences: list[str], read: Reader) -> str:
    """The whole narration as the engine is given it (for the cache key)."""
    return "\n".join(read(sentence).text for sentence in sentences)
