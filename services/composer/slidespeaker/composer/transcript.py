"""The narration transcript: one Markdown section per slide."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

NO_NARRATION = "(no narration)"


def write_transcript(title: str, slides: Sequence[tuple[int, str, str]], path: Path) -> None:
    """Write `# title`, then `## Slide N: Title` (or `## Slide N`) and its narration per slide.

    `slides` holds (slide number, slide title, narration) in order.
    """
    sections = [f"# {_one_line(title) or 'Transcript'}"]
    for number, slide_title, narration in slides:
        name = _one_line(slide_title)
        heading = f"## Slide {number}: {name}" if name else f"## Slide {number}"
        sections += [heading, narration.strip() or NO_NARRATION]
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")


def _one_line(text: str) -> str:
    # A line break inside a heading would end the heading.
    return " ".join(text.split())
