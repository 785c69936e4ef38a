"""The moving video as a segment per slide: frames counted so nothing drifts, segments kept
by what made them (a render after one slide changed encodes only that slide), and
cancellation that stops every encode at once and leaves no partial segment."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import psutil
import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.events import Cue
from slidespeaker.common.process import ChildTimeout
from slidespeaker.composer.audio import SAMPLE_RATE, pad_narration, write_silence
from slidespeaker.composer.overlay import FPS, PresenterTrack, SlideClip
from slidespeaker.composer.pointer import Highlight
from slidespeaker.composer.segments import SegmentCache, plan_segments
from slidespeaker.composer.video import SlideMedia, compose_video

from ..avatar.media import narration, slide_picture, talking_clip
from ..media import frame_shown_at, probe
from .test_composer_video import CancelWhileEncoding, _is_ffmpeg

SIZE = (640, 360)
LEAD, AFTER = 0.4, 0.8
COLOURS = [(200, 30, 30), (30, 160, 60), (40, 60, 210)]
FRAME_SAMPLES = SAMPLE_RATE // FPS
BT709 = "1"  # FFmpeg's AVCOL_SPC value, as tests/media.py's probe gives it


def test_segments_count_frames_from_the_running_total_so_nothing_drifts(tmp_path: Path) -> None:
    durations = [0.517 + 0.013 * (n % 7) for n in range(1000)]  # none a whole frame
    clips = [SlideClip(tmp_path / "clip.mov", 0.517, 0.517 + 0.53, 0.4)]
    track = PresenterTrack(clips, *SIZE)
    cues = [Cue(text="second slide", start=0.6, end=1.0)]

    segments = plan_segments([tmp_path / "slide.png"] * 1000, durations, track, cues)

    assert sum(s.frames for s in segments) == round(sum(durations) * FPS)
    assert all(abs(s.frames - d * FPS) < 1 for s, d in zip(segments, durations, strict=True))
    second = segments[1]
    assert second.clip == tmp_path / "clip.mov" and second.clip_lead == 10
    assert [s.clip for s in segments].count(None) == 999
    origin = round(0.517 * FPS) / FPS  # the second segment's first frame on the video's clock
    assert second.cues == (Cue(text="second slide", start=0.6 - origin, end=1.0 - origin),)
    assert segments[0].cues == segments[2].cues == ()


def presenter_slides(
    tmp_path: Path, spoken: list[float], tag: str
) -> tuple[list[SlideMedia], PresenterTrack]:
    """Slides of whole frames (as the composer measures a presenter's) with a clip each."""
    token, media, clips, start = CancelToken(), [], [], 0.0
    for number, (seconds, colour) in enumerate(zip(spoken, COLOURS, strict=True), start=1):
        picture = slide_picture(tmp_path / f"slide-{number}.png", SIZE, colour)
        padded = tmp_path / f"padded-{number}-{tag}.wav"
        voice = narration(tmp_path / f"voice-{number}-{tag}.wav", seconds)
        duration = pad_narration(voice, padded, before=LEAD, after=AFTER, hold=3.0, token=token,
                                 timeout=60, multiple_of=FRAME_SAMPLES)  # fmt: skip
        media.append(SlideMedia(picture, voice, duration, LEAD))
        clip = talking_clip(tmp_path / f"clip-{number}-{tag}.mov", seconds, SIZE[1] // 4)
        clips.append(SlideClip(clip, start, start + duration, LEAD))
        start += duration
    return media, PresenterTrack(clips, *SIZE)


def render(tmp_path: Path, media: list[SlideMedia], track: PresenterTrack, cache: Path,
           name: str, heard: list[float] | None = None) -> Path:  # fmt: skip
    out = tmp_path / f"{name}.mp4"
    workdir = tmp_path / f"work-{name}"
    workdir.mkdir()
    cues = [Cue(text=f"Slide {n}", start=0.5, end=1.2) for n in range(1, len(media) + 1)]
    starts = np.cumsum([0.0, *(slide.duration for slide in media)])
    compose_video(
        media, out, title="Deck", slide_titles=["One", "Two", "Three"], token=CancelToken(),
        timeout=120, workdir=workdir, presenter=track, segment_cache=SegmentCache(cache),
        on_progress=None if heard is None else heard.append,
        burn_cues=[Cue(text=c.text, start=c.start + s, end=c.end + s)
                   for c, s in zip(cues, starts, strict=False)],
    )  # fmt: skip
    assert list(workdir.iterdir()) == [], "the work files are gone"
    return out


def cached(cache: Path) -> dict[str, int]:
    """The segments kept, by name, with their inode (a segment written again gets a new one)."""
    return {path.name: path.stat().st_ino for path in cache.iterdir()}


def test_a_render_after_one_slides_narration_changed_encodes_only_that_slide(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "segments"
    media, track = presenter_slides(tmp_path, [1.0, 1.2, 0.9], "first")
    first = render(tmp_path, media, track, cache, "first")
    before = cached(cache)
    edited, edited_track = presenter_slides(tmp_path, [1.0, 2.1, 0.9], "edited")  # slide 2 longer

    heard: list[float] = []
    second = render(tmp_path, edited, edited_track, cache, "second", heard)

    after = cached(cache)
    assert len(before) == 3 and len(after) == 4, "one segment more: the edited slide's"
    assert {name: after[name] for name in before} == before, "the others were not written again"
    for video, slides in ((first, media), (second, edited)):
        check_video(video, slides)
    # The reused segments count as written from the start.
    kept = edited[0].duration + edited[2].duration
    assert heard[0] >= kept - 0.04
    assert all(later >= earlier - 1e-6 for earlier, later in itertools.pairwise(heard))
    assert heard[-1] == pytest.approx(sum(slide.duration for slide in edited))


def test_marked_segments_are_reused_until_their_marks_change(tmp_path: Path) -> None:
    """The same slides with the same marks encode nothing again; moving slide 2's marks
    encodes slide 2 alone."""
    media, track = presenter_slides(tmp_path, [1.0, 1.2, 0.9], "marked")
    page = (720.0, 405.0)
    marks = [[Highlight((0.1, 0.2, 0.6, 0.3), page, LEAD, LEAD + 0.5)] for _ in media]
    moved = [marks[0], [Highlight((0.1, 0.5, 0.6, 0.6), page, LEAD, LEAD + 0.5)], marks[2]]
    encoded: list[list[int]] = []
    for run, highlights in enumerate([marks, marks, moved]):
        workdir = tmp_path / f"work-{run}"
        workdir.mkdir()
        compose_video(
            media, tmp_path / f"marked-{run}.mp4", title="Deck", slide_titles=["1", "2", "3"],
            token=CancelToken(), timeout=120, workdir=workdir, presenter=track,
            segment_cache=SegmentCache(tmp_path / "segments"), highlights=highlights,
            on_segments=encoded.append,
        )  # fmt: skip
    assert encoded == [[1, 2, 3], [], [2]]


def check_video(video: Path, slides: list[SlideMedia]) -> None:
    """Each slide shown at its midpoint, picture and sound within a frame, a chapter each."""
    length = sum(slide.duration for slide in slides)
    info = probe(video)
    assert info.audio.duration == pytest.approx(length, abs=0.001)
    assert info.video.duration == pytest.approx(info.audio.duration, abs=0.04)
    assert (info.video.codec, info.pix_fmt, info.color_space) == ("h264", "yuv420p", BT709)
    starts = np.cumsum([0.0, *(slide.duration for slide in slides)])
    with av.open(str(video)) as container:
        chapters: list[Any] = container.chapters()
        assert [c["metadata"]["title"] for c in chapters] == ["One", "Two", "Three"]
        for chapter, start in zip(chapters, starts, strict=False):
            assert float(chapter["start"] * chapter["time_base"]) == pytest.approx(start, abs=1e-3)
        for slide, start, colour in zip(slides, starts, COLOURS, strict=False):
            shown = band_colour(container, start + slide.duration / 2)
            assert shown == pytest.approx(colour, abs=6)


def band_colour(container: Any, seconds: float) -> tuple[int, int, int]:
    """The colour of the slide's title band (its top sixth) on screen at `seconds`."""
    shown = frame_shown_at(container, seconds)
    pixels = shown.to_ndarray(format="rgb24", src_colorspace="ITU709")
    red, green, blue = pixels[SIZE[1] // 12, SIZE[0] // 2]
    return int(red), int(green), int(blue)


def noise_slides(tmp_path: Path, size: tuple[int, int]) -> tuple[list[SlideMedia], PresenterTrack]:
    """Four 3 s slides of noise, slow to encode, each with the presenter."""
    rng = np.random.default_rng(5)
    media, clips, start = [], [], 0.0
    clip = talking_clip(tmp_path / "clip.mov", 3.0, size[1] // 4)
    for number in range(4):
        picture = tmp_path / f"noise-{number}.png"
        av_picture = av.VideoFrame.from_ndarray(
            rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), format="rgb24"
        )
        av_picture.to_image().save(picture)
        audio = tmp_path / f"silence-{number}.wav"
        write_silence(audio, 3 * SAMPLE_RATE)
        media.append(SlideMedia(picture, audio, 3.0))
        clips.append(SlideClip(clip, start, start + 3.0, 0.0))
        start += 3.0
    return media, PresenterTrack(clips, *size)


def test_cancelling_stops_every_segment_encode_within_a_second_and_leaves_none(
    tmp_path: Path,
) -> None:
    token = CancelToken()
    media, track = noise_slides(tmp_path, (1920, 1080))  # seconds of encoding to interrupt
    cache, workdir, out = tmp_path / "segments", tmp_path / "work", tmp_path / "video.mp4"
    workdir.mkdir()
    canceller = CancelWhileEncoding(token)
    canceller.start()

    with pytest.raises(JobCancelled):
        compose_video(
            media, out, title="", slide_titles=[""] * 4, token=token, timeout=120,
            workdir=workdir, presenter=track, segment_cache=SegmentCache(cache),
        )  # fmt: skip

    assert time.monotonic() - canceller.cancelled_at < 1.0
    assert not [c for c in psutil.Process().children(recursive=True) if _is_ffmpeg(c)]
    assert not out.exists()
    assert list(cache.iterdir()) == [], "no segment, whole or partial, is kept"
    assert list(workdir.iterdir()) == []


def test_the_segments_are_stopped_at_the_videos_timeout_and_leave_nothing(
    tmp_path: Path,
) -> None:
    media, track = noise_slides(tmp_path, (1280, 720))
    cache, workdir, out = tmp_path / "segments", tmp_path / "work", tmp_path / "video.mp4"
    workdir.mkdir()
    started = time.monotonic()

    with pytest.raises(ChildTimeout):
        compose_video(
            media, out, title="", slide_titles=[""] * 4, token=CancelToken(), timeout=0.3,
            workdir=workdir, presenter=track, segment_cache=SegmentCache(cache),
        )  # fmt: skip

    assert time.monotonic() - started < 2.0
    assert not [c for c in psutil.Process().children(recursive=True) if _is_ffmpeg(c)]
    assert not out.exists() and list(cache.iterdir()) == [] and list(workdir.iterdir()) == []


@pytest.mark.parametrize("max_encodes", [1, None])
def test_segments_are_encoded_no_more_at_once_than_allowed(
    tmp_path: Path, max_encodes: int | None
) -> None:
    media, track = noise_slides(tmp_path, (640, 360))
    workdir = tmp_path / "work"
    workdir.mkdir()
    watcher = EncodesAtOnce()
    watcher.start()

    compose_video(
        media, tmp_path / "video.mp4", title="", slide_titles=[""] * 4, token=CancelToken(),
        timeout=120, workdir=workdir, presenter=track, max_encodes=max_encodes,
    )  # fmt: skip

    watcher.stop = True
    watcher.join()
    assert watcher.most == (max_encodes or min(os.cpu_count() or 1, 4))


class EncodesAtOnce(threading.Thread):
    """The most segment encodes (ffmpeg children running x264) this process ran at once."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.most = 0
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            encodes = 0
            for child in psutil.Process().children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    encodes += _is_ffmpeg(child) and "libx264" in child.cmdline()
            self.most = max(self.most, encodes)
            time.sleep(0.005)
