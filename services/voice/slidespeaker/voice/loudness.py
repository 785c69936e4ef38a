"""Every slide spoken equally loud: EBU R128 integrated loudness brought to one target.

Engines and voices speak at very different levels (Piper about -20 LUFS with peaks at full
scale, a hosted voice louder or softer), so slide after slide would jump in level. Each
slide's audio is measured with ffmpeg's ebur128 filter and given one constant gain to the
target: a multiply where that keeps the true peak under -1 dBTP; else a look-ahead limiter
(delay-compensated, so no sample moves and every word timing stays exact) holds the peaks
under the ceiling. The limiter takes a little loudness off, so the result is measured again
and the gain corrected (at most twice; each correction gets closer, as the limiter takes
less off a smaller change).
"""

from __future__ import annotations

import re
import tempfile
import wave
from dataclasses import dataclass, replace
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.process import run_child
from slidespeaker.voice.speech import Speech

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
CEILING_DB = -2.0  # sample-peak limit: leaves about 1 dB for peaks between samples
TRUE_PEAK_CEILING_DB = -1.0  # what a gain alone may bring the true peak up to
MAX_GAIN_DB = 40.0  # a near-silent slide is not turned into loud noise
TOLERANCE_LU = 0.3  # close enough to the target not to correct again
SILENT_LUFS = -65.0  # below this there is no speech to measure (ebur128 says -70)
CORRECTIONS = 2
TIMEOUT_S = 60.0

_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_TRUE_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def normalized(speech: Speech, target_lufs: float, token: CancelToken) -> Speech:
    """The speech at `target_lufs` integrated, sample for sample as long as it was."""
    token.check()
    with tempfile.TemporaryDirectory(prefix="loudness-") as work:
        source = Path(work) / "speech.wav"
        speech.write_wav(source)
        before = measure(source, token)
        if before.integrated < SILENT_LUFS:
            return speech
        gain = min(MAX_GAIN_DB, target_lufs - before.integrated)
        if before.true_peak + gain <= TRUE_PEAK_CEILING_DB:  # nothing to limit: one multiply
            return replace(speech, samples=_amplified(speech.samples, gain))
        out = Path(work) / "normalized.wav"
        after = _apply(source, out, gain, token)
        for _ in range(CORRECTIONS):
            if abs(after.integrated - target_lufs) <= TOLERANCE_LU or gain >= MAX_GAIN_DB:
                break
            gain = min(MAX_GAIN_DB, gain + target_lufs - after.integrated)
            after = _apply(source, out, gain, token)
        return replace(speech, samples=_samples(out, len(speech.samples)))


def _amplified(samples: np.ndarray, gain_db: float) -> np.ndarray:
    louder = np.rint(samples.astype(np.float64) * 10 ** (gain_db / 20))
    return np.clip(louder, -32768, 32767).astype(np.int16)


def measure(wav: Path, token: CancelToken) -> Loudness:
    return _run(["-i", str(wav), "-af", _ebur128(), "-f", "null", "-"], token)


def _apply(source: Path, out: Path, gain_db: float, token: CancelToken) -> Loudness:
    """Write `source` with `gain_db` and its peaks limited; what it measures afterwards."""
    limiter = f"alimiter=limit={10 ** (CEILING_DB / 20):.4f}:level=false:latency=true"
    chain = f"volume={gain_db:.2f}dB,{limiter},{_ebur128()}"
    encode = ["-ar", str(_sample_rate(source)), "-c:a", "pcm_s16le", str(out)]
    return _run(["-i", str(source), "-af", chain, *encode], token)


def _run(arguments: list[str], token: CancelToken) -> Loudness:
    command = [FFMPEG, "-hide_banner", "-nostats", "-y", *arguments]
    done = run_child(command, token=token, timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not measure loudness: {done.stderr.strip()[-300:]}")
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    return Loudness(_decibels(_INTEGRATED, summary), _decibels(_TRUE_PEAK, summary))


def _ebur128() -> str:
    return "ebur128=peak=true:framelog=quiet"


def _decibels(pattern: re.Pattern[str], summary: str) -> float:
    found = pattern.search(summary)
    if found is None:
        raise RuntimeError(f"ffmpeg's ebur128 summary has no {pattern.pattern!r}: {summary!r}")
    return float(found.group(1))


def _sample_rate(wav: Path) -> int:
    with wave.open(str(wav), "rb") as audio:
        return audio.getframerate()


def _samples(wav: Path, expected: int) -> np.ndarray:
    with wave.open(str(wav), "rb") as audio:
        samples = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
    if len(samples) != expected:  # the limiter's delay is compensated; a change is a bug
        raise RuntimeError(f"normalising changed the length: {len(samples)} != {expected}")
    return samples.astype(np.int16)
