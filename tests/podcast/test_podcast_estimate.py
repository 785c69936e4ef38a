"""The cost estimate counts the podcast: its dialogue's request and its hosted speech."""

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.script import estimate_deck, script_deck
from tests.scripter.chat_server import API_KEY

DECK = "docling_unrecognized_shape_3s.pptx"  # three slides without notes


def test_offline_the_podcast_speaks_the_narration_and_as_much_again(realworld: Path) -> None:
    deck, settings = realworld / DECK, ScripterSettings()
    said = sum(len(line.narration) for line in script_deck(deck, JobOptions(), settings))

    def speech(fmt: str) -> int:
        options = JobOptions.model_validate({"format": fmt, "voice_provider": "openai"})
        counted = estimate_deck(deck, options, settings)
        assert counted.llm_requests == 0
        return counted.tts_characters

    assert (speech("video"), speech("podcast"), speech("both")) == (said, 2 * said, 3 * said)


def test_with_a_model_the_dialogue_is_one_request_more_of_its_length(realworld: Path) -> None:
    settings = ScripterSettings.model_validate(
        {"llm_model": "m", "llm_base_url": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": API_KEY}
    )
    video = estimate_deck(realworld / DECK, JobOptions(), settings)
    podcast = estimate_deck(
        realworld / DECK, JobOptions(format="both", podcast_minutes=2), settings
    )
    assert podcast.llm_requests == video.llm_requests + 1 == 4
    assert podcast.llm_output_tokens - video.llm_output_tokens == 2 * 150 * 1.4
    assert podcast.llm_input_tokens - video.llm_input_tokens > 3 * 100 * 6 / 4, "the narration"
    assert podcast.tts_characters == video.tts_characters == 0, "Piper speaks locally"
