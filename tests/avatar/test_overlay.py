"""The composer's overlay: the presenter over the slides, moving only in its corner, in step
with the narration; slides without a clip show none."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from slidespeaker.avatar.figure import presenter_size
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import pad_narration
from slidespeaker.composer.ffmpeg import run_ffmpeg
from slidespeaker.composer.overlay import MARGIN, PresenterTrack, SlideClip
from slidespeaker.composer.video import SlideMedia, compose_video

from ..media import probe
from .frames import Box, changed_pixels, decoded_frames, mouth_box, mouth_opening
from .media import narration, slide_picture, talking_clip

SIZE = (640, 360)
SCALE = 0.5
LEAD, AFTER = 0.4, 0.8
SPOKEN = [1.4, 1.0, 1.4]  # s of narration per slide
QUIET_S = 0.48  # the clips' mouths stay closed this long first


def presenter_box() -> Box:
    width, height = presenter_size(round(SIZE[1] * SCALE))
    margin = round(SIZE[1] * MARGIN)
    left, top = SIZE[0] - width - margin, SIZE[1] - height - margin
    return left, top, left + width, top + height


def test_the_presenter_moves_in_its_corner_in_step_with_the_narration(tmp_path: Path) -> None:
    token = CancelToken()
    media, clips, start = [], [], 0.0
    height = round(SIZE[1] * SCALE)
    for number, seconds in enumerate(SPOKEN, start=1):
        picture = slide_picture(tmp_path / f"slide-{number}.png", SIZE, (40 * number, 80, 160))
        voice = narration(tmp_path / f"voice-{number}.wav", seconds)
        duration = pad_narration(
            voice, tmp_path / f"padded-{number}.wav", before=LEAD, after=AFTER, hold=3.0,
            token=token, timeout=60,
        )  # fmt: skip
        media.append(SlideMedia(picture, voice, duration, LEAD))
        if number != 2:  # slide 2 has no presenter
            clip = talking_clip(tmp_path / f"clip-{number}.mov", seconds, height, QUIET_S)
            clips.append(SlideClip(clip, start, start + duration, LEAD))
        start += duration
    out = tmp_path / "video.mp4"
    track = PresenterTrack(clips, SIZE[0], SIZE[1], "bottom-right", SCALE)
    compose_video(media, out, title="t", slide_titles=["1", "2", "3"], token=token, timeout=120,
                  workdir=tmp_path, presenter=track)  # fmt: skip

    info = probe(out)
    assert abs(info.audio.duration - start) < 0.001, "the narration, sample for sample"
    assert abs(info.video.duration - start) <= 0.02, "whole 25 fps frames, rounded to the nearest"
    corner = presenter_box()
    slide_area = (0, 0, SIZE[0], corner[1] - 4)  # everything above the presenter
    left, top, right, bottom = corner
    mouth = mouth_box(right - left, bottom - top)
    mouth = (left + mouth[0], top + mouth[1], left + mouth[2], top + mouth[3])
    bounds = np.cumsum([0.0, *(slide.duration for slide in media)])
    frames = list(decoded_frames(out, "rgb24"))
    first_open: dict[int, float] = {}
    moved = {1: 0, 2: 0, 3: 0}
    for (_, before), (t, frame) in itertools.pairwise(frames):
        slide = int(np.searchsorted(bounds, t, side="right"))
        if any(-0.05 < t - b < 0.25 for b in bounds):
            continue  # the picture changes where the slide does (x264 sharpens it after)
        assert changed_pixels(before, frame, slide_area) == 0, f"the slide moved at {t:.2f} s"
        moved[slide] += changed_pixels(before, frame, corner)
        if mouth_opening(frame, mouth) > 30:
            first_open.setdefault(slide, t - bounds[slide - 1])
    assert moved[1] > 0 and moved[3] > 0, "the presenter moves"
    assert moved[2] == 0, "a slide without a clip shows no presenter"
    for slide in (1, 3):  # the clip starts with the narration, after the lead-in
        assert abs(first_open[slide] - (LEAD + QUIET_S)) <= 0.05, first_open
    assert 2 not in first_open


def test_burned_captions_keep_clear_of_a_presenter_in_the_other_corner(tmp_path: Path) -> None:
    token = CancelToken()
    size, scale = (400, 400), 0.3  # square: a centred caption reaches the corners
    picture = slide_picture(tmp_path / "slide.png", size, (30, 90, 150))
    padded = tmp_path / "padded.wav"
    duration = pad_narration(narration(tmp_path / "voice.wav", 1.6), padded, before=LEAD,
                             after=AFTER, hold=3.0, token=token, timeout=60)  # fmt: skip
    clip = talking_clip(tmp_path / "clip.mov", 1.6, round(size[1] * scale))
    track = PresenterTrack([SlideClip(clip, 0.0, duration, LEAD)], *size, "bottom-left", scale)
    words = "a caption long enough to run from edge to edge of the frame, " * 3
    cues = [Cue(text=words, start=0.5, end=duration - 0.2)]
    videos = {}
    for burn in (False, True):
        out = tmp_path / f"video-{burn}.mp4"
        compose_video([SlideMedia(picture, padded, duration)], out, title="t", slide_titles=["1"],
                      token=token, timeout=120, workdir=tmp_path, presenter=track,
                      burn_cues=cues if burn else ())  # fmt: skip
        videos[burn] = [frame for t, frame in decoded_frames(out, "rgb24") if 1.0 < t < 1.5]

    height = track.clip_height
    width = presenter_size(height)[0]
    margin = round(size[1] * MARGIN)
    corner = (margin, size[1] - height - margin, margin + width, size[1] - margin)
    bottom = (0, size[1] - height - margin, size[0], size[1])
    for plain, captioned in zip(videos[False], videos[True], strict=True):
        assert changed_pixels(plain, captioned, bottom) > 200, "the caption is drawn"
        assert changed_pixels(plain, captioned, corner) == 0, "and never over the presenter"


def test_a_wide_clip_is_cut_to_the_presenters_tile(tmp_path: Path) -> None:
    """A hosted presenter's 16:9 clip (here ffmpeg's test pattern) shows only its middle."""
    token = CancelToken()
    size = (640, 360)
    picture = slide_picture(tmp_path / "slide.png", size, (30, 90, 150))
    padded = tmp_path / "padded.wav"
    duration = pad_narration(narration(tmp_path / "voice.wav", 1.0), padded, before=LEAD,
                             after=AFTER, hold=3.0, token=token, timeout=60)  # fmt: skip
    wide = tmp_path / "wide.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1", "-pix_fmt",
                "yuv420p", wide], token=token, timeout=60)  # fmt: skip
    track = PresenterTrack([SlideClip(wide, 0.0, duration, LEAD)], *size)
    out = tmp_path / "video.mp4"
    compose_video([SlideMedia(picture, padded, duration)], out, title="t", slide_titles=["1"],
                  token=token, timeout=120, workdir=tmp_path, presenter=track)  # fmt: skip

    margin = round(size[1] * MARGIN)
    tile = (size[0] - margin - track.clip_width, size[1] - margin - track.clip_height,
            size[0] - margin, size[1] - margin)  # fmt: skip
    beside = (0, tile[1], tile[0] - 1, size[1])
    frames = [frame for t, frame in decoded_frames(out, "rgb24") if LEAD < t < LEAD + 0.9]
    moving = sum(changed_pixels(a, b, tile) for a, b in itertools.pairwise(frames))
    assert moving > 0, "the clip plays in its tile"
    assert sum(changed_pixels(a, b, beside) for a, b in itertools.pairwise(frames)) == 0
