"""EBU R128 loudness and true peak of mono audio, measured in-process (ITU-R BS.1770-4).

Integrated loudness: K-weighting (a high shelf, then the RLB high-pass, their coefficients
derived for the audio's own sample rate as libebur128 derives them), mean square over
400 ms blocks that start every 100 ms, an absolute gate at -70 LUFS and a relative gate
10 LU below the loudness of the blocks that passed it. True peak: the largest magnitude of
the audio oversampled to at least 192 kHz (BS.1770-4 oversamples 48 kHz four times), with
a windowed-sinc interpolator, where the audio is loud enough for a peak to be there.

K-weighting is done in the frequency domain with numpy's FFT. The filters are IIR, but
their impulse response has decayed below 1e-10 within FILTER_TAIL_S, so filtering the
audio padded by that much is the same, to floating-point accuracy, as running the biquads
sample by sample (measured: 5e-14 apart). scipy.signal's lfilter would do it too, but
importing scipy.signal takes 2.5 s and 80 MB in every voice process, for two filters.
"""

from __future__ import annotations

import functools
import math

import numpy as np

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_S, STEP_S = 0.4, 0.1
TRUE_PEAK_RATE = 192_000
FILTER_TAIL_S = 0.1  # the filters' impulse response is below 1e-10 by then (1e-25 at 0.25 s)
TAPS = 32  # samples each point between samples is interpolated from (as ffmpeg's resampler)
KAISER_BETA = 8.0
OVERSHOOT = 0.5  # -6 dB: how far below the loudest samples a peak between samples may start
SILENCE = float("-inf")


def integrated_loudness(audio: np.ndarray, rate: int) -> float:
    """LUFS of `audio` (floats, full scale 1.0); -inf when nothing passes the gates. Audio
    shorter than one block is measured as one block of its own length."""
    power = np.square(k_weighted(audio, rate))
    block, step = round(BLOCK_S * rate), round(STEP_S * rate)
    if len(power) < block:
        blocks = np.array([power.mean()]) if len(power) else np.zeros(0)
    else:
        sums = np.concatenate(([0.0], np.cumsum(power)))
        starts = np.arange(0, len(power) - block + 1, step)
        blocks = (sums[starts + block] - sums[starts]) / block
    audible = blocks[_lufs(blocks) > ABSOLUTE_GATE_LUFS]
    if not len(audible):
        return SILENCE
    relative_gate = _lufs(np.array([audible.mean()]))[0] + RELATIVE_GATE_LU
    gated = audible[_lufs(audible) > relative_gate]
    return float(_lufs(np.array([gated.mean()]))[0])


def true_peak(audio: np.ndarray, rate: int) -> float:
    """dBTP: the highest magnitude between and at the samples, in decibels of full scale."""
    peak = float(np.abs(audio).max(initial=0.0))
    if peak == 0:
        return SILENCE
    return 20 * math.log10(float(true_peaks(audio, rate, peak * OVERSHOOT).max()))


def true_peaks(audio: np.ndarray, rate: int, floor: float) -> np.ndarray:
    """For each sample, the highest magnitude of the waveform within one sample of it.
    Only what lies between samples of at least `floor` is interpolated: elsewhere the
    sample's own magnitude stands (no peak is OVERSHOOT above its neighbourhood in speech)."""
    magnitude = np.abs(audio)
    loud = np.maximum(magnitude[:-1], magnitude[1:]) >= floor  # the interval after each sample
    starts = np.flatnonzero(loud)
    taps = _interpolator(max(1, math.ceil(TRUE_PEAK_RATE / rate)))
    reach = np.arange(1 - TAPS // 2, TAPS // 2 + 1)  # the samples each point is made from
    padded = np.pad(audio, TAPS // 2)
    windows = padded[starts[:, None] + reach + TAPS // 2]
    # einsum: numpy's own loop; a matmul's BLAS threads would spin on the other cores
    between = np.abs(np.einsum("st,tp->sp", windows, taps)).max(axis=1, initial=0.0)
    peaks: np.ndarray = magnitude.copy()
    np.maximum.at(peaks, starts, between)  # a point between n and n+1 counts for both
    np.maximum.at(peaks, starts + 1, between)
    return peaks


@functools.cache
def _interpolator(factor: int) -> np.ndarray:
    """(TAPS, factor - 1): Kaiser-windowed sinc weights of the points j/factor past a sample."""
    reach = np.arange(1 - TAPS // 2, TAPS // 2 + 1)[:, None]
    distance = reach - np.arange(1, factor)[None, :] / factor
    window = np.i0(KAISER_BETA * np.sqrt(np.clip(1 - (distance / (TAPS / 2)) ** 2, 0, None)))
    weights: np.ndarray = np.sinc(distance) * window / np.i0(KAISER_BETA)
    return weights


def k_weighted(audio: np.ndarray, rate: int) -> np.ndarray:
    size = _fft_size(len(audio) + round(FILTER_TAIL_S * rate))
    filtered: np.ndarray = np.fft.irfft(np.fft.rfft(audio, size) * _k_response(rate, size), size)
    return filtered[: len(audio)]


@functools.lru_cache(maxsize=8)  # a few sizes cover every slide's length
def _k_response(rate: int, size: int) -> np.ndarray:
    """Both filters' frequency response at the bins of an FFT of `size` samples."""
    delay = np.exp(-1j * np.linspace(0, np.pi, size // 2 + 1))  # z^-1 on the unit circle
    response: np.ndarray = np.ones_like(delay)
    for b, a in (_shelf(rate), _high_pass(rate)):
        response *= np.polyval(b[::-1], delay) / np.polyval(a[::-1], delay)
    return response


def _shelf(rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1: the head's acoustic effect, a +4 dB shelf above about 1.7 kHz."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    b = np.array([vh + vb * k / q + k * k, 2 * (k * k - vh), vh - vb * k / q + k * k]) / a0
    a = np.array([a0, 2 * (k * k - 1), 1 - k / q + k * k]) / a0
    return b, a


def _high_pass(rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2: the revised low-frequency B-curve (RLB), a high-pass at about 38 Hz."""
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    a = np.array([a0, 2 * (k * k - 1), 1 - k / q + k * k]) / a0
    return np.array([1.0, -2.0, 1.0]), a


def _lufs(mean_squares: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        loudness: np.ndarray = -0.691 + 10 * np.log10(mean_squares)
    return loudness


def _fft_size(at_least: int) -> int:
    """The smallest 2^a 3^b 5^c of at least `at_least`: a length numpy's FFT is quick at."""
    best = 1 << max(0, at_least - 1).bit_length()
    threes = 1
    while threes < best:
        odd = threes
        while odd < best:
            best = min(best, odd << max(0, -(-at_least // odd) - 1).bit_length())
            odd *= 5
        threes *= 3
    return best
