"""Benchmark: the HeyGen presenter's wall time with one avatar process, videos started ahead
or not.

A deck of SLIDES short slides is rendered with `slidespeaker render --avatar heygen` against
the tests' local HeyGen server, which takes RENDER_S to render each video from its creation
(as HeyGen does, whoever polls); measured from HeyGen's first video created to its last
downloaded, with SLIDESPEAKER_HEYGEN_AHEAD 0 (each slide's video started by its own task)
and 4 (the default: the next slides' started while one renders).

    .venv/bin/python bench/heygen_bench.py [RENDER_S]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the HeyGen server the tests use

from tests.avatar.heygen_server import API_KEY, HeyGenServer, heygen_server  # noqa: E402

SLIDES = 6
AHEAD = [0, 4]


def a_deck(path: Path) -> None:
    doc = pymupdf.open()
    for n in range(1, SLIDES + 1):
        text = f"Slide {n}. One short sentence for the presenter to say."
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 540, 400), text)
    doc.save(path)


def heygen_seconds(deck: Path, work: Path, ahead: int, render_s: float) -> float:
    """From the first video created to the last downloaded, for one render of the deck."""
    with heygen_server(HeyGenServer(rendering_polls=0, render_s=render_s)) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
        env |= {
            "HEYGEN_API_KEY": API_KEY, "HEYGEN_BASE_URL": server.url,
            "SLIDESPEAKER_HOME": str(work / f"home-{ahead}"),
            "SLIDESPEAKER_HEYGEN_POLL_S": "0.2", "SLIDESPEAKER_HEYGEN_POLL_MAX_S": "1",
            "SLIDESPEAKER_HEYGEN_AHEAD": str(ahead),
        }  # fmt: skip
        command = [
            sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck),
            "--out", str(work / f"out-{ahead}"), "--avatar", "heygen",
            "--width", "640", "--height", "360",
        ]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True)
        created = [r.at for r in server.calls("/v2/video/generate")]
        downloaded = [r.at for r in server.requests if r.path.startswith("/files/")]
        assert len(created) == len(downloaded) == SLIDES, (created, downloaded)
        return downloaded[-1] - created[0]


def main() -> None:
    render_s = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    with tempfile.TemporaryDirectory(prefix="heygen-bench-") as tmp:
        work = Path(tmp)
        deck = work / "deck.pdf"
        a_deck(deck)
        print(f"{SLIDES} slides, each video {render_s:g} s to render, one avatar process")
        print("| ahead | first video created to last downloaded |")
        print("| --- | --- |")
        for ahead in AHEAD:
            print(f"| {ahead} | {heygen_seconds(deck, work, ahead, render_s):.1f} s |")


if __name__ == "__main__":
    main()
