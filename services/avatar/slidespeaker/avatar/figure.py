"""The presenter drawn in code: a head-and-shoulders figure in a rounded picture frame.

Drawn once per size, four times larger than shown and scaled down (smooth edges), as
sprites: the frame with the shoulders, and the head once per mouth shape and eye state. A
frame of the clip is then only the head pasted over the shoulders at a small offset.

Every measure is a fraction of the sprite's height, so the figure looks the same at any size.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SUPERSAMPLE = 4
ASPECT = 0.8  # width over height of the presenter's frame

BACKDROP_TOP = (226, 236, 246, 255)
BACKDROP_BOTTOM = (190, 209, 230, 255)
BORDER = (255, 255, 255, 255)
SKIN = (241, 200, 167, 255)
SKIN_SHADE = (222, 172, 136, 255)
HAIR = (72, 50, 38, 255)
JACKET = (47, 75, 124, 255)
JACKET_SHADE = (36, 58, 99, 255)
SHIRT = (244, 248, 252, 255)
EYE_WHITE = (252, 252, 250, 255)
IRIS = (74, 52, 36, 255)
PUPIL = (28, 20, 16, 255)
LIP = (196, 110, 98, 255)
LIP_LINE = (150, 70, 62, 255)
MOUTH_INSIDE = (92, 32, 36, 255)
TEETH = (250, 248, 242, 255)
TONGUE = (205, 96, 100, 255)
BLUSH = (236, 140, 130, 38)


class Mouth(StrEnum):
    """The mouth shapes (visemes) speech is drawn with."""

    closed = "closed"  # silence, and m, b, p
    small = "small"  # most consonants: slightly open
    open = "open"  # a, ɑ, æ, ʌ
    wide = "wide"  # e, ɛ, i, ɪ
    round = "round"  # o, u, w
    teeth = "teeth"  # f, v: upper teeth on the lower lip


class Eyes(StrEnum):
    open = "open"
    half = "half"
    closed = "closed"


@dataclass(frozen=True)
class Sprites:
    """The presenter at one size: what a frame is made of."""

    width: int
    height: int
    body: Image.Image  # the frame, backdrop, shoulders and neck (RGBA)
    heads: dict[tuple[Mouth, Eyes], Image.Image]  # each as large as the body, head only


def presenter_size(height: int) -> tuple[int, int]:
    """The presenter's width and height in pixels (both even, as video encoders want)."""
    height = max(16, height - height % 2)
    width = round(height * ASPECT)
    return width - width % 2, height


@functools.cache
def draw_sprites(height: int) -> Sprites:
    width, height = presenter_size(height)
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    unit = height * SUPERSAMPLE  # every measure below is a fraction of this
    body = _body(big, unit, _frame_mask(big, unit))
    head = _head(big, unit)
    heads = {
        (mouth, eyes): _shrunk(_face(head, unit, mouth, eyes)) for mouth in Mouth for eyes in Eyes
    }
    return Sprites(width, height, _shrunk(body), heads)


def _shrunk(image: Image.Image) -> Image.Image:
    return image.reduce(SUPERSAMPLE)


def _frame_mask(size: tuple[int, int], unit: int) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), 0.09 * unit, 255)
    return mask


def _body(size: tuple[int, int], unit: int, mask: Image.Image) -> Image.Image:
    width, height = size
    shade = np.linspace(0.0, 1.0, height)[:, None, None]  # lighter at the top
    top, bottom = np.array(BACKDROP_TOP, float), np.array(BACKDROP_BOTTOM, float)
    gradient = np.broadcast_to(top + (bottom - top) * shade, (height, width, 4))
    backdrop = Image.fromarray(gradient.round().astype(np.uint8))
    draw = ImageDraw.Draw(backdrop)
    cx = width / 2
    # The neck, shaded under the chin.
    draw.rounded_rectangle(
        (cx - 0.07 * unit, 0.52 * unit, cx + 0.07 * unit, 0.80 * unit), 0.03 * unit, SKIN
    )
    draw.ellipse((cx - 0.075 * unit, 0.56 * unit, cx + 0.075 * unit, 0.66 * unit), SKIN_SHADE)
    # Shoulders in a jacket, an open collar showing the shirt and the neck.
    draw.ellipse((cx - 0.46 * unit, 0.74 * unit, cx + 0.46 * unit, 1.55 * unit), JACKET)
    draw.polygon(
        [(cx - 0.12 * unit, 0.745 * unit), (cx + 0.12 * unit, 0.745 * unit),
         (cx, 0.97 * unit)], SHIRT,
    )  # fmt: skip
    draw.polygon(
        [(cx - 0.068 * unit, 0.72 * unit), (cx + 0.068 * unit, 0.72 * unit),
         (cx, 0.83 * unit)], SKIN,
    )  # fmt: skip
    for side in (-1, 1):  # the lapels
        draw.polygon(
            [(cx + side * 0.12 * unit, 0.745 * unit), (cx + side * 0.2 * unit, 0.78 * unit),
             (cx + side * 0.06 * unit, 1.0 * unit), (cx, 0.97 * unit)], JACKET_SHADE,
        )  # fmt: skip
    framed = Image.new("RGBA", size, (0, 0, 0, 0))
    framed.paste(backdrop, (0, 0), mask)
    border = ImageDraw.Draw(framed)
    border.rounded_rectangle(
        (0, 0, width - 1, height - 1), 0.09 * unit, outline=BORDER, width=round(0.012 * unit)
    )
    return framed


def _head(size: tuple[int, int], unit: int) -> Image.Image:
    """The head without eyes and mouth (those differ from sprite to sprite)."""
    head = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(head)
    cx = size[0] / 2
    # Hair behind the head, the ears, the face; the forehead drawn over the hair gives a
    # rounded hairline, then a fringe swept to one side.
    draw.ellipse((cx - 0.222 * unit, 0.075 * unit, cx + 0.222 * unit, 0.50 * unit), HAIR)
    for side in (-1, 1):
        ear_x = cx + side * 0.2 * unit
        draw.ellipse((ear_x - 0.035 * unit, 0.35 * unit, ear_x + 0.035 * unit, 0.46 * unit), SKIN)
        draw.ellipse(
            (ear_x - 0.015 * unit, 0.375 * unit, ear_x + 0.015 * unit, 0.435 * unit), SKIN_SHADE
        )
    draw.ellipse((cx - 0.2 * unit, 0.16 * unit, cx + 0.2 * unit, 0.645 * unit), SKIN)
    draw.polygon(_fringe(cx, unit), HAIR)
    _blush(head, unit, cx)
    _brows(draw, unit, cx)
    # The nose: a soft shadow line.
    draw.arc(
        (cx - 0.025 * unit, 0.43 * unit, cx + 0.025 * unit, 0.48 * unit), 20, 160, SKIN_SHADE,
        width=round(0.008 * unit),
    )  # fmt: skip
    return head


def _face(head: Image.Image, unit: int, mouth: Mouth, eyes: Eyes) -> Image.Image:
    face = head.copy()
    draw = ImageDraw.Draw(face)
    cx = face.size[0] / 2
    _eyes(draw, unit, cx, eyes)
    _mouth(draw, unit, cx, 0.55 * unit, mouth)
    return face


def _fringe(cx: float, unit: int) -> list[tuple[float, float]]:
    """Hair over the forehead: parted on the left, sweeping down to the right temple."""
    left, right = (cx - 0.205 * unit, 0.34 * unit), (cx + 0.205 * unit, 0.30 * unit)
    part = (cx - 0.08 * unit, 0.17 * unit)
    return [
        *_curve(left, (cx - 0.19 * unit, 0.20 * unit), part),
        *_curve(part, (cx + 0.06 * unit, 0.27 * unit), right),
        *_curve(right, (cx + 0.2 * unit, 0.08 * unit), (cx, 0.07 * unit)),
        *_curve((cx, 0.07 * unit), (cx - 0.21 * unit, 0.08 * unit), left),
    ]


def _curve(
    start: tuple[float, float], control: tuple[float, float], end: tuple[float, float]
) -> list[tuple[float, float]]:
    """Points along a quadratic Bézier curve."""
    steps = np.linspace(0.0, 1.0, 24)[:, None]
    a, b, c = (np.array(p) for p in (start, control, end))
    points = (1 - steps) ** 2 * a + 2 * (1 - steps) * steps * b + steps**2 * c
    return [(float(x), float(y)) for x, y in points]


def _blush(head: Image.Image, unit: int, cx: float) -> None:
    layer = Image.new("RGBA", head.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for side in (-1, 1):
        x = cx + side * 0.12 * unit
        draw.ellipse((x - 0.04 * unit, 0.48 * unit, x + 0.04 * unit, 0.52 * unit), BLUSH)
    head.alpha_composite(layer.filter(ImageFilter.GaussianBlur(0.012 * unit)))


def _brows(draw: ImageDraw.ImageDraw, unit: int, cx: float) -> None:
    for side in (-1, 1):
        x = cx + side * 0.085 * unit
        draw.arc(
            (x - 0.05 * unit, 0.31 * unit, x + 0.05 * unit, 0.375 * unit), 205, 335, HAIR,
            width=round(0.016 * unit),
        )  # fmt: skip


def _eyes(draw: ImageDraw.ImageDraw, unit: int, cx: float, eyes: Eyes) -> None:
    y = 0.39 * unit
    for side in (-1, 1):
        x = cx + side * 0.083 * unit
        box = (x - 0.034 * unit, y - 0.022 * unit, x + 0.034 * unit, y + 0.022 * unit)
        line = round(0.008 * unit)
        if eyes == Eyes.closed:
            draw.arc(box, 10, 170, PUPIL, width=line)
            continue
        draw.ellipse(box, EYE_WHITE)
        r = 0.017 * unit
        draw.ellipse((x - r, y - r, x + r, y + r), IRIS)
        r = 0.008 * unit
        draw.ellipse((x - r, y - r, x + r, y + r), PUPIL)
        r = 0.005 * unit
        draw.ellipse((x + 0.004 * unit, y - 0.011 * unit, x + 0.004 * unit + 2 * r,
                      y - 0.011 * unit + 2 * r), EYE_WHITE)  # fmt: skip
        if eyes == Eyes.half:  # the upper lid halfway down
            draw.chord((box[0] - line, box[1] - line, box[2] + line, box[3] + line), 180, 360,
                       SKIN)  # fmt: skip
            draw.line((box[0], y, box[2], y), PUPIL, width=line)
        else:
            draw.arc(box, 190, 350, PUPIL, width=line)  # the lashes' line


# Each open mouth: half its width and half its height, as fractions of the unit.
_OPENINGS = {
    Mouth.small: (0.038, 0.012),
    Mouth.open: (0.046, 0.03),
    Mouth.wide: (0.055, 0.018),
    Mouth.round: (0.024, 0.018),
    Mouth.teeth: (0.044, 0.010),
}


def _mouth(draw: ImageDraw.ImageDraw, unit: int, cx: float, cy: float, mouth: Mouth) -> None:
    if mouth == Mouth.closed:  # a gentle smile
        draw.arc(
            (cx - 0.05 * unit, cy - 0.035 * unit, cx + 0.05 * unit, cy + 0.012 * unit), 25, 155,
            LIP_LINE, width=round(0.011 * unit),
        )  # fmt: skip
        return
    half_w, half_h = (v * unit for v in _OPENINGS[mouth])
    lips = round(0.01 * unit)
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    draw.ellipse((box[0] - lips, box[1] - lips, box[2] + lips, box[3] + lips), LIP)
    draw.ellipse(box, MOUTH_INSIDE)
    if mouth in (Mouth.open, Mouth.wide, Mouth.teeth):  # the upper teeth
        teeth_h = half_h * (1.2 if mouth == Mouth.teeth else 0.7)
        draw.chord((box[0], box[1], box[2], box[1] + 2 * teeth_h), 180, 360, TEETH)
        inset = half_w * 0.3
        draw.rectangle((box[0] + inset, box[1], box[2] - inset, box[1] + teeth_h * 0.9), TEETH)
    if mouth == Mouth.open:  # the tongue
        draw.chord((cx - half_w * 0.6, cy, cx + half_w * 0.6, box[3] + half_h * 0.3), 180, 360,
                   TONGUE)  # fmt: skip
