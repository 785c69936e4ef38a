"""Benchmark: the composer's compose_video against the MoviePy path it replaces.

For N = 10 and N = 100 slides it builds a 1080p deck (rendered slide pictures, tone
narrations of 5 to 7 s padded by pad_narration, every tenth slide silent: about 69 s per
ten slides), then makes the video twice from the same inputs:

- compose_video: one ffmpeg run, one frame per slide (variable frame rate);
- MoviePy: ImageClip per slide with its AudioFileClip, concatenate_videoclips,
  write_videofile at 24 fps, as the original SlideSpeaker did.

Each way runs in its own Python process while this one samples the resident memory of that
process and all its children (ffmpeg), so each peak is its own.

`--pointer` measures the cue on screen (issue 17): the composition of the same ten slides
with four blocks marked in turn on each (drawn by the video's encode)
against the plain composition and MoviePy's, then the whole `slidespeaker render` of a
generated ten-slide deck whose notes talk about its bullets, `--pointer highlight` against
`--pointer none` (each from a fresh home, so neither reuses the other's voice).

`--avatar` measures the local presenter instead: the same ten slides at 720p and 1080p,
each slide's presenter clip drawn (its mouth from the narration's loudness) and the video
composed with the clips overlaid, against MoviePy's still slides at 720p in the same run.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/compose_bench.py          # N = 10 and 100
    .venv/bin/python bench/compose_bench.py 10 1000 --ours-only  # other sizes, no MoviePy
    .venv/bin/python bench/compose_bench.py --avatar
    .venv/bin/python bench/compose_bench.py --pointer
    .venv/bin/python bench/compose_bench.py --presenter 10 100  # composing with the clips
"""

from __future__ import annotations

import contextlib
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

# Everything else is imported where it is used: each way's process then holds only what
# that way needs, and its memory is not inflated by the other's libraries.

SIZE = (1920, 1080)
AVATAR_SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}
# Seconds of narration per slide, repeated through the deck; None: nothing to say.
NARRATION_SECONDS = [5.1, 6.4, 5.6, 7.3, None, 6.0, 6.7, 5.2, 6.3, 6.6]
BEFORE, AFTER, HOLD = 0.5, 0.8, 3.0  # s of pause, as the composer service pads
PIPER_RATE = 22050
SAMPLE_EVERY = 0.02  # s between memory samples
WAYS = ("compose_video", "moviepy", "avatar", "presenter", "rerender", "pointer")
SLIDE_COUNTS = (10, 100)
# The targets for still slides on a 2-core machine.
MIN_SPEEDUP = 10.0
MAX_PEAK_GROWTH = 1.2  # peak at the largest N over the peak at the smallest
MAX_PEAK_MB = 400.0
MAX_POINTER_COST = 1.3  # the render with the pointer over the render without
MARKS_PER_SLIDE = 4
POINTER_NOTES = (
    "Good morning. Revenue grew strongly in the northern region this quarter. "
    "We will take questions at the end. Costs stayed flat across the southern offices."
)
POINTER_BULLETS = (
    "Welcome and agenda for the morning",
    "Revenue grew strongly in the northern region",
    "Hiring plans for the coming year",
    "Costs stayed flat across southern offices",
)


@dataclass(frozen=True)
class Measurement:
    seconds: float  # wall time of the compose call itself
    cpu_seconds: float  # CPU time of it, with its children (steadier on a shared machine)
    peak_mb: float  # Python process and its children together
    peak_children_mb: float  # the ffmpeg children alone
    video_seconds: float
    audio_seconds: float


def main(slide_counts: list[int], ways: tuple[str, ...]) -> None:
    ours_peaks: dict[int, float] = {}
    for count in slide_counts:
        results = measure_deck(count, ways)
        ours, theirs = results["compose_video"], results.get("moviepy")
        ours_peaks[count] = ours.peak_mb
        if theirs is None:
            continue
        speedup = theirs.seconds / ours.seconds
        print(
            f"N={count}: MoviePy / ours = {speedup:.1f}x the time, "
            f"{theirs.peak_mb / ours.peak_mb:.1f}x the memory "
            f"({verdict(speedup >= MIN_SPEEDUP)} target >= {MIN_SPEEDUP:.0f}x faster)"
        )
    smallest, largest = min(ours_peaks), max(ours_peaks)
    growth = ours_peaks[largest] / ours_peaks[smallest]
    print(
        f"ours, peak at N={largest} / N={smallest}: {growth:.2f}x "
        f"({verdict(growth <= MAX_PEAK_GROWTH)} target <= {MAX_PEAK_GROWTH}x); "
        f"peak at N={largest}: {ours_peaks[largest]:.0f} MB "
        f"({verdict(ours_peaks[largest] < MAX_PEAK_MB)} target < {MAX_PEAK_MB:.0f} MB)"
    )


def main_avatar() -> None:
    """The local presenter's whole render (clips and composition) per minute of video."""
    moviepy: Measurement | None = None
    for name, size in AVATAR_SIZES.items():
        ways = ("moviepy", "avatar") if name == "720p" else ("avatar",)
        results = measure_deck(10, ways, size)
        avatar = results["avatar"]
        per_minute = avatar.seconds / (avatar.video_seconds / 60)
        cpu_per_minute = avatar.cpu_seconds / (avatar.video_seconds / 60)
        print(f"{name}: presenter render {per_minute:.1f} s (CPU {cpu_per_minute:.1f} s) per "
              f"minute of video, peak {avatar.peak_mb:.0f} MB")  # fmt: skip
        moviepy = results.get("moviepy", moviepy)
        if name == "720p" and moviepy is not None:
            print(
                f"720p: presenter render / MoviePy still slides = "
                f"{avatar.seconds / moviepy.seconds:.2f}x the time, "
                f"{avatar.cpu_seconds / moviepy.cpu_seconds:.2f}x the CPU "
                f"({verdict(avatar.seconds <= moviepy.seconds)} target <= 1x)"
            )


def main_presenter(slide_counts: list[int]) -> None:
    """The composition alone with the presenter (clips drawn beforehand, not counted), at
    720p: the moving-frame path's wall time, CPU and peak memory per slide count; then the
    same deck again after slide 2 changed."""
    peaks: dict[int, float] = {}
    for count in slide_counts:
        ours = measure_deck(count, ("presenter", "rerender"), AVATAR_SIZES["720p"],
                            with_clips=True)  # fmt: skip
        presenter, rerender = ours["presenter"], ours["rerender"]
        print(f"N={count}: again after slide 2 changed: {rerender.seconds:.2f} s "
              f"({rerender.seconds / presenter.seconds:.2f}x the first render)")  # fmt: skip
        peaks[count] = presenter.peak_mb
        minutes = presenter.video_seconds / 60
        gap_ms = 1000 * (presenter.audio_seconds - presenter.video_seconds)
        print(f"N={count}: composing with the presenter {presenter.seconds / minutes:.1f} s "
              f"per minute of video (CPU {presenter.cpu_seconds / minutes:.1f} s), "
              f"audio - video {gap_ms:+.1f} ms")  # fmt: skip
    smallest, largest = min(peaks), max(peaks)
    print(f"presenter, peak at N={largest} / N={smallest}: {peaks[largest] / peaks[smallest]:.2f}x")


def main_pointer() -> None:
    results = measure_deck(10, ("compose_video", "pointer", "moviepy"))
    plain, pointer, moviepy = results["compose_video"], results["pointer"], results["moviepy"]
    print(f"composition: pointer / plain = {pointer.seconds / plain.seconds:.2f}x the time "
          f"({pointer.cpu_seconds / plain.cpu_seconds:.2f}x the CPU); MoviePy / pointer = "
          f"{moviepy.seconds / pointer.seconds:.1f}x "
          f"({verdict(moviepy.seconds / pointer.seconds >= MIN_SPEEDUP)} target >= "
          f"{MIN_SPEEDUP:.0f}x faster; {moviepy.cpu_seconds / pointer.cpu_seconds:.1f}x the "
          f"CPU, steadier on a shared machine; load {psutil.getloadavg()[0]:.2f})")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pointer-bench-") as tmp:
        deck = pointer_deck(Path(tmp) / "review.pptx", 10)
        seconds = {way: whole_render(deck, way, Path(tmp)) for way in ("none", "highlight")}
    ratio = seconds["highlight"] / seconds["none"]
    print(f"render of 10 slides: pointer none {seconds['none']:.2f} s, highlight "
          f"{seconds['highlight']:.2f} s: {ratio:.2f}x ({verdict(ratio <= MAX_POINTER_COST)} "
          f"target <= {MAX_POINTER_COST}x; load {psutil.getloadavg()[0]:.2f})")  # fmt: skip


def pointer_deck(path: Path, count: int) -> Path:
    """Slides of a title and four bullets, whose notes talk about bullets 2 and 4."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(10), Inches(5.625)
    for number in range(1, count + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
        lines = [(f"Quarterly review {number}", 0.3, 36)]
        lines += [(text, 1.4 + line, 24) for line, text in enumerate(POINTER_BULLETS)]
        for text, top, size in lines:
            box = slide.shapes.add_textbox(Inches(0.8), Inches(top), Inches(8.5), Inches(0.6))
            box.text_frame.text = text
            box.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
        slide.notes_slide.notes_text_frame.text = POINTER_NOTES
    deck.save(str(path))
    return path


def whole_render(deck: Path, pointer: str, workdir: Path) -> float:
    """Wall seconds of `slidespeaker render` with `pointer`, from a home of its own."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
    env["SLIDESPEAKER_HOME"] = str(workdir / f"home-{pointer}")
    command = [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck),
               "--pointer", pointer, "--out", str(workdir / f"out-{pointer}")]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, timeout=900)
    return time.perf_counter() - started


def measure_deck(
    count: int, ways: tuple[str, ...], size: tuple[int, int] = SIZE, *, with_clips: bool = False
) -> dict[str, Measurement]:
    with tempfile.TemporaryDirectory(prefix="compose-bench-") as tmp:
        workdir = Path(tmp)
        total = make_deck(workdir, count, size)
        if with_clips:
            draw_clips(workdir)
        print(f"N={count}: deck of {count} slides, {size[0]}x{size[1]}, {total:.2f} s")
        results = {way: measure(way, workdir) for way in ways}
    for way, m in results.items():
        print(
            f"N={count}: {way:>13}: {m.seconds:7.2f} s (CPU {m.cpu_seconds:7.2f} s), "
            f"peak {m.peak_mb:5.0f} MB "
            f"(ffmpeg children {m.peak_children_mb:4.0f} MB), "
            f"video {m.video_seconds:.3f} s / audio {m.audio_seconds:.3f} s"
        )
    return results


def verdict(met: bool) -> str:
    return "meets" if met else "MISSES"


def make_deck(workdir: Path, count: int, size: tuple[int, int] = SIZE) -> float:
    """Write the slides' pictures and padded narrations, and a list of them (and of what
    each slide says, for the presenter); return the length."""
    from slidespeaker.common.cancel import CancelToken
    from slidespeaker.composer.audio import pad_narration

    token = CancelToken()
    voices = {
        seconds: write_tone(workdir / f"voice-{seconds}.wav", seconds)
        for seconds in NARRATION_SECONDS
        if seconds is not None
    }
    slides, spoken = [], []
    for number in range(1, count + 1):
        picture = workdir / f"slide-{number:04d}.png"
        render_slide(number, count, picture, size)
        seconds = NARRATION_SECONDS[(number - 1) % len(NARRATION_SECONDS)]
        spoken.append(None if seconds is None else str(voices[seconds]))
        padded = workdir / f"padded-{number:04d}.wav"
        duration = pad_narration(
            None if seconds is None else voices[seconds], padded,
            before=BEFORE, after=AFTER, hold=HOLD, token=token, timeout=60,
        )  # fmt: skip
        slides.append((str(picture), str(padded), duration))
    (workdir / "slides.json").write_text(json.dumps(slides))
    (workdir / "spoken.json").write_text(json.dumps({"size": size, "voices": spoken}))
    return sum(duration for _, _, duration in slides)


def render_slide(number: int, count: int, path: Path, size: tuple[int, int] = SIZE) -> None:
    """A slide like a real one: a coloured title band, a title and bullets of text."""
    import pymupdf

    document = pymupdf.open()
    page = document.new_page(width=size[0] / 2, height=size[1] / 2)
    hue = number / count
    page.draw_rect(pymupdf.Rect(0, 0, page.rect.width, 90), fill=(hue, 0.3, 1 - hue), color=None)
    page.insert_text((40, 60), f"Slide {number}: quarterly review", fontsize=30, color=(1, 1, 1))
    for line in range(6):
        text = f"- Point {line + 1}: revenue, costs and headcount for region {number}-{line}"
        page.insert_text((50, 140 + 55 * line), text, fontsize=18)
    page.get_pixmap(matrix=pymupdf.Matrix(2, 2)).save(str(path))


def write_tone(path: Path, seconds: float) -> Path:
    """A narration stand-in at Piper's sample rate: a tone that swells and fades like speech."""
    times = (i / PIPER_RATE for i in range(round(seconds * PIPER_RATE)))
    # A 180 Hz hum whose loudness rises and falls about once a second.
    hum = (math.sin(360 * math.pi * t) * math.sin(3 * t) ** 2 for t in times)
    tone = array("h", (round(6000 * sample) for sample in hum))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(PIPER_RATE)
        out.writeframes(tone.tobytes())
    return path


def measure(way: str, workdir: Path) -> Measurement:
    """Run one way in its own process, sampling the memory of it and its children."""
    child = psutil.Popen(
        [sys.executable, __file__, way, str(workdir)], stdout=subprocess.PIPE, text=True
    )
    peak = peak_children = 0
    while child.poll() is None:
        total, children = tree_rss(child)
        peak, peak_children = max(peak, total), max(peak_children, children)
        time.sleep(SAMPLE_EVERY)
    out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{way} failed with exit code {child.returncode}")
    seconds, cpu_seconds = map(float, out.strip().splitlines()[-1].split())
    video_seconds, audio_seconds = stream_seconds(workdir / f"{way}.mp4")
    mb = 1024 * 1024
    return Measurement(
        seconds, cpu_seconds, peak / mb, peak_children / mb, video_seconds, audio_seconds
    )


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """Resident bytes of the process with its children, and of the children alone."""
    try:
        own = process.memory_info().rss
        children = process.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0, 0
    children_rss = 0
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):  # it ended since the listing
            children_rss += child.memory_info().rss
    return own + children_rss, children_rss


def stream_seconds(mp4: Path) -> tuple[float, float]:
    import av

    with av.open(str(mp4)) as container:
        video: Any = container.streams.video[0]
        audio: Any = container.streams.audio[0]
        return (
            float(video.duration * video.time_base),
            float(audio.duration * audio.time_base),
        )


def run_way(way: str, workdir: Path) -> None:
    """In the child process: make the video one way and print how long that took (wall
    time, and CPU time of this process and its children)."""
    slides = [
        (Path(p), Path(w), d) for p, w, d in json.loads((workdir / "slides.json").read_text())
    ]
    out = workdir / f"{way}.mp4"
    compose = {
        "moviepy": compose_with_moviepy, "avatar": compose_with_presenter,
        "presenter": compose_over_clips, "rerender": compose_over_clips,
        "pointer": compose_with_marks,
    }.get(way, compose_with_ffmpeg)  # fmt: skip
    if way == "rerender":  # slide 2's picture changes; the other slides' segments are kept
        render_slide(len(slides), len(slides) + 1, slides[1][0], AVATAR_SIZES["720p"])
    started, cpu_before = time.perf_counter(), cpu_seconds()
    compose(slides, out, workdir)
    print(time.perf_counter() - started, cpu_seconds() - cpu_before)


def cpu_seconds() -> float:
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))  # fmt: skip
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def compose_with_ffmpeg(slides: list[tuple[Path, Path, float]], out: Path, workdir: Path) -> None:
    from slidespeaker.common.cancel import CancelToken
    from slidespeaker.composer.video import SlideMedia, compose_video

    compose_video(
        [SlideMedia(*slide) for slide in slides], out, title="Benchmark",
        slide_titles=[p.stem for p, _, _ in slides], token=CancelToken(), timeout=600,
        workdir=workdir,
    )  # fmt: skip


def compose_with_marks(slides: list[tuple[Path, Path, float]], out: Path, workdir: Path) -> None:
    """What a job with `--pointer highlight` does after voicing: each slide's bullets marked
    in turn, drawn by the video's encode."""
    from slidespeaker.common.cancel import CancelToken
    from slidespeaker.composer.pointer import Highlight
    from slidespeaker.composer.video import SlideMedia, compose_video

    page = (SIZE[0] / 2, SIZE[1] / 2)  # render_slide's page
    boxes = [  # its first bullets, where render_slide writes them
        (40 / page[0], (122 + 55 * line) / page[1], 0.9, (146 + 55 * line) / page[1])
        for line in range(MARKS_PER_SLIDE)
    ]
    marked = []
    for _, _, duration in slides:
        step = (duration - BEFORE) / MARKS_PER_SLIDE
        marked.append([Highlight(box, page, BEFORE + line * step, BEFORE + (line + 1) * step)
                       for line, box in enumerate(boxes)])  # fmt: skip
    compose_video(
        [SlideMedia(*slide) for slide in slides], out, title="Benchmark",
        slide_titles=[p.stem for p, _, _ in slides], token=CancelToken(), timeout=600,
        workdir=workdir, highlights=marked,
    )  # fmt: skip


def compose_with_presenter(
    slides: list[tuple[Path, Path, float]], out: Path, workdir: Path
) -> None:
    """What a job with `--avatar local` does after voicing: a presenter clip per slide, then
    the video with the clips overlaid."""
    draw_clips(workdir)
    compose_over_clips(slides, out, workdir)


def draw_clips(workdir: Path) -> None:
    """Each slide's presenter clip (its mouth from the narration's loudness), listed in
    clips.json with when its narration starts."""
    import numpy as np

    from slidespeaker.avatar.figure import Mouth
    from slidespeaker.avatar.presenter import FPS, frame_count, render_presenter
    from slidespeaker.avatar.visemes import mouths_from_loudness
    from slidespeaker.common.cancel import CancelToken

    spoken = json.loads((workdir / "spoken.json").read_text())
    height = spoken["size"][1]
    token, clips = CancelToken(), []
    for number, voice in enumerate(spoken["voices"], start=1):
        if voice is None:
            frames, lead = frame_count(HOLD), 0.0
            mouths = [Mouth.closed] * frames
        else:
            with wave.open(voice) as narration:
                samples = np.frombuffer(narration.readframes(narration.getnframes()), "<i2")
            frames, lead = frame_count(len(samples) / PIPER_RATE), BEFORE
            mouths = mouths_from_loudness(samples, PIPER_RATE, frames, FPS)
        clip = workdir / f"presenter-{number:04d}.mov"
        render_presenter(mouths, clip, height=round(height * 0.25), seed=number, token=token,
                         timeout=600)  # fmt: skip
        clips.append((str(clip), lead))
    (workdir / "clips.json").write_text(json.dumps(clips))


def compose_over_clips(slides: list[tuple[Path, Path, float]], out: Path, workdir: Path) -> None:
    from slidespeaker.common.cancel import CancelToken
    from slidespeaker.composer.overlay import PresenterTrack, SlideClip
    from slidespeaker.composer.segments import SegmentCache
    from slidespeaker.composer.video import SlideMedia, compose_video

    width, height = json.loads((workdir / "spoken.json").read_text())["size"]
    clips, start = [], 0.0
    for (_, _, duration), (clip, lead) in zip(
        slides, json.loads((workdir / "clips.json").read_text()), strict=True
    ):
        clips.append(SlideClip(Path(clip), start, start + duration, lead))
        start += duration
    compose_video(
        [SlideMedia(*slide) for slide in slides], out, title="Benchmark",
        slide_titles=[p.stem for p, _, _ in slides], token=CancelToken(), timeout=600,
        workdir=workdir, presenter=PresenterTrack(clips, width, height),
        segment_cache=SegmentCache(workdir / "segments"),
    )  # fmt: skip


def compose_with_moviepy(slides: list[tuple[Path, Path, float]], out: Path, _: Path) -> None:
    from moviepy import AudioFileClip, ImageClip, concatenate_videoclips

    clips = [
        ImageClip(str(picture), duration=duration).with_audio(AudioFileClip(str(audio)))
        for picture, audio, duration in slides
    ]
    video = concatenate_videoclips(clips)
    video.write_videofile(str(out), fps=24, codec="libx264", audio_codec="aac", logger=None)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in WAYS:
        run_way(sys.argv[1], Path(sys.argv[2]))
    elif "--avatar" in sys.argv:
        main_avatar()
    elif "--pointer" in sys.argv:
        main_pointer()
    elif "--presenter" in sys.argv:
        main_presenter([int(arg) for arg in sys.argv[2:]] or list(SLIDE_COUNTS))
    else:
        counts = [int(arg) for arg in sys.argv[1:] if arg != "--ours-only"]
        main(counts or list(SLIDE_COUNTS), WAYS[:1] if "--ours-only" in sys.argv else WAYS[:2])
