"""The moving video (with a presenter) as one segment per slide, encoded in parallel and
kept by what made it, so a deck rendered again encodes only the slides that changed.

Each segment is the slide's picture held at a steady 25 fps with its presenter clip (and its
burned captions, on the segment's own clock) over it, encoded with the same x264 settings
as every other, so the segments join without re-encoding. A segment's frame count comes
from the slides' running total (round(end*25) - round(start*25)): however many slides, the
joined video ends within half a frame of the narration.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import SAMPLE_RATE
from slidespeaker.composer.burn import write_captions
from slidespeaker.composer.ffmpeg import FFMPEG, POLL_SECONDS, Progress, concat_path, run_ffmpeg
from slidespeaker.composer.overlay import FPS, PresenterTrack, segment_graph
from slidespeaker.composer.pointer import (
    COMMANDS_FILE,
    Highlight,
    Style,
    TimedPicture,
    commands,
    drawing,
    shown_at,
)

# Bump when what a segment holds changes for the same inputs, so older ones are not reused.
SEGMENT_FORMAT = 1
# With a presenter every frame differs a little: a fast x264 preset (the slides' text stays
# sharp at this quality; the moving corner is small). At 1080p superfast took a fifth less
# CPU than veryfast for a fifth more bytes; ultrafast saved little more.
SEGMENT_CODEC = [
    *["-c:v", "libx264", "-preset", "superfast", "-crf", "18", "-pix_fmt", "yuv420p"],
    # No B-frames: with them a still slide flickered for a frame half a second into its
    # segment; without, a 720p segment took a tenth less CPU for 1 % more bytes.
    "-bf",
    "0",
    *["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
]
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Segment:
    """One slide's part of the moving video, on its own clock (from 0)."""

    picture: Path
    frames: int
    clip: Path | None = None
    clip_lead: int = 0  # frames before the clip's first one (its first frame is held)
    cues: tuple[Cue, ...] = ()  # burned in
    shown: tuple[TimedPicture, ...] = ()  # instead of `picture` in their times (build states)
    position: str | None = None  # the presenter's corner; None: the track's
    highlights: tuple[Highlight, ...] = ()  # marks drawn over the pictures
    pointer: Style = "highlight"  # how they are drawn


def plan_segments(
    pictures: Sequence[Path], durations: Sequence[float], track: PresenterTrack,
    burn_cues: Sequence[Cue], states: Sequence[Sequence[TimedPicture]] = (),
    highlights: Sequence[Sequence[Highlight]] = (), pointer: Style = "highlight",
) -> list[Segment]:  # fmt: skip
    """The slides' segments: frames counted from the running total, each clip, cue, build
    state and highlight (`states`, `highlights`: per slide, on its slide's clock) moved
    onto its segment's."""
    clips = {round(clip.slide_start * FPS): clip for clip in track.clips}
    segments: list[Segment] = []
    start = 0.0
    for index, (picture, duration) in enumerate(zip(pictures, durations, strict=True)):
        first, last = round(start * FPS), round((start + duration) * FPS)
        origin = first / FPS  # where the segment's first frame is on the video's clock
        clip = clips.get(first)
        lead = round((start + clip.clip_start) * FPS) - first if clip else 0
        cues = tuple(
            Cue(text=cue.text, start=max(0.0, cue.start - origin), end=cue.end - origin)
            for cue in burn_cues
            if cue.start < start + duration and cue.end > start
        )
        shift = start - origin
        shown = tuple(
            TimedPicture(m.picture, max(0.0, m.start + shift), m.end + shift)
            for m in (states[index] if index < len(states) else ())
        )
        marks = tuple(
            dataclasses.replace(h, start=max(0.0, h.start + shift), end=h.end + shift)
            for h in (highlights[index] if index < len(highlights) else ())
            if pointer != "none"
        )
        segments.append(Segment(
            picture, last - first, clip.clip if clip else None, lead, cues, shown,
            clip.position if clip else None, marks, pointer,
        ))  # fmt: skip
        start += duration
    return segments


class SegmentCache:
    """Where segments are kept between renders, by the digest of what made them: here a
    local folder; the composer's keeps them in the store (stored_segments.py)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # where segments are encoded, and found when reused

    def reuse(self, name: str) -> Path | None:
        """The segment `name` in `folder` if it was kept (marked used now, for retention)."""
        path = self.folder / f"{name}.mp4"
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def keep(self, name: str, path: Path) -> None:
        """Keep the segment just encoded at `path` (in `folder`): there already."""


def encode_segments(
    segments: Sequence[Segment], track: PresenterTrack, cache: SegmentCache, *, token: CancelToken,
    timeout: float, on_progress: Progress | None = None,
    on_encoding: Callable[[list[int]], None] | None = None, max_encodes: int | None = None,
    beside: Callable[[CancelToken], None] | None = None,
) -> list[Path]:  # fmt: skip
    """Each segment's file in `cache.folder`: the one kept if made from the same inputs,
    else encoded now (and kept), at most `max_encodes` (None: os.cpu_count()) at a time, the cores
    shared among them as x264's threads. Cancelling `token`, passing
    `timeout` or one segment failing stops every encode and leaves no partial file.
    `on_encoding` hears which segments (by index) are to be encoded, before they are.
    `beside` runs alongside the encodes and is stopped with them (by the token it is given)."""
    cache.folder.mkdir(parents=True, exist_ok=True)
    names = [segment_key(segment, track) for segment in segments]
    reused = [cache.reuse(name) for name in names]
    made = [path or cache.folder / f"{name}.mp4" for name, path in zip(names, reused, strict=True)]
    to_encode = [index for index, path in enumerate(reused) if path is None]
    if on_encoding is not None:
        on_encoding(to_encode)
    missing = [(segments[index], made[index]) for index in to_encode]
    progress = _Progress(on_progress, sum(s.frames for s in segments) - sum(
        s.frames for s, _ in missing))  # fmt: skip
    cores = os.cpu_count() or 1
    workers = max(1, min(max_encodes or cores, cores, len(missing)))
    threads = max(1, cores // workers)
    stop = CancelToken()  # ends the other encodes when one fails
    deadline = time.monotonic() + timeout
    with (
        concurrent.futures.ThreadPoolExecutor(workers, "segment") as pool,
        concurrent.futures.ThreadPoolExecutor(1, "beside") as aside,
    ):
        futures = [
            pool.submit(_encode, segment, track, path, threads=threads, stop=stop,
                        deadline=deadline, progress=progress.part(index), cache=cache)
            for index, (segment, path) in enumerate(missing)
        ]  # fmt: skip
        if beside is not None:
            futures.append(aside.submit(beside, stop))
        _wait_all(futures, token, stop)
    return made


def segment_key(segment: Segment, track: PresenterTrack) -> str:
    """A digest of everything that makes the segment's bytes: its inputs' contents, its
    frames, clip placement and captions, the frame and presenter geometry, the encoder."""
    made_of = {
        "format": SEGMENT_FORMAT,
        "ffmpeg": Path(FFMPEG).name,  # names its version
        "picture": _digest(segment.picture),
        "shown": [(_digest(m.picture), round(m.start, 3), round(m.end, 3)) for m in segment.shown],
        "clip": _digest(segment.clip) if segment.clip else None,
        "graph": _graph(segment, track),
        "cues": [(cue.text, round(cue.start, 3), round(cue.end, 3)) for cue in segment.cues],
        "codec": SEGMENT_CODEC,
    }
    if segment.highlights:  # only then: segments kept from before marks were drawn stay valid
        made_of["marks"] = _commands(segment, track)
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()


def concat_list(segments: Sequence[Path]) -> str:
    """An ffconcat list of the segments, in order, for joining without re-encoding."""
    return "ffconcat version 1.0\n" + "".join(f"file {concat_path(path)}\n" for path in segments)


def _encode(
    segment: Segment, track: PresenterTrack, out: Path, *, threads: int, stop: CancelToken,
    deadline: float, progress: Progress, cache: SegmentCache,
) -> None:  # fmt: skip
    stop.check()
    with tempfile.TemporaryDirectory(prefix="segment-", dir=out.parent) as work:
        workdir = Path(work)  # holds the captions, and the segment until it is whole
        if segment.cues:
            write_captions(segment.cues, workdir)
        if segment.highlights:
            (workdir / COMMANDS_FILE).write_text(_commands(segment, track), encoding="utf-8")
        inputs: list[str | Path] = ["-framerate", str(FPS), "-i", segment.picture.resolve()]
        if segment.shown or segment.highlights:  # the pictures in turn, each for its time
            listed = workdir / "pictures.ffconcat"
            listed.write_text(_pictures_list(segment), encoding="utf-8")
            inputs = ["-f", "concat", "-safe", "0", "-i", listed]
        if segment.clip is not None:
            inputs += ["-i", segment.clip.resolve()]
        partial = workdir / out.name
        run_ffmpeg(
            [*inputs, "-filter_complex_threads", str(threads),
             "-filter_complex", _graph(segment, track), "-map", "[video]",
             "-frames:v", str(segment.frames), *SEGMENT_CODEC, "-threads", str(threads), "-an",
             "-f", "mp4", partial],
            token=stop, timeout=max(0.0, deadline - time.monotonic()), on_progress=progress,
            cwd=workdir,
        )  # fmt: skip
        os.replace(partial, out)
    cache.keep(out.stem, out)


def _graph(segment: Segment, track: PresenterTrack) -> str:
    clip_lead = segment.clip_lead if segment.clip is not None else None
    if segment.position is not None:
        track = dataclasses.replace(track, position=segment.position)
    marks = drawing(segment.pointer) if segment.highlights else ""
    return segment_graph(track, frames=segment.frames, clip_lead=clip_lead,
                         burn=bool(segment.cues), timed=bool(segment.shown or segment.highlights),
                         marks=marks)  # fmt: skip


def _commands(segment: Segment, track: PresenterTrack) -> str:
    frame = (track.frame_width, track.frame_height)
    return commands(segment.highlights, segment.pointer, frame)


def _pictures_list(segment: Segment) -> str:
    """An ffconcat list of the segment's pictures: its own, and each shown one in its time;
    cut where a mark starts or ends too, for a frame to draw it on. Each picture's frame is
    stamped in audio samples, not in frames of the video: rounded to a frame, a mark's first
    frame could land before the mark and go undrawn (the steady frames come after)."""
    end = segment.frames / FPS
    spans: list[TimedPicture | Highlight] = [*segment.shown, *segment.highlights]
    times = (t for shown in spans for t in (shown.start, shown.end))
    edges = sorted({0.0, end, *(t for t in times if 0 < t < end)})
    entries = ["ffconcat version 1.0"]
    for since, to in pairwise(edges):
        picture = shown_at((since + to) / 2, segment.picture, segment.shown)
        entries += [f"file {concat_path(picture)}", f"option framerate {SAMPLE_RATE}",
                    f"duration {to - since:.6f}"]  # fmt: skip
    return "\n".join(entries) + "\n"


def _wait_all(
    futures: list[concurrent.futures.Future[None]], token: CancelToken, stop: CancelToken
) -> None:
    """Wait for every encode; on cancellation or the first failure stop the rest, and raise
    what stopped them."""
    pending = set(futures)
    while pending:
        done, pending = concurrent.futures.wait(pending, POLL_SECONDS, "FIRST_EXCEPTION")
        if token.cancelled or any(f.exception() for f in done):
            stop.cancel(token.reason or "another segment failed")
    token.check()
    for future in futures:
        error = future.exception()
        if error is not None and not isinstance(error, JobCancelled):
            raise error


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Progress:
    """The seconds written by all the encodes together (reused segments count as written)."""

    told: Progress | None
    reused_frames: int
    written: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def part(self, index: int) -> Progress:
        def heard(seconds: float) -> None:
            with self.lock:
                self.written[index] = seconds
                total = self.reused_frames / FPS + sum(self.written.values())
            if self.told is not None:
                self.told(total)

        return heard
