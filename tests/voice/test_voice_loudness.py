"""Every slide comes out equally loud, whatever spoke it and at what level, with every
sample where it was (so the word timings still hold)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.loudness import normalized
from slidespeaker.voice.loudness_meter import integrated_loudness, true_peak
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.speech import Speech
from tests.media import ebur128 as file_loudness

TARGET = -16.0
TEXT = "Revenue grew in every region this quarter. The team shipped the new editor on time."


def ebur128(speech: Speech, tmp_path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), as ffmpeg's ebur128 filter reads them."""
    wav = tmp_path / "measured.wav"
    speech.write_wav(wav)
    return file_loudness(wav)


def scaled(speech: Speech, factor: float) -> Speech:
    return Speech((speech.samples * factor).astype(np.int16), speech.sample_rate, speech.cues)


def a_tone(rate: int) -> Speech:
    """Far louder than speech (about -3 LUFS) with no peaks to limit: a gain alone."""
    seconds = np.arange(2 * rate) / rate
    samples = (np.sin(2 * np.pi * 440 * seconds) * 0.9 * 32767).astype(np.int16)
    return Speech(samples, rate, [])


def lag(a: np.ndarray, b: np.ndarray) -> int:
    """How many samples `b` is behind `a`, by cross-correlation."""
    size = 1 << (len(a) + len(b)).bit_length()
    spectrum = np.fft.rfft(a.astype(float), size).conj() * np.fft.rfft(b.astype(float), size)
    best = int(np.argmax(np.fft.irfft(spectrum, size)))
    return best if best < size // 2 else best - size


def at_many_levels(piper: PiperProvider) -> dict[str, Speech]:
    """Speech at very different levels, from each engine there is, and a tone."""
    spoken = synthesize(piper, TEXT, piper.default_voice, 1.0, CancelToken())
    found = {
        "piper as it speaks": spoken, "a quiet source": scaled(spoken, 0.05),
        "a loud tone": a_tone(spoken.sample_rate), "a tone at 24 kHz": a_tone(24000),
    }  # fmt: skip
    if shutil.which("espeak-ng"):
        found["espeak-ng"] = synthesize(EspeakProvider(30), TEXT, "en-us", 1.0, CancelToken())
    return found


def test_the_meter_reads_as_ffmpeg_does(piper: PiperProvider, tmp_path: Path) -> None:
    """ffmpeg prints a tenth: within 0.1 LU is as close as it can tell."""
    for name, source in at_many_levels(piper).items():
        audio = source.samples / 32768
        loudness, peak = ebur128(source, tmp_path)
        assert abs(integrated_loudness(audio, source.sample_rate) - loudness) <= 0.1, name
        assert abs(true_peak(audio, source.sample_rate) - peak) <= 0.15, name


def test_quiet_and_loud_slides_come_out_at_the_target(piper: PiperProvider, tmp_path: Path) -> None:
    sources = at_many_levels(piper)
    before = {name: ebur128(s, tmp_path)[0] for name, s in sources.items()}
    assert max(before.values()) - min(before.values()) > 20, before
    for name, source in sources.items():
        out = normalized(source, TARGET, CancelToken())
        loudness, true_peak = ebur128(out, tmp_path)
        assert abs(loudness - TARGET) <= 1.0, (name, before[name], loudness)
        assert true_peak <= -1.0, (name, true_peak)
        assert len(out.samples) == len(source.samples), "not a sample more or less"
        assert lag(source.samples, out.samples) == 0, "no sample moved: the word timings hold"


def test_speech_shorter_than_a_gating_block_is_brought_to_the_target_too() -> None:
    """A 0.3 s "Hi." is one block of its own length (a 400 ms block would never fill)."""
    short = scaled(a_tone(24000), 0.01)
    short = Speech(short.samples[: int(0.3 * 24000)], 24000, [])
    out = normalized(short, TARGET, CancelToken())
    assert abs(integrated_loudness(out.samples / 32768, 24000) - TARGET) <= 0.1


def test_silence_is_left_as_it_is() -> None:
    silence = Speech(np.zeros(22050, np.int16), 22050, [])
    assert normalized(silence, TARGET, CancelToken()) is silence


def test_a_cancelled_job_stops_normalising(piper: PiperProvider) -> None:
    spoken = synthesize(piper, "Hello there.", piper.default_voice, 1.0, CancelToken())
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        normalized(spoken, TARGET, token)
