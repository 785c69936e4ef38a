"""A look-ahead peak limiter that moves no sample: a gain envelope applied in place.

For each sample, the gain that would bring its true peak (the waveform within one sample
of it) down to the ceiling. The envelope is the lowest of those gains within RAMP_S either
side, then averaged over RAMP_S either side: so at every sample it is at most the gain
that sample needs (every average it takes part in is of minimums that include it), and it
ramps down over RAMP_S before a peak and back up after it instead of jumping. It is
applied to the very samples it was computed from, so nothing is delayed and the word
timings hold exactly.
"""

from __future__ import annotations

import numpy as np

RAMP_S = 0.005  # about ffmpeg's alimiter attack; a speech peak's neighbourhood


def limited(audio: np.ndarray, rate: int, peaks: np.ndarray, ceiling: float) -> np.ndarray:
    """`audio` (floats) with every sample's true peak (`peaks`, per sample) under `ceiling`."""
    needed = ceiling / np.maximum(peaks, ceiling)
    width = 2 * round(RAMP_S * rate) + 1
    envelope = _moving_average(_moving_minimum(needed, width), width)
    held: np.ndarray = audio * np.minimum(envelope, needed)  # not even by a rounding error
    return held


def _moving_minimum(values: np.ndarray, width: int) -> np.ndarray:
    """The minimum of each `width` values centred on each value (outside: no reduction)."""
    padded = np.pad(values, width // 2, constant_values=1.0)
    table, span = padded, 1  # table[i]: the minimum of padded[i : i + span]
    while span * 2 <= width:
        table = np.minimum(table[:-span], table[span:])
        span *= 2
    minimums: np.ndarray = np.minimum(
        table[: len(values)], table[width - span : width - span + len(values)]
    )
    return minimums


def _moving_average(values: np.ndarray, width: int) -> np.ndarray:
    padded = np.pad(values, width // 2, constant_values=1.0)
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    averages: np.ndarray = (sums[width:] - sums[:-width]) / width
    return averages
