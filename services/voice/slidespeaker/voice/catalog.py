"""The voices this machine offers, per provider and language, and their publication in
Redis so the API (`GET /api/voices`) lists what the running voice services can speak."""

from __future__ import annotations

import json

from slidespeaker.common.errors import BadInput
from slidespeaker.common.keys import Keys
from slidespeaker.common.redis_clients import sync_client
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.piper_engine import PiperProvider


def local_voices(settings: VoiceSettings | None = None) -> list[dict[str, str]]:
    """Piper's voices (bundled and dropped in) and, where installed, espeak-ng's languages.
    Hosted providers' voices are not listed: they depend on the account."""
    settings = settings or VoiceSettings()
    piper = PiperProvider(settings.piper_voices_dir)
    voices = [
        {"provider": "piper", "name": name, "language": piper.language(name)}
        for name in piper.voices()
    ]
    try:
        codes = EspeakProvider(settings.tts_timeout_s).voices()
    except BadInput:
        codes = []  # espeak-ng is not installed
    voices += [{"provider": "espeak", "name": code, "language": code} for code in codes]
    return voices


def publish(redis_url: str, keys: Keys, voices: list[dict[str, str]]) -> None:
    client = sync_client(redis_url)
    try:
        entries = {f"{v['provider']}/{v['name']}": json.dumps(v) for v in voices}
        if entries:
            client.hset(keys.voices, mapping=entries)  # type: ignore[arg-type]
    finally:
        client.close()
