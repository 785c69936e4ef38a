"""A chart's title and each SmartArt node are blocks the pointer can mark (issue 17): the
chart's title where LibreOffice drew it (its axis labels and values are no blocks), a node
however many lines it was wrapped into; the outline narration's sentence about the chart,
and its clauses about the nodes, are linked to them. Rendered by the real LibreOffice."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches, Pt

from slidespeaker.common import events as ev
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import link_sentences, page_blocks

from ..test_pointer import opened

TITLE = "How the regions did"
CHART_TITLE = "Quarterly revenue by region"
CATEGORIES = ["Q1", "Q2", "Q3", "Q4"]
SERIES = {"North": (4.1, 5.2, 6.3, 7.4), "South": (3.0, 2.5, 2.8, 3.3)}
FRAME = (1.0, 1.3, 8.0, 4.0)  # inches: left, top, width, height of the chart
SLIDE = (10.0, 5.625)
TALENT_DECK = "poi_bug60810_talent_review_28s_notes_smartart.pptx"
PROCESS = [  # slide 8's SmartArt: its process steps, as typed
    "Communication and planning",
    "Line Manager Training and Prework",
    "Check data and gather insights",
    "Lead Talent Review sessions",
    "Update Workday",
    "Review total talent picture",
    "Ensure employee feedback and follow through",
]


def chart_deck(path: Path) -> Path:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE[0]), Inches(SLIDE[1])
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = TITLE
    data = CategoryChartData()
    data.categories = CATEGORIES
    for name, values in SERIES.items():
        data.add_series(name, values)
    left, top, width, height = (Inches(v) for v in FRAME)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, left, top, width, height, data
    ).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = CHART_TITLE
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
    deck.save(str(path))
    return path


def test_a_charts_title_is_a_block_and_its_narration_points_at_it(tmp_path: Path) -> None:
    read = opened(chart_deck(tmp_path / "regions.pptx"), tmp_path / "open")
    (chart,) = read.slides[0].charts
    assert chart.box is not None
    with open_pdf(read.pdf_path) as document:
        blocks, _ = page_blocks(document, 0, TITLE, read.slides[0].framed)
    # The title, and the chart by its title: no block for a category, a series or a value.
    assert [(b.kind, b.text) for b in blocks] == [("title", TITLE), ("chart", CHART_TITLE)]
    x0, y0, x1, y1 = blocks[1].box
    left, top = FRAME[0] / SLIDE[0], FRAME[1] / SLIDE[1]
    right, bottom = (FRAME[0] + FRAME[2]) / SLIDE[0], (FRAME[1] + FRAME[3]) / SLIDE[1]
    assert left < x0 < x1 < right and top <= y0 < y1 < top + (bottom - top) / 4, blocks[1]
    assert x1 - x0 < (right - left) / 2, "the title's line, not the whole chart"

    narration = Narrator(read.slides, ev.JobOptions(narration="outline"), None).narrate(1)
    links = link_sentences(narration.text, blocks)
    about_chart = [link.sentence for link in links if blocks[link.block].kind == "chart"]
    assert len(about_chart) == 1 and CHART_TITLE in about_chart[0], narration.text


def test_smartart_nodes_are_blocks_and_the_outline_points_at_each(
    realworld: Path, tmp_path: Path
) -> None:
    read = opened(realworld / TALENT_DECK, tmp_path)
    index = next(i for i, s in enumerate(read.slides) if s.source_slide == 8)
    slide = read.slides[index]
    (diagram,) = slide.diagrams
    assert diagram.nodes[: len(PROCESS)] == PROCESS
    with open_pdf(read.pdf_path) as document:
        blocks, _ = page_blocks(document, index, slide.title, slide.framed)
    nodes = [block for block in blocks if block.kind == "node"]
    assert [block.text for block in nodes] == PROCESS
    # Each node's box holds all its lines: "Communication" / "and planning" is one block,
    # and no line of a node is a block of its own.
    line_height = 0.03  # of the page's height, at this deck's size
    assert nodes[0].box[3] - nodes[0].box[1] > 1.5 * line_height
    lefts = [block.box[0] for block in nodes]
    assert lefts == sorted(lefts), "the process runs left to right"
    assert not any(b.text in {"Communication", "and planning", "Prework"} for b in blocks)

    narration = Narrator(read.slides, ev.JobOptions(narration="outline"), None).narrate(index + 1)
    linked = [blocks[link.block].text for link in link_sentences(narration.text, blocks)]
    said = [text for text in dict.fromkeys(linked) if text in PROCESS]
    assert said == PROCESS, narration.text
