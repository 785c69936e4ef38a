"""When a slide's builds are revealed: each step as the narration reaches the first block it
reveals, in build order.

A step no sentence is linked to (a picture, or notes that do not mention it) is spread
evenly between its neighbours, as a presenter clicking on while talking would: steps
before any linked one from the start of the speech, steps after the last towards its end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

from slidespeaker.common.events import Build
from slidespeaker.composer.pointer import Mark, TimedPicture


def build_states(
    pictures: Sequence[Path], builds: Sequence[Build], found: Sequence[Mark],
    speech: tuple[float, float],
) -> list[TimedPicture]:  # fmt: skip
    """Each build state (`pictures[k]`: the slide before step k) from the step before it
    to its own; the complete slide follows the last."""
    reveals = reveal_times(builds, found, speech)
    since = [0.0, *reveals][: len(reveals)]
    return [
        TimedPicture(picture, start, end)
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
    """Each unknown time on the line between the known ones around it, by step: the speech's
    start stands for the first step when nothing says when it comes, its end for one step
    past the last."""
    anchors = {index: t for index, t in enumerate(known) if t is not None}
    anchors.setdefault(0, start)
    anchors[len(known)] = end
    steps = sorted(anchors)
    times = []
    for index in range(len(known)):
        at = bisect_left(steps, index)
        after = steps[at]
        if after == index:
            times.append(anchors[index])
            continue
        before = steps[at - 1]
        share = (index - before) / (after - before)
        times.append(anchors[before] + (anchors[after] - anchors[before]) * share)
    return times
