"""The composer's podcast task: the voiced turns joined into podcast.mp3 and podcast.m4a
(a chapter per slide), captions with the speakers' names (podcast.srt, podcast.vtt) and the
dialogue with its times (podcast.json).

Gaps sound like people talking: short after a question (the answer comes quickly), longer
where the talk moves to the next slide. A podcast is never empty or silent: every turn
must hold speech, and the track is checked before anything is encoded.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deadlines import media_timeout
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Cue
from slidespeaker.common.fold import JobState, TurnState
from slidespeaker.common.runtime import TaskContext
from slidespeaker.common.storage import Storage
from slidespeaker.composer.audio import pad_narration
from slidespeaker.composer.ffmpeg import MediaError, run_ffmpeg
from slidespeaker.composer.metadata import ffmetadata
from slidespeaker.composer.podcast_audio import read_samples, with_speech, writing_track
from slidespeaker.composer.podcast_captions import write_podcast_srt, write_podcast_vtt

LEAD_IN_S = 0.3
GAP_S = 0.45  # between two turns about one slide
GAP_AFTER_QUESTION_S = 0.25
GAP_BETWEEN_SLIDES_S = 0.9
TAIL_S = 0.6
OUTPUTS = ("podcast.mp3", "podcast.m4a", "podcast.srt", "podcast.vtt", "podcast.json")


@dataclass(frozen=True)
class Placed:
    """A turn on the podcast's timeline."""

    number: int  # from 1
    turn: TurnState
    start: float
    end: float


async def compose_podcast(ctx: TaskContext) -> list[ev.Event]:
    state = ctx.state
    turns = state.turns
    if not turns:
        raise BadInput("the podcast has no dialogue to compose")
    await ctx.progress(f"joining the podcast's {len(turns)} turns")
    keys = {name: storage_keys.output(ctx.job_id, name) for name in OUTPUTS}
    with tempfile.TemporaryDirectory(prefix="podcast-", dir=ctx.scratch) as work:
        track = Path(work) / "podcast.wav"
        try:
            placed = await asyncio.to_thread(
                join_turns, turns, ctx.storage, track, Path(work), ctx.token
            )
        except MediaError as e:  # joining again would fail the same way
            raise BadInput(f"the podcast cannot be composed: {e}") from e
        duration = placed[-1].end + TAIL_S
        metadata = Path(work) / "chapters.txt"
        metadata.write_text(_chapters(state, placed, duration), encoding="utf-8")
        await ctx.progress("encoding the podcast")
        for name, codec in (("podcast.mp3", MP3), ("podcast.m4a", M4A)):
            with ctx.storage.writing(keys[name]) as tmp:
                await asyncio.to_thread(encode, track, metadata, codec, tmp, duration, ctx.token)
    write_texts(ctx.storage, keys, state, placed, duration)
    return [
        ev.PodcastComposed(
            job_id=ctx.job_id, mp3_key=keys["podcast.mp3"], m4a_key=keys["podcast.m4a"],
            srt_key=keys["podcast.srt"], vtt_key=keys["podcast.vtt"],
            json_key=keys["podcast.json"], duration=duration,
        )
    ]  # fmt: skip


def write_texts(
    storage: Storage, keys: dict[str, str], state: JobState, placed: list[Placed], duration: float
) -> None:
    """The captions, timed on the podcast, and the dialogue with each turn's times."""
    spoken = [(p.turn.speaker, [_shifted(c, p.start) for c in p.turn.cues]) for p in placed]
    with storage.writing(keys["podcast.srt"]) as tmp:
        write_podcast_srt(spoken, tmp)
    with storage.writing(keys["podcast.vtt"]) as tmp:
        write_podcast_vtt(spoken, tmp)
    storage.write_text(keys["podcast.json"], _dialogue_json(state, placed, duration))


def gap_before(turn: TurnState, previous: TurnState | None) -> float:
    if previous is None:
        return LEAD_IN_S
    if turn.slide != previous.slide:
        return GAP_BETWEEN_SLIDES_S
    return GAP_AFTER_QUESTION_S if previous.text.rstrip().endswith("?") else GAP_S


def join_turns(
    turns: list[TurnState], storage: Storage, track: Path, work: Path, token: CancelToken
) -> list[Placed]:
    """Write the track (ending in TAIL_S of silence); each turn's place on it."""
    placed: list[Placed] = []
    decoded = work / "turn.wav"
    with writing_track(track) as writer:
        for number, turn in enumerate(turns, start=1):
            token.check()  # a checkpoint between turns
            name = f"the audio of turn {number}"
            if turn.audio_key is None or not storage.exists(turn.audio_key):
                raise MediaError(f"{name} is missing")
            pad_narration(
                storage.fetch(turn.audio_key), decoded, before=0.0, after=0.0, hold=0.0,
                token=token, timeout=media_timeout(turn.duration or 0),
            )  # fmt: skip
            writer.silence(gap_before(turn, turns[number - 2] if number > 1 else None))
            start = writer.seconds
            writer.speech(with_speech(read_samples(decoded), name))
            placed.append(Placed(number, turn, start, writer.seconds))
        writer.silence(TAIL_S)
        if writer.peak == 0.0:
            raise MediaError("the podcast came out silent")
    return placed


MP3 = ["-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "3", "-f", "mp3"]
M4A = ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4"]


def encode(
    track: Path, metadata: Path, codec: list[str], out: Path, seconds: float, token: CancelToken
) -> None:
    args: list[str | Path] = ["-i", track, "-f", "ffmetadata", "-i", metadata]
    args += ["-map", "0:a:0", "-map_metadata", "1", "-map_chapters", "1", *codec, out]
    run_ffmpeg(args, token=token, timeout=media_timeout(seconds))


def _chapters(state: JobState, placed: list[Placed], duration: float) -> str:
    """A chapter per slide talked about, from its first turn (the first from 0) to the next."""
    starts: dict[int, float] = {}
    for p in placed:  # a turn back to an earlier slide stays in the chapter it is in
        if not starts or p.turn.slide > max(starts):
            starts[p.turn.slide] = p.start if starts else 0.0
    bounds = [*starts.values(), duration]
    durations = [end - start for start, end in pairwise(bounds)]
    titles = [state.slide(n).title or f"Slide {n}" for n in starts]
    return ffmetadata(_title(state), titles, durations)


def _title(state: JobState) -> str:
    return Path(state.filename).stem or "Podcast"


def _dialogue_json(state: JobState, placed: list[Placed], duration: float) -> str:
    turns = [
        {"turn": p.number, "speaker": p.turn.speaker, "voice": p.turn.voice, "slide": p.turn.slide,
         "text": p.turn.text, "start": round(p.start, 3), "end": round(p.end, 3)}
        for p in placed
    ]  # fmt: skip
    dialogue = {"title": _title(state), "duration": round(duration, 3), "turns": turns}
    return json.dumps(dialogue, ensure_ascii=False, indent=2)


def _shifted(cue: Cue, offset: float) -> Cue:
    return Cue(text=cue.text, start=cue.start + offset, end=cue.end + offset)
