"""Tables and charts said as sentences a listener can follow, not read cell by cell.

English decks get English sentences ("For North, Q1 is 10 and Q2 is 12."); other
languages get the same facts with punctuation only ("North: 10; 12."), since
English glue words inside a Hebrew or Chinese narration would be worse than none.
"""

from __future__ import annotations

import re

from slidespeaker.scripter.content import Chart, Table
from slidespeaker.scripter.text import SENTENCE_ENDS, as_sentence, has_words

MAX_TABLE_ROWS = 3  # said one by one; the rest are counted
MAX_LISTED = 5  # names said in one breath (series, categories, cells)
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
IDENTIFIER_SEPARATORS = re.compile(r"(?<=\w)_(?=\w)")  # CRS_ELAPSED_TIME -> CRS ELAPSED TIME


def join_english(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def count_english(number: int, noun: str) -> str:
    said = NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else str(number)
    return f"{said} {noun}{'' if number == 1 else 's'}"


def table_sentences(table: Table, english: bool) -> list[str]:
    rows = [[_cell(cell) for cell in row] for row in table.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header, data = rows[0], rows[1:]
    if not data or len(header) < 2:
        return _listing([cell for row in rows for cell in row if cell], english)
    said = [_row_sentence(header, row, english) for row in data[:MAX_TABLE_ROWS]]
    columns = [cell for cell in header[1:] if cell]
    intro = (
        [f"A table sets out {join_english(columns[:MAX_LISTED])}."] if english and columns else []
    )
    rest = len(data) - MAX_TABLE_ROWS
    more = [f"There {'is' if rest == 1 else 'are'} {count_english(rest, 'more row')}."]
    return [*intro, *[s for s in said if s], *(more if english and rest > 0 else [])]


def _cell(text: str) -> str:
    # A cell of symbols only ("…", "-") stands for rows left out, or for nothing: not said.
    text = IDENTIFIER_SEPARATORS.sub(" ", text.strip())
    return text if any(ch.isalnum() for ch in text) else ""


def _row_sentence(header: list[str], row: list[str], english: bool) -> str:
    label, values = row[0], row[1:]
    pairs = [(name, value) for name, value in zip(header[1:], values, strict=False) if value]
    if not pairs:
        return as_sentence(label) if has_words(label) else ""
    if not english:
        values_said = "; ".join(value for _, value in pairs)
        return as_sentence(f"{label}: {values_said}" if label else values_said)
    facts = join_english([f"{name} is {value}" if name else value for name, value in pairs])
    return f"For {label}, {facts}." if label else f"{facts[0].upper()}{facts[1:]}."


def _listing(cells: list[str], english: bool) -> list[str]:
    """A one-row or one-column table: its cells as a list, or as sentences when they are."""
    if any(len(cell.split()) > MAX_LISTED or cell.endswith(SENTENCE_ENDS) for cell in cells):
        return [as_sentence(cell) for cell in cells]
    shown = cells[:MAX_LISTED]
    if not english:
        return [as_sentence(", ".join(shown))]
    more = len(cells) - len(shown)
    items = [*shown, count_english(more, "more")] if more else shown
    return [f"A table lists {join_english(items)}."]


def chart_sentence(chart: Chart, english: bool) -> str:
    series = [name for name in chart.series if has_words(name)]
    if not english:
        return as_sentence(" — ".join(part for part in [chart.title, ", ".join(series)] if part))
    subject = f"A {chart.kind} chart" if chart.kind else "A chart"
    if chart.title:
        subject += f", {chart.title.rstrip('.')},"
    if len(series) > 1:
        what = f"compares {join_english(series[:MAX_LISTED])}"
    elif series:
        what = f"shows {series[0]}"
    else:
        what = "shows values"
    return f"{subject} {what}{_category_span(chart.categories)}."


def _category_span(categories: list[str]) -> str:
    named = [c for c in categories if c]
    if not named:
        return ""
    if len(named) > MAX_LISTED - 1:
        return f" from {named[0]} to {named[-1]}"
    return f" for {join_english(named)}"
