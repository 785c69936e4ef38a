"""Where a slide's text is, and which of it each narration sentence talks about.

The blocks come from the page that is shown (the rendered PDF), so their boxes are exactly
where the viewer sees the words; a PowerPoint table's lines are gathered into a block per
row, its cells' words, across the table (a narrated table pairs a row's cells); a chart's
title is a block (its axis labels and values are none), and so is each SmartArt node, however
many lines it was wrapped into. A sentence
is linked to the block whose words it shares best; below the threshold it is linked to
none, because pointing at the wrong line is worse than pointing at none.
"""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from slidespeaker.common.events import PointerLink, TextBlock
from slidespeaker.scripter.content import Box, Chart, Diagram, Framed, Table
from slidespeaker.scripter.pdf_reader import TEXT_FLAGS
from slidespeaker.scripter.text import has_words, sentences

# A line that opens with one of these starts a new bullet, however close it sits.
BULLETS = tuple("•◦▪▫●○■□–—-‣⁃*►➢✓")
# A line further below the previous than this share of its own height starts a new block.
PARAGRAPH_GAP = 0.6
# rapidfuzz's token_set_ratio (0-100) a sentence needs with a block to be linked to it;
# the runner-up must trail by MARGIN, or the sentence is about neither for sure.
THRESHOLD = 70.0
MARGIN = 8.0
# A block of one word ("Agenda") is matched only if it is the slide's title or a chart's
# (the narration names a chart by its title).
MIN_WORDS = 2
NAMED = ("title", "chart")
# token_set_ratio is 100 when one side's words are all in the other ("The point." against
# any block with "the" and "point"): the sentence must also share this many words of
# four letters or more with the block (all of them, if the block has fewer).
SHARED_LONG_WORDS = 2
LONG_WORD = 4
WORD = re.compile(r"[^\W_]+")  # letters and digits: "ARR_DELAY" is said as two words
# Where a sentence about several blocks is split, coarsest first: a list's commas, then
# its last "and" (a bullet's own "and" stays whole when the bullet matches as it is).
CLAUSE_BREAKS = (re.compile(r"[,;]\s+"), re.compile(r"\s+(?:and|or)\s+"))


def page_blocks(
    document: Any, page_index: int, title: str, framed: Sequence[Framed] = ()
) -> tuple[list[TextBlock], tuple[float, float]]:
    """The text blocks of page `page_index` (from 0) of the open `document` in reading
    order, boxes as shares of the page, and the page's width and height; the block that
    says `title` is marked as the title; the `framed` parts (the slide's tables, charts and
    SmartArt diagrams, where the slide places them) in their pieces: a table's rows, a
    chart's title, a diagram's nodes."""
    page = document[page_index]
    width, height = page.rect.width, page.rect.height
    # Without the images' bytes, which took 2.2 of its 2.2 CPU-s on the 29-slide notes deck.
    lines = [
        (text, (x0 / width, y0 / height, x1 / width, y1 / height))
        for text, (x0, y0, x1, y1) in _lines(page.get_text("dict", flags=TEXT_FLAGS))
    ]
    used: set[int] = set()
    placed: list[tuple[int, list[TextBlock]]] = []  # (where its first line is, its pieces)
    for part in framed:
        pieces, taken = _pieces(part, lines, used)
        if taken:
            placed.append((min(taken), pieces))
            used |= taken
    # Each part's pieces stand where its first line stood among the other blocks.
    blocks: list[TextBlock] = []
    start = 0
    for first, pieces in [*sorted(placed, key=lambda p: p[0]), (len(lines), [])]:
        blocks += _text_blocks(
            [ln for i, ln in enumerate(lines) if start <= i < first and i not in used], title
        )
        blocks += pieces
        start = first
    return blocks, (width, height)


def _text_blocks(lines: list[Line], title: str) -> list[TextBlock]:
    """The lines' paragraphs as blocks; the one that says `title` is the title."""
    blocks: list[TextBlock] = []
    for text, box in _paragraphs(lines):
        if not has_words(text):
            continue  # page numbers, lone bullets
        kind = "title" if title and _words(text) == _words(title) else "paragraph"
        blocks.append(TextBlock(text=text, box=_clamped(box), kind=kind))
    return blocks


def link_sentences(narration: str, blocks: list[TextBlock]) -> list[PointerLink]:
    """Each sentence of `narration` that is surely about one block, with that block; a
    sentence about several ("It covers A, B and C.") is linked clause by clause."""
    return [link for sentence in sentences(narration) for link in _linked(sentence, blocks, 0)]


def _linked(text: str, blocks: list[TextBlock], depth: int) -> list[PointerLink]:
    block = best_block(text, blocks)
    if block is not None:
        return [PointerLink(sentence=text, block=block)]
    if depth == len(CLAUSE_BREAKS):
        return []
    parts = [part.strip() for part in CLAUSE_BREAKS[depth].split(text) if part.strip()]
    if len(parts) == 1:
        return _linked(text, blocks, depth + 1)
    return [link for part in parts for link in _linked(part, blocks, depth + 1)]


def best_block(sentence: str, blocks: list[TextBlock]) -> int | None:
    said = _words(sentence)
    scores = sorted(
        ((fuzz.token_set_ratio(" ".join(said), " ".join(_words(b.text))), index)
         for index, b in enumerate(blocks)
         if (len(_words(b.text)) >= MIN_WORDS or b.kind in NAMED) and _shares(said, b.text)),
        reverse=True,
    )  # fmt: skip
    if not scores or scores[0][0] < THRESHOLD:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < MARGIN:
        return None
    return scores[0][1]


def _shares(said: list[str], block: str) -> bool:
    long_words = {w for w in _words(block) if len(w) >= LONG_WORD}
    shared = long_words & set(said)
    return bool(shared) and len(shared) >= min(SHARED_LONG_WORDS, len(long_words))


Line = tuple[str, tuple[float, float, float, float]]


def _lines(page: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    for block in page["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if text:
                lines.append((text, tuple(line["bbox"])))
    return lines


def _paragraphs(lines: list[Line]) -> list[Line]:
    """Lines joined into paragraphs: a line continues the one before when it sits just
    below it, overlapping it across, and does not open with a bullet."""
    paragraphs: list[Line] = []
    for text, box in lines:
        if paragraphs and _continues(paragraphs[-1][1], box) and not text.startswith(BULLETS):
            last_text, last = paragraphs[-1]
            merged = (min(last[0], box[0]), last[1], max(last[2], box[2]), max(last[3], box[3]))
            paragraphs[-1] = (f"{last_text} {text}", merged)
        else:
            paragraphs.append((text.lstrip("".join(BULLETS)).strip(), box))
    return paragraphs


def _table_rows(
    table: Table, lines: list[Line], used: set[int]
) -> tuple[list[TextBlock], set[int]]:
    """The table's rows as blocks, each from the lines (not `used` yet) that say its cells'
    words, and those lines' indexes. Rows are met in order, top to bottom; LibreOffice may
    have grown them past the table's frame, and may have broken a word in a narrow cell."""
    if table.box is None:
        return [], set()
    left, top, right, bottom = table.box
    below = sorted(
        (i for i, (_, box) in enumerate(lines)
         if i not in used and left <= (box[0] + box[2]) / 2 <= right
         and (box[1] + box[3]) / 2 >= top),
        key=lambda i: (lines[i][1][1], lines[i][1][0]),
    )  # fmt: skip
    taken: dict[int, list[int]] = {}  # row -> its lines
    row = 0
    for index in below:
        text, box = lines[index]
        fits = _row_saying(text, table.rows, row)
        if fits is None:
            fits = next((r for r, found in taken.items()
                         if any(_just_under(box, lines[i][1]) for i in found)), None)  # fmt: skip
        if fits is None:
            if (box[1] + box[3]) / 2 > bottom:
                break  # past the table
            continue  # in its frame, but not its text (a shape laid over it)
        row = max(row, fits)
        taken.setdefault(fits, []).append(index)
    blocks = [_row_block(table, r, [lines[i][1] for i in found]) for r, found in taken.items()]
    return blocks, {i for found in taken.values() for i in found}


def _pieces(part: Framed, lines: list[Line], used: set[int]) -> tuple[list[TextBlock], set[int]]:
    if isinstance(part, Table):
        return _table_rows(part, lines, used)
    if isinstance(part, Chart):
        return _chart_title(part, lines, used)
    return _diagram_nodes(part, lines, used)


def _chart_title(
    chart: Chart, lines: list[Line], used: set[int]
) -> tuple[list[TextBlock], set[int]]:
    """The chart as one block: its title where the page says it (else the whole chart, named
    by its series); the lines inside it that say its title, series, categories or numbers
    are taken, so an axis label or a value is no block of its own."""
    if chart.box is None:
        return [], set()
    own = {w for part in [chart.title, *chart.series, *chart.categories] for w in _words(part)}
    taken = {
        i for i, (text, box) in enumerate(lines)
        if i not in used and _within(box, chart.box)
        and all(w in own or w.isdigit() for w in _words(text))
    }  # fmt: skip
    titled = set(_words(chart.title))
    says_title = [lines[i][1] for i in sorted(taken) if set(_words(lines[i][0])) <= titled]
    named = chart.title if titled else ", ".join(s for s in chart.series if has_words(s))
    if not has_words(named) or not taken:
        return [], taken
    box = _union(says_title) if titled and says_title else chart.box
    return [TextBlock(text=named, box=_clamped(box), kind="chart")], taken


def _diagram_nodes(
    diagram: Diagram, lines: list[Line], used: set[int]
) -> tuple[list[TextBlock], set[int]]:
    """Each SmartArt node as a block, from the lines inside the diagram that say its words:
    a line that goes on from the one above it belongs to the same node; else to the first
    node not met yet whose words it says."""
    if diagram.box is None:
        return [], set()
    nodes = [set(_words(node)) for node in diagram.nodes]
    taken: dict[int, list[int]] = {}  # node -> its lines
    last: int | None = None
    for index, (text, box) in enumerate(lines):
        said = set(_words(text))
        if index in used or not said or not _within(box, diagram.box):
            continue
        if last is not None and said <= nodes[last] and _continues(lines[taken[last][-1]][1], box):
            node: int | None = last
        else:
            node = next((n for n, words in enumerate(nodes) if n not in taken and said <= words),
                        None)  # fmt: skip
        if node is None:
            continue  # not a node's text (a label laid over the diagram)
        taken.setdefault(node, []).append(index)
        last = node
    blocks = [
        TextBlock(text=diagram.nodes[n], box=_clamped(_union([lines[i][1] for i in found])),
                  kind="node")
        for n, found in sorted(taken.items())
    ]  # fmt: skip
    return blocks, {i for found in taken.values() for i in found}


def _within(line: Box, frame: Box) -> bool:
    """The line's middle is inside the frame."""
    across, down = (line[0] + line[2]) / 2, (line[1] + line[3]) / 2
    return frame[0] <= across <= frame[2] and frame[1] <= down <= frame[3]


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


def _row_saying(text: str, rows: list[list[str]], start: int) -> int | None:
    """The first row from `start` with a cell whose words include the line's (a line is in
    one cell); else, for a line of two letters or more, the first with a cell whose letters
    run through it (a word broken across lines in a narrow cell: "CRS_ELAPSED" / "_TIME")."""
    said = set(_words(text))
    if not said:
        return None
    later = range(start, len(rows))
    whole = next((r for r in later if any(said <= set(_words(c)) for c in rows[r])), None)
    if whole is not None or len(_squeezed(text)) < 2:
        return whole
    return next((r for r in later if any(_squeezed(text) in _squeezed(c) for c in rows[r])), None)


def _just_under(box: Box, above: Box) -> bool:
    """The line `box` goes on from the line `above` in the same cell (the rest of a word the
    cell broke): it starts where that line starts. Not `_continues`, whose any overlap across
    takes in a label laid just under the table."""
    height = box[3] - box[1]
    return abs(box[0] - above[0]) < height / 4 and abs(box[1] - above[3]) < height / 2


def _squeezed(text: str) -> str:
    return "".join(_words(text))


def _row_block(table: Table, row: int, boxes: list[Box]) -> TextBlock:
    """Row `row` of the table, across it, as high as its lines."""
    assert table.box is not None
    left, _, right, _ = table.box
    _, top, _, bottom = _union(boxes)
    box = (left, top, right, bottom)
    text = ", ".join(cell for cell in table.rows[row] if cell)
    return TextBlock(text=text, box=_clamped(box), kind="row")


def _continues(above: tuple[float, ...], box: tuple[float, ...]) -> bool:
    height = box[3] - box[1]
    gap = box[1] - above[3]
    overlaps = box[0] < above[2] and above[0] < box[2]
    return overlaps and -height / 2 <= gap <= PARAGRAPH_GAP * height


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def _clamped(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (min(1.0, max(0.0, round(v, 4))) for v in box)
    return (x0, y0, x1, y1)
