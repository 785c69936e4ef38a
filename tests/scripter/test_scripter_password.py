"""Password-protected decks of the corpus opened with the password their owner gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import detect_format
from slidespeaker.common.deckpassword import WrongPassword, unlock
from slidespeaker.common.errors import BadInput
from slidespeaker.scripter.deck import open_deck, read_slides

ENCRYPTED_PPTX = "tika_encrypted_pptx_password_tika.pptx"  # password "tika"
ENCRYPTED_PDF = "docling_pdf_password_1234_1p.pdf"  # password "1234"


def test_an_encrypted_pptx_opens_with_its_password(realworld: Path, tmp_path: Path) -> None:
    unlocked = unlock(realworld / ENCRYPTED_PPTX, "tika", tmp_path / "deck.pptx")
    assert detect_format(unlocked) == "pptx"
    deck = open_deck(unlocked, tmp_path / "work", token=CancelToken(), soffice_timeout=120)
    assert deck.slides and any(s.title or s.body for s in deck.slides)


def test_an_encrypted_pdf_opens_with_its_password(realworld: Path, tmp_path: Path) -> None:
    unlocked = unlock(realworld / ENCRYPTED_PDF, "1234", tmp_path / "deck.pdf")
    (page,) = read_slides(unlocked).slides
    assert page.title.startswith("DocLayNet: A Large Human-Annotated Dataset")


@pytest.mark.parametrize("name", [ENCRYPTED_PPTX, ENCRYPTED_PDF])
def test_a_wrong_password_is_refused_and_leaves_nothing(
    realworld: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "unlocked"
    with pytest.raises(WrongPassword, match="the password does not open the file"):
        unlock(realworld / name, "not it", out)
    assert not out.exists()


@pytest.mark.parametrize("name", [ENCRYPTED_PPTX, ENCRYPTED_PDF])
def test_without_the_password_the_failure_says_how_to_give_it(realworld: Path, name: str) -> None:
    with pytest.raises(BadInput, match=r"password-protected: give its password \(--password"):
        read_slides(realworld / name)


def test_a_deck_without_a_password_is_used_as_it_is(realworld: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    shutil.copyfile(realworld / "moloch_beamer_demo_4x3_33p.pdf", plain)
    assert unlock(plain, "whatever", tmp_path / "unlocked.pdf") == plain
    assert not (tmp_path / "unlocked.pdf").exists()
