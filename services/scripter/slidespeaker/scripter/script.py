"""A deck's script without the bus: read the deck, narrate every visible slide. For the
`slidespeaker script` command, which writes it out for a person to read and edit."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import (
    JobOptions,
    LanguageSource,
    NarrationSource,
    PointerLink,
    TextBlock,
)
from slidespeaker.common.settings import get_settings
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.deck import (
    deck_warnings,
    open_deck,
    read_slides,
    readable_copy,
    slide_png,
)
from slidespeaker.scripter.estimate import Estimate, check_limit, estimate
from slidespeaker.scripter.llm import IMAGE_HEIGHT, IMAGE_WIDTH, LlmNarrator
from slidespeaker.scripter.narration import Narration, Narrator
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import link_sentences, page_blocks


@dataclass(frozen=True)
class ScriptLine:
    index: int  # the visible slide's place in the video, from 1
    source_slide: int  # the deck's own slide number (hidden slides counted) or PDF page
    title: str
    narration: str
    source: NarrationSource
    warnings: list[str] = field(default_factory=list)  # for a person, about this slide
    language: str | None = None  # the narration's (BCP 47); a person may fix it in the script
    language_source: LanguageSource | None = None
    blocks: list[TextBlock] = field(default_factory=list)  # where the slide's text is
    links: list[PointerLink] = field(default_factory=list)  # sentence -> the block it is about


@dataclass(frozen=True)
class _Reading:
    narrator: Narrator
    settings: ScripterSettings
    pages: Any  # the slides' pages, an open PDF (None when only estimating)


def script_deck(
    path: Path, options: JobOptions, settings: ScripterSettings | None = None
) -> list[ScriptLine]:
    """The script of every visible slide of the deck at `path`.

    Raises BadInput for a deck that cannot be used (or narration=llm with no model, or an
    estimate above options.max_cost), and LlmUnavailable when the configured model cannot
    be reached or answers nonsense.
    """
    with _reading(path, options, settings) as reading:
        narrator = reading.narrator
        check_limit(estimate(narrator, reading.settings), options.max_cost)  # before any call
        slides = narrator.slides
        warnings: dict[int, list[str]] = {}
        for number, _, message in deck_warnings(slides):
            warnings.setdefault(number or 0, []).append(message)
        lines = []
        for number, slide in enumerate(slides, start=1):
            narration = narrator.narrate(number, _picture(reading, number))
            language = narrator.narration_language(number, narration)
            blocks: list[TextBlock] = []
            if reading.pages is not None:
                blocks, _ = page_blocks(reading.pages, number - 1, narration.title, slide.framed)
            said = [
                *warnings.get(number, []),
                *(
                    [silence_warning(slide.source_slide, narration)]
                    if narration.silent_because
                    else []
                ),
            ]
            lines.append(
                ScriptLine(
                    index=number,
                    source_slide=slide.source_slide,
                    title=narration.title,
                    narration=narration.text,
                    source=narration.source,
                    warnings=said,
                    language=language.language,
                    language_source=language.source,
                    blocks=blocks,
                    links=link_sentences(narration.text, blocks),
                )
            )
    return lines


def estimate_deck(
    path: Path, options: JobOptions, settings: ScripterSettings | None = None
) -> Estimate:
    """What scripting (and hosted speech) of the deck would take; nothing is sent."""
    with _reading(path, options, settings, pages=False) as reading:
        return estimate(reading.narrator, reading.settings)


@contextmanager
def _reading(
    path: Path, options: JobOptions, settings: ScripterSettings | None, *, pages: bool = True
) -> Iterator[_Reading]:
    """The deck read (a .ppt or .odp converted first); with `pages`, converted to PDF as
    well, for where each slide's text is (and to show a model that sees images each slide)."""
    settings = settings or ScripterSettings()
    llm = make_llm(settings)
    timeout = get_settings().soffice_timeout_s
    token = CancelToken()
    with tempfile.TemporaryDirectory(prefix="slidespeaker-script-") as work:
        if not pages:
            readable = readable_copy(path, Path(work), token=token, soffice_timeout=timeout)
            text = read_slides(readable, options.slides)
            yield _Reading(Narrator(text.slides, options, llm, text.language), settings, None)
            return
        deck = open_deck(
            path, Path(work), token=token, soffice_timeout=timeout, slides=options.slides
        )
        with open_pdf(deck.pdf_path) as document:
            narrator = Narrator(deck.slides, options, llm, deck.language)
            yield _Reading(narrator, settings, document)


def _picture(reading: _Reading, number: int) -> bytes | None:
    if reading.pages is None or not reading.narrator.wants_picture(number):
        return None
    return slide_png(reading.pages, number - 1, IMAGE_WIDTH, IMAGE_HEIGHT)


def make_llm(settings: ScripterSettings) -> LlmNarrator | None:
    return LlmNarrator(settings) if settings.llm_configured else None


def silence_warning(source_slide: int, narration: Narration, hold_s: float | None = None) -> str:
    """Why the deck's slide `source_slide` is silent, and for how long, for a person."""
    held = f"it is shown for {hold_s:g} s in silence" if hold_s else "it is held in silence"
    return f"slide {source_slide} {narration.silent_because}: {held}"
