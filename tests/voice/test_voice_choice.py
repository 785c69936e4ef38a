"""With no voice named, a voice that speaks the narration's language reads it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.voice.choice import choose_voice
from slidespeaker.voice.language import detect

ENGLISH_DECK = "Our results this quarter. Revenue grew in every region, and costs fell."
HEBREW = "ההכנסות גדלו בכל האזורים ברבעון הזה, והעלויות ירדו."
CHINESE = "本季度各地区收入均有增长，成本有所下降。"
ZULU = "Sawubona, unjani namhlanje? Ngiyabonga kakhulu ngokufika kwakho lapha."
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)


def test_the_language_of_a_slide_too_short_to_tell_is_the_decks() -> None:
    assert detect(HEBREW) == "he" and detect(CHINESE) == "zh"
    assert detect("Thank you for listening.", ENGLISH_DECK) == "en"
    assert detect("2024", "") is None


def test_english_is_read_by_the_bundled_piper_voice() -> None:
    choice = choose_voice(JobOptions(), "Thank you for listening.", ENGLISH_DECK)
    assert (choice.provider.name, choice.voice, choice.language) == (
        "piper", "en_US-joe-medium", "en"
    )  # fmt: skip


@needs_espeak
def test_an_english_voice_never_reads_hebrew() -> None:
    choice = choose_voice(JobOptions(), HEBREW, ENGLISH_DECK)
    assert (choice.provider.name, choice.voice, choice.language) == ("espeak", "he", "he")


@needs_espeak
def test_chinese_is_read_in_mandarin_not_its_tone_digits_in_english() -> None:
    choice = choose_voice(JobOptions(), CHINESE, CHINESE)
    assert (choice.provider.name, choice.voice) == ("espeak", "cmn-latn-pinyin")

    def phonemes(voice: str) -> str:
        command = ["espeak-ng", "-q", "-x", "-v", voice, CHINESE]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    assert "(en)" in phonemes("cmn"), "plain cmn switches to English for the romanisation"
    assert "(en)" not in phonemes("cmn-latn-pinyin")


@needs_espeak
def test_a_language_no_installed_voice_speaks_is_bad_input_naming_what_to_install() -> None:
    with pytest.raises(
        BadInput, match=r"no installed voice speaks .*Zulu \(zu\).*add a Piper voice"
    ):
        choose_voice(JobOptions(), ZULU, ZULU)


def test_a_named_voice_is_used_as_given() -> None:
    options = JobOptions(voice="en_US-joe-medium")
    choice = choose_voice(options, "Guten Tag, meine Damen und Herren.", "")
    assert (choice.provider.name, choice.voice, choice.language) == (
        "piper", "en_US-joe-medium", "en"
    )  # fmt: skip


@needs_espeak
def test_espeak_with_no_voice_named_speaks_the_narrations_language() -> None:
    options = JobOptions(voice_provider="espeak")
    german = choose_voice(options, "Guten Tag, meine Damen und Herren, willkommen.", "")
    assert (german.provider.name, german.voice, german.language) == ("espeak", "de", "de")
    assert choose_voice(options, "2024", "").voice == "en-us", "nothing to tell: English"
