"""OpenAI and ElevenLabs through their real SDKs, against a local server speaking their
protocols."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.elevenlabs_provider import ElevenLabsProvider
from slidespeaker.voice.openai_provider import OpenAIProvider
from slidespeaker.voice.provider import ProviderUnavailable, synthesize

from .speech_servers import API_KEY, SpeechServer, speech_seconds, speech_server

TEXT = "Hello there. This second sentence is a good deal longer, with a clause."


@pytest.fixture
def server() -> Iterator[SpeechServer]:
    with speech_server() as running:
        yield running


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("ELEVENLABS_API_KEY", API_KEY)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def openai_at(url: str, retries: int = 0) -> OpenAIProvider:
    settings = VoiceSettings(tts_base_url=url, tts_max_retries=retries, tts_timeout_s=5)
    return OpenAIProvider(settings)


def elevenlabs_at(
    url: str, monkeypatch: pytest.MonkeyPatch, retries: int = 0
) -> ElevenLabsProvider:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", url)
    return ElevenLabsProvider(VoiceSettings(tts_max_retries=retries, tts_timeout_s=5))


def test_openai_speaks_each_sentence_alone_and_times_it_whole(server: SpeechServer) -> None:
    speech = synthesize(openai_at(server.openai_url), TEXT, "nova", 1.0, CancelToken())
    asked = [(r["input"], r["voice"], r["model"], r["response_format"]) for r in server.requests]
    second_sentence = TEXT.removeprefix("Hello there. ")
    assert asked == [
        ("Hello there.", "nova", "gpt-4o-mini-tts", "pcm"),
        (second_sentence, "nova", "gpt-4o-mini-tts", "pcm"),
    ]
    assert speech.timing == "sentence" and speech.words == []
    assert speech.fallbacks == ["OpenAI TTS gives no word timings"] * 2
    first, second = speech.cues
    assert first.start == 0.0 and first.end == pytest.approx(speech_seconds("Hello there."))
    assert second.start == first.end and second.end == pytest.approx(speech.duration)
    assert speech.sample_rate == 24000 and abs(speech.samples).max() > 1000


def test_the_speech_base_url_overrides_openais_for_speech_alone(
    server: SpeechServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # a local LLM, say
    monkeypatch.setenv("SLIDESPEAKER_TTS_BASE_URL", server.openai_url)
    provider = OpenAIProvider(VoiceSettings(tts_max_retries=0))
    assert synthesize(provider, "Hi.", "alloy", 1.0, CancelToken()).duration > 0
    monkeypatch.delenv("SLIDESPEAKER_TTS_BASE_URL")
    monkeypatch.setenv("OPENAI_BASE_URL", server.openai_url)
    assert synthesize(openai_at_env(), "Hi.", "alloy", 1.0, CancelToken()).duration > 0


def openai_at_env() -> OpenAIProvider:
    return OpenAIProvider(VoiceSettings(tts_max_retries=0))


def test_openai_rejecting_the_key_or_the_voice_is_bad_input(
    server: SpeechServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(BadInput, match=r"refused voice 'nobody'.*Invalid value for 'voice'"):
        synthesize(openai_at(server.openai_url), "Hi.", "nobody", 1.0, CancelToken())
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with pytest.raises(BadInput, match="rejected the API key: Incorrect API key provided"):
        synthesize(openai_at(server.openai_url), "Hi.", "alloy", 1.0, CancelToken())
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(BadInput, match="OPENAI_API_KEY"):
        synthesize(openai_at(server.openai_url), "Hi.", "alloy", 1.0, CancelToken())


def test_openai_down_is_retried_by_the_sdk_then_retryable(server: SpeechServer) -> None:
    server.down = True
    with pytest.raises(ProviderUnavailable, match="503 The server is overloaded"):
        synthesize(openai_at(server.openai_url, retries=1), "Hi.", "alloy", 1.0, CancelToken())
    assert len(server.requests) == 2, "the SDK retried once, with its backoff"
    with pytest.raises(ProviderUnavailable, match=r"127\.0\.0\.1:9\b"):
        synthesize(openai_at("http://127.0.0.1:9/v1"), "Hi.", "alloy", 1.0, CancelToken())


def test_elevenlabs_words_start_at_their_first_character(
    server: SpeechServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = elevenlabs_at(server.elevenlabs_url, monkeypatch)
    speech = synthesize(provider, TEXT, "voice-1", 1.0, CancelToken())
    assert speech.timing == "word", speech.fallbacks
    assert [w.text for w in speech.words] == TEXT.split()
    words = iter(speech.words)
    offset = 0.0
    for sentence in ("Hello there.", TEXT.removeprefix("Hello there. ")):
        per_char = speech_seconds(sentence) / len(sentence)  # the server's character timing
        at = 0
        for word in sentence.split():
            at = sentence.index(word, at)
            assert abs(next(words).start - (offset + at * per_char)) <= 0.05, word
            at += len(word)
        offset += speech_seconds(sentence)
    starts = {w.start for w in speech.words}
    assert all(c.start in starts for c in speech.cues), "captions start at words"
    assert speech.cues[-1].end == pytest.approx(speech.duration, abs=0.05)
    assert [r["model_id"] for r in server.requests] == ["eleven_multilingual_v2"] * 2


def test_elevenlabs_failures_say_what_elevenlabs_said(
    server: SpeechServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(BadInput, match=r"voice 'nobody'.*was not found"):
        synthesize(elevenlabs_at(server.elevenlabs_url, monkeypatch), "Hi.", "nobody", 1.0,
                   CancelToken())  # fmt: skip
    monkeypatch.setenv("ELEVENLABS_API_KEY", "wrong")
    with pytest.raises(BadInput, match="rejected the API key: Invalid API key"):
        synthesize(elevenlabs_at(server.elevenlabs_url, monkeypatch), "Hi.", "voice-1", 1.0,
                   CancelToken())  # fmt: skip
    monkeypatch.setenv("ELEVENLABS_API_KEY", API_KEY)
    server.down = True
    with pytest.raises(ProviderUnavailable, match="503 Service unavailable"):
        synthesize(elevenlabs_at(server.elevenlabs_url, monkeypatch), "Hi.", "voice-1", 1.0,
                   CancelToken())  # fmt: skip
    with pytest.raises(ProviderUnavailable, match="ElevenLabs is unavailable"):
        synthesize(elevenlabs_at("http://127.0.0.1:9", monkeypatch), "Hi.", "voice-1", 1.0,
                   CancelToken())  # fmt: skip
