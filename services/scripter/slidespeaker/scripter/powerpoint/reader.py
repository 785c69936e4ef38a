"""The visible slides of a PowerPoint package (.pptx, .pptm, .ppsx) with their notes."""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.exc import InvalidXmlError, PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from slidespeaker.common.deckfile import CONTENT_TYPES_PART, DAMAGED_PACKAGE, DeckFormat
from slidespeaker.common.errors import BadInput
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.language_tags import deck_default, run_languages
from slidespeaker.scripter.powerpoint.shapes import read_slide_text
from slidespeaker.scripter.text import one_line

# python-pptx opens only presentations; a slideshow is the same package with another
# main content type, so it is opened from a copy that declares itself a presentation.
SLIDESHOW_TO_PRESENTATION = {
    b"presentationml.slideshow.main+xml": b"presentationml.presentation.main+xml",
    b"ms-powerpoint.slideshow.macroEnabled.main+xml": (
        b"ms-powerpoint.presentation.macroEnabled.main+xml"
    ),
}
# lxml's XMLSyntaxError is a SyntaxError; KeyError is a part a relationship points at but
# the zip lacks.
UNREADABLE_PACKAGE = (
    PackageNotFoundError,
    InvalidXmlError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    SyntaxError,
)
MEDIA_RELATIONSHIPS = {RT.VIDEO, RT.AUDIO, RT.MEDIA}
NO_SLIDES = "the deck has no visible slides"
ALL_HIDDEN = "the deck has no visible slides: every slide is hidden"


def read_pptx(path: Path, fmt: DeckFormat) -> tuple[list[SlideContent], int, str | None]:
    """The visible slides, in order, how many slides there are, hidden ones counted, and the
    deck's default language; BadInput when the package is unreadable or has no visible
    slide."""
    presentation = _open(path, fmt)
    slides = list(presentation.slides)
    width, height = presentation.slide_width, presentation.slide_height
    size = (width, height) if width and height else None  # a package may leave it out
    visible = [
        _slide_content(number, slide, size)
        for number, slide in enumerate(slides, start=1)
        if not _is_hidden(slide)
    ]
    if not visible:
        raise BadInput(ALL_HIDDEN if slides else NO_SLIDES)
    return visible, len(slides), deck_default(presentation)


def _open(path: Path, fmt: DeckFormat) -> Any:
    try:
        source = slideshow_as_presentation(path) if fmt == "ppsx" else str(path)
        return Presentation(source)
    except UNREADABLE_PACKAGE as exc:
        raise BadInput(DAMAGED_PACKAGE) from exc


def slideshow_as_presentation(path: Path) -> BytesIO:
    """An in-memory copy of the package whose main part declares itself a presentation."""
    copy = BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == CONTENT_TYPES_PART:
                for slideshow, presentation in SLIDESHOW_TO_PRESENTATION.items():
                    data = data.replace(slideshow, presentation)
            target.writestr(entry, data)
    copy.seek(0)
    return copy


def _is_hidden(slide: Any) -> bool:
    return slide.element.get("show") in ("0", "false")


def _slide_content(number: int, slide: Any, size: tuple[int, int] | None) -> SlideContent:
    text = read_slide_text(slide.shapes, size)
    return SlideContent(
        source_slide=number,
        title=text.title,
        body=text.body,
        notes=_notes(slide),
        pictures=text.pictures,
        has_media=_has_media(slide),
        image_only=False,
        tables=text.tables,
        charts=text.charts,
        diagrams=text.diagrams,
        text_languages=run_languages(slide.shapes._spTree),
        notes_languages=_notes_languages(slide),
    )


def _notes(slide: Any) -> str:
    if not slide.has_notes_slide:
        return ""
    placeholder = slide.notes_slide.notes_placeholder
    if placeholder is None:
        return ""
    paragraphs = (one_line(p.text) for p in placeholder.text_frame.paragraphs)
    return "\n".join(p for p in paragraphs if p)


def _notes_languages(slide: Any) -> dict[str, int]:
    placeholder = slide.notes_slide.notes_placeholder if slide.has_notes_slide else None
    return run_languages(placeholder.element) if placeholder is not None else {}


def _has_media(slide: Any) -> bool:
    return any(rel.reltype in MEDIA_RELATIONSHIPS for rel in slide.part.rels.values())
