"""Reading a deck: its visible slides' text, and a PDF with one page per visible slide.

The scripter service needs only this module and the narration: it re-exports the slide
rendering so that one import serves.
"""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import CONVERTED_TO_PPTX, DeckFormat, detect_format
from slidespeaker.common.errors import BadInput
from slidespeaker.common.slide_selection import check_within, parse_slides
from slidespeaker.scripter.content import Deck, DeckText, DeckWarning, SlideContent
from slidespeaker.scripter.libreoffice import (
    ConversionFailed,
    SofficeMissing,
    convert_to_pdf,
    convert_to_pptx,
)
from slidespeaker.scripter.pdf_reader import open_pdf, read_pdf
from slidespeaker.scripter.powerpoint.reader import read_pptx
from slidespeaker.scripter.render import render_slide, slide_png

__all__ = [
    "ConversionFailed",
    "Deck",
    "DeckFormat",
    "DeckText",
    "DeckWarning",
    "SlideContent",
    "deck_pages",
    "open_deck",
    "read_deck",
    "read_slides",
    "readable_copy",
    "render_slide",
    "slide_png",
]

SELECTED_PDF = "selected.pdf"


def open_deck(
    path: Path,
    workdir: Path,
    *,
    token: CancelToken,
    soffice_timeout: float,
    slides: str | None = None,
) -> Deck:
    """Read the deck at `path` (only the slides `slides` names, e.g. "3-7,9", if given); a
    PowerPoint deck is converted to PDF inside `workdir` (a .ppt or .odp to .pptx first).

    Raises BadInput for a file that cannot be used (with a message for the user),
    ConversionFailed when LibreOffice gives no usable PDF, and JobCancelled or
    ChildTimeout from the conversion.
    """
    path, text = read_deck(path, workdir, token=token, soffice_timeout=soffice_timeout,
                           slides=slides)  # fmt: skip
    pdf_path = deck_pages(path, text, workdir, token=token, soffice_timeout=soffice_timeout)
    return Deck(
        format=text.format, slides=text.slides, pdf_path=pdf_path,
        warnings=deck_warnings(text.slides), language=text.language,
    )  # fmt: skip


def read_deck(
    path: Path, workdir: Path, *, token: CancelToken, soffice_timeout: float,
    slides: str | None = None,
) -> tuple[Path, DeckText]:  # fmt: skip
    """The deck's readable file (for a .ppt or .odp, its .pptx in `workdir`) and what its
    visible slides say (those `slides` names, if given): all the narration needs, without
    the PDF conversion, which takes seconds longer."""
    path = readable_copy(path, workdir, token=token, soffice_timeout=soffice_timeout)
    return path, read_slides(path, slides)


def deck_pages(
    path: Path, text: DeckText, workdir: Path, *, token: CancelToken, soffice_timeout: float
) -> Path:
    """A PDF whose page i shows text.slides[i]: the deck itself, or its conversion (and
    selection) in `workdir`. `path` and `text` are as read_deck gave them."""
    if text.format == "pdf":
        pdf_path = path
    else:
        token.check()
        pdf_path = convert_to_pdf(path, text.format, workdir, token=token, timeout=soffice_timeout)
        _check_one_page_per_slide(pdf_path, text.visible)
    if len(text.pages) < text.visible:
        pdf_path = _only_pages(pdf_path, text.pages, workdir / SELECTED_PDF)
    return pdf_path


def readable_copy(path: Path, workdir: Path, *, token: CancelToken, soffice_timeout: float) -> Path:
    """The deck itself, or for a .ppt or .odp its .pptx conversion (in `workdir`), which the
    readers understand."""
    fmt = detect_format(path)
    if fmt not in CONVERTED_TO_PPTX:
        return path
    token.check()
    try:
        return convert_to_pptx(path, fmt, workdir, token=token, timeout=soffice_timeout)
    except SofficeMissing:
        raise
    except ConversionFailed as exc:
        # The file was only checked by its first bytes: if LibreOffice cannot read it, the
        # file is at fault, and a retry would fail the same way.
        raise BadInput(f"the file is damaged: it is not a readable .{fmt} deck") from exc


def read_slides(path: Path, slides: str | None = None) -> DeckText:
    """The deck's format and its visible slides' content (those `slides` names, if given),
    without converting it."""
    fmt = detect_format(path)
    visible, total, language = read_pdf(path) if fmt == "pdf" else read_pptx(path, fmt)
    pages = list(range(len(visible)))
    if slides:
        selection = parse_slides(slides)
        check_within(selection, total, "page" if fmt == "pdf" else "slide")
        pages = [page for page in pages if selection.includes(visible[page].source_slide)]
        if not pages:
            raise BadInput(f"slides {selection} are all hidden, so there is nothing to render")
    return DeckText(
        format=fmt, slides=[visible[p] for p in pages], pages=pages, visible=len(visible),
        language=language,
    )  # fmt: skip


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


def _only_pages(pdf_path: Path, pages: list[int], out_path: Path) -> Path:
    """A copy of the PDF with only `pages` (from 0), so page i is again selected slide i."""
    with open_pdf(pdf_path) as document:
        document.select(pages)
        document.save(out_path, garbage=1)
    return out_path


def deck_warnings(slides: list[SlideContent]) -> list[DeckWarning]:
    """Warnings about the slides, numbered by their place in the video; the messages name
    the deck's own slide number (or page), which is what the person knows."""
    warnings: list[DeckWarning] = []
    for number, slide in enumerate(slides, start=1):
        if slide.has_media:
            warnings.append(
                (
                    number,
                    "media",
                    f"slide {slide.source_slide} has an embedded video or sound; the video "
                    "shows it as a still picture (its poster frame) and does not play it",
                )
            )
        if slide.image_only:
            warnings.append(
                (
                    number,
                    "scanned_page",
                    f"page {slide.source_slide} is only a picture (a scan, no text), so there "
                    "is no text to narrate it from",
                )
            )
    return warnings
