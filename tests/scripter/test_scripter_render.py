"""Slides fill the frame as far as their shape allows; the rest is black bars."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from imageio_ffmpeg import get_ffmpeg_exe
from PIL import Image

from slidespeaker.scripter.deck import render_slide

BLACK = (0, 0, 0)
FFMPEG = get_ffmpeg_exe()


def _blank_pdf(path: Path, width: float, height: float) -> Path:
    # An empty page renders white, so the white area is exactly the slide.
    with pymupdf.open() as document:
        document.new_page(width=width, height=height)
        document.save(path)
    return path


def _content_box(frame: pymupdf.Pixmap) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of what is not black, along the middle row and column."""
    row = [x for x in range(frame.width) if frame.pixel(x, frame.height // 2) != BLACK]
    column = [y for y in range(frame.height) if frame.pixel(frame.width // 2, y) != BLACK]
    return row[0], column[0], row[-1] + 1, column[-1] + 1


@pytest.mark.parametrize(
    ("page", "frame"),
    [
        ((595, 842), (1920, 1080)),  # A4 portrait: bars left and right
        ((720, 540), (1920, 1080)),  # 4:3
        ((960, 540), (1920, 1080)),  # 16:9: no bars
        ((468, 216), (1920, 1080)),  # 2.17:1 banner: bars top and bottom
        ((10000, 5625), (1280, 720)),  # huge slide
        ((960, 540), (1080, 1920)),  # landscape slide in a portrait frame
    ],
)
def test_letterboxed_never_stretched(
    tmp_path: Path, page: tuple[int, int], frame: tuple[int, int]
) -> None:
    pdf = _blank_pdf(tmp_path / "deck.pdf", *page)
    out = tmp_path / "slide.png"
    with pymupdf.open(pdf) as document:
        render_slide(document, 0, *frame, out)
    image = pymupdf.Pixmap(str(out))
    assert (image.width, image.height) == frame
    scale = min(frame[0] / page[0], frame[1] / page[1])
    width, height = page[0] * scale, page[1] * scale
    left, top = (frame[0] - width) / 2, (frame[1] - height) / 2
    expected = (left, top, left + width, top + height)
    assert _content_box(image) == pytest.approx(expected, abs=1.0)


def test_portrait_page_of_a_real_deck(realworld: Path, tmp_path: Path) -> None:
    out = tmp_path / "slide.png"
    with pymupdf.open(realworld / "docling_arabic_powerpoint_a4_portrait_1p.pdf") as document:
        render_slide(document, 0, 1920, 1080, out)
    image = pymupdf.Pixmap(str(out))
    left, top, right, bottom = _content_box(image)
    assert (top, bottom) == (0, 1080)
    assert (right - left) / (bottom - top) == pytest.approx(595.3 / 841.9, abs=0.003)
    assert left == pytest.approx(1920 - right, abs=1)
    for y in range(0, 1080, 60):  # the side bars are black all the way down
        assert image.pixel(left - 1, y) == BLACK
        assert image.pixel(right, y) == BLACK
    assert not list(tmp_path.glob(".*")), "no partial file left"


def test_the_picture_is_the_page_pixel_for_pixel(realworld: Path, tmp_path: Path) -> None:
    """The PNG written decodes, in Pillow and in ffmpeg (what the composer reads it with),
    to exactly the pixels MuPDF drew for the page."""
    out = tmp_path / "slide.png"
    with pymupdf.open(realworld / "msiot_lesson7_16x9_24p.pdf") as document:
        render_slide(document, 2, 1920, 1080, out)
        page = document[2]
        scale = min(1920 / page.rect.width, 1080 / page.rect.height)
        drawn = page.get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
    expected = np.frombuffer(drawn.samples, np.uint8).reshape(drawn.height, drawn.width, 3)
    left, top = (1920 - drawn.width) // 2, (1080 - drawn.height) // 2
    decoded = subprocess.run(
        [FFMPEG, "-v", "error", "-i", out, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    for pixels in (np.asarray(Image.open(out).convert("RGB")),
                   np.frombuffer(decoded, np.uint8).reshape(1080, 1920, 3)):  # fmt: skip
        shown = pixels[top : top + drawn.height, left : left + drawn.width]
        assert np.array_equal(shown, expected[: shown.shape[0], : shown.shape[1]])
        assert pixels.shape == (1080, 1920, 3)
