"""The pronunciation lexicon: its two file forms, its case rule, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.lexicon import Lexicon, parse_lexicon

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
