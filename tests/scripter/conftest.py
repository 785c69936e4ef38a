"""The real-world decks the scripter tests read (see SOURCES.md in that folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _decks_folder() -> Path:
    default = REPO_ROOT.parent / "shared" / "decks" / "realworld"
    return Path(os.environ.get("SLIDESPEAKER_DECKS", default))


@pytest.fixture(scope="session")
def realworld() -> Path:
    folder = _decks_folder()
    if not folder.is_dir():
        pytest.skip(f"the real-world decks are not at {folder}; set SLIDESPEAKER_DECKS")
    return folder


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The corpus sweep runs once per deck, so a failure names the deck.
    if "corpus_deck" in metafunc.fixturenames:
        folder = _decks_folder()
        decks = sorted(p for p in folder.glob("*") if p.suffix != ".md") if folder.is_dir() else []
        metafunc.parametrize("corpus_deck", decks, ids=[p.name for p in decks])


@pytest.fixture(autouse=True)
def no_hosted_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model configured in the developer's environment must not be called by the tests:
    those that want one point the settings at their own local server."""
    for name in list(os.environ):
        if name.startswith(("SLIDESPEAKER_LLM_", "OPENAI_")):
            monkeypatch.delenv(name)
