"""Slides, narrations and presenter clips for the avatar tests, made with the real parts."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from slidespeaker.avatar.figure import Mouth
from slidespeaker.avatar.presenter import frame_count, render_presenter
from slidespeaker.common.cancel import CancelToken

RATE = 22050


def slide_picture(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    """A slide: a coloured title band over white."""
    picture = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, size[0], size[1] // 6), fill=colour)
    picture.save(path)
    return path


def narration(path: Path, seconds: float) -> Path:
    """A voice stand-in: a buzz that swells and fades."""
    t = np.arange(round(seconds * RATE)) / RATE
    buzz = 8000 * np.sin(2 * np.pi * 150 * t) * np.sin(2 * np.pi * 1.5 * t) ** 2
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(buzz.astype("<i2").tobytes())
    return path


def talking_clip(path: Path, seconds: float, height: int, quiet_s: float = 0.0) -> Path:
    """A presenter clip: mouth closed for `quiet_s`, then opening and closing."""
    frames = frame_count(seconds)
    quiet = round(quiet_s * 25)
    mouths = [Mouth.closed if i < quiet or i % 4 == 3 else Mouth.open for i in range(frames)]
    render_presenter(mouths, path, height=height, seed=5, token=CancelToken(), timeout=60)
    return path
