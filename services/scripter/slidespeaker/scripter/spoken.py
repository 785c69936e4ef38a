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
MAX_HEADER_WORDS = 6  # a longer "header" cell is a caption or data, not a column's name
MAX_LISTED = 5  # names said in one breath (series, categories, cells)
ORDINALS = ["first", "second", "third", "fourth", "fifth"]
INDEX = re.compile(r"\d+")  # a first column of bare numbers is a row index (pandas'), not a label
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
UNRANKED = {"scatter", "bubble", "stock", "surface"}  # their categories are not names to rank
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
    if not english:
        return [s for s in (_row_facts(row) for row in data[:MAX_TABLE_ROWS]) if s]
    return _english_table(header, data)


def _english_table(header: list[str], data: list[list[str]]) -> list[str]:
    """The relation the table sets out, said once, then its first rows by their values
    ("The table gives Q1 and Q2 for each Region, 30 in all. North has 10 and 12; ...")."""
    columns = [name for name in header[1:] if name]
    if not columns or any(len(name.split()) > MAX_HEADER_WORDS for name in header):
        # The first row is not a header (a caption, a row of data): no relation to name.
        return [f"The slide has a table of {count_english(len(data) + 1, 'row')}."]
    labelled = not all(not row[0] or INDEX.fullmatch(row[0]) for row in data)
    shown, rest = data[:MAX_TABLE_ROWS], len(data) - MAX_TABLE_ROWS
    each = f"each {header[0]}" if labelled and header[0] else "each row"
    if len(header) == 2 and labelled:
        intro = f"The table pairs {each} with its {columns[0]}"
        rows = [f"{row[0]} is {row[1]}" for row in shown if row[1]]
    else:
        intro = f"The table gives {join_english(columns[:MAX_LISTED])} for {each}"
        rows = [_row_values(row, header, n, labelled) for n, row in enumerate(shown)]
    intro += f", {rest + len(shown)} in all" if rest > 0 else ""
    said = "; ".join(row for row in rows if row)
    return [f"{intro}.", f"{said[0].upper()}{said[1:]}."] if said else [f"{intro}."]


def _row_values(row: list[str], header: list[str], position: int, labelled: bool) -> str:
    """ "North has 10 and 12"; a row with gaps names its values ("South has Q1 7")."""
    label = row[0] if labelled else f"the {ORDINALS[position]} row"
    cells = list(zip(header[1:], row[1:], strict=False))
    values = [value for _, value in cells if value]
    if not values:
        return ""
    if len(values) < len(cells):
        values = [f"{name} {value}" if name else value for name, value in cells if value]
    return f"{label} has {join_english(values)}"


def _row_facts(row: list[str]) -> str:
    """A row for decks in other languages: its words with punctuation only."""
    label, values = row[0], [value for value in row[1:] if value]
    if not values:
        return as_sentence(label) if has_words(label) else ""
    said = "; ".join(values)
    return as_sentence(f"{label}: {said}" if label else said)


def _cell(text: str) -> str:
    # A cell of symbols only ("…", "-") stands for rows left out, or for nothing: not said.
    text = IDENTIFIER_SEPARATORS.sub(" ", text.strip())
    return text if any(ch.isalnum() for ch in text) else ""


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


def chart_sentences(chart: Chart, english: bool) -> list[str]:
    series = [name for name in chart.series if has_words(name)]
    if not english:
        return [as_sentence(" — ".join(part for part in [chart.title, ", ".join(series)] if part))]
    subject = f"A {chart.kind} chart" if chart.kind else "A chart"
    if chart.title:
        subject += f", {chart.title.rstrip('.')},"
    if len(series) > 1:
        what = f"compares {join_english(series[:MAX_LISTED])}"
    elif series:
        what = f"shows {series[0]}"
    else:
        what = "shows values"
    extremes = _extremes(chart)
    return [f"{subject} {what}{_category_span(chart.categories)}.", *extremes]


def _extremes(chart: Chart) -> list[str]:
    """Its highest and lowest values, where the file holds them and categories name them."""
    if chart.kind in UNRANKED:
        return []
    points = [
        (value, series, category)
        for series, values in zip(chart.series, chart.values, strict=False)
        for category, value in zip(chart.categories, values, strict=False)
        if value is not None and category
    ]
    if len(points) < 2:
        return []
    high, low = max(points), min(points)
    if high[0] == low[0]:
        return []
    if sum(1 for values in chart.values if any(v is not None for v in values)) == 1:
        said = f"{high[2]} is highest, at {number(high[0])}, and {low[2]} lowest"
        return [f"{said}, at {number(low[0])}."]
    return [
        f"The highest value, {number(high[0])}, is for {_point(high)}; the lowest, "
        f"{number(low[0])}, for {_point(low)}."
    ]


def _point(point: tuple[float, str, str]) -> str:
    _, series, category = point
    return f"{category}, {series}" if series.strip() else category


def number(value: float) -> str:
    """As a person reads it off the chart: 1670, 2.5, 0.33."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _category_span(categories: list[str]) -> str:
    named = [c for c in categories if c]
    if not named:
        return ""
    if len(named) > MAX_LISTED - 1:
        return f" from {named[0]} to {named[-1]}"
    return f" for {join_english(named)}"
