"""The title, text and pictures of one slide, read shape by shape in reading order."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import structlog
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import InvalidXmlError
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture

from slidespeaker.scripter.content import Box, Chart, Diagram, Table
from slidespeaker.scripter.powerpoint.charts import read_chart
from slidespeaker.scripter.powerpoint.smartart import is_smartart, smartart_nodes
from slidespeaker.scripter.text import one_line

TITLE_PLACEHOLDERS = {
    PP_PLACEHOLDER.TITLE,
    PP_PLACEHOLDER.CENTER_TITLE,
    PP_PLACEHOLDER.VERTICAL_TITLE,
}
# Repeated on every slide by the master; never worth saying.
FURNITURE_PLACEHOLDERS = {
    PP_PLACEHOLDER.DATE,
    PP_PLACEHOLDER.FOOTER,
    PP_PLACEHOLDER.SLIDE_NUMBER,
    PP_PLACEHOLDER.HEADER,
}
# What python-pptx raises on shapes it does not understand (real decks have them):
# one such shape is skipped, the rest of the slide is still read.
UNREADABLE_SHAPE = (NotImplementedError, InvalidXmlError, KeyError, ValueError, SyntaxError)

log = structlog.get_logger(__name__)


@dataclass
class SlideText:
    title: str = ""
    body: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    diagrams: list[Diagram] = field(default_factory=list)


def read_slide_text(shapes: Iterable[Any], slide_size: tuple[int, int] | None) -> SlideText:
    """The slide's text; `slide_size` (EMU; None: unknown) places its tables, charts and
    SmartArt diagrams on it."""
    text = SlideText()
    for shape, grouped in _in_reading_order(shapes):
        try:
            _read_shape(shape, text, None if grouped else slide_size)
        except UNREADABLE_SHAPE as exc:
            log.warning("shape skipped", shape=_shape_name(shape), error=repr(exc))
    return text


def _in_reading_order(shapes: Iterable[Any], grouped: bool = False) -> Iterator[tuple[Any, bool]]:
    """Leaf shapes top-to-bottom, then left-to-right; a group's members in their own order
    (and said to be in a group: their positions are the group's own, not the slide's)."""
    for shape in sorted(shapes, key=_position):
        if isinstance(shape, GroupShape):
            yield from _in_reading_order(shape.shapes, grouped=True)
        else:
            yield shape, grouped


def _position(shape: Any) -> tuple[int, int]:
    try:
        return (shape.top or 0, shape.left or 0)
    except UNREADABLE_SHAPE:
        return (0, 0)


def _read_shape(shape: Any, text: SlideText, slide_size: tuple[int, int] | None) -> None:
    placeholder = shape.placeholder_format.type if shape.is_placeholder else None
    if placeholder in FURNITURE_PLACEHOLDERS:
        return
    if placeholder in TITLE_PLACEHOLDERS and shape.has_text_frame and not text.title:
        text.title = one_line(shape.text_frame.text)
    elif isinstance(shape, Picture):
        text.pictures.append(_alt_text(shape))
    elif shape.has_text_frame:
        text.body.extend(_paragraphs(shape.text_frame))
    elif shape.has_table:
        table = _table(shape, slide_size)
        if table.rows:
            text.tables.append(table)
    elif shape.has_chart:
        chart = read_chart(shape.chart)
        text.charts.append(dataclasses.replace(chart, box=_box(shape, slide_size)))
    elif is_smartart(shape):
        nodes = smartart_nodes(shape)
        text.body.extend(line for node in nodes for line in node)
        text.diagrams.append(Diagram([" ".join(node) for node in nodes], _box(shape, slide_size)))


def _paragraphs(text_frame: Any) -> list[str]:
    lines = (one_line(paragraph.text) for paragraph in text_frame.paragraphs)
    return [line for line in lines if line]


def _table(shape: Any, slide_size: tuple[int, int] | None) -> Table:
    rows = ([one_line(cell.text) for cell in row.cells] for row in shape.table.rows)
    return Table(rows=[row for row in rows if any(row)], box=_box(shape, slide_size))


def _box(shape: Any, slide_size: tuple[int, int] | None) -> Box | None:
    """Where the shape is, as shares of the slide; None where that is not known."""
    if slide_size is None or None in (shape.left, shape.top, shape.width, shape.height):
        return None
    width, height = slide_size
    left, top = shape.left / width, shape.top / height
    return (left, top, left + shape.width / width, top + shape.height / height)


def _alt_text(picture: Any) -> str:
    # python-pptx has no property for it; the description lives on cNvPr.
    descr = picture.element.xpath("./p:nvPicPr/p:cNvPr/@descr")
    return one_line(str(descr[0])) if descr else ""


def _shape_name(shape: Any) -> str:
    try:
        return str(shape.name)
    except UNREADABLE_SHAPE:
        return "?"
