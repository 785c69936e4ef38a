"""Voiced audio (a slide's or a podcast turn's) is keyed by everything that produced it, and
by nothing else."""

from __future__ import annotations

from slidespeaker.voice.audio_cache import Utterance, audio_key
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.piper_engine import PiperProvider


def key(
    text: str = "Hello.", provider: str = "piper", voice: str = "joe", rate: float = 1.0,
    engine: str = "v1", loudness: float = -16.0, pitch: float = 1.0,
) -> str:  # fmt: skip
    return audio_key(Utterance(text, provider, engine, voice, rate, pitch), loudness)


def test_every_ingredient_of_the_audio_changes_its_key() -> None:
    assert key() == key(), "the same input, the same key"
    changed = {
        key(text="Hello!"), key(provider="openai"), key(voice="amy"), key(rate=1.25),
        key(engine="v2"), key(loudness=-18.0), key(pitch=1.2),
    }  # fmt: skip
    assert key() not in changed and len(changed) == 7


def test_pipers_engine_version_names_the_library_and_the_voice(piper: PiperProvider) -> None:
    version = piper.engine_version(piper.default_voice)
    assert version.startswith("piper-tts 1.") and len(version.split()) == 3
    again = PiperProvider(VoiceSettings().piper_voices_dir)
    assert again.engine_version("en_US-joe-medium") == version
