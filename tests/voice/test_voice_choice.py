"""With no voice named, a voice that speaks the narration's recorded language reads it; a
language no voice here speaks falls back on the deck's, else the default, voice."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.voice.choice import choose_voice, unspoken_warning

CHINESE = "本季度各地区收入均有增长，成本有所下降。"
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)


def test_english_is_read_by_the_bundled_piper_voice() -> None:
    choice = choose_voice(JobOptions(), "en-US", "en-US")
    assert (choice.provider.name, choice.voice, choice.language, choice.unspoken) == (
        "piper", "en_US-joe-medium", "en", None
    )  # fmt: skip
    assert choose_voice(JobOptions(), None, None).voice == "en_US-joe-medium", "not known"


@needs_espeak
def test_an_english_voice_never_reads_hebrew() -> None:
    choice = choose_voice(JobOptions(), "he-IL", "en-US")
    assert (choice.provider.name, choice.voice, choice.language) == ("espeak", "he", "he")


@needs_espeak
def test_chinese_is_read_in_mandarin_not_its_tone_digits_in_english() -> None:
    choice = choose_voice(JobOptions(), "zh-CN", "zh-CN")
    assert (choice.provider.name, choice.voice) == ("espeak", "cmn-latn-pinyin")

    def phonemes(voice: str) -> str:
        command = ["espeak-ng", "-q", "-x", "-v", voice, CHINESE]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    assert "(en)" in phonemes("cmn"), "plain cmn switches to English for the romanisation"
    assert "(en)" not in phonemes("cmn-latn-pinyin")


@needs_espeak
def test_a_language_no_voice_speaks_is_read_by_the_decks_voice_saying_what_to_install() -> None:
    in_german_deck = choose_voice(JobOptions(), "zu", "de-DE")
    assert (in_german_deck.voice, in_german_deck.language, in_german_deck.unspoken) == (
        "de", "de", "zu"
    )  # fmt: skip
    alone = choose_voice(JobOptions(), "zu-ZA", "zu-ZA")
    assert (alone.provider.name, alone.voice, alone.unspoken) == ("piper", "en_US-joe-medium", "zu")
    warning = unspoken_warning(alone, "slide 3")
    assert warning.startswith("slide 3 is in Zulu (zu), which no installed voice speaks")
    assert "English voice en_US-joe-medium reads it" in warning
    assert "add a Piper voice for it (NAME.onnx and NAME.onnx.json)" in warning


@needs_espeak
def test_only_a_language_asked_for_that_no_voice_speaks_is_refused() -> None:
    with pytest.raises(BadInput, match=r"no installed voice speaks Zulu \(zu\), the language ask"):
        choose_voice(JobOptions(language="zu"), "zu", "zu")


def test_a_named_voice_is_used_as_given() -> None:
    options = JobOptions(voice="en_US-joe-medium")
    choice = choose_voice(options, "de-DE", "de-DE")
    assert (choice.provider.name, choice.voice, choice.language) == (
        "piper", "en_US-joe-medium", "en"
    )  # fmt: skip


@needs_espeak
def test_espeak_with_no_voice_named_speaks_the_narrations_language() -> None:
    options = JobOptions(voice_provider="espeak")
    german = choose_voice(options, "de", None)
    assert (german.provider.name, german.voice, german.language) == ("espeak", "de", "de")
    assert choose_voice(options, None, None).voice == "en-us", "not known: English"
