"""Reading real media files back in tests (PyAV: ffmpeg's own demuxers and decoders; its
ebur128 filter for loudness)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import imageio_ffmpeg


@dataclass(frozen=True)
class StreamInfo:
    codec: str
    duration: float


@dataclass(frozen=True)
class MediaInfo:
    video: StreamInfo
    audio: StreamInfo
    width: int
    height: int
    pix_fmt: str
    color_space: str


def frame_shown_at(container: Any, seconds: float) -> Any:
    """The frame on screen at `seconds`: the last one to start by then (a still slide is one
    frame held until the next)."""
    container.seek(0)
    shown = None
    for frame in container.decode(video=0):
        if frame.time is not None and frame.time > seconds:
            break
        shown = frame
    assert shown is not None, f"no frame on screen at {seconds} s"
    return shown


def probe(path: Path) -> MediaInfo:
    with av.open(str(path)) as container:
        v: Any = container.streams.video[0]
        a: Any = container.streams.audio[0]
        return MediaInfo(
            video=StreamInfo(v.codec_context.name, float(v.duration * v.time_base)),
            audio=StreamInfo(a.codec_context.name, float(a.duration * a.time_base)),
            width=v.codec_context.width,
            height=v.codec_context.height,
            pix_fmt=v.codec_context.pix_fmt,
            color_space=str(v.codec_context.colorspace),
        )


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's audio, as ffmpeg's ebur128
    filter reads them: a meter of its own, not the one under test."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
               "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]  # fmt: skip
    summary = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    summary = summary[summary.rfind("Summary:") :]
    loudness = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)
    assert loudness and peak, summary
    return float(loudness.group(1)), float(peak.group(1))


def srt_times(path: Path) -> list[tuple[float, float]]:
    """(start, end) of every cue in an SRT file."""
    spans = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if " --> " in line:
            start, end = line.split(" --> ")
            spans.append((_seconds(start), _seconds(end)))
    return spans


def _seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.strip().replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)
