"""A deck's script without the bus: read the deck, narrate every visible slide. For the
`slidespeaker script` command, which writes it out for a person to read and edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slidespeaker.common.events import JobOptions, NarrationSource
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.deck import deck_warnings, read_slides
from slidespeaker.scripter.estimate import Estimate, check_limit, estimate
from slidespeaker.scripter.llm import LlmNarrator
from slidespeaker.scripter.narration import Narration, Narrator


@dataclass(frozen=True)
class ScriptLine:
    index: int  # the visible slide's place in the video, from 1
    source_slide: int  # the deck's own slide number (hidden slides counted) or PDF page
    title: str
    narration: str
    source: NarrationSource
    warnings: list[str] = field(default_factory=list)  # for a person, about this slide


def script_deck(
    path: Path, options: JobOptions, settings: ScripterSettings | None = None
) -> list[ScriptLine]:
    """The script of every visible slide of the deck at `path`.

    Raises BadInput for a deck that cannot be used (or narration=llm with no model, or an
    estimate above options.max_cost), and LlmUnavailable when the configured model cannot
    be reached or answers nonsense.
    """
    narrator, settings = _narrator(path, options, settings)
    check_limit(estimate(narrator, settings), options.max_cost)  # before any hosted call
    slides = narrator.slides
    warnings: dict[int, list[str]] = {}
    for number, _, message in deck_warnings(slides):
        warnings.setdefault(number or 0, []).append(message)
    lines = []
    for number, slide in enumerate(slides, start=1):
        narration = narrator.narrate(number)
        said = [
            *warnings.get(number, []),
            *([silence_warning(slide.source_slide, narration)] if narration.silent_because else []),
        ]
        lines.append(
            ScriptLine(
                index=number,
                source_slide=slide.source_slide,
                title=narration.title,
                narration=narration.text,
                source=narration.source,
                warnings=said,
            )
        )
    return lines


def estimate_deck(
    path: Path, options: JobOptions, settings: ScripterSettings | None = None
) -> Estimate:
    """What scripting (and hosted speech) of the deck would take; nothing is sent."""
    narrator, settings = _narrator(path, options, settings)
    return estimate(narrator, settings)


def _narrator(
    path: Path, options: JobOptions, settings: ScripterSettings | None
) -> tuple[Narrator, ScripterSettings]:
    settings = settings or ScripterSettings()
    slides = read_slides(path, options.slides).slides
    return Narrator(slides, options, make_llm(settings)), settings


def make_llm(settings: ScripterSettings) -> LlmNarrator | None:
    return LlmNarrator(settings) if settings.llm_configured else None


def silence_warning(source_slide: int, narration: Narration, hold_s: float | None = None) -> str:
    """Why the deck's slide `source_slide` is silent, and for how long, for a person."""
    held = f"it is shown for {hold_s:g} s in silence" if hold_s else "it is held in silence"
    return f"slide {source_slide} {narration.silent_because}: {held}"
