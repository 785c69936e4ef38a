"""The providers by name (`--voice-provider`), each built once per process.

The hosted providers' SDKs (openai, elevenlabs) take a second and tens of MB to import, so
each provider's module is imported only when a job first asks for it: a voice process that
speaks with Piper never loads them.
"""

from __future__ import annotations

import functools

from slidespeaker.common.errors import BadInput
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.provider import VoiceProvider

NAMES = ("piper", "espeak", "openai", "elevenlabs")


@functools.cache
def get_provider(name: str) -> VoiceProvider:
    settings = VoiceSettings()
    if name == "piper":
        from slidespeaker.voice.piper_engine import PiperProvider

        return PiperProvider(
            settings.piper_voices_dir, settings.piper_threads, settings.optimized_voices_dir
        )
    if name == "espeak":
        from slidespeaker.voice.espeak_provider import EspeakProvider

        return EspeakProvider(settings.tts_timeout_s)
    if name == "openai":
        from slidespeaker.voice.openai_provider import OpenAIProvider

        return OpenAIProvider(settings)
    if name == "elevenlabs":
        from slidespeaker.voice.elevenlabs_provider import ElevenLabsProvider

        return ElevenLabsProvider(settings)
    raise BadInput(f"unknown voice provider {name!r}; choose one of: {', '.join(NAMES)}")
