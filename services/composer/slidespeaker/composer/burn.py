"""Captions burned into the picture: an SRT for ffmpeg's `subtitles` filter (libass), and
the times the caption on screen changes, where the still-slide video needs a frame."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from slidespeaker.common.events import Cue
from slidespeaker.composer.subtitles import screen_cues, write_srt

CAPTIONS_FILE = "captions.srt"  # in ffmpeg's working directory: no path to escape in the graph
# libass sizes in a 288-line frame, whatever the video's height: a 16-unit font is 5.5 % of
# the height; an outline keeps white text readable on any slide; MarginV keeps it off the
# edge (title-safe). Noto covers CJK, Arabic, Hebrew and Thai where installed; libass
# shapes right-to-left text and falls back through fontconfig for missing glyphs.
STYLE = (
    "FontName=Noto Sans,FontSize=16,PrimaryColour=&H00FFFFFF,OutlineColour=&H00000000,"
    "BorderStyle=1,Outline=1.5,Shadow=0.5,MarginV=18,Alignment=2"
)
SUBTITLES_FILTER = f"subtitles=filename={CAPTIONS_FILE}:force_style='{STYLE}'"


def write_captions(cues: Sequence[Cue], workdir: Path) -> None:
    write_srt(cues, workdir / CAPTIONS_FILE)


def caption_changes(cues: Sequence[Cue]) -> list[float]:
    """When (s) a frame must start so each caption appears and goes, in order.

    Half a millisecond after each change: libass cuts the frame's time down to a whole
    millisecond, so a frame a microsecond early (the sum of slide lengths) would miss it.
    """
    times = {ms for cue in screen_cues(cues) for ms in (cue.start_ms, cue.end_ms)}
    return [(ms + 0.5) / 1000 for ms in sorted(times)]
