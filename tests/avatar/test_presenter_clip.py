"""The local presenter's clip: its mouth opens while the voice speaks and stays closed in
silence, measured in the clip's pixels against Piper's phoneme timings and the audio."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from slidespeaker.avatar.figure import Mouth, presenter_size
from slidespeaker.avatar.local import slide_mouths
from slidespeaker.avatar.presenter import FPS, frame_count, render_presenter
from slidespeaker.avatar.visemes import Phoneme, mouths_from_phonemes
from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.fold import SlideState
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import synthesize

from ..stores import local_storage
from .frames import decoded_frames, mouth_box, mouth_opening

HEIGHT = 180
SILENCE_AFTER_S = 1.0


def speaking_at(phonemes: list[Phoneme], t: float) -> bool:
    return any(start <= t < end for _, start, end in phonemes)


def silent_around(phonemes: list[Phoneme], t: float, margin: float) -> bool:
    return not any(start - margin < t < end + margin for _, start, end in phonemes)


def openings(clip: Path) -> list[tuple[float, int]]:
    width, height = presenter_size(HEIGHT)
    box = mouth_box(width, height)
    return [(t, mouth_opening(frame, box)) for t, frame in decoded_frames(clip)]


def test_the_mouth_follows_pipers_phonemes(tmp_path: Path) -> None:
    piper = PiperProvider(tmp_path)
    text = "Good morning, everyone. Today we look at the numbers for this quarter."
    speech = synthesize(piper, text, piper.default_voice, 1.0, CancelToken())
    phonemes = [(p.text, p.start, p.end) for p in speech.phonemes]
    assert phonemes and phonemes[-1][2] <= speech.duration + 1e-6
    frames = frame_count(speech.duration + SILENCE_AFTER_S)
    clip = tmp_path / "presenter.mov"
    render_presenter(mouths_from_phonemes(phonemes, frames, FPS), clip, height=HEIGHT, seed=7,
                     token=CancelToken(), timeout=60)  # fmt: skip

    measured = openings(clip)
    assert len(measured) == frames
    frame_s = 1 / FPS
    silent = [o for t, o in measured if silent_around(phonemes, t + frame_s / 2, frame_s)]
    spoken = [o for t, o in measured if speaking_at(phonemes, t + frame_s / 2)]
    assert len(silent) >= SILENCE_AFTER_S * FPS - 2, "the trailing second is silence"
    assert max(silent) == 0, "the mouth is closed whenever nothing is said"
    assert np.mean([o > 0 for o in spoken]) > 0.6, "the mouth is open for most of the speech"
    assert np.mean(spoken) > 20


def write_bursts(path: Path, rate: int = 22050) -> None:
    """Silence, a second of a loud buzz, silence: a voice that times nothing."""
    t = np.arange(rate) / rate
    buzz = 9000 * np.sin(2 * np.pi * 150 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    samples = np.concatenate([np.zeros(rate), buzz, np.zeros(rate)]).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def test_without_phoneme_timings_the_mouth_follows_the_loudness(tmp_path: Path) -> None:
    storage = local_storage(tmp_path)
    write_bursts(tmp_path / "voice.wav")
    storage.put_file("voice.wav", tmp_path / "voice.wav")
    slide = SlideState(number=1, audio_key="voice.wav", audio_duration=3.0)
    frames = frame_count(3.0)
    mouths = slide_mouths(storage, slide, frames, tmp_path, CancelToken(), timeout=60)
    clip = tmp_path / "presenter.mov"
    render_presenter(mouths, clip, height=HEIGHT, seed=1, token=CancelToken(), timeout=60)

    measured = openings(clip)
    quiet = [o for t, o in measured if t < 0.9 or t > 2.1]
    loud = [o for t, o in measured if 1.1 < t < 1.9]
    assert max(quiet) == 0
    assert min(loud) > 20


def test_a_slide_with_nothing_to_say_keeps_its_mouth_closed(tmp_path: Path) -> None:
    storage = local_storage(tmp_path)
    mouths = slide_mouths(storage, SlideState(number=1), 50, tmp_path, CancelToken(), 60)
    assert mouths == [Mouth.closed] * 50


def test_the_same_slide_gives_the_same_clip(tmp_path: Path) -> None:
    mouths = [Mouth.open, Mouth.closed, Mouth.wide] * 40
    for name in ("a", "b"):
        render_presenter(mouths, tmp_path / f"{name}.mov", height=HEIGHT, seed=3,
                         token=CancelToken(), timeout=60)  # fmt: skip
    assert (tmp_path / "a.mov").read_bytes() == (tmp_path / "b.mov").read_bytes()


def test_cancelling_stops_the_clip_and_leaves_no_file(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel("the user cancelled")
    out = tmp_path / "presenter.mov"
    with pytest.raises(JobCancelled):
        render_presenter([Mouth.closed] * 100, out, height=HEIGHT, seed=1, token=token, timeout=60)
    assert not out.exists()
