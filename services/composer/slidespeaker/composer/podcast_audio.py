"""The podcast's one track: the turns joined in order with natural gaps, each as loud as
the voice service made it (every turn and slide at SLIDESPEAKER_LOUDNESS_LUFS). The track
is written turn by turn, never held whole in memory.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from slidespeaker.composer.audio import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, seconds_to_samples
from slidespeaker.composer.ffmpeg import MediaError

FULL_SCALE = 32767.0
SPEECH_FLOOR = FULL_SCALE * 10 ** (-45 / 20)
FRAME = SAMPLE_RATE // 50  # 20 ms


def read_samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)


def speech_rms(samples: np.ndarray) -> float:
    """The RMS of the frames with speech in them; 0.0 when there are none."""
    frames = samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME)
    if not len(frames):
        return 0.0
    rms = np.sqrt(np.mean(frames**2, axis=1))
    spoken = frames[rms > SPEECH_FLOOR]
    return float(np.sqrt(np.mean(spoken**2))) if len(spoken) else 0.0


def with_speech(samples: np.ndarray, name: str) -> np.ndarray:
    """The turn as it is; MediaError for a turn with no speech in it."""
    if speech_rms(samples) == 0.0:
        raise MediaError(f"{name} holds no speech")
    return samples


class TrackWriter:
    """Appends silences and turns to one WAV, counting samples so every time is exact."""

    def __init__(self, wav: wave.Wave_write) -> None:
        self.wav = wav
        self.samples = 0
        self.peak = 0.0

    @property
    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def silence(self, seconds: float) -> None:
        count = seconds_to_samples(seconds)
        self.wav.writeframes(bytes(count * SAMPLE_WIDTH * CHANNELS))
        self.samples += count

    def speech(self, samples: np.ndarray) -> None:
        self.wav.writeframes(samples.astype("<i2").tobytes())
        self.samples += len(samples)
        self.peak = max(self.peak, float(np.max(np.abs(samples))))


@contextmanager
def writing_track(path: Path) -> Iterator[TrackWriter]:
    with wave.open(str(path), "wb") as wav:
        wav.setframerate(SAMPLE_RATE)
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        yield TrackWriter(wav)
