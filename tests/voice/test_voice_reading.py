"""Numbers, dates, shorthand and addresses are said as an English reader says them, the
lexicon's words as it says, and the captions still show (and time) the written words."""

from __future__ import annotations

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.voice.english import say
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.reading import reader
from slidespeaker.voice.sentences import split_sentences


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3.5%", "three point five percent"),
        ("12%,", "twelve percent,"),
        ("2024-03-01", "March first, twenty twenty-four"),
        ("$1.2M", "one point two million dollars"),
        ("$1", "one dollar"),
        ("$3.50", "three dollars fifty"),
        ("€20bn", "twenty billion euros"),
        ("Q3", "Q three"),
        ("e.g.,", "for example,"),
        ("https://example.com/docs", "example dot com slash docs"),
        ("www.example.com.", "w w w dot example dot com."),
        ("info@acme.io", "info at acme dot io"),
        ("10:30", "ten thirty"),
        ("9:05am", "nine oh five A M"),
        ("21st", "twenty-first"),
        ("1999", "nineteen ninety-nine"),
        ("(1990s)", "(nineteen nineties)"),
        ("2020–2024", "twenty twenty to twenty twenty-four"),
        ("1,250", "one thousand two hundred and fifty"),
        ("-5", "minus five"),
        ("10x", "ten times"),
        ("No.", "number"),
        ("no.", "no."),
        ("Node.js", "Node.js"),
        ("slides", "slides"),
    ],
)
def test_english_says_figures_and_shorthand_in_words(written: str, spoken: str) -> None:
    assert say(written) == spoken


def test_shorthand_and_initials_do_not_end_a_sentence() -> None:
    text = "Dr. Smith spoke, e.g. about the U.S. economy. It grew. No. 5 was last."
    assert split_sentences(text) == [
        "Dr. Smith spoke, e.g. about the U.S. economy.", "It grew.", "No. 5 was last."
    ]  # fmt: skip


def test_the_lexicon_comes_first_and_other_languages_keep_their_figures() -> None:
    lexicon = Lexicon({"nginx": "engine x", "SQL": "sequel"})
    english = reader("en-US", lexicon)("Run nginx, SQL and sql on 3 hosts.")
    assert english.text == "Run engine x, sequel and sql on three hosts."
    german = reader("de", lexicon)("Nginx läuft auf 3,5% der Server.")
    assert german.text == "engine x läuft auf 3,5% der Server."
    assert reader(None, Lexicon({}))("It is 3.5%.").text == "It is 3.5%."


def test_captions_show_and_time_the_written_words(piper: PiperProvider) -> None:
    text = "On 2024-03-01 revenue grew 3.5% to $1.2M. See https://example.com/docs for nginx."
    read = reader("en", Lexicon({"nginx": "engine x"}))
    speech = synthesize(piper, text, piper.default_voice, 1.0, CancelToken(), read)
    assert speech.timing == "word", speech.fallbacks
    assert [w.text for w in speech.words] == text.split()
    assert " ".join(c.text for c in speech.cues) == text, "captions say what the slide says"
    starts = [w.start for w in speech.words]
    assert starts == sorted(starts) and speech.words[-1].end <= speech.duration
    length = {w.text: w.end - w.start for w in speech.words}
    # "March first, twenty twenty-four" is said, not "two zero two four dash ..."
    assert length["2024-03-01"] > 3 * length["revenue"], length
    assert length["https://example.com/docs"] > 3 * length["revenue"], length
