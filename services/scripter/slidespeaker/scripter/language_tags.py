"""The languages a deck says its text is in: PowerPoint tags every text run (`a:rPr/@lang`,
else the paragraph's end mark), the presentation and its masters carry a default for text
with no tag, and a PDF may carry one for the whole document (`/Lang` in its catalog)."""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from collections import Counter
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from slidespeaker.common.languages import LANGUAGE_TAG

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
UNTAGGED = ""  # text with no tag of its own: it is in the deck's default language
RUNS = etree.XPath(".//a:p/a:r | .//a:p/a:fld", namespaces=NS)
RUN_TEXT = etree.XPath("./a:t/text()", namespaces=NS)
# A run's language: its own tag, else its paragraph's end mark's.
RUN_TAG = etree.XPath("./a:rPr/@lang | ../a:endParaRPr/@lang", namespaces=NS)
DEFAULT_TAGS = [
    etree.XPath(query, namespaces=NS)
    for query in (
        "./p:txStyles/p:bodyStyle/a:lvl1pPr/a:defRPr/@lang",
        "./p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/@lang",
        "./p:defaultTextStyle/a:lvl1pPr/a:defRPr/@lang",
        "./p:defaultTextStyle/a:defPPr/a:defRPr/@lang",
    )
]


def run_languages(element: Any) -> dict[str, int]:
    """Characters of text per language tag under an XML element (a slide's shape tree, a
    notes page); UNTAGGED counts the text with no tag."""
    counted: Counter[str] = Counter()
    for run in RUNS(element):
        text = "".join(RUN_TEXT(run)).strip()
        if text:
            counted[_tag(run)] += len(text)
    return dict(counted)


def _tag(run: Any) -> str:
    tags = RUN_TAG(run)  # in document order: the run's own first
    return _valid(str(tags[0])) if tags else UNTAGGED


def deck_default(presentation: Any) -> str | None:
    """The language text with no tag is in: the first master's, else the presentation's."""
    parts = [master.element for master in presentation.slide_masters]
    for element in [*parts, presentation.part._element]:
        for query in DEFAULT_TAGS:
            found = query(element)
            if found and _valid(str(found[0])):
                return _valid(str(found[0]))
    return None


def pdf_language(document: Any) -> str | None:
    """The PDF's `/Lang`, when it has a usable one."""
    kind, value = document.xref_get_key(document.pdf_catalog(), "Lang")
    return _valid(value) or None if kind == "string" else None


def _valid(tag: str) -> str:
    tag = tag.strip().replace("_", "-")
    return tag if LANGUAGE_TAG.fullmatch(tag) else UNTAGGED
