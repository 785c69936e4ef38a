"""The providers by name (`--voice-provider`), each built once per process."""

from __future__ import annotations

import functools

from slidespeaker.common.errors import BadInput
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.elevenlabs_provider import ElevenLabsProvider
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.openai_provider import OpenAIProvider
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import VoiceProvider

NAMES = ("piper", "espeak", "openai", "elevenlabs")


@functools.cache
def get_provider(name: str) -> VoiceProvider:
    settings = VoiceSettings()
    if name == "piper":
        return PiperProvider(settings.piper_voices_dir)
    if name == "espeak":
        return EspeakProvider(settings.tts_timeout_s)
    if name == "openai":
        return OpenAIProvider(settings)
    if name == "elevenlabs":
        return ElevenLabsProvider(settings)
    raise BadInput(f"unknown voice provider {name!r}; choose one of: {', '.join(NAMES)}")
