"""Which slides of a deck to render (`--slides 3-7,9`), by the deck's own numbers: a
PowerPoint deck's slide numbers (hidden slides counted) or a PDF's page numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

from slidespeaker.common.errors import BadInput

_PART = re.compile(r"^(\d+)(?:-(\d+))?$")
SYNTAX = "write slide numbers and ranges separated by commas, e.g. 3-7,9"


@dataclass(frozen=True)
class SlideSelection:
    ranges: tuple[tuple[int, int], ...]  # (first, last), both included, sorted, not overlapping

    def includes(self, number: int) -> bool:
        return any(first <= number <= last for first, last in self.ranges)

    @property
    def last(self) -> int:
        return self.ranges[-1][1]

    def __str__(self) -> str:
        return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in self.ranges)


def parse_slides(text: str) -> SlideSelection:
    """The selection `text` names; ValueError with a message for a person if it is malformed."""
    ranges: list[tuple[int, int]] = []
    for part in "".join(text.split()).split(","):
        match = _PART.match(part)
        if not match:
            raise ValueError(f"{part!r} is not a slide number or range: {SYNTAX}")
        first = int(match[1])
        last = int(match[2] or first)
        if first < 1:
            raise ValueError(f"{part!r}: slides are numbered from 1")
        if last < first:
            raise ValueError(f"{part!r} runs backwards: write {last}-{first}")
        ranges.append((first, last))
    return SlideSelection(_merged(ranges))


def _normalized(text: str) -> str:
    return str(parse_slides(text))


# A job option: checked when the job is submitted, kept in the normal form ("3-7,9").
SlidesOption = Annotated[str, AfterValidator(_normalized)]


def _merged(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


def check_within(selection: SlideSelection, total: int, unit: str) -> None:
    """BadInput when the selection names slides (or pages) the deck does not have."""
    if selection.last > total:
        units = unit if total == 1 else f"{unit}s"
        raise BadInput(
            f"the deck has {total} {units}, so there is no {unit} {selection.last} "
            f"(slides {selection} were asked for)"
        )
