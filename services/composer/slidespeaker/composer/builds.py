"""When a slide's builds are revealed: each step as the narration reaches the first block it
reveals, in build order.

A step no sentence is linked to (a picture, or notes that do not mention it) is spread
evenly between its neighbours, as a presenter clicking on while talking would: steps
before any linked one from the start of the speech, steps after the last towards its end.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

from slidespeaker.common.events import Build
from slidespeaker.composer.pointer import Mark, MarkedPicture


def build_states(
    pictures: Sequence[Path], builds: Sequence[Build], found: Sequence[Mark],
    speech: tuple[float, float],
) -> list[MarkedPicture]:  # fmt: skip
    """Each build state (`pictures[k]`: the slide before step k) from the step before it
    to its own; the complete slide follows the last."""
    reveals = reveal_times(builds, found, speech)
    since = [0.0, *reveals][: len(reveals)]
    return [
        MarkedPicture(picture, start, end)
        for picture, start, end in zip(pictures, since, reveals, strict=True)
        if end > start
    ]


def reveal_times(
    builds: Sequence[Build], found: Sequence[Mark], speech: tuple[float, float]
) -> list[float]:
    """When each step is revealed (s, on the slide's clock), never before an earlier one."""
    first_said: dict[int, float] = {}
    for mark in found:
        first_said.setdefault(mark.block, mark.start)
    known = [
        min((first_said[block] for block in build.blocks if block in first_said), default=None)
        for build in builds
    ]
    return list(accumulate(_spread(known, *speech), max))


def _spread(known: list[float | None], start: float, end: float) -> list[float]:
    times = list(known)
    index = 0
    while index < len(times):
        if times[index] is not None:
            index += 1
            continue
        after = next((j for j in range(index, len(times)) if times[j] is not None), len(times))
        until = times[after] if after < len(times) else end
        previous = times[index - 1] if index else None
        # After a revealed step, the unlinked ones share the time to the next; at the start,
        # the first is revealed as the speech starts.
        since = start if previous is None else previous
        offset = 0 if previous is None else 1
        parts = after - index + offset
        for step, j in enumerate(range(index, after)):
            times[j] = since + (until - since) * (step + offset) / parts  # type: ignore[operator]
        index = after
    return [t for t in times if t is not None]
