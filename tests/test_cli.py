"""The command as a new user runs it: no Redis given, so it brings its own, and its
services, and leaves nothing running behind it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pymupdf
import pytest

from slidespeaker.cli.processes import usable_cores
from slidespeaker.cli.redis_server import free_port

from .conftest import api_client
from .media import probe

CLI = [sys.executable, "-m", "slidespeaker.cli.main"]


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
    return {**env, "SLIDESPEAKER_HOME": str(home)}


def one_page_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Hello from the command line.")
    doc.save(path)
    return path


def our_processes(home: Path) -> list[psutil.Process]:
    """Processes started for this state directory (redis-server runs with --dir in it)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            environ = proc.info["environ"] or {}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if str(home) in cmdline or environ.get("SLIDESPEAKER_HOME") == str(home.resolve()):
            found.append(proc)
    return found


def test_render_with_its_own_redis_then_status_reads_the_log_back(tmp_path: Path) -> None:
    home, out = tmp_path / "state", tmp_path / "out"
    deck = one_page_pdf(tmp_path / "hello.pdf")
    env = user_env(home)
    run = subprocess.run([*CLI, "render", str(deck), "--out", str(out), "--resolution", "720p"],
                         env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    job = json.loads((out / "job.json").read_text())
    assert job["status"] == "completed"
    video = probe(out / "video.mp4")
    assert (video.width, video.height) == (1280, 720), "--resolution names a size"
    assert not our_processes(home), "render stopped the Redis and services it started"

    status = subprocess.run([*CLI, "status", job["job_id"], "--json"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["status"] == "completed", "the log outlived the command"
    assert not our_processes(home)

    missing = subprocess.run([*CLI, "status", "no-such-job"], env=env, capture_output=True,
                             text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 1 and "no such job" in missing.stderr


def test_a_resolution_it_does_not_know_is_refused_naming_those_it_does(tmp_path: Path) -> None:
    deck = one_page_pdf(tmp_path / "hello.pdf")
    run = subprocess.run(
        [*CLI, "render", str(deck), "--out", str(tmp_path / "out"), "--resolution", "8k"],
        env=user_env(tmp_path / "state"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    said = " ".join(run.stderr.replace("│", " ").split())  # the message as one line, unboxed
    assert run.returncode == 2
    assert "'8k' is not a resolution; use one of 720p, 1080p, 4k" in said
    assert not (tmp_path / "out").exists()


def test_up_serves_the_api_on_its_port_and_stops_everything_on_sigterm(tmp_path: Path) -> None:
    home, port, env_port = tmp_path / "state", free_port(), free_port()
    env = {**user_env(home), "SLIDESPEAKER_API_PORT": str(env_port)}
    up = subprocess.Popen([*CLI, "up", "--scale", "voice=2", "--host", "127.0.0.1",
                           "--port", str(port)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        client = api_client(port, up)
        with pytest.raises(httpx.TransportError):  # --port wins over the environment
            httpx.get(f"http://127.0.0.1:{env_port}/api/health", timeout=2)
        voices = [p for p in our_processes(home) if p.cmdline()[-2:] == ["service", "voice"]]
        assert len(voices) == 2, "--scale voice=2 runs two voice processes"
        threads = {p.environ().get("SLIDESPEAKER_PIPER_THREADS") for p in voices}
        assert threads == {str(max(1, usable_cores() // 2))}, "sharing the cores between them"

        pdf = one_page_pdf(tmp_path / "hi.pdf").read_bytes()
        job_id = client.post("/api/jobs", files={"file": ("hi.pdf", pdf)},
                             data={"width": 640, "height": 360}).json()["job_id"]  # fmt: skip
        deadline = time.monotonic() + 120
        while client.get(f"/api/jobs/{job_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, "the job did not complete"
            time.sleep(0.2)
    finally:
        up.send_signal(signal.SIGTERM)  # what a process manager sends; Ctrl-C does the same
        up.wait(timeout=30)
    time.sleep(0.5)
    assert not our_processes(home), "SIGTERM stopped every service and the Redis"


def test_render_of_three_decks_one_damaged_makes_two_videos_and_says_why_the_third_failed(
    tmp_path: Path,
) -> None:
    home, out = tmp_path / "state", tmp_path / "out"
    first, second = one_page_pdf(tmp_path / "first.pdf"), one_page_pdf(tmp_path / "second.pdf")
    damaged = tmp_path / "damaged.pptx"
    damaged.write_bytes(b"PK\x03\x04 not really a presentation")
    run = subprocess.run(
        [*CLI, "render", str(first), str(damaged), str(second), "--out", str(out),
         "--width", "320", "--height", "180"],
        env=user_env(home), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    said = " ".join(run.stderr.split())
    assert run.returncode == 1, said[-3000:]
    for name in ("first", "second"):
        video = probe(out / name / "video.mp4")
        assert (video.width, video.height) == (320, 180), "each deck into OUT/<deck name>/"
        assert json.loads((out / name / "job.json").read_text())["status"] == "completed"
    failed = json.loads((out / "damaged" / "job.json").read_text())
    assert failed["status"] == "failed" and failed["error"]
    assert not (out / "damaged" / "video.mp4").exists()
    assert "2 of 3 decks rendered" in said
    assert f"failed damaged.pptx: {' '.join(failed['error'].split())}" in said
    assert "done first.pdf:" in said and "done second.pdf:" in said
    assert not our_processes(home), "one stack, stopped after the last deck"


def test_render_estimate_prints_the_cost_and_max_cost_stops_a_dearer_job(tmp_path: Path) -> None:
    deck = one_page_pdf(tmp_path / "hello.pdf")
    # A hosted voice at $15 per million characters; nothing is ever sent to it.
    env = {**user_env(tmp_path / "state"), "SLIDESPEAKER_TTS_USD_PER_MCHAR": "15"}
    hosted = ["--voice-provider", "openai", "--out", str(tmp_path / "out")]
    estimate = subprocess.run([*CLI, "render", str(deck), *hosted, "--estimate"], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    assert estimate.returncode == 0, estimate.stderr
    counted = json.loads(estimate.stdout)
    said = "Hello from the command line."
    assert counted["deck"] == "hello.pdf" and counted["tts_characters"] >= len(said)
    assert counted["cost_usd"] == pytest.approx(counted["tts_characters"] * 15 / 1e6)
    assert not (tmp_path / "out").exists(), "an estimate renders nothing"

    limit = counted["cost_usd"] / 2
    stopped = subprocess.run([*CLI, "render", str(deck), *hosted, "--max-cost", str(limit)],
                             env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert stopped.returncode == 1
    assert "above its limit" in stopped.stderr and "nothing was sent" in stopped.stderr
    job = json.loads((tmp_path / "out" / "job.json").read_text())
    assert job["options"]["max_cost"] == limit and job["estimate"]["cost_usd"] > limit
