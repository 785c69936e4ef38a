"""The final MP4: each slide's picture held for its duration, over the joined narration.

Still slides: one ffmpeg run encodes one frame per slide (variable frame rate) instead of 25
identical frames a second, which is what makes a long deck take seconds rather than
minutes. Burned-in captions keep that: the picture gets one more frame wherever the caption
changes. That single pass is also the cheapest re-render: it costs about as much as
checking which slides changed would.

With a presenter every frame moves: a segment per slide at 25 fps (segments.py), joined
without re-encoding, so a deck rendered again encodes only the slides that changed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from PIL import Image

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import (
    SAMPLE_RATE,
    SlideSound,
    join_narrations,
    seconds_to_samples,
)
from slidespeaker.composer.burn import (
    CAPTIONS_FILE,
    SUBTITLES_FILTER,
    caption_changes,
    write_captions,
)
from slidespeaker.composer.colours import VIDEO_TAGS
from slidespeaker.composer.ffmpeg import (
    MediaError,
    Progress,
    concat_path,
    removed_on_failure,
    run_ffmpeg,
)
from slidespeaker.composer.mark_frames import EDGE_PICTURE, EDGES, marked_graph, write_edges
from slidespeaker.composer.metadata import ffmetadata
from slidespeaker.composer.overlay import PresenterTrack
from slidespeaker.composer.pointer import (
    COMMANDS_FILE,
    Highlight,
    Style,
    TimedPicture,
    commands,
    shown_at,
)
from slidespeaker.composer.segments import (
    SegmentCache,
    concat_list,
    encode_segments,
    plan_segments,
)

# Frame timestamps count audio samples, so each slide change lands on its audio sample.
TICKS_PER_SECOND = SAMPLE_RATE

VIDEO_FILTER = f"scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,{VIDEO_TAGS}"
VIDEO_CODEC = [
    *["-c:v", "libx264", "-tune", "stillimage", "-crf", "18"],  # slides are mostly text
    # A frame per slide: x264's medium preset spent 0.11 CPU-s on each 1080p slide, veryfast
    # 0.06, for a file 5 % smaller at the same quality factor (the 29-slide notes deck).
    *["-preset", "veryfast"],
    *["-bf", "0", "-fps_mode", "vfr", "-pix_fmt", "yuv420p"],  # browsers reject 4:4:4
    # x264 holds 40 frames (40 slides) to plan its bit rate; slides barely gain from it, and
    # holding them grows memory with the deck and delays the progress ffmpeg reports.
    *["-rc-lookahead", "2"],
    *["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
]
# What grows with a long deck is the MP4's index, held until it is written at the end: an
# entry per AAC frame (47 a second, ~80 bytes each), 26 MB for two hours of narration.
# ffmpeg's AAC encoder searches hard by default (twoloop): 4.0 CPU-s for 203 s of narration,
# the longest step of a still video's final encode; its fast coder takes 1.4 CPU-s, and at
# 128 kb/s for one voice in mono the difference is not heard.
AUDIO_CODEC = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k"]
PLAYLIST = "slides.ffconcat"  # the still pictures with their durations
MARKS_INPUT = 3  # the input of the marks' edges, after the pictures, narration and metadata
SEGMENT_LIST = "segments.ffconcat"  # the moving video's segments in order
NARRATION_AAC = "narration.m4a"  # encoded beside the segments, copied into the video
COPY = ["-c:a", "copy"]
POSTER_QUALITY = 92  # JPEG's 1-95: near the best; a poster is one small file


class SlideMedia(NamedTuple):
    picture: Path  # the canvas at the output size
    audio: Path | None  # the narration as voiced (anything ffmpeg reads); None: silence
    duration: float  # s, the pauses included: the audio is padded (or cut) to it
    lead: float = 0.0  # s of silence before the narration


def compose_video(
    slides: Sequence[SlideMedia],
    out_mp4: Path,
    *,
    title: str,
    slide_titles: Sequence[str],
    token: CancelToken,
    timeout: float,
    workdir: Path,
    on_progress: Progress | None = None,
    burn_cues: Sequence[Cue] = (),
    presenter: PresenterTrack | None = None,
    size: tuple[int, int] | None = None,
    segment_cache: SegmentCache | None = None,
    on_segments: Callable[[list[int]], None] | None = None,
    max_encodes: int | None = None,
    states: Sequence[Sequence[TimedPicture]] = (),
    highlights: Sequence[Sequence[Highlight]] = (),
    pointer: Style = "highlight",
) -> float:
    """Encode the slides into `out_mp4` (H.264 + AAC) and return its duration in seconds.

    The MP4 carries `title`, a note that its voice is synthetic, and a chapter per slide
    named by `slide_titles` (in the slides' order). `on_progress` hears, about twice a
    second, how many seconds of the video are written. `burn_cues` (on the video's
    timeline) are drawn into the picture. `presenter` puts its clips over the slides (the
    video then has a steady frame rate instead of a frame per slide, and is made of a
    segment per slide, kept in `segment_cache` for the next render; None: in `workdir`,
    removed after; `on_segments` hears which slides' segments, numbered from 1, are encoded
    anew rather than reused; at most `max_encodes` of them, None: one per core, are encoded
    at a time). `size` (width, height) scales the pictures down to it; None
    keeps theirs (with a presenter, the track's frame size rules). `states` gives each
    slide's build states and when they replace its picture; `highlights` each slide's
    marks, drawn in the `pointer` style (see pointer.py). Both go under the presenter and
    the captions.
    """
    if not slides:
        raise ValueError("a video needs at least one slide")
    sounds = [_sound(slide) for slide in slides]
    deadline = time.monotonic() + timeout
    workdir = workdir.resolve()  # ffmpeg runs in it: every other path must not depend on that
    narration = workdir / "narration.wav"
    metadata = workdir / "metadata.txt"
    scratch = [narration, metadata, workdir / PLAYLIST, workdir / CAPTIONS_FILE,
               workdir / SEGMENT_LIST, workdir / NARRATION_AAC, workdir / COMMANDS_FILE,
               workdir / EDGES, workdir / EDGE_PICTURE]  # fmt: skip
    if pointer == "none":
        highlights = ()
    kept = segment_cache or SegmentCache(workdir / "segments")
    try:
        durations = [slide.duration for slide in slides]
        metadata.write_text(ffmetadata(title, slide_titles, durations), encoding="utf-8")
        sound = (narration, metadata)
        with removed_on_failure(out_mp4):
            if presenter is None:
                join_narrations(sounds, narration, token=token, timeout=timeout)
                _encode_stills(
                    slides, sound, out_mp4.resolve(), burn_cues=burn_cues, size=size,
                    states=states, highlights=highlights, pointer=pointer, token=token,
                    timeout=max(0.0, deadline - time.monotonic()), workdir=workdir,
                    on_progress=on_progress,
                )  # fmt: skip
            else:
                _encode_moving(
                    slides, sounds, sound, out_mp4.resolve(), burn_cues=burn_cues, track=presenter,
                    cache=kept, token=token, timeout=timeout, workdir=workdir,
                    on_progress=on_progress, on_segments=on_segments, max_encodes=max_encodes,
                    states=states, highlights=highlights, pointer=pointer,
                )  # fmt: skip
    finally:
        for work_file in scratch:
            work_file.unlink(missing_ok=True)
        if segment_cache is None:
            shutil.rmtree(kept.folder, ignore_errors=True)
    return sum(slide.duration for slide in slides)


def _sound(slide: SlideMedia) -> SlideSound:
    if slide.duration <= 0:
        raise ValueError(f"slide {slide.picture.name} has no duration ({slide.duration} s)")
    samples = round(slide.duration * SAMPLE_RATE)
    return SlideSound(slide.audio, samples, seconds_to_samples(slide.lead))


def _encode_stills(
    slides: Sequence[SlideMedia], sound: tuple[Path, Path], out_mp4: Path, *,
    burn_cues: Sequence[Cue], size: tuple[int, int] | None, token: CancelToken,
    timeout: float, workdir: Path, on_progress: Progress | None,
    states: Sequence[Sequence[TimedPicture]], highlights: Sequence[Sequence[Highlight]],
    pointer: Style,
) -> None:  # fmt: skip
    """One ffmpeg run: a frame per slide (and per caption change, build state and mark's
    start and end), over the narration."""
    playlist = workdir / PLAYLIST
    listed = _playlist(slides, caption_changes(burn_cues), states)
    playlist.write_text(listed, encoding="utf-8")
    if burn_cues:
        write_captions(burn_cues, workdir)
    # Scaled before the captions, so libass draws them at the video's own size.
    resize = [f"scale={size[0]}:{size[1]}"] if size else []
    captions = [SUBTITLES_FILTER] if burn_cues else []
    pictures: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", playlist]
    moved = _on_video_clock(slides, highlights)
    if not any(moved):
        video = ["-map", "0:v:0", "-vf", ",".join([*resize, *captions, VIDEO_FILTER])]
        encoding = [*pictures, *_with_sound(sound, [*video, *VIDEO_CODEC], out_mp4)]
    else:
        told = [commands(on, pointer, _frame(slide.picture, size))
                for slide, on in zip(slides, moved, strict=True) if on]  # fmt: skip
        (workdir / COMMANDS_FILE).write_text("".join(told), encoding="utf-8")
        end = sum(slide.duration for slide in slides) - 1 / TICKS_PER_SECOND
        # A frame where each mark starts and ends; none after the video's closing frame.
        edges = [t for on in moved for h in on for t in (h.start, h.end) if t < end]
        marks_in: list[str | Path] = ["-f", "concat", "-safe", "0", "-i",
                                      write_edges(edges, workdir)]  # fmt: skip
        graph = marked_graph(resize, captions, pointer, edges=MARKS_INPUT)
        video = ["-filter_complex", graph, "-map", "[video]"]
        encoding = [*pictures, *_with_sound(sound, [*video, *VIDEO_CODEC], out_mp4, more=marks_in)]
    run_ffmpeg(encoding, token=token, timeout=timeout, on_progress=on_progress, cwd=workdir)


def _encode_moving(
    slides: Sequence[SlideMedia], sounds: Sequence[SlideSound], sound: tuple[Path, Path],
    out_mp4: Path, *,
    burn_cues: Sequence[Cue], track: PresenterTrack, cache: SegmentCache, token: CancelToken,
    timeout: float, workdir: Path, on_progress: Progress | None,
    on_segments: Callable[[list[int]], None] | None, max_encodes: int | None,
    states: Sequence[Sequence[TimedPicture]], highlights: Sequence[Sequence[Highlight]],
    pointer: Style,
) -> None:  # fmt: skip
    """A segment per slide (those kept from an earlier render reused) and, beside them, the
    narration joined and encoded as AAC (the longest part of a render after one slide
    changed); then one run that joins them as they are."""
    deadline = time.monotonic() + timeout
    pictures = [slide.picture for slide in slides]
    durations = [slide.duration for slide in slides]
    segments = plan_segments(pictures, durations, track, burn_cues, states, highlights, pointer)
    narration, metadata = sound
    narration_aac = workdir / NARRATION_AAC

    def by_slide(indexes: list[int]) -> None:
        if on_segments is not None:
            on_segments([index + 1 for index in indexes])

    def encode_narration(stop: CancelToken) -> None:
        join_narrations(sounds, narration, token=stop, timeout=deadline - time.monotonic())
        run_ffmpeg(["-i", narration, "-map", "0:a:0", *AUDIO_CODEC, "-f", "mp4", narration_aac],
                   token=stop, timeout=max(0.0, deadline - time.monotonic()))  # fmt: skip

    made = encode_segments(segments, track, cache, token=token, timeout=timeout,
                           on_progress=on_progress, on_encoding=by_slide,
                           max_encodes=max_encodes, beside=encode_narration)  # fmt: skip
    joined = workdir / SEGMENT_LIST
    joined.write_text(concat_list(made), encoding="utf-8")
    pictures_in: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", joined]
    streams = ["-map", "0:v:0", "-c:v", "copy"]
    encoding = [*pictures_in, *_with_sound((narration_aac, metadata), streams, out_mp4, COPY)]
    run_ffmpeg(encoding, token=token, timeout=max(0.0, deadline - time.monotonic()), cwd=workdir)
    if on_progress is not None:
        on_progress(sum(durations))


def _with_sound(
    sound: tuple[Path, Path], video: Sequence[str | Path], out_mp4: Path,
    audio_codec: Sequence[str] = AUDIO_CODEC, more: Sequence[str | Path] = (),
) -> list[str | Path]:  # fmt: skip
    """The rest of the arguments after the pictures' input (0): the narration and the
    metadata as inputs 1 and 2, `more` inputs from MARKS_INPUT on, `video`'s mapping and
    codec, the narration's, the MP4."""
    narration, metadata = sound
    inputs: list[str | Path] = ["-i", narration, "-f", "ffmetadata", "-i", metadata, *more]
    streams = ["-map", "1:a:0", "-map_metadata", "2", "-map_chapters", "2"]
    output: list[str | Path] = ["-movflags", "+faststart", "-f", "mp4", out_mp4]
    return [*inputs, *streams, *video, *audio_codec, *output]


def _on_video_clock(
    slides: Sequence[SlideMedia], highlights: Sequence[Sequence[Highlight]]
) -> list[list[Highlight]]:
    """Each slide's highlights, their times moved from the slide's clock to the video's."""
    moved: list[list[Highlight]] = []
    start = 0.0
    for index, slide in enumerate(slides):
        on_slide = highlights[index] if index < len(highlights) else ()
        moved.append([replace(h, start=start + h.start, end=start + h.end) for h in on_slide])
        start += slide.duration
    return moved


def _frame(picture: Path, size: tuple[int, int] | None) -> tuple[int, int]:
    """The size `picture` has in the video: `size`, else its own (read from its header)."""
    if size is not None:
        return size
    with Image.open(picture) as opened:
        width, height = opened.size
    return width, height


def check_picture(picture: Path) -> None:
    """Raise MediaError unless `picture` decodes (better now, naming it, than mid-encode).
    Decoded here, in-process: an ffmpeg run for it took 43 ms of CPU a slide, four times
    Pillow's (both read the PNG with zlib, so one decodes what the other does)."""
    try:
        with Image.open(picture) as opened:
            opened.load()
    except (OSError, SyntaxError, ValueError) as e:  # Pillow's ways of saying "not this"
        raise MediaError(f"the slide picture {picture.name} cannot be decoded ({e})") from e


def write_poster(picture: Path, out_jpg: Path, size: tuple[int, int] | None = None) -> None:
    """The video's poster (what players show before it starts): `picture` as a JPEG, scaled
    to `size` (the video's) when given. Made in-process: an ffmpeg run for it took longer to
    start than Pillow takes to decode the picture and write the JPEG (~30 ms at 1080p), and
    it comes after the video's encode, before the job can end."""
    with removed_on_failure(out_jpg):
        try:
            with Image.open(picture) as opened:
                frame = opened.convert("RGB")
        except (OSError, SyntaxError, ValueError) as e:  # Pillow's ways of saying "not this"
            raise MediaError(f"the slide picture {picture.name} cannot be decoded ({e})") from e
        if size is not None and frame.size != size:
            frame = frame.resize(size, Image.Resampling.BICUBIC)  # as ffmpeg's scale
        frame.save(out_jpg, format="jpeg", quality=POSTER_QUALITY)


def _playlist(
    slides: Sequence[SlideMedia], changes: Sequence[float],
    states: Sequence[Sequence[TimedPicture]] = (),
) -> str:  # fmt: skip
    """An ffconcat list showing each picture for its duration, cut where captions change,
    and where a build state (times on its slide's clock) takes the picture's place.

    The concat demuxer ignores the last entry's duration, so the last picture is listed
    once more as a one-tick frame that ends the video exactly when the narration does.
    """
    shown: list[tuple[Path, float]] = []
    start = 0.0
    for index, (picture, _, duration, _) in enumerate(slides):
        end = start + duration
        on_slide = states[index] if index < len(states) else ()
        edges = [t for m in on_slide for t in (start + m.start, start + m.end)]
        cuts = sorted({start, *(t for t in [*changes, *edges] if start < t < end), end})
        shown += [
            (shown_at((since + to) / 2 - start, picture, on_slide), to - since)
            for since, to in pairwise(cuts)
        ]
        start = end
    last_picture, last_duration = shown[-1]
    shown[-1] = (last_picture, last_duration - 1 / TICKS_PER_SECOND)
    entries = ["ffconcat version 1.0"]
    for picture, duration in shown:
        entries += [*_picture_entry(picture), f"duration {duration:.6f}"]
    entries += _picture_entry(last_picture)
    return "\n".join(entries) + "\n"


def _picture_entry(picture: Path) -> list[str]:
    # A still image is stamped in 1/framerate units: make that the tick.
    return [f"file {concat_path(picture)}", f"option framerate {TICKS_PER_SECOND}"]
