"""Benchmark: how fast the voice stage speaks, and how it scales out.

1. Piper on this machine: seconds of speech per CPU-second of this process (all its
   threads), for the path the service takes (word timings from phoneme alignments) and
   for plain synthesis, on a few paragraphs of ordinary narration.
2. Throughput of the real voice service with 1, 2 and 4 processes against a latency-bound
   provider: a local server speaking OpenAI's speech protocol that answers each request
   after 0.5 s. A deck of SLIDES slides, SENTENCES sentences each, is scripted and held for
   review; the clock runs from the approval (all slides become voiceable at once) to the
   last slide voiced. The target: at least 3.5x the one-process rate with four. Only the
   dispatcher, the scripter and the voice processes run (the job is not finished).

    .venv/bin/python bench/voice/voice_bench.py
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pymupdf
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the speech server the tests use

from slidespeaker.cli.redis_server import start_redis  # noqa: E402
from slidespeaker.common import events as ev  # noqa: E402
from slidespeaker.common.cancel import CancelToken  # noqa: E402
from slidespeaker.common.event_store import EventLog  # noqa: E402
from slidespeaker.common.fold import JobStatus, fold  # noqa: E402
from slidespeaker.common.jobs import submit_job  # noqa: E402
from slidespeaker.common.keys import Keys  # noqa: E402
from slidespeaker.common.lexicon import Lexicon  # noqa: E402
from slidespeaker.common.object_store import ObjectStore  # noqa: E402
from slidespeaker.voice.config import VoiceSettings  # noqa: E402
from slidespeaker.voice.loudness import normalized  # noqa: E402
from slidespeaker.voice.piper_engine import PiperProvider, load_voice  # noqa: E402
from slidespeaker.voice.provider import synthesize  # noqa: E402
from slidespeaker.voice.reading import reader  # noqa: E402
from tests.voice.speech_servers import API_KEY, latency_bound_server  # noqa: E402

NARRATION = (
    "Welcome to the quarterly review. Revenue grew twelve percent in 2024, ahead of plan, "
    "and the team doubled in size. Three things drove it: the new editor, faster exports, "
    "and a partner program that brought in forty new customers. Next quarter we focus on "
    "reliability. Every release gets a staged rollout, and every incident a written review "
    "within a week. Finally, thank you all for the hard work; questions are welcome."
)
LATENCY_S = 0.5
SLIDES = 32
SENTENCES = 2
PROCESSES = (1, 2, 4)
# Only what voicing needs: the avatar and composer stages would take their share of this
# machine's two cores while the slides are voiced, and they are measured elsewhere.
SERVICES = ["dispatcher", "scripter"]


def piper_speed() -> None:
    provider = PiperProvider(VoiceSettings().piper_voices_dir)
    voice = load_voice(provider.model_path(provider.default_voice))  # loading is not timed
    synthesize(provider, "Warming up.", provider.default_voice, 1.0, CancelToken())
    cpu, wall = time.process_time(), time.perf_counter()
    speech = synthesize(provider, NARRATION, provider.default_voice, 1.0, CancelToken())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"piper with word timings: {speech.duration:.1f} s of speech in {cpu:.2f} CPU-s "
        f"({wall:.2f} s wall): {speech.duration / cpu:.1f} s of speech per CPU-second, "
        f"{speech.duration / wall:.1f}x real time; timing {speech.timing}"
    )
    service_path_speed(provider)
    cpu, wall = time.process_time(), time.perf_counter()
    samples = sum(len(c.audio_int16_array) for c in voice.synthesize(NARRATION))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    seconds = samples / voice.config.sample_rate
    print(
        f"piper plain (no alignments): {seconds:.1f} s of speech in {cpu:.2f} CPU-s: "
        f"{seconds / cpu:.1f} s of speech per CPU-second, {seconds / wall:.1f}x real time"
    )


def service_path_speed(provider: PiperProvider) -> None:
    """As the service speaks: English reading rules, word timings and loudness (any child
    processes' CPU time counted too)."""
    read = reader("en", Lexicon({}))
    token = CancelToken()
    cpu, wall = _cpu_with_children(), time.perf_counter()
    speech = synthesize(provider, NARRATION, provider.default_voice, 1.0, token, read)
    spoken = _cpu_with_children()
    speech = normalized(speech, VoiceSettings().loudness_lufs, token)
    cpu, loudness, wall = (
        _cpu_with_children() - cpu, _cpu_with_children() - spoken, time.perf_counter() - wall
    )  # fmt: skip
    print(
        f"piper as the service speaks (reading rules, word timings, loudness): "
        f"{speech.duration:.1f} s of speech in {cpu:.2f} CPU-s ({loudness:.2f} of them "
        f"loudness), {wall:.2f} s wall: {speech.duration / cpu:.1f} s of speech per CPU-second"
    )


def _cpu_with_children() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def a_deck(run: str) -> bytes:
    doc = pymupdf.open()
    for n in range(1, SLIDES + 1):
        text = " ".join(f"Run {run}, slide {n}, sentence {k}." for k in range(SENTENCES))
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 540, 400), text)
    data: bytes = doc.tobytes()
    return data


def start(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "slidespeaker.cli.main", "service", name],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def wait_for_voices(redis: Redis, keys: Keys, count: int) -> None:
    while True:
        if len([k async for k in redis.scan_iter(match=keys.presence_pattern("voice"))]) >= count:
            return
        await asyncio.sleep(0.1)


async def voiced_rate(redis_url: str, home: Path, keys: Keys, run: str) -> float:
    """Slides voiced per second, from the approval to the last slide voiced."""
    redis = Redis.from_url(redis_url)
    try:
        log = EventLog(redis, keys)
        options = ev.JobOptions(voice_provider="openai", voice="alloy", review=True,
                                width=320, height=180)  # fmt: skip
        storage = ObjectStore((home / "artifacts").resolve().as_uri())
        job_id = await submit_job(log, storage, deck=a_deck(run), filename="b.pdf", options=options)
        while True:
            if fold(await log.read(job_id)).status == JobStatus.awaiting_review:
                break
            await asyncio.sleep(0.05)
        await log.append(ev.ScriptApproved(job_id=job_id))
        events: list[ev.Event] = []
        last: str | None = None
        deadline = time.monotonic() + 5 * SLIDES  # ten times what one process needs
        while len([e for e in events if isinstance(e, ev.SlideVoiced)]) < SLIDES:
            assert time.monotonic() < deadline, f"voicing stalled: {events[-1]}"
            await asyncio.sleep(0.1)
            new = await log.read(job_id, after=last)  # only what is new: this process stays idle
            if new:
                last = new[-1][0]
                events += [e for _, e in new]
            failed = [e for e in events if isinstance(e, ev.JobFailed)]
            assert not failed, failed
        approved = next(e.ts for e in events if isinstance(e, ev.ScriptApproved))
        voiced = max(e.ts for e in events if isinstance(e, ev.SlideVoiced))
        return SLIDES / (voiced - approved).total_seconds()
    finally:
        await redis.aclose()


async def scaling() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="voice-bench-") as work,
        latency_bound_server(LATENCY_S) as server_url,
    ):
        home = Path(work)
        redis_handle = start_redis(home / "redis")
        try:
            await compare(redis_handle.url, home, server_url)
        finally:
            await Redis.from_url(redis_handle.url).shutdown(nosave=True)


async def compare(redis_url: str, home: Path, server_url: str) -> None:
    """The voicing rate with each number of voice processes, each on a fresh deck."""
    rates: dict[int, float] = {}
    for count in PROCESSES:
        keys = Keys(prefix=f"b{uuid.uuid4().hex[:8]}")
        env = {
            **os.environ, "SLIDESPEAKER_REDIS_URL": redis_url,
            "SLIDESPEAKER_HOME": str(home), "SLIDESPEAKER_KEY_PREFIX": keys.prefix,
            "SLIDESPEAKER_LOG_LEVEL": "WARNING", "SLIDESPEAKER_BLOCK_MS": "100",
            "OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": server_url,
        }  # fmt: skip
        names = SERVICES + ["voice"] * count
        procs = [start(name, env, home / f"{name}.log") for name in names]
        try:
            redis = Redis.from_url(redis_url)
            await wait_for_voices(redis, keys, count)
            await redis.aclose()
            rates[count] = await voiced_rate(redis_url, home, keys, uuid.uuid4().hex[:6])
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=20)
        speedup = rates[count] / rates[1]
        print(
            f"{count} voice process(es), {LATENCY_S} s per request, {SLIDES} slides x "
            f"{SENTENCES} sentences: {rates[count]:.2f} slides/s, {speedup:.2f}x one process"
        )
    target = "met" if rates[4] / rates[1] >= 3.5 else "MISSED"
    print(f"scaling at 4 processes: {rates[4] / rates[1]:.2f}x (target 3.5x: {target})")


if __name__ == "__main__":
    # Shared machines skew every figure: say how busy this one was.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    piper_speed()
    asyncio.run(scaling())
