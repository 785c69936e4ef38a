"""A pronunciation lexicon: how to say particular words (`--lexicon FILE`, the API's
`lexicon` field), applied before synthesis.

The file is either a JSON object `{"word": "spoken form"}` or lines `word<TAB>spoken form`
(blank lines and lines starting with `#` are skipped). It is read once, at submission, and
its entries travel in the job's options, so every voice process, a retry and a replay of
the log read the same words the same way, wherever the file was.

Matching is by whole words, the punctuation around them aside ("SQL," matches "SQL"). An
entry may be several words ("machine learning" -> "M L"), matched on word boundaries with
any spacing between them; where entries overlap, the longest wins. An entry written all in
lower case matches in any case ("nginx" matches "Nginx"); an entry with a capital matches
that exact spelling only ("US" is not "us").
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from slidespeaker.common.errors import BadInput

MAX_ENTRIES = 5000
MAX_LENGTH = 200  # characters of a word or a spoken form


class Lexicon:
    def __init__(self, entries: Mapping[str, str]) -> None:
        spaced = {_spaced(w): s for w, s in entries.items()}
        self._exact = {w: s for w, s in spaced.items() if w != w.lower()}
        self._any_case = {w: s for w, s in spaced.items() if w == w.lower()}
        self.longest = max(map(len, spaced), default=0)  # characters: no longer text matches

    def spoken(self, words: str) -> str | None:
        """How `words` (one, or several however spaced) are said, or None where the lexicon
        does not say."""
        words = _spaced(words)
        return self._exact.get(words) or self._any_case.get(words.lower())


def _spaced(words: str) -> str:
    return " ".join(words.split())


def parse_lexicon(text: str, name: str = "the lexicon") -> dict[str, str]:
    """The entries of a lexicon file; BadInput naming the line or entry that is wrong."""
    text = text.lstrip("\ufeff")  # a byte-order mark some editors write
    if text.lstrip().startswith("{"):
        entries = _json_entries(text, name)
    else:
        entries = _tsv_entries(text, name)
    if len(entries) > MAX_ENTRIES:
        raise BadInput(f"{name} has {len(entries)} entries; at most {MAX_ENTRIES} are allowed")
    for word, spoken in entries.items():
        _check(word, spoken, name)
    return entries


def _json_entries(text: str, name: str) -> dict[str, str]:
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"{name} is not valid JSON: {error}") from error
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        example = '{"SQL": "sequel"}'
        raise BadInput(f"{name} must be a JSON object of words to spoken forms: {example}")
    return {str(word).strip(): spoken.strip() for word, spoken in loaded.items()}


def _tsv_entries(text: str, name: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, tab, spoken = line.partition("\t")
        if not tab:
            raise BadInput(f"{name}, line {number}: expected WORD<TAB>SPOKEN FORM, got {line!r}")
        entries[word.strip()] = spoken.strip()
    return entries


def _check(word: str, spoken: str, name: str) -> None:
    if not word:
        raise BadInput(f"{name}: an entry has no word")
    if not spoken:
        raise BadInput(f"{name}: {word!r} has no spoken form")
    if len(word) > MAX_LENGTH or len(spoken) > MAX_LENGTH:
        too_long = f"the entry for {word[:40]!r} is longer than {MAX_LENGTH} characters"
        raise BadInput(f"{name}: {too_long}")
