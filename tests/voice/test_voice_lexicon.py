"""The pronunciation lexicon: its two file forms, its case rule, and clear errors."""

from __future__ import annotations

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.lexicon import Lexicon, parse_lexicon


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
        ("two words\tx\n", "'two words' is not one word"),
        ("SQL\t\n", "'SQL' has no spoken form"),
        ('{"SQL": 1}', "must be a JSON object of words to spoken forms"),
        ('{"SQL": ', "is not valid JSON"),
    ],
)
def test_a_broken_lexicon_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_lexicon(text, "terms.tsv")
