"""`slidespeaker render DECK --format both` through the real services: a video and a podcast
of the same deck, in which two voices a listener tells apart talk about the slides."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from slidespeaker.common.fold import TurnState
from slidespeaker.composer.podcast import LEAD_IN_S, TAIL_S, gap_before
from slidespeaker.voice.piper_engine import DEFAULT_VOICE
from tests.conftest import STARTUP_TIMEOUT_S, Stack, running_api
from tests.media import probe, srt_times
from tests.podcast.acoustics import decode, median_pitch, spectral_centroid, speech_level_db
from tests.test_end_to_end import cli

DECK = "docling_unrecognized_shape_3s.pptx"  # three slides, two titled
RATE = 22050
MP3_FRAME_S = 1152 / 48000
AAC_FRAME_S = 1024 / 48000
PODCAST_FILES = ("podcast.mp3", "podcast.m4a", "podcast.srt", "podcast.vtt", "podcast.json")


@pytest.fixture(scope="module")
def rendered(
    stack: Stack, realworld: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    if len(stack.processes.get("voice", [])) < 2:  # the turns are shared between two
        stack.start("voice")
    stack.wait_until_count("voice", 2, timeout=STARTUP_TIMEOUT_S)
    out = tmp_path_factory.mktemp("podcast-out")
    args = ["--format", "both", "--width", "640", "--height", "360"]
    result = cli(stack, "render", str(realworld / DECK), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "podcast.mp3" in result.stderr, "the command says where the podcast is"
    assert re.search(r"podcast\W+(\d+)/\1\b", result.stderr), "a bar counts the turns voiced"
    return out, json.loads((out / "job.json").read_text())


@pytest.fixture(scope="module")
def dialogue(rendered: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    said: dict[str, Any] = json.loads((rendered[0] / "podcast.json").read_text())
    return said


@pytest.mark.timeout(600)
def test_both_gives_a_video_and_a_podcast_of_the_same_deck(
    rendered: tuple[Path, dict[str, Any]], dialogue: dict[str, Any]
) -> None:
    out, job = rendered
    assert job["status"] == "completed"
    video = probe(out / "video.mp4")
    assert abs(video.video.duration - job["outputs"]["duration"]) <= 0.04
    assert abs(video.audio.duration - video.video.duration) <= 0.04
    for name in PODCAST_FILES:
        assert (out / name).stat().st_size > 0
    assert {t["slide"] for t in dialogue["turns"]} == {1, 2, 3}
    assert {t["speaker"] for t in dialogue["turns"]} == {"host", "guest"}
    turn_workers = {t["worker"] for key, t in job["tasks"].items() if key.startswith("voice_turn/")}
    assert len(turn_workers) == 2, "two voice processes spoke the turns between them"
    titles = [s["title"] for s in job["slides"].values() if s["title"]]
    host_said = " ".join(t["text"] for t in dialogue["turns"] if t["speaker"] == "host")
    assert all(title in host_said for title in titles), "the host brings up every topic"
    for name in ("podcast.m4a", "podcast.mp3"):
        with av.open(str(out / name)) as container:
            chapters = [c["metadata"]["title"] for c in container.chapters()]
        assert chapters == [job["slides"][str(n)]["title"] or f"Slide {n}" for n in (1, 2, 3)]


def test_the_podcast_lasts_its_turns_plus_the_gaps(
    rendered: tuple[Path, dict[str, Any]], dialogue: dict[str, Any]
) -> None:
    out, job = rendered
    turns = [TurnState.model_validate(t) for t in job["turns"]]
    gaps = [gap_before(turn, turns[n - 1] if n else None) for n, turn in enumerate(turns)]
    expected = sum(t.duration or 0 for t in turns) + sum(gaps) + TAIL_S
    assert gaps[0] == LEAD_IN_S
    assert job["podcast"]["duration"] == pytest.approx(expected, abs=1e-3)
    assert dialogue["duration"] == pytest.approx(expected, abs=2e-3)
    assert len(decode(out / "podcast.mp3")) / RATE == pytest.approx(expected, abs=2 * MP3_FRAME_S)
    assert len(decode(out / "podcast.m4a")) / RATE == pytest.approx(expected, abs=2 * AAC_FRAME_S)
    for said, turn in zip(dialogue["turns"], turns, strict=True):
        assert said["end"] - said["start"] == pytest.approx(turn.duration, abs=2e-3)


def test_host_and_guest_sound_like_two_people_equally_loud(
    rendered: tuple[Path, dict[str, Any]], dialogue: dict[str, Any]
) -> None:
    audio = decode(rendered[0] / "podcast.m4a")
    voices = {
        speaker: np.concatenate([
            audio[round(t["start"] * RATE) : round(t["end"] * RATE)]
            for t in dialogue["turns"] if t["speaker"] == speaker
        ])
        for speaker in ("host", "guest")
    }  # fmt: skip
    host, guest = voices["host"], voices["guest"]
    assert median_pitch(guest, RATE) > 1.2 * median_pitch(host, RATE)
    assert spectral_centroid(guest, RATE) > 1.1 * spectral_centroid(host, RATE)
    assert abs(speech_level_db(guest, RATE) - speech_level_db(host, RATE)) < 1.5


def test_captions_name_the_speaker_and_fall_inside_their_speech(
    rendered: tuple[Path, dict[str, Any]], dialogue: dict[str, Any]
) -> None:
    out = rendered[0]
    audio = decode(out / "podcast.m4a")
    turns = dialogue["turns"]
    srt = (out / "podcast.srt").read_text(encoding="utf-8").strip().split("\n\n")
    spans = srt_times(out / "podcast.srt")
    assert len(srt) == len(spans) >= len(turns)
    for block, (start, end) in zip(srt, spans, strict=True):
        label = block.splitlines()[2].split(":")[0]
        (turn,) = [t for t in turns if t["start"] - 0.01 <= start < end <= t["end"] + 0.01]
        assert label == turn["speaker"].upper()
        spoken = audio[round(start * RATE) : round(end * RATE)]
        assert speech_level_db(spoken, RATE) > -35, "a caption is shown while someone speaks"
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    vtt = (out / "podcast.vtt").read_text(encoding="utf-8")
    voices = re.findall(r"^<v (\w+)>", vtt, flags=re.MULTILINE)
    assert len(voices) == len(spans) and set(voices) == {"Host", "Guest"}


def test_the_api_takes_the_podcast_options_and_serves_its_files(
    stack: Stack, rendered: tuple[Path, dict[str, Any]], realworld: Path
) -> None:
    out, job = rendered
    with running_api(stack) as api:
        state = api.get(f"/api/jobs/{job['job_id']}").json()
        assert set(state["artifacts"]) >= {"video.mp4", *PODCAST_FILES}
        mp3 = api.get(state["artifacts"]["podcast.mp3"])
        assert mp3.headers["content-type"] == "audio/mpeg"
        assert mp3.content == (out / "podcast.mp3").read_bytes()
        assert api.get(state["artifacts"]["podcast.m4a"]).headers["content-type"] == "audio/mp4"
        form = {"format": "podcast", "podcast_minutes": "2.5", "host_voice": DEFAULT_VOICE,
                "guest_voice": DEFAULT_VOICE, "review": "true"}  # fmt: skip
        deck = (realworld / DECK).read_bytes()
        created = api.post("/api/jobs", files={"file": (DECK, deck)}, data=form)
        assert created.status_code == 201, created.text
        job_id = created.json()["job_id"]
        options = api.get(f"/api/jobs/{job_id}").json()["options"]
        assert (options["format"], options["podcast_minutes"]) == ("podcast", 2.5)
        assert options["host_voice"] == options["guest_voice"] == DEFAULT_VOICE
        api.post(f"/api/jobs/{job_id}/cancel")
        refused = api.post("/api/jobs", files={"file": (DECK, deck)}, data={"format": "radio"})
        assert refused.status_code == 422
