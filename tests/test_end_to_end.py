"""Real decks rendered end to end by the `slidespeaker` command through the real services."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from slidespeaker.common.settings import Settings

from .conftest import Stack
from .media import probe, srt_times

SIZE = ["--width", "1280", "--height", "720"]


def cli(stack: Stack, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", *args],
        env=stack.env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def render(stack: Stack, deck: Path, out: Path) -> dict[str, Any]:
    result = cli(stack, "render", str(deck), "--out", str(out), *SIZE)
    assert result.returncode == 0, result.stderr[-3000:]
    job: dict[str, Any] = json.loads((out / "job.json").read_text())
    return job


def expected_duration(job: dict[str, Any], settings: Settings) -> float:
    """Narration plus its pauses for every voiced slide, the hold for every silent one."""
    total = 0.0
    for slide in job["slides"].values():
        if slide["audio_key"]:
            total += settings.pause_before_s + slide["audio_duration"] + settings.pause_after_s
        else:
            total += settings.hold_s
    return total


def check_video(out: Path, job: dict[str, Any], slides: int) -> None:
    media = probe(out / "video.mp4")
    assert (media.video.codec, media.audio.codec) == ("h264", "aac")
    assert (media.width, media.height, media.pix_fmt) == (1280, 720, "yuv420p")
    assert abs(media.video.duration - media.audio.duration) < 0.1
    assert abs(media.video.duration - expected_duration(job, Settings())) < 0.1
    assert abs(media.video.duration - job["outputs"]["duration"]) < 0.1

    spans = srt_times(out / "subtitles.srt")
    assert spans, "the narration has subtitles"
    assert all(0 <= start < end <= media.video.duration + 0.01 for start, end in spans)
    assert all(a[1] <= b[0] + 1e-3 for a, b in itertools.pairwise(spans))
    vtt = (out / "subtitles.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(spans)

    assert (out / "poster.jpg").stat().st_size > 0
    transcript = (out / "transcript.md").read_text(encoding="utf-8")
    assert transcript.count("\n## ") == slides


@pytest.mark.timeout(600)
def test_a_pptx_with_notes_hidden_slides_and_charts(
    stack: Stack, realworld: Path, tmp_path: Path
) -> None:
    deck = realworld / "tika_various2_10s_notes_chart_smartart_table.pptx"
    job = render(stack, deck, tmp_path)
    assert job["status"] == "completed"
    assert job["slide_count"] == 9, "the tenth slide is hidden"
    sources = [job["slides"][str(n)]["narration_source"] for n in range(1, 10)]
    assert "notes" in sources and "outline" in sources
    check_video(tmp_path, job, slides=9)

    status = cli(stack, "status", job["job_id"], "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["status"] == "completed"

    lines = cli(stack, "events", job["job_id"], "--json").stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert all({"id", "event_id", "type", "job_id", "ts"} <= set(e) for e in events)
    assert events[0]["type"] == "job.submitted" and events[-1]["type"] == "job.completed"
    progress = {e["stage"] for e in events if e["type"] == "job.progress"}
    assert {"scripter", "composer"} <= progress, "long steps say what they are doing"
    ids = [tuple(map(int, e["id"].split("-"))) for e in events]
    assert ids == sorted(ids), "the log is in order"

    followed = cli(stack, "events", job["job_id"], "--json", "--follow", timeout=60)
    assert followed.stdout.splitlines() == lines, "--follow replays the log, then ends with it"

    # Every narration is known before LibreOffice has converted the deck (the first
    # picture), so the voice does not wait for the conversion; each picture brings where
    # its slide's text is.
    kinds = [e["type"] for e in events]
    assert kinds.index("slide.rendered") > max(
        at for at, kind in enumerate(kinds) if kind == "slide.scripted"
    )
    assert all(e["page"] for e in events if e["type"] == "slide.rendered")

    parsed = next(e for e in events if e["type"] == "deck.parsed")
    earlier = cli(stack, "status", job["job_id"], "--json", "--at", parsed["id"])
    assert json.loads(earlier.stdout)["status"] == "running"
    assert json.loads(earlier.stdout)["slide_count"] == 9
    check_logs(stack, job["job_id"])


def check_logs(stack: Stack, job_id: str) -> None:
    """The services' structlog JSON lines carry the job, the stage and the slide."""
    # The services go on logging other tests' jobs meanwhile: a log's last line may be only
    # half written, so only lines that have ended are read.
    lines = [
        json.loads(line)
        for log in stack.home.glob("*.log")
        for line in log.read_text(encoding="utf-8").split("\n")[:-1]
        if line.startswith("{")
    ]
    mine = [line for line in lines if line.get("job_id") == job_id]
    stages = {line.get("stage") for line in mine}
    # No presenter was asked for, so the avatar service has nothing to do with this job.
    assert {"dispatcher", "scripter", "voice", "composer"} <= stages and "avatar" not in stages
    assert any(line["stage"] == "voice" and line.get("slide") == 3 for line in mine)


@pytest.mark.timeout(600)
def test_a_pdf(stack: Stack, realworld: Path, tmp_path: Path) -> None:
    deck = realworld / "dotnetconf2022_maui_auth_print_to_pdf_letter_16p.pdf"
    job = render(stack, deck, tmp_path)
    assert job["status"] == "completed"
    assert job["slide_count"] == 16
    check_video(tmp_path, job, slides=16)


def test_a_failed_render_explains_itself_and_exits_1(
    stack: Stack, realworld: Path, tmp_path: Path
) -> None:
    result = cli(stack, "render", str(realworld / "tika_encrypted_pptx_password_tika.pptx"),
                 "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 1
    assert "password-protected" in result.stderr
    assert json.loads((tmp_path / "job.json").read_text())["status"] == "failed"


def test_script_then_edit_then_render_says_the_edited_script(stack: Stack, tmp_path: Path) -> None:
    deck = Path(__file__).resolve().parents[1] / "examples/slidespeaker-intro.pptx"
    written = cli(stack, "script", str(deck), "--out", str(tmp_path / "script"))
    assert written.returncode == 0, written.stderr
    script_file = tmp_path / "script" / "script.json"
    script = json.loads(script_file.read_text())
    assert [s["index"] for s in script["slides"]] == [1, 2, 3, 4, 5], "the hidden slide is left out"
    assert "## Slide 2: How it works" in (tmp_path / "script" / "transcript.md").read_text()
    edited = "This sentence was written by a person, not by the deck."
    script["slides"][1]["narration"] = edited
    # The pointer re-pointed by hand: slide 1's first sentence marks its last block.
    first = script["slides"][0]
    pointed = [{"sentence": first["narration"].split(".")[0], "block": len(first["blocks"]) - 1}]
    first["links"] = pointed
    script_file.write_text(json.dumps(script))

    out = tmp_path / "out"
    result = cli(stack, "render", str(deck), "--out", str(out), "--script", str(script_file), *SIZE)
    assert result.returncode == 0, result.stderr[-3000:]
    job = json.loads((out / "job.json").read_text())
    assert job["slides"]["2"]["narration"] == edited
    assert job["slides"]["2"]["narration_source"] == "edited"
    assert job["slides"]["1"]["narration_source"] == "notes", "untouched words keep theirs"
    assert job["slides"]["1"]["links"] == pointed
    assert edited in (out / "transcript.md").read_text()
