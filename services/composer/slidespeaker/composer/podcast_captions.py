"""The podcast's captions, each saying who speaks: SRT with a "HOST:" or "GUEST:" label,
WebVTT with voice spans (`<v Host>`), which players show as the speaker's name."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from slidespeaker.common.events import Cue, Speaker
from slidespeaker.composer.subtitles import ScreenCue, screen_cues

SpokenCues = Sequence[tuple[Speaker, Sequence[Cue]]]  # each turn's speaker and its cues


def write_podcast_srt(turns: SpokenCues, path: Path) -> None:
    blocks = [
        f"{number}\n{_stamp(shown.start_ms, ',')} --> {_stamp(shown.end_ms, ',')}\n"
        + "\n".join([f"{speaker.upper()}: {shown.lines[0]}", *shown.lines[1:]])
        for number, (speaker, shown) in enumerate(_screens(turns), start=1)
    ]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def write_podcast_vtt(turns: SpokenCues, path: Path) -> None:
    blocks = ["WEBVTT"]
    for speaker, shown in _screens(turns):
        voice = f"<v {speaker.capitalize()}>"
        text = "\n".join(html.escape(line, quote=False) for line in shown.lines)
        blocks.append(
            f"{_stamp(shown.start_ms, '.')} --> {_stamp(shown.end_ms, '.')}\n{voice}{text}"
        )
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def _screens(turns: SpokenCues) -> list[tuple[Speaker, ScreenCue]]:
    """Each turn's cues as shown, in order; turns never overlap, so neither do these."""
    return [(speaker, shown) for speaker, cues in turns for shown in screen_cues(cues)]


def _stamp(milliseconds: int, decimal_mark: str) -> str:
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"
