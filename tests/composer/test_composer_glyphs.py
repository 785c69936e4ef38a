"""Burned-in captions draw every letter of the scripts we narrate, never a missing-glyph box.

A letter no installed font has is drawn as the font's "tofu" (its .notdef glyph: an empty
box), which changes pixels just as a real letter does. So each letter is burned alone, in
the real composer path, and compared with a code point that no font has (tofu by
definition): a letter drawn like it is missing. The control run, with fontconfig limited to
DejaVu Sans (which has no Chinese, Japanese or Korean), shows the check finds tofu when it is there.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import SAMPLE_RATE, write_silence
from slidespeaker.composer.video import SlideMedia, compose_video

from ..media import frame_shown_at

SAMPLES = {
    "Arabic": "مرحبا بالعالم",
    "Hebrew": "שלום עולם",
    "Chinese": "你好世界欢迎",
    "Japanese": "こんにちはカタカナ",
    "Korean": "안녕하세요",
    "Thai": "สวัสดีครับ",
    "Devanagari": "नमस्ते दुनिया",
    "Cyrillic": "Привет мир",
    "Greek": "Γειά σου",
}
CJK = ("Chinese", "Japanese", "Korean")
NO_GLYPH = "\u0378"  # unassigned: every font draws its .notdef for it
CUE_S = 0.2
TOFU_PIXELS = 8  # pixels that may differ from the tofu reference through encoding noise
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BACKGROUND = (30, 30, 30)


def letters(text: str) -> list[str]:
    """The distinct letters (no marks or spaces: a lone mark is drawn on a dotted circle)."""
    return sorted({ch for ch in text if unicodedata.category(ch).startswith("L")})


def missing_glyphs(tmp_path: Path, solid_png: Callable[..., Path], chars: list[str]) -> list[str]:
    """The characters drawn exactly as the no-glyph reference is: tofu."""
    shown = [NO_GLYPH, *chars]
    seconds = CUE_S * (len(shown) + 1)
    narration = tmp_path / "silence.wav"
    write_silence(narration, round(seconds * SAMPLE_RATE))
    cues = [
        Cue(text=ch, start=CUE_S * (i + 0.5), end=CUE_S * (i + 1.5)) for i, ch in enumerate(shown)
    ]
    out = tmp_path / "letters.mp4"
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    compose_video(
        [SlideMedia(solid_png(BACKGROUND), narration, seconds)], out, title="", slide_titles=[""],
        token=CancelToken(), timeout=120, workdir=workdir, burn_cues=cues,
    )  # fmt: skip
    with av.open(str(out)) as container:
        bands = [caption_band(container, CUE_S * (i + 1)) for i in range(len(shown))]
    reference, drawn = bands[0], bands[1:]
    assert (np.abs(reference - BACKGROUND).max(axis=2) > 40).sum() > 20, "tofu is drawn"
    return [
        ch
        for ch, band in zip(chars, drawn, strict=True)
        if (np.abs(band - reference).max(axis=2) > 40).sum() <= TOFU_PIXELS
    ]


def caption_band(container: av.container.InputContainer, seconds: float) -> np.ndarray:
    frame = frame_shown_at(container, seconds)
    pixels: np.ndarray = frame.to_ndarray(format="rgb24", src_colorspace="ITU709").astype(int)
    return pixels[pixels.shape[0] * 3 // 4 :]


def test_every_narrated_script_is_drawn_with_real_glyphs(
    tmp_path: Path, solid_png: Callable[..., Path]
) -> None:
    chars = [ch for text in SAMPLES.values() for ch in letters(text)]
    assert missing_glyphs(tmp_path, solid_png, chars) == []


@pytest.mark.skipif(not DEJAVU_SANS.is_file(), reason="DejaVu Sans is not installed")
def test_the_check_finds_tofu_where_no_font_has_the_letter(
    tmp_path: Path, solid_png: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(DEJAVU_SANS, fonts)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))  # ffmpeg (libass) inherits it
    cjk = [ch for name in CJK for ch in letters(SAMPLES[name])]
    latin = letters("Revenue grew")

    missing = missing_glyphs(tmp_path, solid_png, cjk + latin)

    assert missing == cjk, "every CJK letter is tofu in DejaVu, no Latin one is"
