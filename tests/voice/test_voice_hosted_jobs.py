"""Hosted speech in the real pipeline: a job voiced by OpenAI or ElevenLabs (a local server
speaking their protocols), and a provider that is down: retried, then a failed job saying why."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobStatus

from ..conftest import PIPELINE, Stack
from ..jobs import run_job
from .speech_servers import API_KEY, SpeechServer, speech_server
from .test_voice_service import SMALL, a_deck, voiced_events

# One worker runs them all (make test runs pytest -n 2), so the stack below starts once.
pytestmark = pytest.mark.xdist_group("voice-hosted-stack")
TEXTS = ["Hosted speech. Two sentences on this slide.", "And one on this one."]


@pytest.fixture(scope="module")
def server() -> Iterator[SpeechServer]:
    with speech_server() as running:
        yield running


@pytest.fixture(scope="module")
def hosted_stack(
    redis_server: RedisHandle, server: SpeechServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    stack = Stack(redis_server.url, tmp_path_factory.mktemp("hosted"), f"h{uuid.uuid4().hex[:8]}")
    stack.env |= {
        "OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": server.openai_url,
        "ELEVENLABS_API_KEY": API_KEY, "ELEVENLABS_BASE_URL": server.elevenlabs_url,
        "SLIDESPEAKER_TTS_MAX_RETRIES": "0", "SLIDESPEAKER_TTS_TIMEOUT_S": "5",
    }  # fmt: skip
    for name in PIPELINE:
        stack.start(name)
    stack.wait_alive(PIPELINE)
    yield stack
    stack.stop()


@pytest.mark.parametrize(("provider", "voice", "timing"), [
    ("openai", "nova", "sentence"), ("elevenlabs", "voice-1", "word"),
])  # fmt: skip
async def test_a_deck_voiced_by_a_hosted_provider(
    hosted_stack: Stack, provider: str, voice: str, timing: str
) -> None:
    options = SMALL.model_copy(update={"voice_provider": provider, "voice": voice})
    state = await run_job(
        hosted_stack.url, hosted_stack.home, hosted_stack.prefix, a_deck(TEXTS), "h.pdf", options
    )
    assert state.status == JobStatus.completed, state.error
    voiced = await voiced_events(hosted_stack, state.job_id)
    assert [(v.provider, v.voice, v.timing) for v in voiced] == [(provider, voice, timing)] * 2
    assert all(v.cues and v.cues[-1].end <= v.duration + 0.05 for v in voiced)


async def test_a_provider_that_is_down_is_retried_then_fails_the_job_saying_why(
    hosted_stack: Stack, server: SpeechServer
) -> None:
    server.down = True
    try:
        options = SMALL.model_copy(update={"voice_provider": "openai", "voice": "alloy"})
        state = await run_job(
            hosted_stack.url, hosted_stack.home, hosted_stack.prefix, a_deck(["Down."]), "d.pdf",
            options,
        )  # fmt: skip
    finally:
        server.down = False
    assert state.status == JobStatus.failed and state.failed_stage == ev.Stage.voice
    assert "OpenAI TTS is unavailable: 503 The server is overloaded." in (state.error or "")
    assert "after 3 attempts" in (state.error or ""), "a provider that is down is retried"


async def test_a_rejected_key_fails_the_job_at_once(hosted_stack: Stack) -> None:
    options = SMALL.model_copy(update={"voice_provider": "openai", "voice": "no-such-voice"})
    state = await run_job(
        hosted_stack.url, hosted_stack.home, hosted_stack.prefix, a_deck(["Hi."]), "v.pdf", options
    )
    assert state.status == JobStatus.failed
    assert "refused voice 'no-such-voice'" in (state.error or "")
    assert "attempts" not in (state.error or ""), "bad input is not retried"
