"""One PDF page as a video frame: scaled to fit, centred, black bars, never stretched.

The pages are drawn from a document opened once for all of them (pdf_reader.open_pdf):
MuPDF keeps the images it has decoded with the document, so a background every slide
shares is decoded once rather than once a slide (opening the PDF again for each slide
cost a quarter of the rendering time of the 29-slide notes deck).
"""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from pathlib import Path
from typing import Any

from slidespeaker.common.pdflib import pymupdf

BLACK = 0


def render_slide(document: Any, page_index: int, width: int, height: int, out_path: Path) -> None:
    """Write page `page_index` (0-based) of the open `document` as a width x height PNG,
    letter-boxed."""
    frame = _frame(document, page_index, width, height)
    partial = out_path.with_name(f".{out_path.name}.partial")
    frame.save(partial, output="png")
    partial.replace(out_path)  # readers never see half a PNG


def slide_png(document: Any, page_index: int, width: int, height: int) -> bytes:
    """Page `page_index` as PNG bytes, letter-boxed as render_slide does."""
    return bytes(_frame(document, page_index, width, height).tobytes(output="png"))


def _frame(document: Any, page_index: int, width: int, height: int) -> Any:
    page = document[page_index]
    scale = min(width / page.rect.width, height / page.rect.height)
    # Rendering at the final scale keeps text sharp; no resampling afterwards.
    picture = page.get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
    frame = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    frame.clear_with(BLACK)
    # Centre it; a picture a pixel too big from rounding is clipped by copy().
    picture.set_origin((width - picture.width) // 2, (height - picture.height) // 2)
    frame.copy(picture, picture.irect)
    return frame
