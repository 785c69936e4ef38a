"""Media the composer tests start from: solid-colour slides and tone narrations."""

from __future__ import annotations

import math
import os
import struct
import wave
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from slidespeaker.common.cancel import CancelToken

Colour = tuple[int, int, int]
TONE_HZ = 440
TONE_AMPLITUDE = 8000


@pytest.fixture
def token() -> CancelToken:
    return CancelToken()


@pytest.fixture
def solid_png(tmp_path: Path) -> Callable[..., Path]:
    """Write a slide canvas of one colour."""

    def make(colour: Colour, width: int = 640, height: int = 360) -> Path:
        path = tmp_path / f"slide-{colour[0]}-{colour[1]}-{colour[2]}-{width}x{height}.png"
        write_png(path, width, height, bytes(colour) * (width * height))
        return path

    return make


@pytest.fixture
def noise_png(tmp_path: Path) -> Callable[..., Path]:
    """Write a slide canvas of random pixels, the slowest kind of picture to encode."""

    def make(index: int, width: int, height: int) -> Path:
        path = tmp_path / f"noise-{index}-{width}x{height}.png"
        write_png(path, width, height, os.urandom(width * height * 3))
        return path

    return make


def write_png(path: Path, width: int, height: int, rgb: bytes) -> None:
    """An 8-bit RGB PNG of `rgb` (rows top to bottom), so tests need no imaging library."""
    stride = width * 3
    rows = b"".join(b"\0" + rgb[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, 1))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture
def tone_wav(tmp_path: Path) -> Callable[..., Path]:
    """Write a mono 16-bit tone standing in for a voice (a cosine: its first sample is loud)."""

    def make(seconds: float, rate: int = 22050) -> Path:
        samples = round(seconds * rate)
        tone = array(
            "h",
            (
                round(TONE_AMPLITUDE * math.cos(2 * math.pi * TONE_HZ * i / rate))
                for i in range(samples)
            ),
        )
        path = tmp_path / f"tone-{seconds}s-{rate}hz.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(tone.tobytes())
        return path

    return make
