"""Benchmark: how fast the scripter turns a real deck into frames and a script.

1. One ~50-slide real deck through each step the service takes: reading the package
   (python-pptx, shape by shape), narrating every slide offline (notes or outline), the
   one LibreOffice conversion to PDF, and rendering every page as a 1920x1080 frame;
   slides per second for each step and for the whole.
2. LibreOffice conversions of that deck, one alone and two at once (each with its own
   profile, as two scripter processes would run them): wall time and conversions per
   minute, so the gain from a second scripter process on this machine is known.
3. The deck saved as .ppt and .odp (by LibreOffice, as a person would): opening each
   (LibreOffice to .pptx, reading it, LibreOffice to PDF) against opening the .pptx.

    .venv/bin/python bench/scripter/scripter_bench.py [DECK]
"""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import JobOptions
from slidespeaker.common.process import run_child
from slidespeaker.scripter.deck import Deck, open_deck, read_slides, render_slide
from slidespeaker.scripter.libreoffice import convert_to_pdf
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.pdf_reader import open_pdf

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DECK = REPO.parent / "shared/decks/realworld/msworkshop_canvas_app_52s_notes.pptx"
WIDTH, HEIGHT = 1920, 1080
SOFFICE_TIMEOUT_S = 600
T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def convert(deck: Path, workdir: Path) -> Path:
    fmt = read_slides(deck).format
    assert fmt != "pdf", "the benchmark converts a PowerPoint deck"
    return convert_to_pdf(deck, fmt, workdir, token=CancelToken(), timeout=SOFFICE_TIMEOUT_S)


def pipeline(deck: Path, workdir: Path) -> None:
    text, read_s = timed(lambda: read_slides(deck))
    fmt, slides = text.format, text.slides
    narrator = Narrator(slides, JobOptions(narration="auto"), None)
    _, narrate_s = timed(lambda: [narrator.narrate(n) for n in range(1, len(slides) + 1)])
    pdf, convert_s = timed(lambda: convert(deck, workdir / "single"))

    def render_all() -> None:
        with open_pdf(pdf) as document:
            for index in range(len(slides)):
                render_slide(document, index, WIDTH, HEIGHT, workdir / f"slide-{index + 1:03d}.png")

    _, render_s = timed(render_all)
    count = len(slides)
    total = read_s + narrate_s + convert_s + render_s
    print(f"{deck.name}: {count} visible slides ({fmt})")
    for step, seconds in [
        ("read the package", read_s),
        ("narrate (offline)", narrate_s),
        ("convert with LibreOffice", convert_s),
        (f"render {WIDTH}x{HEIGHT} frames", render_s),
        ("parse + render, in all", total),
    ]:
        print(f"  {step:<28} {seconds:7.2f} s  {count / seconds:8.1f} slides/s")


def parallel_conversions(deck: Path, workdir: Path) -> None:
    _, alone_s = timed(lambda: convert(deck, workdir / "alone"))

    def two_at_once() -> None:
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(convert, deck, workdir / f"pair-{n}") for n in (1, 2)]
            for run in runs:
                assert run.result().stat().st_size > 0

    _, pair_s = timed(two_at_once)

    print("LibreOffice conversions of the deck:")
    print(f"  1 alone      {alone_s:6.2f} s wall  {60 / alone_s:5.1f} conversions/min")
    print(f"  2 at once    {pair_s:6.2f} s wall  {120 / pair_s:5.1f} conversions/min")
    print(f"  throughput with 2: {alone_s * 2 / pair_s:.2f}x one at a time")


def legacy_formats(deck: Path, workdir: Path) -> None:
    print("Opening the deck in each format (conversions included):")
    for extension in ("pptx", "ppt", "odp"):
        source = deck if extension == deck.suffix[1:] else save_as(deck, extension, workdir)
        opened, seconds = timed(functools.partial(open_in, source, workdir / f"open-{extension}"))
        print(f"  .{extension:<5} {seconds:6.2f} s  {len(opened.slides)} slides")


def open_in(deck: Path, workdir: Path) -> Deck:
    return open_deck(deck, workdir, token=CancelToken(), soffice_timeout=SOFFICE_TIMEOUT_S)


def save_as(deck: Path, extension: str, workdir: Path) -> Path:
    outdir = workdir / f"saved-{extension}"
    outdir.mkdir()
    profile = (outdir / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    run_child(
        [*command, "--convert-to", extension, "--outdir", outdir, deck],
        token=CancelToken(),
        timeout=SOFFICE_TIMEOUT_S,
    )
    return outdir / f"{deck.stem}.{extension}"


def main() -> None:
    deck = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DECK
    with tempfile.TemporaryDirectory(prefix="scripter-bench-") as scratch:
        workdir = Path(scratch)
        convert(deck, workdir / "warm-up")  # the first soffice start fills disk caches
        pipeline(deck, workdir)
        parallel_conversions(deck, workdir)
        legacy_formats(deck, workdir)


if __name__ == "__main__":
    main()
