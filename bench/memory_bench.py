"""Benchmark: memory does not grow with the deck's length.

A short and a long deck of colourful 720p slides (30 and 300 by default) each run on a stack
of its own where every service (and the ffmpeg it starts) is under an address-space limit
of ROOM_MB above what it maps at rest (tests/memory.py). Printed per service: its process's peak
resident memory (VmHWM) for each deck and their ratio (target: the long deck completes, and
no service's peak grows by more than GROWTH_MB, against the 830 MiB of the long deck's
frames), with the time each render took and the load.

    .venv/bin/python bench/memory_bench.py [--short 30] [--long 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' stack helpers

from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.fold import JobStatus  # noqa: E402
from tests.conftest import PIPELINE  # noqa: E402
from tests.jobs import run_job  # noqa: E402
from tests.memory import colourful_deck, limited_stack, status_mb  # noqa: E402

GROWTH_MB = 50
OPTIONS = ev.JobOptions(width=1280, height=720, pointer="none", subtitles="none")


def render(slides: int) -> tuple[dict[str, float], float]:
    """Each service's peak resident MiB while the deck rendered, and the seconds it took."""
    with (
        tempfile.TemporaryDirectory(prefix="memory-bench-") as work,
        limited_stack(Path(work)) as stack,
    ):
        started = time.monotonic()
        state = asyncio.run(
            run_job(
                stack.url, stack.home, stack.prefix, colourful_deck(slides), "deck.pdf",
                OPTIONS, timeout=3600,
            )
        )  # fmt: skip
        took = time.monotonic() - started
        if state.status != JobStatus.completed:
            raise SystemExit(f"the {slides}-slide deck did not complete: {state.error}")
        return {name: status_mb(stack, name, "VmHWM") for name in PIPELINE}, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=30)
    parser.add_argument("--long", type=int, default=300)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    short, short_s = render(args.short)
    long, long_s = render(args.long)
    print(f"load average at start {load:.2f}, at end {os.getloadavg()[0]:.2f}")
    print(f"{args.short} slides in {short_s:.0f} s, {args.long} slides in {long_s:.0f} s")
    print(f"{'service':<12}{'peak MiB ' + str(args.short):>16}{'peak MiB ' + str(args.long):>16}"
          f"{'ratio':>8}")  # fmt: skip
    for name in PIPELINE:
        print(f"{name:<12}{short[name]:>16.0f}{long[name]:>16.0f}{long[name] / short[name]:>8.2f}")
    grown = [name for name in PIPELINE if long[name] - short[name] > GROWTH_MB]
    print("target met" if not grown else f"grew by more than {GROWTH_MB} MiB: {', '.join(grown)}")


if __name__ == "__main__":
    main()
