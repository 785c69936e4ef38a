"""The presenter's life between the words: blinking and a slight sway of the head.

Random but seeded (by the slide's narration, whose audio key names what it says, and its
number), so the same input always gives the same clip, in any job: a deck rendered again
after one slide changed gets the other slides' clips, and the composer their segments, as
they were.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

from slidespeaker.avatar.figure import Eyes

BLINK = (Eyes.half, Eyes.closed, Eyes.half)  # one blink, a frame each (about 120 ms)
BLINK_GAP_S = (2.0, 5.5)  # people blink every few seconds, irregularly
SWAY = 0.012  # of the height: how far the head drifts sideways
BOB = 0.008  # and up and down
SWAY_PERIOD_S = 4.3  # slow, and not a multiple of the bob's, so it never looks looped
BOB_PERIOD_S = 2.9


@dataclass(frozen=True)
class Pose:
    eyes: Eyes
    dx: int  # the head's offset in pixels
    dy: int


def seed_for(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big")


def poses(frames: int, fps: float, height: int, seed: int) -> list[Pose]:
    """Each frame's eyes and head offset. The first and last frames are calm (eyes open):
    the composer holds them on screen before and after the narration."""
    rng = random.Random(seed)
    eyes = _blinks(frames, fps, rng)
    sway_phase, bob_phase = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    result = []
    for frame in range(frames):
        t = frame / fps
        dx = SWAY * height * math.sin(2 * math.pi * t / SWAY_PERIOD_S + sway_phase)
        dy = BOB * height * math.sin(2 * math.pi * t / BOB_PERIOD_S + bob_phase)
        result.append(Pose(eyes[frame], round(dx), round(dy)))
    return result


def _blinks(frames: int, fps: float, rng: random.Random) -> list[Eyes]:
    eyes = [Eyes.open] * frames
    frame = round(rng.uniform(0.5, BLINK_GAP_S[1]) * fps)
    while frame + len(BLINK) < frames - 1:
        for offset, state in enumerate(BLINK):
            eyes[frame + offset] = state
        frame += round(rng.uniform(*BLINK_GAP_S) * fps)
    return eyes
