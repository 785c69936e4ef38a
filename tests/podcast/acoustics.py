"""What a listener hears, measured: a voice's pitch and brightness, and its loudness."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

FRAME_S = 0.04


def decode(path: Path, rate: int = 22050) -> np.ndarray:
    """Any audio file as mono float samples at `rate`."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    return np.concatenate(chunks).astype(np.float64)


def median_pitch(samples: np.ndarray, rate: int) -> float:
    """The median fundamental frequency (Hz) of the voiced 40 ms frames, by autocorrelation."""
    size = int(FRAME_S * rate)
    shortest, longest = rate // 400, rate // 60  # 60 to 400 Hz: speaking voices
    pitches = []
    for start in range(0, len(samples) - size, size):
        frame = samples[start : start + size] - samples[start : start + size].mean()
        if np.sqrt(np.mean(frame**2)) < 1000:
            continue  # a pause, or too quiet to tell
        corr = np.correlate(frame, frame, "full")[size - 1 :]
        lag = shortest + int(np.argmax(corr[shortest:longest]))
        if corr[lag] > 0.3 * corr[0]:
            pitches.append(rate / lag)
    return float(np.median(pitches))


def spectral_centroid(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float((spectrum * np.fft.rfftfreq(len(samples), 1 / rate)).sum() / spectrum.sum())


def speech_level_db(samples: np.ndarray, rate: int) -> float:
    """The RMS (dBFS) of the 20 ms frames with speech in them (louder than -45 dBFS)."""
    size = rate // 50
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    spoken = frames[rms > 32767 * 10 ** (-45 / 20)]
    return float(20 * np.log10(np.sqrt(np.mean(spoken**2)) / 32767))
