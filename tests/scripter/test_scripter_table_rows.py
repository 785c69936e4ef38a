"""A PowerPoint table's rows are blocks the pointer can mark (issue 17): each row's cells,
across the table, as high as LibreOffice drew its lines; the outline narration's clauses
about each row are linked to that row, in order. Rendered by the real LibreOffice."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.util import Inches, Pt

from slidespeaker.common import events as ev
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import link_sentences, page_blocks

from ..test_pointer import opened

TITLE = "What a render leaves"
ROWS = [
    ["Output", "File", "Made by"],
    ["Video", "video.mp4", "COMPOSER_SERVICE"],
    ["Subtitles", "subtitles.vtt", "COMPOSER_SERVICE"],
    ["Transcript", "transcript.md", "SCRIPTER_SERVICE"],
]
FRAME = (1.0, 1.5, 8.0, 2.4)  # inches: left, top, width, height of the table
NARROW = 1.0  # inches: the last column, too narrow for its words at 20 pt (they break)


def table_deck(path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(10), Inches(5.625)
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = TITLE
    left, top, width, height = (Inches(v) for v in FRAME)
    table = slide.shapes.add_table(len(ROWS), 3, left, top, width, height).table
    table.columns[2].width = Inches(NARROW)
    table.columns[0].width = table.columns[1].width = Inches((FRAME[2] - NARROW) / 2)
    for cells, row in zip(ROWS, table.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=True):
            cell.text = text
            cell.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
    deck.save(str(path))
    return path


def test_a_tables_rows_are_blocks_and_its_narration_points_at_them(tmp_path: Path) -> None:
    read = opened(table_deck(tmp_path / "outputs.pptx"), tmp_path / "open")
    tables = read.slides[0].tables
    assert len(tables) == 1
    with open_pdf(read.pdf_path) as document:
        blocks, _ = page_blocks(document, 0, TITLE, tables)
    rows = [block for block in blocks if block.kind == "row"]
    assert [block.text for block in rows] == [", ".join(cells) for cells in ROWS]
    left, right = FRAME[0] / 10, (FRAME[0] + FRAME[2]) / 10
    tops = [block.box[1] for block in rows]
    assert tops == sorted(tops) and tops[0] >= FRAME[1] / 5.625 - 0.01
    assert all(abs(b.box[0] - left) < 0.01 and abs(b.box[2] - right) < 0.01 for b in rows)
    # Every line of the table went into its rows, the broken words' pieces too.
    assert [block.kind for block in blocks] == ["title", "row", "row", "row", "row"], blocks

    narration = Narrator(read.slides, ev.JobOptions(narration="outline"), None).narrate(1)
    linked = [blocks[link.block].text for link in link_sentences(narration.text, blocks)]
    about_rows = [text for text in linked if text in {b.text for b in rows[1:]}]
    assert about_rows == [b.text for b in rows[1:]], narration.text
