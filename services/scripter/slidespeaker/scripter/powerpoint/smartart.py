"""The text of a SmartArt diagram, which python-pptx does not expose: it lives in the
diagram's data part (ppt/diagrams/dataN.xml), which the slide relates to through the
graphic frame's `dgm:relIds r:dm`."""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from slidespeaker.scripter.text import one_line

DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "dgm": DGM,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
DATA_RELATIONSHIP = etree.XPath("./a:graphic/a:graphicData/dgm:relIds/@r:dm", namespaces=NS)
# Nodes carry the text; transitions and presentation points ("parTrans", "sibTrans",
# "pres", "doc") do not. A point without a type is a node.
NODES = etree.XPath(
    "/dgm:dataModel/dgm:ptLst/dgm:pt[not(@type) or @type='node' or @type='asst']",
    namespaces=NS,
)
PARAGRAPHS = etree.XPath("./dgm:t/a:p", namespaces=NS)
RUNS = etree.XPath(".//a:t/text()", namespaces=NS)


def is_smartart(shape: Any) -> bool:
    return bool(DATA_RELATIONSHIP(shape.element))


def smartart_nodes(shape: Any) -> list[list[str]]:
    """Each node's paragraphs, in the data model's order (the order they were typed);
    nodes without text left out."""
    (relationship_id,) = DATA_RELATIONSHIP(shape.element)
    data = etree.fromstring(shape.part.related_part(relationship_id).blob)
    nodes = ([one_line("".join(RUNS(p))) for p in PARAGRAPHS(node)] for node in NODES(data))
    return [lines for lines in ([line for line in node if line] for node in nodes) if lines]
