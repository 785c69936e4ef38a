"""Reading a deck: its visible slides' text, and a PDF with one page per visible slide.

The scripter service needs only this module and the narration: it re-exports the slide
rendering so that one import serves.
"""

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import DeckFormat, detect_format
from slidespeaker.scripter.content import Deck, DeckWarning, SlideContent
from slidespeaker.scripter.libreoffice import ConversionFailed, convert_to_pdf
from slidespeaker.scripter.pdf_reader import open_pdf, read_pdf
from slidespeaker.scripter.pptx_reader import read_pptx
from slidespeaker.scripter.render import render_slide

__all__ = [
    "ConversionFailed",
    "Deck",
    "DeckFormat",
    "DeckWarning",
    "SlideContent",
    "open_deck",
    "read_slides",
    "render_slide",
]


def open_deck(path: Path, workdir: Path, *, token: CancelToken, soffice_timeout: float) -> Deck:
    """Read the deck at `path`; a PowerPoint deck is converted to PDF inside `workdir`.

    Raises BadInput for a file that cannot be used (with a message for the user),
    ConversionFailed when LibreOffice gives no usable PDF, and JobCancelled or
    ChildTimeout from the conversion.
    """
    fmt, slides = read_slides(path)
    if fmt == "pdf":
        pdf_path = path
    else:
        token.check()
        pdf_path = convert_to_pdf(path, fmt, workdir, token=token, timeout=soffice_timeout)
        _check_one_page_per_slide(pdf_path, len(slides))
    return Deck(format=fmt, slides=slides, pdf_path=pdf_path, warnings=deck_warnings(slides))


def read_slides(path: Path) -> tuple[DeckFormat, list[SlideContent]]:
    """The deck's format and its visible slides' content, without converting it."""
    fmt = detect_format(path)
    return fmt, read_pdf(path) if fmt == "pdf" else read_pptx(path, fmt)


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


def deck_warnings(slides: list[SlideContent]) -> list[DeckWarning]:
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
