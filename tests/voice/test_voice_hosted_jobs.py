"""Hosted speech in the real pipeline: a job voiced by OpenAI or ElevenLabs (a local server
speaking their protocols), and a provider that is down: retried, then a failed job saying why."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobStatus

from ..conftest import PIPELINE, Stack, running_api
from ..jobs import job_events, run_job
from ..test_api import wait_for_status
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


def test_a_retry_after_a_voice_failure_keeps_the_slides_already_voiced(
    hosted_stack: Stack, server: SpeechServer
) -> None:
    texts = ["Voiced before the failure.", "Unlucky slide, its provider fails."]
    options = {"width": 320, "height": 180, "voice_provider": "openai", "voice": "alloy"}
    server.down_for = "Unlucky"
    try:
        with running_api(hosted_stack) as api:
            job_id = submit_with(api, a_deck(texts), options)
            failed = wait_for_status(api, job_id)
            assert failed["status"] == "failed" and "slide 2" in failed["error"]
            asked = spoken(server, texts[0])
            server.down_for = None
            assert api.post(f"/api/jobs/{job_id}/retry").status_code == 202
            assert wait_for_status(api, job_id)["status"] == "completed"
    finally:
        server.down_for = None

    assert spoken(server, texts[0]) == asked, "slide 1 was not voiced again"
    events = asyncio.run(job_events(hosted_stack.url, hosted_stack.prefix, job_id))
    started = [e.task for e in events if isinstance(e, ev.TaskStarted)]
    assert [t.slide for t in started if t.action == ev.Action.voice_slide].count(1) == 1
    assert sum(t.action.stage == ev.Stage.scripter for t in started) == 1, "the script was kept"
    assert sum(isinstance(e, ev.SlideVoiced) and e.slide == 1 for e in events) == 1


def submit_with(api: httpx.Client, deck: bytes, options: dict[str, object]) -> str:
    response = api.post("/api/jobs", files={"file": ("deck.pdf", deck)}, data=options)
    assert response.status_code == 201, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def spoken(server: SpeechServer, text: str) -> int:
    return sum(text in str(request.get("input")) for request in server.requests)
