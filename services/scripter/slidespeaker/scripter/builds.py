"""Slide builds as pictures: each state of each slide with entrance animations, rendered by
LibreOffice from a copy of the deck with the not-yet-shown parts hidden, and which of the
slide's text blocks each step reveals (those absent before it and present after).

Only decks with builds pay for it: one more conversion, of just their build states. A
slide whose builds cannot be shown exactly is shown complete, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import TextBlock
from slidespeaker.common.process import ChildTimeout
from slidespeaker.scripter.content import DeckText, DeckWarning, Framed
from slidespeaker.scripter.libreoffice import ConversionFailed, convert_to_pdf
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import page_blocks
from slidespeaker.scripter.powerpoint.build_states import read_builds, write_states

BUILDS_DIR = "builds"
SAME_PLACE = 0.01  # a block's box may move this share of the page between renders


@dataclass(frozen=True)
class BuildStates:
    """The build states' PDF, and for each slide (numbered in the video) with builds the
    page of its first state and how many steps it has."""

    pdf_path: Path | None = None
    slides: dict[int, tuple[int, int]] = field(default_factory=dict)
    warnings: list[DeckWarning] = field(default_factory=list)

    def pages(self, number: int) -> list[int]:
        """The PDF pages of slide `number`'s states before each of its steps, in order."""
        if number not in self.slides:
            return []
        first, steps = self.slides[number]
        return list(range(first, first + steps))


def render_build_states(
    package: Path, text: DeckText, workdir: Path, *, token: CancelToken, soffice_timeout: float
) -> BuildStates:
    """The build states of the deck at `package` as PDF pages (none for a PDF deck or a
    deck without builds)."""
    if text.format == "pdf":
        return BuildStates()
    numbers = {slide.source_slide: number for number, slide in enumerate(text.slides, start=1)}
    builds = read_builds(package, numbers)
    warnings: list[DeckWarning] = [
        (numbers[source], "builds", _shown_complete(source, found.unshowable))
        for source, found in builds.items()
        if found.unshowable
    ]
    stepped = {source: found.steps for source, found in builds.items() if found.steps}
    if not stepped:
        return BuildStates(warnings=warnings)
    states = [
        (source, [target for later in steps[step:] for target in later])
        for source, steps in stepped.items()
        for step in range(len(steps))
    ]
    folder = workdir / BUILDS_DIR
    folder.mkdir()
    states_package = folder / "states.pptx"
    pages = write_states(package, states, states_package)
    try:
        pdf_path = convert_to_pdf(
            states_package, "pptx", folder, token=token, timeout=soffice_timeout
        )
        with open_pdf(pdf_path) as document:
            if document.page_count != pages:
                raise ConversionFailed(f"{document.page_count} pages for {pages} build states")
    except (ConversionFailed, ChildTimeout) as failed:
        message = f"the slides' animations could not be rendered ({failed}); shown complete"
        return BuildStates(warnings=[*warnings, (None, "builds", message)])
    slides: dict[int, tuple[int, int]] = {}
    first = 0
    for source, steps in stepped.items():
        slides[numbers[source]] = (first, len(steps))
        first += len(steps)
    return BuildStates(pdf_path=pdf_path, slides=slides, warnings=warnings)


def _shown_complete(source: int, reason: str | None) -> str:
    return (
        f"slide {source}'s animations cannot be shown as still pictures ({reason}), so it is "
        "shown complete"
    )


def revealed_blocks(
    states: BuildStates, document: Any, number: int, blocks: list[TextBlock], title: str,
    framed: list[Framed],
) -> list[list[int]]:  # fmt: skip
    """For each build step of slide `number`, the blocks (indexes in `blocks`, the complete
    slide's) it reveals: absent from the state before it, present in the one after.
    `document` is the states' PDF, open (None when there is none)."""
    pages = states.pages(number)
    if document is None or not pages:
        return []
    shown = [page_blocks(document, page, title, framed)[0] for page in pages]
    revealed: list[list[int]] = [[] for _ in pages]
    for index, block in enumerate(blocks):
        present = [any(_same(block, other) for other in state) for state in shown]
        if present[0]:
            continue  # on the slide from the start
        # The first state that shows it is after the step that revealed it; none: the last.
        after = next((step for step, there in enumerate(present) if there), len(pages))
        revealed[after - 1].append(index)
    return revealed


def _same(block: TextBlock, other: TextBlock) -> bool:
    return block.text == other.text and all(
        abs(a - b) <= SAME_PLACE for a, b in zip(block.box, other.box, strict=True)
    )
