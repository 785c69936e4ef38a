"""A slide's narration padded with its pauses, and the slides' audio joined into one track.

All audio here is mono 16-bit PCM at SAMPLE_RATE, so a duration is a whole number of
samples and the joined track is exactly as long as the slides added up.
"""

from __future__ import annotations

import os
import struct
import wave
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.composer.ffmpeg import MediaError, removed_on_failure, run_ffmpeg

SAMPLE_RATE = 48000
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
CHANNELS = 1
COPY_FRAMES = 1 << 16  # samples copied at a time, so long decks are never held in memory
RIFF_HEADER = 12  # "RIFF", its size, "WAVE"; chunks follow
CHUNK_HEADER = 8  # a chunk's kind and size


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
    # Resample first, so the pauses are counted in output samples and come out exact.
    pad = (
        f"aresample={SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=mono,"
        f"adelay=delays={seconds_to_samples(before)}S:all=1,"
        f"apad=pad_len={seconds_to_samples(after)}"
    )
    args: list[str | Path] = ["-i", audio_in, "-map", "0:a:0", "-af", pad, "-c:a", "pcm_s16le"]
    # A plain RIFF header (no LIST chunk of encoder tags) that any WAV reader takes.
    args += ["-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav", out_wav]
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
