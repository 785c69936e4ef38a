"""Speech as the providers hand it back, sentence by sentence, and joined into one slide.

A provider speaks one sentence at a time. Where its engine timed each word, the sentence
carries those words; where not, it carries the reason, and the sentence is captioned
as a whole (the clearly named fallback: "sentence" timing).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from slidespeaker.common.events import Cue
from slidespeaker.voice.captions import captions_from_words

Timing = Literal["word", "sentence", "mixed"]


@dataclass(frozen=True)
class SpokenSentence:
    text: str
    samples: np.ndarray  # int16 mono
    sample_rate: int
    words: list[Cue] | None  # relative to the sentence's first sample; None: not timed
    fallback: str = ""  # why the words are not timed
    phonemes: list[Cue] = field(default_factory=list)  # as the engine timed them, if it did


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # int16 mono
    sample_rate: int
    cues: list[Cue]  # the captions
    words: list[Cue] = field(default_factory=list)
    timing: Timing = "sentence"
    fallbacks: list[str] = field(default_factory=list)
    phonemes: list[Cue] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def write_wav(self, path: Path) -> None:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            out.writeframes(self.samples.astype("<i2").tobytes())


def join_sentences(sentences: list[SpokenSentence], sample_rate: int) -> Speech:
    """One slide's speech: the sentences back to back, their timings moved onto one clock."""
    cues: list[Cue] = []
    words: list[Cue] = []
    fallbacks: list[str] = []
    phonemes: list[Cue] = []
    offset = 0.0
    for sentence in sentences:
        if sentence.sample_rate != sample_rate:
            raise ValueError(f"a sentence came at {sentence.sample_rate} Hz, not {sample_rate}")
        duration = len(sentence.samples) / sample_rate
        if sentence.words is None:
            fallbacks.append(sentence.fallback)
            cues.append(Cue(text=sentence.text, start=offset, end=offset + duration))
        else:
            timed = [_shifted(word, offset) for word in sentence.words]
            words += timed
            cues += captions_from_words(timed)
        phonemes += [_shifted(phoneme, offset) for phoneme in sentence.phonemes]
        offset += duration
    samples = np.concatenate([s.samples for s in sentences]) if sentences else np.zeros(0, np.int16)
    return Speech(samples, sample_rate, cues, words, _timing(sentences), fallbacks, phonemes)


def _timing(sentences: list[SpokenSentence]) -> Timing:
    timed = sum(1 for sentence in sentences if sentence.words is not None)
    if timed == len(sentences) and timed:
        return "word"
    return "mixed" if timed else "sentence"


def _shifted(cue: Cue, offset: float) -> Cue:
    return Cue(text=cue.text, start=cue.start + offset, end=cue.end + offset)
