"""Every slide spoken equally loud: EBU R128 integrated loudness brought to one target.

Engines and voices speak at very different levels (Piper about -20 LUFS with peaks at full
scale, a hosted voice louder or softer), so slide after slide would jump in level. Each
slide's audio is measured (loudness_meter) and given one constant gain to the target: a
multiply where that keeps the true peak under the ceiling; else the look-ahead limiter
(which moves no sample, so every word timing stays exact) holds the peaks under it. The
limiter takes some loudness off, so the result is measured again and the gain corrected
until it is close enough: along the secant through the last two measurements, as each dB
of gain adds less than a dB of loudness once the peaks are held. All in this process: no
ffmpeg run per slide.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from slidespeaker.common.cancel import CancelToken
from slidespeaker.voice.limiter import limited
from slidespeaker.voice.loudness_meter import OVERSHOOT, integrated_loudness, true_peaks
from slidespeaker.voice.speech import Speech

# The true peak stays under -1 dBTP by any meter: other meters interpolate between samples a
# little differently (ffmpeg's ebur128 reads up to about 0.1 dB higher than this one).
CEILING_DB = -1.3
MAX_GAIN_DB = 40.0  # a near-silent slide is not turned into loud noise
TOLERANCE_LU = 0.1  # close enough to the target not to correct again
SILENT_LUFS = -65.0  # below this there is no speech to measure
CORRECTIONS = 4
MIN_SLOPE = 0.1  # LU per dB of gain: however hard the limiter works, some gets through
FULL_SCALE = 32768.0


def normalized(speech: Speech, target_lufs: float, token: CancelToken) -> Speech:
    """The speech at `target_lufs` integrated, sample for sample as long as it was."""
    token.check()
    audio = speech.samples.astype(np.float64) / FULL_SCALE
    rate = speech.sample_rate
    before = integrated_loudness(audio, rate)
    if before < SILENT_LUFS:
        return speech
    gain = min(MAX_GAIN_DB, target_lufs - before)
    louder, was_limited = _gained(audio, rate, gain)
    tried, slope = (0.0, before), 1.0  # a gain alone: one dB louder per dB
    for _ in range(CORRECTIONS if was_limited else 0):
        token.check()
        after = integrated_loudness(louder, rate)
        if abs(after - target_lufs) <= TOLERANCE_LU or gain >= MAX_GAIN_DB:
            break
        slope = max(MIN_SLOPE, (after - tried[1]) / (gain - tried[0]))  # the secant's
        tried = (gain, after)
        gain = min(MAX_GAIN_DB, gain + (target_lufs - after) / slope)
        louder, _ = _gained(audio, rate, gain)
    return replace(speech, samples=_pcm(louder))


def _gained(audio: np.ndarray, rate: int, gain_db: float) -> tuple[np.ndarray, bool]:
    """`audio` made `gain_db` louder with its peaks held under the ceiling; and whether any
    had to be (a gain alone changes the loudness by exactly itself; a limited one less)."""
    louder = audio * _amplitude(gain_db)
    ceiling = _amplitude(CEILING_DB)
    peaks = true_peaks(louder, rate, ceiling * OVERSHOOT)
    if peaks.max(initial=0.0) <= ceiling:
        return louder, False
    return limited(louder, rate, peaks, ceiling), True


def _amplitude(decibels: float) -> float:
    return float(10 ** (decibels / 20))


def _pcm(audio: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(audio * FULL_SCALE), -32768, 32767).astype(np.int16)
