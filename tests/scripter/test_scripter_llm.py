"""LLM narration through the real openai SDK against a local Chat Completions server."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions, NarrationSource
from slidespeaker.scripter.chat import LlmUnavailable
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.llm import LlmNarrator
from slidespeaker.scripter.script import script_deck
from tests.scripter.chat_server import API_KEY, ChatServer, chat_server, narration_for

VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"  # 9 visible slides, 2 with notes
SLIDE = SlideContent(
    source_slide=1,
    title="Quarterly results",
    body=["Revenue grew by a fifth"],
    notes="",
    pictures=[],
    has_media=False,
    image_only=False,
)


def _settings(url: str, **overrides: Any) -> ScripterSettings:
    values: dict[str, Any] = {
        "llm_model": "test-model",
        "llm_base_url": url,
        "OPENAI_API_KEY": API_KEY,
        "llm_timeout_s": 5,
        "llm_max_retries": 1,
        "llm_retry_backoff_s": 0,
        **overrides,
    }
    return ScripterSettings(**values)


def _narrate(server: ChatServer, **overrides: Any) -> str:
    narrator = LlmNarrator(_settings(server.url, **overrides))
    return narrator.narrate(SLIDE, 1, ["Quarterly results"], 90, "English")


def test_every_slide_is_narrated_by_the_model_and_stays_aligned(realworld: Path) -> None:
    with chat_server() as server:
        script = script_deck(
            realworld / VARIOUS, JobOptions(narration="llm"), _settings(server.url)
        )
    assert [line.source_slide for line in script] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    for line in script:
        if line.source == NarrationSource.llm:
            assert line.narration == narration_for(line.title, line.index)
        else:  # a picture without description: nothing the model could say without inventing
            assert line.source == NarrationSource.none and line.warnings
    assert [line.source for line in script].count(NarrationSource.llm) == len(server.requests)
    first = server.user_facts(0)
    assert len(first["deck_outline"]) == 9, "the model sees the whole deck's outline"
    notes = [server.user_facts(i)["speaker_notes"] for i in range(len(server.requests))]
    assert "NotesForSlide2" in notes, "and the slide's notes"
    request = server.requests[0]
    assert request["model"] == "test-model"
    assert request["response_format"]["json_schema"]["schema"]["required"] == [
        "slide",
        "narration",
    ]


def test_auto_uses_the_notes_where_there_are_some_and_the_model_elsewhere(
    realworld: Path,
) -> None:
    with chat_server() as server:
        script = script_deck(realworld / VARIOUS, JobOptions(), _settings(server.url))
    sources = {line.source_slide: line.source for line in script}
    assert sources[2] == sources[3] == NarrationSource.notes
    assert sources[1] == sources[4] == NarrationSource.llm


def test_another_language_is_written_by_the_model_notes_included(realworld: Path) -> None:
    with chat_server() as server:
        options = JobOptions(language="fr")
        script = script_deck(realworld / VARIOUS, options, _settings(server.url))
    sources = {line.source_slide: line.source for line in script}
    assert sources[2] == sources[3] == sources[1] == NarrationSource.llm, "notes translated"
    system = server.requests[0]["messages"][0]["content"]
    assert "in fr." in system


def test_an_answer_for_another_slide_is_asked_again() -> None:
    with chat_server(ChatServer(mode="wrong_slide", failures=1)) as server:
        assert _narrate(server) == narration_for("Quarterly results", 1)
    assert len(server.requests) == 2


def test_an_answer_always_for_another_slide_fails_clearly() -> None:
    with chat_server(ChatServer(mode="wrong_slide")) as server, pytest.raises(LlmUnavailable) as e:
        _narrate(server)
    assert "is for slide 2, not 1" in str(e.value)


def test_malformed_json_is_asked_again_then_fails_clearly() -> None:
    with chat_server(ChatServer(mode="malformed", failures=1)) as server:
        assert _narrate(server) == narration_for("Quarterly results", 1)
    with chat_server(ChatServer(mode="malformed")) as server, pytest.raises(LlmUnavailable) as e:
        _narrate(server)
    assert "not the JSON asked for" in str(e.value)
    assert len(server.requests) == 2  # the first answer and one retry


def test_server_errors_are_retried_by_the_sdk_then_reported_as_retryable() -> None:
    with chat_server(ChatServer(mode="error", failures=1)) as server:
        assert _narrate(server) == narration_for("Quarterly results", 1)
    with chat_server(ChatServer(mode="error")) as server, pytest.raises(LlmUnavailable) as e:
        _narrate(server)
    assert "500" in str(e.value) and "had an error" in str(e.value)
    assert len(server.requests) == 2  # max_retries=1


def test_a_slow_server_times_out() -> None:
    started = time.monotonic()
    with (
        chat_server(ChatServer(mode="slow", slow_s=3)) as server,
        pytest.raises(LlmUnavailable) as e,
    ):
        _narrate(server, llm_timeout_s=0.3, llm_max_retries=0)
    assert "did not answer" in str(e.value) and "timed out" in str(e.value).lower()
    assert time.monotonic() - started < 3


def test_a_refused_key_fails_the_job_at_once() -> None:
    with chat_server(ChatServer(mode="unauthorized")) as server, pytest.raises(BadInput) as e:
        _narrate(server)
    assert "refused" in e.value.message and "401 Incorrect API key" in e.value.message
    assert len(server.requests) == 1, "a refusal is not retried"


def test_an_unreachable_endpoint_is_reported() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LlmUnavailable, match="did not answer"):
        _narrate(ChatServer(port=port), llm_max_retries=0)
