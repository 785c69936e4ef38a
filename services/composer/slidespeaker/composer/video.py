"""The final MP4: each slide's picture held for its duration, over the joined narration.

One ffmpeg run encodes one frame per slide (variable frame rate) instead of 25 identical
frames a second, which is what makes a long deck take seconds rather than minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.composer.audio import SAMPLE_RATE, concatenate_wavs, wav_samples
from slidespeaker.composer.ffmpeg import MediaError, removed_on_failure, run_ffmpeg

# Frame timestamps count audio samples, so each slide change lands on its audio sample.
TICKS_PER_SECOND = SAMPLE_RATE
DURATION_TOLERANCE = 0.001  # s between a slide's stated duration and its WAV's length

# Browsers decode video as BT.709, so convert RGB with that matrix and tag it so. The tags
# go on the frames (setparams): this ffmpeg (9.0) takes the stream's tags from its frames
# and ignores the -color_* flags below, which stay for builds that still read them.
VIDEO_FILTER = (
    "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
    "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
)
VIDEO_CODEC = [
    *["-c:v", "libx264", "-tune", "stillimage", "-crf", "18"],  # slides are mostly text
    *["-bf", "0", "-fps_mode", "vfr", "-pix_fmt", "yuv420p"],  # browsers reject 4:4:4
    *["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"],
]
AUDIO_CODEC = ["-c:a", "aac", "-b:a", "128k"]

SlideMedia = tuple[Path, Path, float]  # canvas PNG at the output size, padded WAV, duration in s


def compose_video(
    slides: Sequence[SlideMedia],
    out_mp4: Path,
    *,
    token: CancelToken,
    timeout: float,
    workdir: Path,
) -> float:
    """Encode the slides into `out_mp4` (H.264 + AAC) and return its duration in seconds."""
    if not slides:
        raise ValueError("a video needs at least one slide")
    for picture, audio, duration in slides:
        _check_duration(picture, audio, duration)
    playlist = workdir / "slides.ffconcat"
    narration = workdir / "narration.wav"
    try:
        playlist.write_text(_playlist(slides), encoding="utf-8")
        concatenate_wavs([audio for _, audio, _ in slides], narration)
        with removed_on_failure(out_mp4):
            _encode(playlist, narration, out_mp4, token=token, timeout=timeout)
    finally:
        playlist.unlink(missing_ok=True)
        narration.unlink(missing_ok=True)
    return sum(duration for _, _, duration in slides)


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


def _playlist(slides: Sequence[SlideMedia]) -> str:
    """An ffconcat list showing each picture for its duration.

    The concat demuxer ignores the last entry's duration, so the last picture is listed
    once more as a one-tick frame that ends the video exactly when the narration does.
    """
    entries = ["ffconcat version 1.0"]
    last = len(slides) - 1
    for index, (picture, _, duration) in enumerate(slides):
        shown = duration - 1 / TICKS_PER_SECOND if index == last else duration
        entries += [*_picture_entry(picture), f"duration {shown:.6f}"]
    entries += _picture_entry(slides[last][0])
    return "\n".join(entries) + "\n"


def _picture_entry(picture: Path) -> list[str]:
    # A still image is stamped in 1/framerate units: make that the tick.
    return [f"file {_quoted(picture.resolve())}", f"option framerate {TICKS_PER_SECOND}"]


def _quoted(path: Path) -> str:
    """Quote a path for ffconcat, where nothing is special inside single quotes but a quote."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def _encode(
    playlist: Path, narration: Path, out_mp4: Path, *, token: CancelToken, timeout: float
) -> None:
    inputs: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", playlist, "-i", narration]
    streams = ["-map", "0:v:0", "-map", "1:a:0", "-vf", VIDEO_FILTER]
    output: list[str | Path] = ["-movflags", "+faststart", "-f", "mp4", out_mp4]
    run_ffmpeg(
        [*inputs, *streams, *VIDEO_CODEC, *AUDIO_CODEC, *output], token=token, timeout=timeout
    )
