"""Benchmark: a whole render through the real services, against the video's own length.

Renders each deck with `slidespeaker render` (its own Redis and services, as a user runs it)
and samples the resident memory of the command and everything it started (services,
redis-server, soffice, ffmpeg). The baseline is the video itself: the speed ratio is
seconds of video made per second of wall time, so a ratio below 1 is slower than real time.

    .venv/bin/python bench/render_bench.py [DECK ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DECKS = [
    REPO / "examples/slidespeaker-intro.pptx",
    REPO.parent / "shared/decks/realworld/tika_various2_10s_notes_chart_smartart_table.pptx",
]
SAMPLE_EVERY = 0.05


def tree_rss_mb(root: psutil.Process) -> float:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def render(deck: Path, workdir: Path) -> tuple[float, float, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
    env["SLIDESPEAKER_HOME"] = str(workdir / "state")
    out = workdir / "out"
    cmd = [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck), "--out", str(out)]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, tree_rss_mb(root))
        except psutil.NoSuchProcess:
            break
        time.sleep(SAMPLE_EVERY)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"render of {deck.name} failed; see {workdir / 'state/logs'}")
    video = json.loads((out / "job.json").read_text())["outputs"]["duration"]
    return wall, video, peak


def main() -> None:
    decks = [Path(arg) for arg in sys.argv[1:]] or DEFAULT_DECKS
    print(f"{'deck':<58} {'wall s':>7} {'video s':>8} {'video/wall':>10} {'peak MB':>8}")
    for deck in decks:
        with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
            wall, video, peak = render(deck, Path(tmp))
        print(f"{deck.name:<58} {wall:7.1f} {video:8.1f} {video / wall:10.2f} {peak:8.0f}")


if __name__ == "__main__":
    main()
