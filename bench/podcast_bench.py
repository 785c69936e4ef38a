"""Benchmark: a podcast rendered through the real services, against its own length.

Runs `slidespeaker render DECK --format podcast` (its own Redis and services, as a user
does) and reads from the job's tasks how long each part took: the dialogue, the turns'
voices (summed, and from the first start to the last finish), the assembly. The speed
ratio is seconds of podcast made per second of wall time.

    .venv/bin/python bench/podcast_bench.py [DECK ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DECKS = [REPO / "examples/slidespeaker-intro.pptx"]


def render(deck: Path, workdir: Path) -> tuple[float, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
    env["SLIDESPEAKER_HOME"] = str(workdir / "state")
    out = workdir / "out"
    cmd = [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck), "--out", str(out),
           "--format", "podcast"]  # fmt: skip
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"render of {deck.name} failed: {done.stderr[-2000:]}")
    job: dict[str, Any] = json.loads((out / "job.json").read_text())
    return wall, job


def spans(job: dict[str, Any], prefix: str) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(t["started_at"]), datetime.fromisoformat(t["finished_at"]))
        for key, t in job["tasks"].items()
        if key.startswith(prefix) and t["started_at"] and t["finished_at"]
    ]


def seconds(found: list[tuple[datetime, datetime]]) -> tuple[float, float]:
    """Summed task time, and from the first start to the last finish."""
    summed = sum((end - start).total_seconds() for start, end in found)
    return summed, (max(e for _, e in found) - min(s for s, _ in found)).total_seconds()


def main() -> None:
    decks = [Path(arg) for arg in sys.argv[1:]] or DEFAULT_DECKS
    print(f"{'deck':<36} {'turns':>5} {'podcast s':>9} {'wall s':>7} {'ratio':>6} "
          f"{'dialogue s':>10} {'voices s (span)':>16} {'compose s':>9}")  # fmt: skip
    for deck in decks:
        with tempfile.TemporaryDirectory(prefix="podcast-bench-") as tmp:
            wall, job = render(deck, Path(tmp))
        length = job["podcast"]["duration"]
        dialogue, _ = seconds(spans(job, "script_podcast"))
        voices, voice_span = seconds(spans(job, "voice_turn/"))
        compose, _ = seconds(spans(job, "compose_podcast"))
        print(f"{deck.name:<36} {len(job['turns']):5d} {length:9.1f} {wall:7.1f} "
              f"{length / wall:6.2f} {dialogue:10.2f} {voices:8.1f} ({voice_span:5.1f}) "
              f"{compose:9.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
