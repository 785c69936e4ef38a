"""compose_video: a browser-ready MP4 whose pictures and narration stay in step."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import numpy
import psutil
import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.deadlines import media_timeout
from slidespeaker.common.process import ChildTimeout
from slidespeaker.composer.audio import SAMPLE_RATE, pad_narration, write_silence
from slidespeaker.composer.ffmpeg import FFMPEG
from slidespeaker.composer.video import SlideMedia, compose_video, write_poster

from ..media import frame_shown_at

Colour = tuple[int, int, int]
RED: Colour = (200, 30, 30)
GREEN: Colour = (30, 160, 60)
BLUE: Colour = (40, 60, 210)
COLOUR_TOLERANCE = 4  # YUV 4:2:0 rounding; a BT.601/709 mix-up is off by 12 or more
BT709 = 1  # FFmpeg's AVCOL_SPC/PRI/TRC value for BT.709
DECK_TITLE = "Q3 review: costs = down; #1 in \\ region\nEMEA"
SLIDE_TITLES = ["Revenue", "", "Outlook 2027 — 日本語"]
LEAD = 0.3  # s of silence before each narration


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def slides(
    tmp_path: Path,
    solid_png: Callable[..., Path],
    tone_wav: Callable[..., Path],
    token: CancelToken,
) -> list[SlideMedia]:
    """Red, green and blue slides with narrations of uneven, unrounded lengths, measured
    with their pauses as the composer measures them (the video pads them again)."""
    made: list[SlideMedia] = []
    for number, (colour, seconds) in enumerate([(RED, 1.37), (GREEN, 2.11), (BLUE, 0.93)], 1):
        voiced = tone_wav(seconds)
        duration = pad_narration(
            voiced, tmp_path / f"slide-{number}.wav", before=LEAD, after=0.45, hold=2.0,
            token=token, timeout=30,
        )  # fmt: skip
        made.append(SlideMedia(solid_png(colour), voiced, duration, LEAD))
    return made


@pytest.fixture
def video(
    tmp_path: Path, slides: list[SlideMedia], token: CancelToken, workdir: Path
) -> Iterator[Any]:
    out = tmp_path / "video.mp4"
    compose_video(
        slides, out, title=DECK_TITLE, slide_titles=SLIDE_TITLES, token=token, timeout=60,
        workdir=workdir,
    )  # fmt: skip
    with av.open(str(out)) as container:
        yield container


def test_streams_are_h264_yuv420p_tagged_bt709_and_aac(video: Any) -> None:
    picture = video.streams.video[0].codec_context
    sound = video.streams.audio[0].codec_context

    assert (picture.name, picture.pix_fmt, picture.width, picture.height) == (
        "h264",
        "yuv420p",
        640,
        360,
    )
    assert (picture.colorspace, picture.color_primaries, picture.color_trc) == (BT709,) * 3
    assert (sound.name, sound.sample_rate) == ("aac", SAMPLE_RATE)


def test_picture_and_sound_last_as_long_as_the_slides(video: Any, slides: list[SlideMedia]) -> None:
    picture_seconds = stream_seconds(video.streams.video[0])
    sound_seconds = stream_seconds(video.streams.audio[0])

    # One frame per slide (variable rate): both end exactly where the narration does.
    assert picture_seconds == pytest.approx(sound_seconds, abs=0.001)
    assert picture_seconds == pytest.approx(sum(s.duration for s in slides), abs=0.001)


def test_each_narration_is_heard_from_its_lead_into_its_own_slide(
    video: Any, slides: list[SlideMedia]
) -> None:
    starts = [sum(s.duration for s in slides[:i]) for i in range(len(slides))]

    heard = sound_starts(video)

    assert heard == pytest.approx([start + LEAD for start in starts], abs=0.025)


def test_each_slide_is_shown_in_its_own_colours_for_its_own_time(
    video: Any, slides: list[SlideMedia]
) -> None:
    starts = [sum(s.duration for s in slides[:i]) for i in range(len(slides))]
    middles = [start + s.duration / 2 for start, s in zip(starts, slides, strict=True)]

    shown = [colour_shown_at(video, seconds) for seconds in middles]

    for colour, expected in zip(shown, [RED, GREEN, BLUE], strict=True):
        assert colour == pytest.approx(expected, abs=COLOUR_TOLERANCE)


def test_each_slide_is_a_chapter_named_by_its_title_starting_when_it_is_shown(
    video: Any, slides: list[SlideMedia]
) -> None:
    starts = [sum(s.duration for s in slides[:i]) for i in range(len(slides) + 1)]

    chapters = video.chapters()

    assert [chapter["metadata"]["title"] for chapter in chapters] == [
        "Revenue",
        "Slide 2",
        "Outlook 2027 — 日本語",
    ]
    for chapter, start, end in zip(chapters, starts[:-1], starts[1:], strict=True):
        assert float(chapter["start"] * chapter["time_base"]) == pytest.approx(start, abs=0.001)
        assert float(chapter["end"] * chapter["time_base"]) == pytest.approx(end, abs=0.001)


def test_the_video_is_titled_by_its_deck_and_says_its_voice_is_synthetic(video: Any) -> None:
    assert video.metadata["title"] == "Q3 review: costs = down; #1 in \\ region EMEA"
    assert "synthetic speech" in video.metadata["comment"]


def test_the_poster_is_the_first_slide_as_a_jpeg(tmp_path: Path, slides: list[SlideMedia]) -> None:
    poster = tmp_path / "poster.jpg"

    write_poster(slides[0].picture, poster)

    with av.open(str(poster)) as container:
        assert container.streams.video[0].codec_context.name == "mjpeg"
        assert (container.streams.video[0].width, container.streams.video[0].height) == (640, 360)
        frame = next(container.decode(video=0))
        red, green, blue = frame.to_ndarray(format="rgb24")[180, 320]
    assert (int(red), int(green), int(blue)) == pytest.approx(RED, abs=COLOUR_TOLERANCE)


def test_index_comes_first_so_browsers_play_before_downloading_all(
    tmp_path: Path, video: Any
) -> None:
    head = (tmp_path / "video.mp4").read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")


def test_a_single_slide_keeps_its_whole_duration(
    tmp_path: Path, slides: list[SlideMedia], token: CancelToken, workdir: Path
) -> None:
    out = tmp_path / "single.mp4"

    duration = compose_video(
        slides[1:2], out, title="", slide_titles=[""], token=token, timeout=60, workdir=workdir
    )

    with av.open(str(out)) as container:
        assert stream_seconds(container.streams.video[0]) == pytest.approx(duration, abs=0.001)
        assert stream_seconds(container.streams.audio[0]) == pytest.approx(duration, abs=0.001)
        assert duration == slides[1].duration
    assert list(workdir.iterdir()) == []  # its playlist and joined narration are gone


def test_a_thousand_tiny_slides_make_one_video_with_a_chapter_each(
    tmp_path: Path, solid_png: Callable[..., Path], token: CancelToken, workdir: Path
) -> None:
    half_second = tmp_path / "half.wav"
    write_silence(half_second, SAMPLE_RATE // 2)
    palette = [RED, GREEN, BLUE, (230, 200, 40), (240, 240, 240)]
    pictures = [solid_png(colour, 160, 90) for colour in palette]
    count = 1000
    slides = [SlideMedia(pictures[i % len(palette)], half_second, 0.5) for i in range(count)]
    out = tmp_path / "video.mp4"

    duration = compose_video(
        slides, out, title="Long deck", slide_titles=[f"Part {n}" for n in range(1, count + 1)],
        token=token, timeout=120, workdir=workdir,
    )  # fmt: skip

    assert duration == 500.0
    with av.open(str(out)) as container:
        assert stream_seconds(container.streams.video[0]) == pytest.approx(500.0, abs=0.04)
        assert stream_seconds(container.streams.audio[0]) == pytest.approx(500.0, abs=0.04)
        chapters = container.chapters()
        assert len(chapters) == count
        assert chapters[-1]["metadata"]["title"] == "Part 1000"
        for index in (0, 501, 997, 999):
            shown = colour_shown_at(container, index * 0.5 + 0.25)
            assert shown == pytest.approx(palette[index % len(palette)], abs=COLOUR_TOLERANCE)


def test_a_narration_is_padded_or_cut_to_exactly_its_slide(
    tmp_path: Path, slides: list[SlideMedia], token: CancelToken, workdir: Path
) -> None:
    longer = slides[0]._replace(duration=slides[0].duration + 0.5)
    shorter = slides[1]._replace(duration=1.0, lead=0.0)
    out = tmp_path / "video.mp4"

    compose_video(
        [longer, shorter], out, title="", slide_titles=["", ""], token=token, timeout=60,
        workdir=workdir,
    )  # fmt: skip

    with av.open(str(out)) as container:
        sound_seconds = stream_seconds(container.streams.audio[0])
        assert sound_seconds == pytest.approx(longer.duration + 1.0, abs=0.001)
        assert sound_starts(container) == pytest.approx([LEAD, longer.duration], abs=0.025)


def test_encoding_reports_how_far_it_has_got_up_to_the_whole_length(
    tmp_path: Path, noise_png: Callable[..., Path], token: CancelToken, workdir: Path
) -> None:
    second = tmp_path / "second.wav"
    write_silence(second, SAMPLE_RATE)
    # Noise is slow to encode: seconds of work even at x264's veryfast, long enough to hear
    # reports every half second.
    slides = [SlideMedia(noise_png(index, 1920, 1080), second, 1.0) for index in range(12)]
    heard: list[tuple[float, float]] = []  # (when, seconds written)

    compose_video(
        slides, tmp_path / "video.mp4", title="", slide_titles=[""] * 12, token=token,
        timeout=60, workdir=workdir,
        on_progress=lambda seconds: heard.append((time.monotonic(), seconds)),
    )  # fmt: skip

    written = [seconds for _, seconds in heard]
    assert len(written) >= 2, f"reports come while encoding, not only at the end: {heard}"
    assert written == sorted(written)
    assert written[-1] == pytest.approx(12.0, abs=0.1)
    assert heard[0][0] < heard[-1][0] - 0.2, "the first report came well before the end"


def test_ffmpeg_is_stopped_at_its_timeout_and_leaves_nothing(
    tmp_path: Path, noise_png: Callable[..., Path], token: CancelToken, workdir: Path
) -> None:
    second = tmp_path / "second.wav"
    write_silence(second, SAMPLE_RATE)
    slides = [SlideMedia(noise_png(index, 1920, 1080), second, 1.0) for index in range(4)]
    out = tmp_path / "video.mp4"
    started = time.monotonic()

    with pytest.raises(ChildTimeout, match="within 0 s"):
        compose_video(
            slides, out, title="", slide_titles=[""] * 4, token=token, timeout=0.3,
            workdir=workdir,
        )  # fmt: skip

    assert time.monotonic() - started < 2.0
    assert not out.exists()
    assert list(workdir.iterdir()) == []
    assert not [child for child in psutil.Process().children() if _is_ffmpeg(child)]


def test_the_timeout_grows_with_the_length_of_the_media() -> None:
    assert media_timeout(0) == 60
    assert media_timeout(3600) == 60 + 2 * 3600


def test_cancelling_mid_encode_stops_ffmpeg_within_a_second_and_leaves_nothing(
    tmp_path: Path, noise_png: Callable[..., Path], token: CancelToken, workdir: Path
) -> None:
    second = tmp_path / "second.wav"
    write_silence(second, SAMPLE_RATE)
    # Full-HD noise is slow to encode: seconds of work to interrupt.
    slides = [SlideMedia(noise_png(index, 1920, 1080), second, 1.0) for index in range(4)]
    out = tmp_path / "video.mp4"
    canceller = CancelWhileEncoding(token)
    canceller.start()

    with pytest.raises(JobCancelled):
        compose_video(
            slides, out, title="", slide_titles=[""] * 4, token=token, timeout=60,
            workdir=workdir,
        )  # fmt: skip

    assert time.monotonic() - canceller.cancelled_at < 1.0
    assert not psutil.pid_exists(canceller.ffmpeg_pid)
    assert not out.exists()
    assert list(workdir.iterdir()) == []


class CancelWhileEncoding(threading.Thread):
    """Cancel the token a moment after this process starts ffmpeg."""

    ENCODING_FOR = 0.3  # s

    def __init__(self, token: CancelToken) -> None:
        super().__init__(daemon=True)
        self.token = token
        self.ffmpeg_pid = -1
        self.cancelled_at = float("inf")

    def run(self) -> None:
        while self.ffmpeg_pid < 0:
            self.ffmpeg_pid = next(
                (child.pid for child in psutil.Process().children() if _is_ffmpeg(child)), -1
            )
            time.sleep(0.01)
        time.sleep(self.ENCODING_FOR)
        self.cancelled_at = time.monotonic()
        self.token.cancel()


def _is_ffmpeg(process: psutil.Process) -> bool:
    try:
        return process.cmdline()[:1] == [FFMPEG]
    except psutil.NoSuchProcess:
        return False


def stream_seconds(stream: Any) -> float:
    """A stream's length as its container states it (what players go by)."""
    return float(stream.duration * stream.time_base)


def colour_shown_at(container: Any, seconds: float) -> Colour:
    """The colour at the centre of the picture on screen at `seconds`, decoded as a browser does."""
    shown = frame_shown_at(container, seconds)
    pixels = shown.to_ndarray(format="rgb24", src_colorspace="ITU709")
    red, green, blue = pixels[shown.height // 2, shown.width // 2]
    return int(red), int(green), int(blue)


def sound_starts(container: Any) -> list[float]:
    """Where the sound rises out of silence (after at least 0.2 s of it), in s."""
    frames = [f.to_ndarray()[0] for f in container.decode(audio=0)]
    samples = numpy.abs(numpy.concatenate(frames))
    loud = samples > 0.05 * float(samples.max())
    starts: list[float] = []
    quiet = 0
    for index, is_loud in enumerate(loud):
        if is_loud and quiet >= SAMPLE_RATE // 5:
            starts.append(index / SAMPLE_RATE)
        quiet = 0 if is_loud else quiet + 1
    return starts
