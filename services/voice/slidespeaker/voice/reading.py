"""What the engine is given to say for each written word, and the timings mapped back.

The captions show what the slide says ("$1.2M"); the engine says its spoken form ("one
point two million dollars"). Each written word is read on its own — first by the job's
pronunciation lexicon, then (for English) by the rules in `english` — so each spoken word
belongs to exactly one written word, and a written word is shown from the start of its
first spoken word to the end of its last. Words a lexicon entry says together ("machine
learning" -> "M L") are one written unit, shown for all that is said for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from slidespeaker.common.events import Cue
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.voice import english
from slidespeaker.voice.segments import joined, unit_spans, units
from slidespeaker.voice.speech import SpokenSentence

_PUNCTUATION = "\"'([{“‘«»”’)]}.,;:!?…" + "。、，！？；：「」『』（）【】《》〈〉"  # and CJK's
_SPACES = re.compile(r"\s+")


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
        spans = unit_spans(sentence)
        written: list[str] = []
        spoken: list[str] = []
        while spans:
            count, said = _from_lexicon(sentence, spans, lexicon) or (1, None)
            words = _SPACES.sub(" ", sentence[spans[0][0] : spans[count - 1][1]])
            written.append(words)  # several words the lexicon says as one are one unit
            spoken.append(said if said is not None else rules(words) if rules else words)
            spans = spans[count:]
        return Reading(sentence, written, spoken)

    return read


def as_written(sentence: str) -> Reading:
    written = units(sentence)
    return Reading(sentence, written, list(written))


def _from_lexicon(
    sentence: str, spans: list[tuple[int, int]], lexicon: Lexicon
) -> tuple[int, str] | None:
    """How many units from the first the lexicon says, and how: the longest entry that
    matches them, the punctuation around them kept around what is said."""
    found: list[tuple[int, str, str]] = []  # units, their text, and it without punctuation
    for count, (_, end) in enumerate(spans, start=1):
        words = sentence[spans[0][0] : end]
        core = words.strip().strip(_PUNCTUATION)  # a Thai unit keeps the space after it
        if len(_SPACES.sub(" ", core)) > lexicon.longest:
            break  # no entry is that long; each unit more only makes it longer
        found.append((count, words, core))
    for count, words, core in reversed(found):
        spoken = lexicon.spoken(core) if core else None
        if spoken is not None:
            before = words.index(core)
            return count, words[:before] + spoken + words[before + len(core) :]
    return None


def spoken_text(sentences: list[str], read: Reader) -> str:
    """The whole narration as the engine is given it (for the cache key)."""
    return "\n".join(read(sentence).text for sentence in sentences)
