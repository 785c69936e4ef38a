"""The scripter service on the bus, narrating with a model configured by its environment."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from tests.conftest import Stack
from tests.scripter.chat_server import API_KEY, ChatServer, chat_server, narration_for

from ..jobs import home_store

DECK = "poi_with_japanese_1s_table.pptx"
SERVICES = ["dispatcher", "scripter"]  # review=true: the job waits after scripting


@pytest.fixture(scope="module")
def llm_stack(
    redis_server: RedisHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, ChatServer]]:
    with chat_server() as server:
        home = tmp_path_factory.mktemp("llm-home")
        stack = Stack(redis_server.url, home, prefix=f"l{uuid.uuid4().hex[:8]}")
        stack.env.update(
            {
                "SLIDESPEAKER_LLM_MODEL": "test-model",
                "SLIDESPEAKER_LLM_VISION": "true",  # it is shown each slide's picture
                "SLIDESPEAKER_LLM_BASE_URL": server.url,
                "OPENAI_API_KEY": API_KEY,
                "SLIDESPEAKER_LLM_MAX_RETRIES": "0",
                "SLIDESPEAKER_MAX_ATTEMPTS": "2",
                "SLIDESPEAKER_RETRY_BACKOFF_S": "0.2",
            }
        )
        for name in SERVICES:
            stack.start(name)
        stack.wait_alive(SERVICES)
        yield stack, server
        stack.stop()


async def _script(stack: Stack, deck: Path, timeout: float = 90) -> JobState:
    """Submit with review=true; the state once the job awaits review or has ended."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        options = ev.JobOptions(review=True)  # auto: the model, as one is configured
        job_id = await submit_job(
            log, home_store(stack.home), deck=deck, filename=deck.name, options=options
        )
        deadline = time.monotonic() + timeout
        while True:
            state = fold(await log.read(job_id))
            if state.status == JobStatus.awaiting_review or state.status.terminal:
                return state
            assert time.monotonic() < deadline, f"job {job_id} is still {state.status}"
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


def test_the_service_narrates_with_the_configured_model(
    llm_stack: tuple[Stack, ChatServer], realworld: Path
) -> None:
    stack, server = llm_stack
    server.mode, server.only, before = "ok", None, len(server.requests)
    state = asyncio.run(_script(stack, realworld / DECK))
    assert state.status == JobStatus.awaiting_review, state.error
    (slide,) = state.slides.values()
    assert slide.narration_source == ev.NarrationSource.llm
    assert slide.narration == narration_for(slide.title, 1)
    assert len(server.requests) == before + 1
    (picture,) = server.pictures(before)
    assert picture["url"].startswith("data:image/png;base64,")
    assert state.estimate is not None and state.estimate.llm_requests == 1, "estimated first"


def test_a_retry_keeps_what_the_model_already_wrote(
    llm_stack: tuple[Stack, ChatServer], realworld: Path
) -> None:
    stack, server = llm_stack
    before = len(server.requests)
    # Slide 1 is written, slide 2's request fails (500): the task is retried.
    server.mode, server.only = "error", {before + 2}
    state = asyncio.run(_script(stack, realworld / "docling_unrecognized_shape_3s.pptx"))
    assert state.status == JobStatus.awaiting_review, state.error
    assert [s.narration_source for s in state.slides.values()] == [ev.NarrationSource.llm] * 3
    asked = [server.user_facts(i)["slide"] for i in range(before, len(server.requests))]
    assert asked == [1, 2, 2, 3], "slide 1 is not asked for again"
    assert state.tasks["script_deck"].attempt == 2


def test_a_refusing_model_fails_the_job_naming_it(
    llm_stack: tuple[Stack, ChatServer], realworld: Path
) -> None:
    stack, server = llm_stack
    server.mode, server.only = "unauthorized", None
    state = asyncio.run(_script(stack, realworld / DECK))
    assert state.status == JobStatus.failed
    assert state.error is not None and "401 Incorrect API key" in state.error
    assert stack.alive("scripter")
