"""The final MP4: each slide's picture held for its duration, over the joined narration.

One ffmpeg run encodes one frame per slide (variable frame rate) instead of 25 identical
frames a second, which is what makes a long deck take seconds rather than minutes. Burned-in
captions keep that: the picture gets one more frame wherever the caption changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.audio import SAMPLE_RATE, concatenate_wavs, wav_samples
from slidespeaker.composer.burn import (
    CAPTIONS_FILE,
    SUBTITLES_FILTER,
    caption_changes,
    write_captions,
)
from slidespeaker.composer.ffmpeg import MediaError, Progress, removed_on_failure, run_ffmpeg
from slidespeaker.composer.metadata import ffmetadata
from slidespeaker.composer.overlay import PresenterTrack, overlay_graph

# Frame timestamps count audio samples, so each slide change lands on its audio sample.
TICKS_PER_SECOND = SAMPLE_RATE
DURATION_TOLERANCE = 0.001  # s between a slide's stated duration and its WAV's length

# Browsers decode video as BT.709, so convert RGB with that matrix and tag it so. The tags
# go on the frames (setparams): this ffmpeg (9.0) takes the stream's tags from its frames
# and ignores the -color_* flags below, which stay for builds that still read them.
VIDEO_TAGS = "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
VIDEO_FILTER = f"scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,{VIDEO_TAGS}"
VIDEO_CODEC = [
    *["-c:v", "libx264", "-tune", "stillimage", "-crf", "18"],  # slides are mostly text
    *["-bf", "0", "-fps_mode", "vfr", "-pix_fmt", "yuv420p"],  # browsers reject 4:4:4
    # x264 holds 40 frames (40 slides) to plan its bit rate; slides barely gain from it, and
    # holding them grows memory with the deck and delays the progress ffmpeg reports.
    *["-rc-lookahead", "2"],
    *["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
]
# With a presenter every frame differs a little: a steady rate, and a fast x264 preset (the
# slides' text stays sharp at this quality; the moving corner is small). At 1080p superfast
# took a fifth less CPU than veryfast for a fifth more bytes; ultrafast saved little more.
MOVING_VIDEO_CODEC = [
    *["-c:v", "libx264", "-preset", "superfast", "-crf", "18", "-pix_fmt", "yuv420p"],
    *["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
]
AUDIO_CODEC = ["-c:a", "aac", "-b:a", "128k"]
POSTER_QUALITY = "2"  # mjpeg's scale: 2 is near the best; a poster is one small file

SlideMedia = tuple[Path, Path, float]  # canvas PNG at the output size, padded WAV, duration in s


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
) -> float:
    """Encode the slides into `out_mp4` (H.264 + AAC) and return its duration in seconds.

    The MP4 carries `title`, a note that its voice is synthetic, and a chapter per slide
    named by `slide_titles` (in the slides' order). `on_progress` hears, about twice a
    second, how many seconds of the video are written. `burn_cues` (on the video's
    timeline) are drawn into the picture. `presenter` puts its clips over the slides (the
    video then has a steady frame rate instead of a frame per slide). `size` (width,
    height) scales the pictures down to it; None keeps theirs (with a presenter, the
    track's frame size rules).
    """
    if not slides:
        raise ValueError("a video needs at least one slide")
    for picture, audio, duration in slides:
        _check_duration(picture, audio, duration)
    workdir = workdir.resolve()  # ffmpeg runs in it: every other path must not depend on that
    playlist = workdir / "slides.ffconcat"
    narration = workdir / "narration.wav"
    metadata = workdir / "metadata.txt"
    captions = workdir / CAPTIONS_FILE
    try:
        playlist.write_text(_playlist(slides, caption_changes(burn_cues)), encoding="utf-8")
        durations = [duration for _, _, duration in slides]
        metadata.write_text(ffmetadata(title, slide_titles, durations), encoding="utf-8")
        if burn_cues:
            write_captions(burn_cues, workdir)
        concatenate_wavs([audio for _, audio, _ in slides], narration)
        with removed_on_failure(out_mp4):
            encoding = _encoding(
                playlist, narration, metadata, out_mp4.resolve(), burn=bool(burn_cues),
                presenter=presenter, length=sum(duration for _, _, duration in slides),
                size=size,
            )  # fmt: skip
            run_ffmpeg(encoding, token=token, timeout=timeout, on_progress=on_progress, cwd=workdir)
    finally:
        for work_file in (playlist, narration, metadata, captions):
            work_file.unlink(missing_ok=True)
    return sum(duration for _, _, duration in slides)


def check_picture(picture: Path, *, token: CancelToken, timeout: float) -> None:
    """Raise MediaError unless `picture` decodes (better now, naming it, than mid-encode)."""
    try:
        decode: list[str | Path] = ["-xerror", "-i", picture, "-frames:v", "1", "-f", "null", "-"]
        run_ffmpeg(decode, token=token, timeout=timeout)
    except MediaError as e:
        raise MediaError(f"the slide picture {picture.name} cannot be decoded ({e})") from e


def write_poster(
    picture: Path, out_jpg: Path, *, token: CancelToken, timeout: float,
    size: tuple[int, int] | None = None,
) -> None:  # fmt: skip
    """The video's poster (what players show before it starts): `picture` as a JPEG, scaled
    to `size` (the video's) when given."""
    resize: list[str | Path] = ["-vf", f"scale={size[0]}:{size[1]}"] if size else []
    with removed_on_failure(out_jpg):
        run_ffmpeg(
            ["-i", picture, "-frames:v", "1", *resize, "-c:v", "mjpeg", "-q:v", POSTER_QUALITY,
             "-f", "mjpeg", out_jpg],
            token=token, timeout=timeout,
        )  # fmt: skip


def _check_duration(picture: Path, audio: Path, duration: float) -> None:
    # A mismatch would put every later slide out of step with its narration.
    if duration <= 0:
        raise ValueError(f"slide {picture.name} has no duration ({duration} s)")
    audio_duration = wav_samples(audio) / SAMPLE_RATE
    if abs(audio_duration - duration) > DURATION_TOLERANCE:
        raise MediaError(
            f"{audio.name} lasts {audio_duration:.3f} s but its slide is meant to last "
            f"{duration:.3f} s"
        )


def _playlist(slides: Sequence[SlideMedia], changes: Sequence[float]) -> str:
    """An ffconcat list showing each picture for its duration, cut where captions change.

    The concat demuxer ignores the last entry's duration, so the last picture is listed
    once more as a one-tick frame that ends the video exactly when the narration does.
    """
    shown: list[tuple[Path, float]] = []
    start = 0.0
    for picture, _, duration in slides:
        end = start + duration
        cuts = [start, *(time for time in changes if start < time < end), end]
        shown += [(picture, to - since) for since, to in pairwise(cuts)]
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
    return [f"file {_quoted(picture.resolve())}", f"option framerate {TICKS_PER_SECOND}"]


def _quoted(path: Path) -> str:
    """Quote a path for ffconcat, where nothing is special inside single quotes but a quote."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def _encoding(
    playlist: Path, narration: Path, metadata: Path, out_mp4: Path, *, burn: bool,
    presenter: PresenterTrack | None, length: float, size: tuple[int, int] | None,
) -> list[str | Path]:  # fmt: skip
    """ffmpeg's arguments: the pictures, the narration and the metadata into one MP4."""
    inputs: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", playlist, "-i", narration]
    inputs += ["-f", "ffmetadata", "-i", metadata]
    streams = ["-map", "1:a:0", "-map_metadata", "2", "-map_chapters", "2"]
    if presenter is None:
        streams += ["-map", "0:v:0"]
        # Scaled before the captions, so libass draws them at the video's own size.
        resize = [f"scale={size[0]}:{size[1]}"] if size else []
        captions = [SUBTITLES_FILTER] if burn else []
        streams += ["-vf", ",".join([*resize, *captions, VIDEO_FILTER])]
        codec = VIDEO_CODEC
    else:
        for slide_clip in presenter.clips:
            inputs += ["-i", slide_clip.clip]
        graph = overlay_graph(presenter, first_input=3, length=length, burn=burn)
        streams += ["-filter_complex", f"{graph};[framed]{VIDEO_TAGS}[video]", "-map", "[video]"]
        codec = MOVING_VIDEO_CODEC
    output: list[str | Path] = ["-movflags", "+faststart", "-f", "mp4", out_mp4]
    return [*inputs, *streams, *codec, *AUDIO_CODEC, *output]
