"""pad_narration: exact pauses around narration in any format, silence for silent slides."""

from __future__ import annotations

import wave
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.composer.audio import SAMPLE_RATE, pad_narration
from slidespeaker.composer.ffmpeg import MediaError, run_ffmpeg

ToneWav = Callable[..., Path]


def read_pcm(path: Path) -> array[int]:
    """The WAV's samples, once it is checked to be mono 16-bit at SAMPLE_RATE."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        return array("h", wav.readframes(wav.getnframes()))


def leading_zeros(samples: array[int]) -> int:
    return next(i for i, sample in enumerate(samples) if sample != 0)


def trailing_zeros(samples: array[int]) -> int:
    return leading_zeros(array("h", reversed(samples)))


def test_48k_narration_is_kept_sample_for_sample_between_exact_pauses(
    tmp_path: Path, tone_wav: ToneWav, token: CancelToken
) -> None:
    narration = tone_wav(1.5, SAMPLE_RATE)
    out = tmp_path / "padded.wav"

    duration = pad_narration(
        narration, out, before=0.3, after=0.7, hold=5.0, token=token, timeout=30
    )

    samples = read_pcm(out)
    spoken = read_pcm(narration)
    assert len(samples) == 14400 + len(spoken) + 33600
    assert samples[14400 : 14400 + len(spoken)] == spoken
    assert leading_zeros(samples) == 14400
    assert duration * SAMPLE_RATE == len(samples)


def test_22050_hz_piper_narration_is_resampled_and_padded_exactly(
    tmp_path: Path, tone_wav: ToneWav, token: CancelToken
) -> None:
    narration = tone_wav(2.0, 22050)
    out = tmp_path / "padded.wav"

    duration = pad_narration(
        narration, out, before=0.25, after=0.5, hold=5.0, token=token, timeout=30
    )

    samples = read_pcm(out)
    assert len(samples) == round(duration * SAMPLE_RATE)
    assert abs(len(samples) - (12000 + 2 * SAMPLE_RATE + 24000)) <= 2
    assert leading_zeros(samples) == 12000
    assert trailing_zeros(samples) >= 24000


def test_mp3_narration_is_decoded(tmp_path: Path, tone_wav: ToneWav, token: CancelToken) -> None:
    mp3 = tmp_path / "hosted.mp3"
    run_ffmpeg(["-i", tone_wav(1.0, 24000), "-c:a", "libmp3lame", mp3], token=token, timeout=30)
    out = tmp_path / "padded.wav"

    duration = pad_narration(mp3, out, before=0.1, after=0.1, hold=5.0, token=token, timeout=30)

    assert duration == pytest.approx(1.2, abs=0.03)
    assert len(read_pcm(out)) == round(duration * SAMPLE_RATE)


def test_a_slide_with_nothing_to_say_is_held_in_silence(tmp_path: Path, token: CancelToken) -> None:
    out = tmp_path / "held.wav"

    duration = pad_narration(None, out, before=0.3, after=0.7, hold=2.5, token=token, timeout=30)

    samples = read_pcm(out)
    assert duration == 2.5
    assert len(samples) == 120000
    assert not any(samples)


def test_unreadable_narration_is_an_error_and_leaves_no_file(
    tmp_path: Path, token: CancelToken
) -> None:
    garbage = tmp_path / "voice.wav"
    garbage.write_bytes(b"this is not audio" * 100)
    out = tmp_path / "padded.wav"

    with pytest.raises(MediaError, match=r"voice\.wav cannot be decoded"):
        pad_narration(garbage, out, before=0.3, after=0.7, hold=2.0, token=token, timeout=30)
    assert not out.exists()


def test_empty_narration_is_an_error_not_a_pause(
    tmp_path: Path, tone_wav: ToneWav, token: CancelToken
) -> None:
    out = tmp_path / "padded.wav"

    with pytest.raises(MediaError, match="holds no sound"):
        pad_narration(tone_wav(0.0), out, before=0.3, after=0.7, hold=2.0, token=token, timeout=30)
    assert not out.exists()


def test_a_presenters_slide_is_lengthened_to_whole_video_frames_at_its_end(
    tmp_path: Path, tone_wav: ToneWav, token: CancelToken
) -> None:
    narration = tone_wav(1.013, SAMPLE_RATE)  # 48624 samples: 25.3 frames of 1920
    frame = SAMPLE_RATE // 25
    out, silent = tmp_path / "padded.wav", tmp_path / "silent.wav"

    duration = pad_narration(narration, out, before=0.3, after=0.7, hold=5.0, token=token,
                             timeout=30, multiple_of=frame)  # fmt: skip
    held = pad_narration(None, silent, before=0.3, after=0.7, hold=2.01, token=token,
                         timeout=30, multiple_of=frame)  # fmt: skip

    samples = read_pcm(out)  # the header's sizes agree with the samples written
    exact = 14400 + 48624 + 33600
    assert len(samples) == exact + (-exact % frame) and len(samples) % frame == 0
    assert samples[14400 : 14400 + 48624] == read_pcm(narration)
    assert trailing_zeros(samples) == len(samples) - 14400 - 48624
    assert duration * SAMPLE_RATE == len(samples)
    assert held == 2.04 and len(read_pcm(silent)) == 2.04 * SAMPLE_RATE
    decoded = tmp_path / "decoded.wav"  # and ffmpeg reads it whole
    run_ffmpeg(["-i", out, "-c:a", "pcm_s16le", decoded], token=token, timeout=30)
    assert read_pcm(decoded) == samples
