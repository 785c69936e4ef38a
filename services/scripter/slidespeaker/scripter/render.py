"""One PDF page as a video frame: scaled to fit, centred, black bars, never stretched.

The pages are drawn from a document opened once for all of them (pdf_reader.open_pdf):
MuPDF keeps the images it has decoded with the document, so a background every slide
shares is decoded once rather than once a slide (opening the PDF again for each slide
cost a quarter of the rendering time of the 29-slide notes deck).

The frame is written as a PNG of unfiltered rows deflated at zlib's fastest level: MuPDF's
own PNG writer took about twice the CPU (1.5-1.8 CPU-s for the 29 slides against
0.7-1.1) for files a fifth smaller, which are read once or twice soon after (the composer's
check and the video's encode), and decode as fast.
"""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from slidespeaker.common.pdflib import pymupdf

BLACK = 0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB_8BIT = struct.pack(">BBBBB", 8, 2, 0, 0, 0)  # depth, colour type, deflate, filter, no interlace
UNFILTERED = b"\x00"  # each row's filter type: none


def render_slide(document: Any, page_index: int, width: int, height: int, out_path: Path) -> None:
    """Write page `page_index` (0-based) of the open `document` as a width x height PNG,
    letter-boxed."""
    frame = _frame(document, page_index, width, height)
    partial = out_path.with_name(f".{out_path.name}.partial")
    partial.write_bytes(_png(frame))
    partial.replace(out_path)  # readers never see half a PNG


def slide_png(document: Any, page_index: int, width: int, height: int) -> bytes:
    """Page `page_index` as PNG bytes, letter-boxed as render_slide does."""
    return _png(_frame(document, page_index, width, height))


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


def _png(frame: Any) -> bytes:
    """The RGB pixmap `frame` as PNG bytes (rows unfiltered, zlib's fastest level)."""
    stride = frame.width * 3
    samples = frame.samples
    rows = b"".join(
        UNFILTERED + samples[at : at + stride] for at in range(0, stride * frame.height, stride)
    )
    header = struct.pack(">II", frame.width, frame.height) + RGB_8BIT
    return b"".join([
        PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(rows, 1)),
        _chunk(b"IEND", b""),
    ])  # fmt: skip


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
