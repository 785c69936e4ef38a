"""A slide's narration padded with its pauses, and the slides' audio joined into one track.

All audio here is mono 16-bit PCM at SAMPLE_RATE, so a duration is a whole number of
samples and the joined track is exactly as long as the slides added up.

The store keeps only the narration as voiced (FLAC): a slide is measured with its pauses
when it is composed, and padded again, by ffmpeg's filters, while the video's narration
track is made, so no padded copy of it is ever stored.
"""

from __future__ import annotations

import os
import struct
import time
import wave
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.composer.ffmpeg import MediaError, removed_on_failure, run_ffmpeg

SAMPLE_RATE = 48000
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
CHANNELS = 1
COPY_FRAMES = 1 << 16  # samples copied at a time, so long decks are never held in memory
# Slides padded by one ffmpeg run. Every input costs ffmpeg threads (a demuxer's and a
# decoder's, each with its stack) and buffers: 300 inputs in one run peaked at 188 MB
# resident, 30 at 50 MB, one WAV of the same 35 minutes at 42 MB. Address space counts more
# (an RLIMIT_AS, as tests/memory.py sets, sees it): 32 inputs mapped 1.6 GB with a decoder
# thread per core each, 812 MB with one; 16 with one, 550 MB.
SLIDES_PER_RUN = 16
RIFF_HEADER = 12  # "RIFF", its size, "WAVE"; chunks follow
CHUNK_HEADER = 8  # a chunk's kind and size

# Resampled first, so the pauses are counted in output samples and come out exact.
_PCM = f"aresample={SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=mono"
# A plain RIFF header (no LIST chunk of encoder tags) that any WAV reader takes.
_WAV_OUT = ["-c:a", "pcm_s16le", "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav"]


def pad_narration(
    audio_in: Path | None,
    out_wav: Path,
    *,
    before: float,
    after: float,
    hold: float,
    token: CancelToken,
    timeout: float,
    multiple_of: int = 1,
) -> float:
    """Write the slide's audio: `before` s of silence, the narration, `after` s of silence.

    `audio_in` is anything ffmpeg reads (Piper's WAV, a hosted voice's MP3); None means the
    slide has nothing to say and gets `hold` s of silence. The silence at the end is
    lengthened to make the whole a multiple of `multiple_of` samples. Returns the exact
    duration.
    """
    with removed_on_failure(out_wav):
        if audio_in is None:
            write_silence(out_wav, _rounded_up(seconds_to_samples(hold), multiple_of))
        else:
            _decode_padded(
                audio_in, out_wav, before=before, after=after, token=token, timeout=timeout
            )
            _check_has_sound(audio_in, out_wav, before=before, after=after)
            samples = wav_samples(out_wav)
            _append_silence(out_wav, _rounded_up(samples, multiple_of) - samples)
        return wav_samples(out_wav) / SAMPLE_RATE


@dataclass(frozen=True)
class SlideSound:
    """What a slide sounds like in the video."""

    narration: Path | None  # as voiced, in anything ffmpeg reads; None: silence
    samples: int  # the slide's whole length, its pauses included
    lead: int = 0  # samples of silence before the narration


def join_narrations(
    slides: Sequence[SlideSound], out_wav: Path, *, token: CancelToken, timeout: float
) -> None:
    """Write the slides' narrations one after the other into `out_wav`, each after its lead
    and then padded with silence (or cut) to exactly its samples, so no slide drifts from
    its picture. Parts of the track are made beside `out_wav`, SLIDES_PER_RUN slides each."""
    deadline = time.monotonic() + timeout
    runs = [slides[i : i + SLIDES_PER_RUN] for i in range(0, len(slides), SLIDES_PER_RUN)]
    if len(runs) == 1:
        _pad_slides(runs[0], out_wav, token=token, deadline=deadline)
        return
    parts = [out_wav.with_name(f"{out_wav.stem}-{n}.wav") for n in range(len(runs))]
    try:
        for run, part in zip(runs, parts, strict=True):
            _pad_slides(run, part, token=token, deadline=deadline)
        concatenate_wavs(parts, out_wav)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _pad_slides(
    slides: Sequence[SlideSound], out_wav: Path, *, token: CancelToken, deadline: float
) -> None:
    narrations = [slide.narration for slide in slides if slide.narration is not None]
    inputs: list[str | Path] = [a for path in narrations for a in ("-threads", "1", "-i", path)]
    chains: list[str] = []
    opened = 0  # the ffmpeg inputs used so far, in the order of `narrations`
    for index, slide in enumerate(slides):
        if slide.narration is None:
            source = f"anullsrc=r={SAMPLE_RATE}:cl=mono,aformat=sample_fmts=s16"
        else:
            source = f"[{opened}:a:0]{_PCM},adelay=delays={slide.lead}S:all=1"
            opened += 1
        chains.append(f"{source},apad=whole_len={slide.samples},atrim=end_sample={slide.samples}"
                      f"[s{index}]")  # fmt: skip
    joined = "".join(f"[s{index}]" for index in range(len(slides)))
    graph = ";".join([*chains, f"{joined}concat=n={len(slides)}:v=0:a=1[narration]"])
    args = [*inputs, "-filter_complex_threads", "1", "-filter_complex", graph,
            "-map", "[narration]", *_WAV_OUT, out_wav]  # fmt: skip
    with removed_on_failure(out_wav):
        run_ffmpeg(args, token=token, timeout=max(0.0, deadline - time.monotonic()))


def seconds_to_samples(seconds: float) -> int:
    if seconds < 0:
        raise ValueError(f"a pause cannot be negative: {seconds} s")
    return round(seconds * SAMPLE_RATE)


def write_silence(out_wav: Path, samples: int) -> None:
    with wave.open(str(out_wav), "wb") as out:
        _set_format(out)
        out.writeframes(bytes(samples * SAMPLE_WIDTH * CHANNELS))


def wav_samples(path: Path) -> int:
    """The WAV's length in samples, after checking it is in the composer's format."""
    with _reading_pcm(path) as wav:
        return wav.getnframes()


def concatenate_wavs(parts: Sequence[Path], out_wav: Path) -> None:
    """Join the slides' WAVs sample for sample, so no slide drifts from its picture."""
    with wave.open(str(out_wav), "wb") as out:
        _set_format(out)
        for part in parts:
            with _reading_pcm(part) as wav:
                while chunk := wav.readframes(COPY_FRAMES):
                    out.writeframes(chunk)


def _rounded_up(samples: int, multiple_of: int) -> int:
    return -(-samples // multiple_of) * multiple_of


def _append_silence(path: Path, samples: int) -> None:
    """Lengthen a WAV whose samples come last (as ffmpeg writes them) in place."""
    if samples == 0:
        return
    added = samples * SAMPLE_WIDTH * CHANNELS
    with path.open("r+b") as wav:
        end = wav.seek(0, os.SEEK_END)
        position = RIFF_HEADER
        while position + CHUNK_HEADER <= end:
            wav.seek(position)
            kind, size = struct.unpack("<4sI", wav.read(CHUNK_HEADER))
            if kind == b"data":
                break
            position += CHUNK_HEADER + size + size % 2
        if kind != b"data" or position + CHUNK_HEADER + size != end:
            raise MediaError(f"{path.name} does not end with its samples")
        wav.seek(end)
        wav.write(bytes(added))
        wav.seek(position + 4)
        wav.write(struct.pack("<I", size + added))
        wav.seek(4)  # the RIFF chunk's size: the whole file but its first 8 bytes
        wav.write(struct.pack("<I", end + added - 8))


def _decode_padded(
    audio_in: Path,
    out_wav: Path,
    *,
    before: float,
    after: float,
    token: CancelToken,
    timeout: float,
) -> None:
    pad = (
        f"{_PCM},adelay=delays={seconds_to_samples(before)}S:all=1,"
        f"apad=pad_len={seconds_to_samples(after)}"
    )
    args: list[str | Path] = ["-i", audio_in, "-map", "0:a:0", "-af", pad, *_WAV_OUT, out_wav]
    try:
        run_ffmpeg(args, token=token, timeout=timeout)
    except MediaError as e:
        raise MediaError(f"the narration audio {audio_in.name} cannot be decoded ({e})") from e


def _check_has_sound(audio_in: Path, out_wav: Path, *, before: float, after: float) -> None:
    # An empty narration would pass as a pause: the user must hear of it instead.
    if wav_samples(out_wav) <= seconds_to_samples(before) + seconds_to_samples(after):
        raise MediaError(f"the narration audio {audio_in.name} holds no sound")


@contextmanager
def _reading_pcm(path: Path) -> Iterator[wave.Wave_read]:
    try:
        with wave.open(str(path), "rb") as wav:
            found = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            if found != (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH):
                raise MediaError(
                    f"{path.name} is {found[0]} Hz, {found[1]} channel(s), {8 * found[2]}-bit; "
                    f"expected {SAMPLE_RATE} Hz mono 16-bit"
                )
            yield wav
    except (wave.Error, EOFError) as e:
        raise MediaError(f"{path.name} is not a readable WAV file: {e}") from e


def _set_format(out: wave.Wave_write) -> None:
    out.setframerate(SAMPLE_RATE)
    out.setnchannels(CHANNELS)
    out.setsampwidth(SAMPLE_WIDTH)
