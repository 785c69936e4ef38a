"""A model that sees images is shown each slide it narrates, and describes a slide that is
only a picture; one that does not leaves such a slide silent, as offline."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from slidespeaker.common.events import JobOptions, NarrationSource
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.llm import IMAGE_HEIGHT, IMAGE_TOKENS, IMAGE_WIDTH
from slidespeaker.scripter.script import estimate_deck, script_deck
from tests.scripter.chat_server import API_KEY, ChatServer, chat_server, narration_for

# A PowerPoint slide printed as one flat picture: no text layer, nothing to read it from.
PICTURE = "tika_powerpoint_image_only_letter_landscape_1p.pdf"
SCANNED = "docling_scanned_mixed_orientation_4p.pdf"  # four scanned pages
TWO = JobOptions(slides="2-3")


def _settings(server: ChatServer, **overrides: Any) -> ScripterSettings:
    values: dict[str, Any] = {
        "llm_base_url": server.url,
        "OPENAI_API_KEY": API_KEY,
        "llm_max_retries": 0,
        **overrides,
    }
    return ScripterSettings(**values)


def test_a_vision_model_is_shown_the_slide_and_describes_a_picture(realworld: Path) -> None:
    with chat_server() as server:
        settings = _settings(server, llm_model="gpt-4o-mini")  # known to see images
        lines = script_deck(realworld / SCANNED, TWO, settings)
    assert [line.source for line in lines] == [NarrationSource.llm] * 2
    assert lines[0].narration == narration_for("", 1)
    assert len(server.requests) == 2
    for index in range(2):
        (picture,) = server.pictures(index)
        assert picture["detail"] == "high"
        prefix = "data:image/png;base64,"
        assert picture["url"].startswith(prefix)
        png = pymupdf.Pixmap(base64.b64decode(picture["url"][len(prefix) :]))
        assert (png.width, png.height) == (IMAGE_WIDTH, IMAGE_HEIGHT)
        assert not png.is_monochrome and not png.is_unicolor, "it shows the slide's picture"


@pytest.mark.parametrize(
    "overrides", [{"llm_model": "test-model"}, {"llm_model": "gpt-4o", "llm_vision": False}]
)
def test_a_model_that_does_not_see_leaves_a_picture_silent(
    realworld: Path, overrides: dict[str, Any]
) -> None:
    with chat_server() as server:
        (line,) = script_deck(realworld / PICTURE, JobOptions(), _settings(server, **overrides))
    assert not server.requests
    assert line.source == NarrationSource.none
    assert "page 1 is only a picture" in line.warnings[0]
    assert "has nothing to say" in line.warnings[1]


def test_the_estimate_counts_each_picture(realworld: Path) -> None:
    with chat_server() as server:
        settings = _settings(server, llm_model="x", llm_vision=True)
        seeing = estimate_deck(realworld / SCANNED, TWO, settings)
    assert seeing.llm_requests == 2
    assert seeing.llm_input_tokens > 2 * IMAGE_TOKENS
    assert not server.requests, "nothing is sent for an estimate"
