"""Voice samples (GET /api/voices/sample): spoken by the real voice service, asked over
Redis by the real API, made once and then served from storage."""

from __future__ import annotations

import io
import json
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common.keys import Keys
from slidespeaker.common.voice_samples import SAMPLE_TEXTS, sample_key, sample_text
from slidespeaker.scripter.language import detect

from ..conftest import Stack, running_api


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with running_api(stack) as client:
        client.timeout = httpx.Timeout(60)
        yield client


def sample_path(stack: Stack, provider: str, voice: str | None, text: str) -> Path:
    return stack.home / "artifacts" / sample_key(provider, voice, text)


def speech_seconds(audio: bytes) -> float:
    """The length of the WAV, after checking it holds sound and not silence."""
    with wave.open(io.BytesIO(audio)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
        assert rms > 300, f"the sample is near silence (RMS {rms:.0f})"
        return float(wav.getnframes() / wav.getframerate())


def test_the_default_voice_says_its_sentence_once_then_the_file_is_served(
    api: httpx.Client, stack: Stack
) -> None:
    first = api.get("/api/voices/sample", params={"provider": "piper"})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "audio/wav"
    assert 1.5 < speech_seconds(first.content) < 8  # "Hello! This is how I will narrate ..."
    stored = sample_path(stack, "piper", None, sample_text("en"))
    made = stored.stat()
    again = api.get("/api/voices/sample", params={"provider": "piper"})
    assert again.content == first.content
    assert (stored.stat().st_ino, stored.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns)


@pytest.mark.parametrize("language", ["de", "he"])
def test_a_voice_speaks_a_sentence_in_its_own_language(
    api: httpx.Client, stack: Stack, language: str
) -> None:
    voices = api.get("/api/voices").json()["voices"]
    voice = {"provider": "espeak", "name": language, "language": language, "description": ""}
    assert voice in voices
    sample = api.get("/api/voices/sample", params={"provider": "espeak", "voice": language})
    assert sample.status_code == 200, sample.text
    assert speech_seconds(sample.content) > 1
    assert sample_path(stack, "espeak", language, sample_text(language)).is_file()


@pytest.mark.parametrize("language", sorted(SAMPLE_TEXTS))
def test_each_sample_sentence_is_written_in_its_language(language: str) -> None:
    assert detect(SAMPLE_TEXTS[language]).language == language


def test_a_text_of_ones_own_is_spoken_and_kept_apart(api: httpx.Client, stack: Stack) -> None:
    text = "Short."
    sample = api.get("/api/voices/sample", params={"provider": "piper", "text": text})
    assert sample.status_code == 200, sample.text
    assert speech_seconds(sample.content) < 1.5
    assert sample_path(stack, "piper", None, text).read_bytes() == sample.content


def test_what_cannot_be_spoken_is_refused_saying_why(api: httpx.Client, stack: Stack) -> None:
    unknown = api.get("/api/voices/sample", params={"provider": "piper", "voice": "nobody"})
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == (
        "no voice service offers piper/nobody; GET /api/voices lists those that do"
    )
    too_long = api.get("/api/voices/sample", params={"provider": "piper", "text": "a" * 301})
    assert too_long.status_code == 422


def test_a_published_voice_the_service_lacks_is_the_voice_services_answer(
    api: httpx.Client, stack: Stack
) -> None:
    client = redis.Redis.from_url(stack.url)
    voices = Keys(stack.prefix).voices
    entry = {"provider": "piper", "name": "gone-voice", "language": "en-US"}
    client.hset(voices, "piper/gone-voice", json.dumps(entry))
    try:
        answer = api.get("/api/voices/sample", params={"provider": "piper", "voice": "gone-voice"})
    finally:
        client.hdel(voices, "piper/gone-voice")
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("there is no Piper voice 'gone-voice'")


def test_without_a_voice_service_the_api_says_so_at_once(
    redis_server: RedisHandle, tmp_path: Path
) -> None:
    lone = Stack(redis_server.url, tmp_path, prefix=f"s{uuid.uuid4().hex[:8]}")
    entry = {"provider": "piper", "name": "en_US-joe-medium", "language": "en-US"}
    redis.Redis.from_url(lone.url).hset(
        Keys(lone.prefix).voices, "piper/en_US-joe-medium", json.dumps(entry)
    )  # published by a voice service that has since stopped
    with running_api(lone) as client:
        answer = client.get("/api/voices/sample", params={"provider": "piper"})
    assert answer.status_code == 503
    assert "no voice service is running" in answer.json()["detail"]
