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

import imageio_ffmpeg
import numpy as np

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.common.process import run_child
from slidespeaker.voice.captions import captions_from_words

Timing = Literal["word", "sentence", "mixed"]
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
FLAC_TIMEOUT_S = 120.0  # an hour of speech encodes in seconds


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

    def write_flac(self, path: Path, token: CancelToken) -> None:
        """Losslessly compressed: speech takes about half a WAV's bytes, and the pauses the
        composer adds are never stored (every reader decodes it with ffmpeg)."""
        pcm = path.with_name(f"{path.name}.pcm.wav")
        try:
            self.write_wav(pcm)
            command = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", pcm,
                       "-c:a", "flac", "-map_metadata", "-1", "-fflags", "+bitexact",
                       "-f", "flac", path]  # fmt: skip
            done = run_child(command, token=token, timeout=FLAC_TIMEOUT_S)
            if done.returncode != 0:
                raise RuntimeError(f"ffmpeg could not write FLAC: {done.stderr.strip()}")
        finally:
            pcm.unlink(missing_ok=True)


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
