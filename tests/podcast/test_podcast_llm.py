"""The podcast with hosted models: the dialogue written by a model (the real openai SDK
against a local server speaking Chat Completions; bad answers asked for again, then a
failure that says why), its turns spoken by OpenAI's speech in two stock voices."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.dialogue.llm import DialogueWriter
from slidespeaker.scripter.dialogue.offline import SlideTalk
from slidespeaker.voice.reading import reader
from tests.conftest import STARTUP_TIMEOUT_S, Stack
from tests.scripter.chat_server import API_KEY, ChatServer, chat_server
from tests.voice.speech_servers import SpeechServer, speech_server

from ..jobs import home_store

DECK = "docling_unrecognized_shape_3s.pptx"  # three slides
SCHEMA = "podcast_dialogue"
SERVICES = ["dispatcher", "scripter", "voice"]
SLIDES = [SlideTalk(1, "Revenue", "Revenue grew."), SlideTalk(2, "Plans", "We hire.")]


def dialogue(body: dict[str, Any]) -> str:
    """A good answer: a turn by each speaker about every slide the request lists."""
    facts = json.loads(next(m["content"] for m in body["messages"] if m["role"] == "user"))
    turns = [
        {"speaker": speaker, "slide": slide["slide"], "text": f"{speaker} on {slide['title']}."}
        for slide in facts["slides"]
        for speaker in ("host", "guest")
    ]
    return json.dumps({"turns": turns})


def writer(server: ChatServer, retries: int = 1) -> DialogueWriter:
    return DialogueWriter(
        ScripterSettings.model_validate(
            {"llm_model": "test-model", "llm_base_url": server.url, "OPENAI_API_KEY": API_KEY,
             "llm_max_retries": retries, "llm_retry_backoff_s": 0}
        )
    )  # fmt: skip


def test_the_model_writes_the_dialogue_from_the_deck() -> None:
    with chat_server(ChatServer(answers={SCHEMA: dialogue})) as server:
        turns = writer(server).write("Q3", SLIDES, 2.0, "English")
    assert [(t.speaker, t.slide, t.text) for t in turns] == [
        ("host", 1, "host on Revenue."), ("guest", 1, "guest on Revenue."),
        ("host", 2, "host on Plans."), ("guest", 2, "guest on Plans."),
    ]  # fmt: skip
    (request,) = server.requests
    asked = json.loads(request["messages"][1]["content"])
    assert asked["deck"] == "Q3" and asked["slides"][1]["said"] == "We hire."
    assert "About 300 words" in request["messages"][0]["content"], "two minutes' worth"
    assert request["response_format"]["json_schema"]["name"] == SCHEMA


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ('{"turns": [{"speaker": "host", "slide": 1', "not the JSON asked for"),
        ('{"turns": []}', "no turns"),
        ('{"turns": [{"speaker": "host", "slide": 7, "text": "Hi."}]}', "about slide 7"),
        ('{"turns": [{"speaker": "narrator", "slide": 1, "text": "Hi."}]}', "not the JSON"),
        ('{"turns": [{"speaker": "host", "slide": 1, "text": " "}]}', "nothing to say"),
        ('{"turns": [{"speaker": "host", "slide": 1, "text": "Hi."}]}', "only one of the two"),
    ],
)
def test_a_bad_answer_is_asked_for_again_then_fails_saying_why(bad: str, why: str) -> None:
    refused = pytest.raises(BadInput, match=f"no usable podcast dialogue in 2 tries: .*{why}")
    with chat_server(ChatServer(answers={SCHEMA: lambda body: bad})) as server, refused:
        writer(server, retries=1).write("Q3", SLIDES, None, "English")
    assert len(server.requests) == 2


def test_a_bad_answer_then_a_good_one_is_used() -> None:
    answers = iter(['{"turns": [', None])

    def first_bad(body: dict[str, Any]) -> str:
        return next(answers) or dialogue(body)

    with chat_server(ChatServer(answers={SCHEMA: first_bad})) as server:
        turns = writer(server).write("Q3", SLIDES, None, "English")
    assert len(turns) == 4 and len(server.requests) == 2


@pytest.fixture(scope="module")
def speech() -> Iterator[SpeechServer]:
    with speech_server() as server:
        yield server


@pytest.fixture(scope="module")
def llm_stack(
    redis_server: RedisHandle, speech: SpeechServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, ChatServer]]:
    """A dispatcher, a scripter that writes with the local model and a voice service that
    speaks with the local OpenAI speech (no composer: the tests stop at the turns)."""
    with chat_server() as server:
        home = tmp_path_factory.mktemp("podcast-llm")
        stack = Stack(redis_server.url, home, prefix=f"p{uuid.uuid4().hex[:8]}")
        stack.env.update(
            {
                "SLIDESPEAKER_LLM_MODEL": "test-model",
                "SLIDESPEAKER_LLM_BASE_URL": server.url,
                "OPENAI_API_KEY": API_KEY,
                "SLIDESPEAKER_LLM_MAX_RETRIES": "1",
                "SLIDESPEAKER_LLM_RETRY_BACKOFF_S": "0",
                "SLIDESPEAKER_TTS_BASE_URL": speech.openai_url,
                "SLIDESPEAKER_TTS_MAX_RETRIES": "0",
            }
        )
        for name in SERVICES:
            stack.start(name)
        try:
            stack.wait_alive(SERVICES, timeout=STARTUP_TIMEOUT_S)
            yield stack, server
        finally:
            stack.stop()


async def _until(
    stack: Stack, deck: Path, event_type: str, count: int = 1, timeout: float = 180
) -> JobState:
    """Submit a podcast job spoken by OpenAI; its state once `count` events of
    `event_type` are in its log, or it has ended."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        job_id = await submit_job(
            log, home_store(stack.home), deck=deck, filename=deck.name,
            options=ev.JobOptions(format="podcast", voice_provider="openai"),
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            events = await log.read(job_id)
            state = fold(events)
            if state.status.terminal or [e.type for _, e in events].count(event_type) >= count:
                return state
            assert time.monotonic() < deadline, f"job {job_id} is still {state.status}"
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


def test_the_model_writes_the_dialogue_and_two_hosted_voices_speak_it(
    llm_stack: tuple[Stack, ChatServer], speech: SpeechServer, realworld: Path
) -> None:
    stack, server = llm_stack
    server.answers = {SCHEMA: dialogue}
    state = asyncio.run(_until(stack, realworld / DECK, "turn.voiced", count=6))
    assert state.error is None
    assert [(t.speaker, t.slide) for t in state.turns] == [
        (speaker, n) for n in (1, 2, 3) for speaker in ("host", "guest")
    ]
    assert state.turns[0].text == f"host on {state.slides[1].title}."
    voices = {"host": "alloy", "guest": "nova"}  # the default and the stock guest
    assert all(t.voice == voices[t.speaker] and t.duration for t in state.turns)
    asked = {r["input"]: r["voice"] for r in speech.requests if "input" in r}
    read = reader("en", Lexicon({}))  # as slides are: "Q3" is asked for as "Q three"
    assert all(asked[read(t.text).text] == voices[t.speaker] for t in state.turns)


def test_a_model_that_keeps_answering_nonsense_fails_the_job_clearly(
    llm_stack: tuple[Stack, ChatServer], realworld: Path
) -> None:
    stack, server = llm_stack
    server.answers = {SCHEMA: lambda body: '{"turns": []}'}
    state = asyncio.run(_until(stack, realworld / DECK, "job.failed"))
    assert state.status == "failed" and not state.turns
    assert state.error is not None
    assert "no usable podcast dialogue in 2 tries: the answer has no turns" in state.error
    assert state.failed_stage == ev.Stage.scripter
