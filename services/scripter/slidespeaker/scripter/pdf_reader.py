"""The text of each PDF page: a title, then paragraphs, in reading order."""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from pathlib import Path
from typing import Any

from slidespeaker.common.deckfile import PASSWORD_PROTECTED
from slidespeaker.common.errors import BadInput
from slidespeaker.common.pdflib import pymupdf
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.language_tags import pdf_language
from slidespeaker.scripter.text import SENTENCE_ENDS, has_words, one_line

DAMAGED_PDF = "the file is damaged: it is not a readable PDF"
NO_PAGES = "the PDF has no pages that can be read"
# Text without the image bytes "dict" would otherwise embed: images are asked for separately.
TEXT_FLAGS = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES
TEXT_BLOCK = 0
# Bullet glyphs, including the private-use characters of Symbol/Wingdings bullets that
# PowerPoint exports carry into the text layer.
BULLET_GLYPHS = "•◦▪▫■□●○·‣⁃➢➤►▶✓✔"
PRIVATE_USE = range(0xE000, 0xF900)
FONT_SIZE_STEP = 1.0  # points; a bigger change between lines starts a new paragraph


def open_pdf(path: Path) -> Any:
    """The PyMuPDF document; BadInput when it is damaged, locked or empty."""
    try:
        document = pymupdf.open(path, filetype="pdf")
    except RuntimeError as exc:  # pymupdf.FileDataError, or MuPDF failing on the way
        raise BadInput(DAMAGED_PDF) from exc
    if document.needs_pass:
        document.close()
        raise BadInput(PASSWORD_PROTECTED)
    if document.page_count == 0:
        document.close()
        raise BadInput(NO_PAGES)
    return document


def read_pdf(path: Path) -> tuple[list[SlideContent], int, str | None]:
    """Every page's content, the number of pages, and the document's language (`/Lang`)."""
    with open_pdf(path) as document:
        pages = [_page_content(number, page) for number, page in enumerate(document, start=1)]
        language = pdf_language(document)
    return pages, len(pages), language


def _page_content(number: int, page: Any) -> SlideContent:
    blocks = page.get_text("dict", flags=TEXT_FLAGS, sort=True)["blocks"]
    paragraphs = [
        paragraph
        for block in blocks
        if block["type"] == TEXT_BLOCK
        for paragraph in _paragraphs(block["lines"])
    ]
    # The first paragraph with words is the title: slides put it at the top.
    title_at = next((i for i, p in enumerate(paragraphs) if has_words(p)), None)
    return SlideContent(
        source_slide=number,
        title="" if title_at is None else paragraphs[title_at],
        body=[p for i, p in enumerate(paragraphs) if i != title_at],
        notes="",
        pictures=[],
        has_media=False,
        image_only=title_at is None and bool(page.get_image_info()),
    )


def _paragraphs(lines: list[dict[str, Any]]) -> list[str]:
    """Join wrapped lines; a bullet, an ended sentence or a new font size starts a paragraph."""
    paragraphs: list[list[str]] = []
    previous_text, previous_size = "", 0.0
    for line in lines:
        text = one_line("".join(span["text"] for span in line["spans"]))
        if not text:
            continue
        size = max(span["size"] for span in line["spans"])
        if (
            not paragraphs
            or _is_bullet(text[0])
            or previous_text.endswith(SENTENCE_ENDS)
            or abs(size - previous_size) > FONT_SIZE_STEP
        ):
            paragraphs.append([])
        paragraphs[-1].append(_without_bullet(text))
        previous_text, previous_size = text, size
    # A line that was only a bullet glyph is empty once the glyph is gone.
    joined = (" ".join(part for part in paragraph if part) for paragraph in paragraphs)
    return [paragraph for paragraph in joined if paragraph]


def _is_bullet(char: str) -> bool:
    return char in BULLET_GLYPHS or ord(char) in PRIVATE_USE


def _without_bullet(text: str) -> str:
    start = 0
    while start < len(text) and (_is_bullet(text[start]) or text[start].isspace()):
        start += 1
    return text[start:]
