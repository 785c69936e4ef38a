"""Cost estimates before submission (POST /api/estimates): the real API stores the deck and
asks the real scripter over Redis, which reckons it as a job's `cost.estimated` would be."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymupdf
import pytest

from slidespeaker.common import storage_keys
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.script import estimate_deck

from .conftest import Stack, running_api

WORDS = "Quarterly revenue grew in every region, led by the new subscription plans."


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with running_api(stack) as client:
        client.timeout = httpx.Timeout(60)
        yield client


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = pymupdf.open()
    for n in range(1, 4):
        doc.new_page().insert_text((72, 72), f"Part {n}. {WORDS}")
    path = tmp_path_factory.mktemp("estimates") / "deck.pdf"
    doc.save(path)
    return path


def estimated(api: httpx.Client, deck: Path, **fields: Any) -> httpx.Response:
    return api.post("/api/estimates", files={"file": (deck.name, deck.read_bytes())}, data=fields)


def no_estimate_decks_left(stack: Stack) -> bool:
    folder = stack.home / "artifacts" / storage_keys.ESTIMATES
    return not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))


def test_an_offline_render_costs_nothing(api: httpx.Client, deck: Path, stack: Stack) -> None:
    answer = estimated(api, deck)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "llm_requests": 0, "llm_input_tokens": 0, "llm_output_tokens": 0,
        "tts_characters": 0, "cost_usd": 0.0,
    }  # fmt: skip
    assert no_estimate_decks_left(stack), "the deck sent to be estimated is removed"


def test_hosted_speech_is_reckoned_with_the_chosen_options(
    api: httpx.Client, deck: Path, stack: Stack
) -> None:
    whole = estimated(api, deck, voice_provider="openai")
    first = estimated(api, deck, voice_provider="openai", slides="1")
    assert whole.status_code == first.status_code == 200, (whole.text, first.text)
    expected = estimate_deck(deck, JobOptions(voice_provider="openai"))
    assert whole.json()["tts_characters"] == expected.tts_characters > 3 * len(WORDS)
    assert 0 < first.json()["tts_characters"] < whole.json()["tts_characters"] / 2
    # The stack's scripter has no price for hosted speech: the estimate says it cannot price it.
    assert whole.json()["cost_usd"] is None
    assert no_estimate_decks_left(stack)


def test_a_deck_that_cannot_be_read_is_refused_with_the_scripters_reason(
    api: httpx.Client, deck: Path, stack: Stack, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00 not a PDF body " * 200)
    answer = estimated(api, broken)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == "the file is damaged: it is not a readable PDF"
    assert no_estimate_decks_left(stack)
    assert estimated(api, deck).status_code == 200, "the scripter answers the next one"


def test_a_bad_option_is_refused_before_any_deck_is_read(api: httpx.Client, deck: Path) -> None:
    answer = estimated(api, deck, width="5000")
    assert answer.status_code == 422
    assert "width" in answer.text


def test_without_a_scripter_the_answer_says_so_at_once(stack: Stack, deck: Path) -> None:
    with running_api(stack, key_prefix=f"none{uuid.uuid4().hex[:6]}") as lonely:
        answer = estimated(lonely, deck)
    assert answer.status_code == 503
    assert "no scripter service is running" in answer.json()["detail"]
