"""The pronunciation lexicon: its two file forms, its case rule, entries of several words, and
clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.lexicon import Lexicon, parse_lexicon
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.reading import reader

from ..conftest import Stack, running_api
from .test_voice_service import a_deck


def test_a_tab_separated_and_a_json_lexicon_read_the_same() -> None:
    tsv = "# how we say our words\nSQL\tsequel\n\nnginx\tengine x\nUS\tyou ess\n"
    json_text = '{"SQL": "sequel", "nginx": "engine x", "US": "you ess"}'
    assert parse_lexicon(tsv) == parse_lexicon(json_text) == {
        "SQL": "sequel", "nginx": "engine x", "US": "you ess"
    }  # fmt: skip


def test_lower_case_entries_match_any_case_and_capitals_only_themselves() -> None:
    lexicon = Lexicon({"nginx": "engine x", "US": "you ess"})
    assert lexicon.spoken("Nginx") == lexicon.spoken("NGINX") == "engine x"
    assert lexicon.spoken("US") == "you ess"
    assert lexicon.spoken("us") is None and lexicon.spoken("Us") is None


def test_entries_of_several_words_match_on_word_boundaries_longest_first() -> None:
    lexicon = Lexicon({"machine learning": "M L", "Machine Learning Ops": "M L ops",
                       "learning": "learn-ing", "New York": "the big apple"})  # fmt: skip
    read = reader("en", lexicon)
    said = {
        "We use machine learning, daily.": "We use M L, daily.",
        "Machine  Learning Ops (and Machine Learning).": "M L ops (and M L).",
        "machine learning ops is not Machine Learning Ops.": "M L ops is not M L ops.",
        "machine learnings and machine, learning": "machine learnings and machine, learn-ing",
        "new york is not New York.": "new york is not the big apple.",
    }
    assert {text: read(text).text for text in said} == said
    assert read("Machine  Learning Ops rule.").written == ["Machine Learning Ops", "rule."]


def test_the_words_an_entry_says_together_are_captioned_as_one(piper: PiperProvider) -> None:
    read = reader("en", Lexicon({"machine learning": "M L"}))
    text = "Our machine learning team grew."
    speech = synthesize(piper, text, piper.default_voice, 1.0, CancelToken(), read)
    assert speech.timing == "word", speech.fallbacks
    assert [w.text for w in speech.words] == ["Our", "machine learning", "team", "grew."]
    assert " ".join(c.text for c in speech.cues) == text
    phrase = speech.words[1]
    assert speech.words[0].end <= phrase.start < phrase.end <= speech.words[2].start


def test_a_lexicon_entry_in_chinese_or_japanese_matches_its_characters_together() -> None:
    lexicon = Lexicon({"机器学习": "ji qi xue xi", "東京": "Tokyo"})
    chinese = reader("zh", lexicon)("我们用机器学习。")
    assert chinese.written[-1] == "机器学习。" and chinese.spoken[-1] == "ji qi xue xi。"
    assert reader("ja", lexicon)("「東京」に行く。").text.startswith("「Tokyo」")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SQL sequel\n", "line 1: expected WORD<TAB>SPOKEN FORM"),
        ("\tx\n", "an entry has no word"),
        ("SQL\t\n", "'SQL' has no spoken form"),
        ('{"SQL": 1}', "must be a JSON object of words to spoken forms"),
        ('{"SQL": ', "is not valid JSON"),
    ],
)
def test_a_broken_lexicon_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_lexicon(text, "terms.tsv")


def test_the_api_takes_a_lexicon_file_and_the_rate_with_the_deck(stack: Stack) -> None:
    deck = ("talk.pdf", a_deck(["Our SQL servers run nginx."]), "application/pdf")
    lexicon = ("terms.tsv", b"SQL\tsequel\nnginx\tengine x\n", "text/tab-separated-values")
    with running_api(stack) as api:
        created = api.post(
            "/api/jobs", files={"file": deck, "lexicon": lexicon}, data={"rate": "1.2"}
        )
        assert created.status_code == 201, created.text
        options = api.get(f"/api/jobs/{created.json()['job_id']}").json()["options"]
        assert options["lexicon"] == {"SQL": "sequel", "nginx": "engine x"}
        assert options["rate"] == 1.2

        broken = ("terms.tsv", b"SQL sequel\n", "text/plain")
        refused = api.post("/api/jobs", files={"file": deck, "lexicon": broken})
        assert refused.status_code == 422
        assert "terms.tsv, line 1: expected WORD<TAB>SPOKEN FORM" in refused.text


def test_the_cli_refuses_a_broken_lexicon_before_it_starts_anything(tmp_path: Path) -> None:
    deck = tmp_path / "talk.pdf"
    deck.write_bytes(a_deck(["Hello."]))
    lexicon = tmp_path / "terms.json"
    lexicon.write_text('{"SQL": 1}', encoding="utf-8")
    command = [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck),
               "--out", str(tmp_path / "out"), "--lexicon", str(lexicon)]  # fmt: skip
    wide = {**os.environ, "COLUMNS": "400"}  # the error box wraps a long path at 80 columns
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=wide)
    assert result.returncode == 2, result.stderr
    assert "must be a JSON object of words to spoken forms" in result.stderr
    assert not (tmp_path / "out").exists()
