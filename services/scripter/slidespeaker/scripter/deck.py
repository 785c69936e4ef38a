"""Reading a deck: its visible slides' text, and a PDF with one page per visible slide.

The scripter service needs only this module: it re-exports the slide rendering and the
narration so that one import serves.
"""

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import DeckFormat, detect_format
from slidespeaker.scripter.content import Deck, DeckWarning, SlideContent
from slidespeaker.scripter.libreoffice import ConversionFailed, convert_to_pdf
from slidespeaker.scripter.narration import narration_for
from slidespeaker.scripter.pdf_reader import open_pdf, read_pdf
from slidespeaker.scripter.pptx_reader import read_pptx
from slidespeaker.scripter.render import render_slide

__all__ = [
    "ConversionFailed",
    "Deck",
    "DeckFormat",
    "DeckWarning",
    "SlideContent",
    "narration_for",
    "open_deck",
    "render_slide",
]


def open_deck(path: Path, workdir: Path, *, token: CancelToken, soffice_timeout: float) -> Deck:
    """Read the deck at `path`; a PowerPoint deck is converted to PDF inside `workdir`.

    Raises BadInput for a file that cannot be used (with a message for the user),
    ConversionFailed when LibreOffice gives no usable PDF, and JobCancelled or
    ChildTimeout from the conversion.
    """
    fmt = detect_format(path)
    if fmt == "pdf":
        slides = read_pdf(path)
        pdf_path = path
    else:
        slides = read_pptx(path, fmt)
        token.check()
        pdf_path = convert_to_pdf(path, fmt, workdir, token=token, timeout=soffice_timeout)
        _check_one_page_per_slide(pdf_path, len(slides))
    return Deck(format=fmt, slides=slides, pdf_path=pdf_path, warnings=_warnings(slides))


def _check_one_page_per_slide(pdf_path: Path, visible_slides: int) -> None:
    # LibreOffice leaves hidden slides out, so page i is visible slide i. If the counts
    # differ that assumption broke, and pairing pages with slides would show one slide
    # while saying another's text: stop rather than guess.
    with open_pdf(pdf_path) as document:
        pages = document.page_count
    if pages != visible_slides:
        raise ConversionFailed(
            f"LibreOffice made {pages} PDF pages from {visible_slides} visible slides, "
            "so the pages cannot be matched to the slides"
        )


def _warnings(slides: list[SlideContent]) -> list[DeckWarning]:
    warnings: list[DeckWarning] = []
    for number, slide in enumerate(slides, start=1):
        if slide.has_media:
            warnings.append(
                (
                    number,
                    "media",
                    f"slide {number} has an embedded video or sound; the video shows the "
                    "slide as a still picture and does not play it",
                )
            )
        if slide.image_only:
            warnings.append(
                (
                    number,
                    "scanned_page",
                    f"page {number} is only a picture (a scan, no text), so there is no text "
                    "to narrate it from",
                )
            )
    return warnings
