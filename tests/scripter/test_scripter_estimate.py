"""The cost estimate: reckoned before any hosted call, and a job above its limit never calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.script import estimate_deck, script_deck
from tests.scripter.chat_server import API_KEY, chat_server

VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"
PRICES = {"llm_usd_per_mtok_input": 2.5, "llm_usd_per_mtok_output": 10.0}


def _settings(url: str, **overrides: Any) -> ScripterSettings:
    values = {"llm_model": "m", "llm_base_url": url, "OPENAI_API_KEY": API_KEY, **overrides}
    return ScripterSettings(**values)


def test_the_estimate_counts_the_requests_the_script_then_makes(realworld: Path) -> None:
    with chat_server() as server:
        settings = _settings(server.url, **PRICES)
        counted = estimate_deck(realworld / VARIOUS, JobOptions(), settings)
        assert not server.requests, "estimating sends nothing"
        script_deck(realworld / VARIOUS, JobOptions(), settings)
    assert counted.llm_requests == len(server.requests) == 2  # the slides without notes
    sent = sum(len(m["content"]) for r in server.requests for m in r["messages"])
    assert counted.llm_input_tokens == pytest.approx(sent / 4, abs=2)
    assert counted.tts_characters == 0, "Piper speaks locally"
    expected = (counted.llm_input_tokens * 2.5 + counted.llm_output_tokens * 10.0) / 1e6
    assert counted.cost_usd == pytest.approx(expected)


def test_a_job_above_its_limit_sends_nothing(realworld: Path) -> None:
    with chat_server() as server:
        settings = _settings(server.url, **PRICES)
        with pytest.raises(BadInput, match=r"estimated at \$0.0\d, above its limit of \$0.00"):
            script_deck(realworld / VARIOUS, JobOptions(max_cost=0.0001), settings)
        with pytest.raises(BadInput, match="price of the language model's tokens"):
            script_deck(realworld / VARIOUS, JobOptions(max_cost=5), _settings(server.url))
        script_deck(realworld / VARIOUS, JobOptions(max_cost=5), settings)
    assert len(server.requests) == 2, "only the job within its limit called the model"


def test_hosted_speech_is_counted_from_the_script(realworld: Path) -> None:
    options = JobOptions(voice_provider="openai", max_cost=1)
    settings = ScripterSettings(tts_usd_per_mchar=15.0)
    counted = estimate_deck(realworld / VARIOUS, options, settings)
    script = script_deck(realworld / VARIOUS, options, settings)
    assert counted.llm_requests == 0
    assert counted.tts_characters == sum(len(line.narration) for line in script) > 0
    assert counted.cost_usd == pytest.approx(counted.tts_characters * 15.0 / 1e6)


def test_an_offline_job_is_never_stopped_by_its_limit(realworld: Path) -> None:
    counted = estimate_deck(realworld / VARIOUS, JobOptions(max_cost=0.0001), ScripterSettings())
    assert not counted.hosted and counted.cost_usd == 0
    assert script_deck(realworld / VARIOUS, JobOptions(max_cost=0.0001), ScripterSettings())
