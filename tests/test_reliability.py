"""Damage done for real: a voice process SIGKILLed mid-slide, Redis restarted, SIGKILLed
(mid-voice, mid-encode) and paused for 30 s mid-job, messages and events delivered twice, a
message no one can read. Each test runs against a
stack of its own (its own redis-server), so the damage never reaches other tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeGuard

import psutil
import pymupdf
import pytest
import redis
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle, start_redis
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.messages import WorkMessage

from .conftest import Stack
from .jobs import home_store
from .media import probe

SERVICES = ["dispatcher", "scripter", "voice", "voice", "avatar", "composer"]
SMALL = ev.JobOptions(width=320, height=180)


class OwnStack(Stack):
    def __init__(self, handle: RedisHandle, home: Path, data: Path) -> None:
        super().__init__(handle.url, home, prefix="rel")
        self.handle, self.data = handle, data

    def restart_redis(self, down_s: float, *, kill: bool = False) -> None:
        """Shut Redis down, or SIGKILL it (no save, no goodbye to its clients), and start it
        again on its append-only file after `down_s`."""
        if kill:
            assert self.handle.pid is not None
            server = psutil.Process(self.handle.pid)
            server.kill()
            server.wait(timeout=10)
        else:
            redis.Redis.from_url(self.url).shutdown(nosave=False)
        time.sleep(down_s)
        port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        self.handle = start_redis(self.data, port=port)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnStack]:
    data = tmp_path_factory.mktemp("own-redis")
    stack = OwnStack(start_redis(data), tmp_path_factory.mktemp("own-home"), data)
    for name in SERVICES:
        stack.start(name)
    stack.wait_alive(sorted(set(SERVICES)), timeout=180)  # seven processes load at once
    stack.wait_until_count("voice", 2, timeout=180)
    yield stack
    stack.stop()
    redis.Redis.from_url(stack.url).shutdown(nosave=True)


# A slide that takes a while to voice; one whose narration (about twenty seconds) makes an
# encode long enough to catch.
LONG = "This slide has a few sentences, so that voicing it takes a while. " * 4
NARRATED = "Every sentence here adds a few seconds to the narration of this slide. " * 6


def long_deck(pages: int, text: str = LONG) -> bytes:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        doc.new_page().insert_textbox(pymupdf.Rect(40, 40, 560, 800), f"Slide {n}. {text}")
    data: bytes = doc.tobytes()
    return data


async def submit(stack: Stack, deck: bytes) -> tuple[str, EventLog, Redis]:
    client = Redis.from_url(stack.url)
    log = EventLog(client, Keys(stack.prefix))
    job_id = await submit_job(
        log, home_store(stack.home), deck=deck, filename="d.pdf", options=SMALL
    )
    return job_id, log, client


async def until(log: EventLog, job_id: str, done: object, timeout: float = 120) -> list[ev.Event]:
    """Poll the job's log until `done(events)` holds; returns the events."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            events = [e for _, e in await log.read(job_id)]
            if done(events):  # type: ignore[operator]
                return events
        except (redis.ConnectionError, ConnectionError, OSError):
            pass  # Redis is being restarted
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def ended(events: list[ev.Event]) -> bool:
    return fold(events).status.terminal


def cli(stack: Stack, *args: str) -> str:
    command = [sys.executable, "-m", "slidespeaker.cli.main", *args]
    run = subprocess.run(command, env=stack.env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def worker_pid(worker: str) -> int:
    return int(worker.split("-")[-2])  # consumer names end in -<pid>-<random>


async def test_a_voice_process_killed_mid_slide_has_its_slide_voiced_by_another(
    own: OwnStack,
) -> None:
    job_id, log, client = await submit(own, long_deck(4))
    try:
        events = await until(
            log, job_id,
            lambda es: any(isinstance(e, ev.TaskStarted) and e.task.stage == "voice" for e in es),
        )  # fmt: skip
        victim = next(
            e for e in events if isinstance(e, ev.TaskStarted) and e.task.stage == "voice"
        )
        os.kill(worker_pid(victim.worker), signal.SIGKILL)
        events = await until(log, job_id, ended, timeout=180)
    finally:
        await client.aclose()
    own.start("voice")  # the stack is back to two voices for the next test
    state = fold(events)
    assert state.status == JobStatus.completed, state.error
    retaken = [e for e in events if isinstance(e, ev.TaskStarted) and e.task == victim.task]
    assert len(retaken) >= 2 and retaken[-1].worker != victim.worker, "reclaimed by another"
    voiced = [e.slide for e in events if isinstance(e, ev.SlideComposed)]
    assert sorted(set(voiced)) == [1, 2, 3, 4]
    assert state.outputs is not None
    video = probe(own.home / "artifacts" / state.outputs.video_key)
    assert abs(video.video.duration - sum(s.duration or 0 for s in state.slides.values())) < 0.1


async def test_redis_restarted_mid_job_every_service_reconnects_and_the_job_completes(
    own: OwnStack,
) -> None:
    job_id, log, client = await submit(own, long_deck(3))
    try:
        await until(log, job_id, lambda es: any(isinstance(e, ev.SlideVoiced) for e in es))
        await asyncio.to_thread(own.restart_redis, 1.0)
        events = await until(log, job_id, ended, timeout=180)
    finally:
        await client.aclose()
    assert fold(events).status == JobStatus.completed, fold(events).error
    assert all(own.alive(name) for name in set(SERVICES)), "no service died of it"


@pytest.mark.parametrize("moment", [ev.Action.voice_slide, ev.Action.compose_video])
async def test_redis_killed_mid_job_the_job_completes_with_every_slide_once(
    own: OwnStack, moment: ev.Action
) -> None:
    deck = long_deck(3, NARRATED if moment == ev.Action.compose_video else LONG)
    job_id, log, client = await submit(own, deck)
    try:
        await until(
            log, job_id,
            lambda es: any(isinstance(e, ev.TaskStarted) and e.task.action == moment for e in es),
        )  # fmt: skip
        await asyncio.to_thread(own.restart_redis, 1.0, kill=True)
        events = await until(log, job_id, ended, timeout=180)
    finally:
        await client.aclose()
    state = fold(events)
    assert state.status == JobStatus.completed, state.error
    assert all(own.alive(name) for name in set(SERVICES)), "no service died of it"
    assert state.outputs is not None
    video = probe(own.home / "artifacts" / state.outputs.video_key)
    spoken = sum(s.duration or 0 for s in state.slides.values())
    assert sorted(state.slides) == [1, 2, 3] and all(s.duration for s in state.slides.values())
    assert abs(video.video.duration - spoken) < 0.1, "each slide once in the video"
    assert abs(video.audio.duration - spoken) < 0.2


@pytest.mark.parametrize("away", ["paused", "stopped"])
async def test_redis_away_for_30_s_the_job_completes_and_the_logs_stay_calm(
    own: OwnStack, away: str
) -> None:
    """Paused (SIGSTOP: connections hang) or stopped (connections refused) for 30 s."""
    job_id, log, client = await submit(own, long_deck(2))
    logs_before = {path: path.stat().st_size for path in own.home.glob("*.log")}
    try:
        await until(log, job_id, lambda es: any(isinstance(e, ev.SlideRendered) for e in es))
        if away == "stopped":
            await asyncio.to_thread(own.restart_redis, 30.0)
        else:
            await asyncio.to_thread(paused, own.handle, 30.0)
        events = await until(log, job_id, ended, timeout=180)
    finally:
        await client.aclose()
    assert fold(events).status == JobStatus.completed, fold(events).error
    assert all(own.alive(name) for name in set(SERVICES)), "no service died of it"
    for path, size in logs_before.items():
        with path.open("rb") as written:
            written.seek(size)
            new_lines = written.read().decode(errors="replace").splitlines()
        complaints = [line for line in new_lines if "rror" in line or "arning" in line]
        # Backing off from 0.2 s to 5 s (jittered) is about 14 attempts in 30 s.
        assert len(complaints) <= 30, f"{path.name}: {len(complaints)} lines of complaint"


def paused(handle: RedisHandle, seconds: float) -> None:
    assert handle.pid is not None
    os.kill(handle.pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.kill(handle.pid, signal.SIGCONT)


async def test_a_message_delivered_twice_and_an_event_appended_twice_change_nothing(
    own: OwnStack,
) -> None:
    job_id, log, client = await submit(own, long_deck(1))
    try:
        events = await until(log, job_id, ended)
        before = fold(events)
        voiced = next(e for e in events if isinstance(e, ev.SlideVoiced))
        again = WorkMessage(job_id=job_id, task=ev.TaskRef(action=ev.Action.voice_slide, slide=1))
        await client.xadd(Keys(own.prefix).work(ev.Stage.voice), again.to_fields())  # type: ignore[arg-type]
        await log.append(voiced)  # the very same event, a second time
        await asyncio.sleep(2)  # time for a voice service to take the duplicate (and skip it)
        after_events = [e for _, e in await log.read(job_id)]
    finally:
        await client.aclose()
    assert len(after_events) == len(events) + 1, "the duplicate task produced no new event"
    after = fold(after_events)
    ignore = {"event_count", "last_event_id", "updated_at"}
    assert after.model_dump(exclude=ignore) == before.model_dump(exclude=ignore)


async def poison_letter(client: Redis, keys: Keys) -> str | None:
    """The id of the dead letter holding the unreadable task, once there is one."""
    letters: Any = await client.xrange(keys.dead_letters)
    return next((id_.decode() for id_, fields in letters if fields[b"task"] == b"{not json"), None)


async def test_a_message_no_one_can_read_is_dead_lettered_and_the_services_keep_going(
    own: OwnStack,
) -> None:
    client = Redis.from_url(own.url)
    keys = Keys(own.prefix)
    try:
        poison = {"job_id": "0" * 32, "task": "{not json", "attempt": "1"}
        await client.xadd(keys.work(ev.Stage.voice), poison)  # type: ignore[arg-type]
        # Other tests' messages may be dead-lettered too, so the poison is looked for among
        # the letters rather than taken to be the last.
        deadline = time.monotonic() + 60
        while not (letter_id := await poison_letter(client, keys)):
            assert time.monotonic() < deadline, "never dead-lettered"
            await asyncio.sleep(0.2)
        listed = await asyncio.to_thread(cli, own, "dead-letters", "--json")
        assert letter_id in [json.loads(line)["id"] for line in listed.splitlines()]
        await asyncio.to_thread(cli, own, "dead-letters", "--requeue", letter_id)
        remaining: Any = await client.xrange(keys.dead_letters)
        assert letter_id not in [entry[0].decode() for entry in remaining]
    finally:
        await client.aclose()
    assert all(own.alive(name) for name in set(SERVICES))
    job_id, log, client = await submit(own, long_deck(1))
    try:
        assert fold(await until(log, job_id, ended)).status == JobStatus.completed
    finally:
        await client.aclose()


async def test_fifty_jobs_at_once_all_complete_none_lost_none_stuck(own: OwnStack) -> None:
    doc = pymupdf.open()
    doc.new_page(width=320, height=180).insert_text((20, 40), "One short slide.")
    deck: bytes = doc.tobytes()
    client = Redis.from_url(own.url)
    log = EventLog(client, Keys(own.prefix))
    storage = home_store(own.home)
    tiny = ev.JobOptions(width=160, height=90)
    try:
        jobs = [
            await submit_job(log, storage, deck=deck, filename=f"{n}.pdf", options=tiny)
            for n in range(50)
        ]
        deadline = time.monotonic() + 240
        pending = set(jobs)
        while pending:
            assert time.monotonic() < deadline, f"{len(pending)} jobs never ended"
            for job_id in list(pending):
                state = fold(await log.read(job_id))
                if state.status.terminal:
                    assert state.status == JobStatus.completed, state.error
                    pending.discard(job_id)
            await asyncio.sleep(0.5)
    finally:
        await client.aclose()


async def test_a_cancelled_job_leaves_no_work_and_no_child_process_behind(own: OwnStack) -> None:
    job_id, log, client = await submit(own, long_deck(6))
    try:
        await until(log, job_id, lambda es: any(isinstance(e, ev.SlideVoiced) for e in es))
        await log.append(ev.JobCancelRequested(job_id=job_id))
        events = await until(log, job_id, ended, timeout=30)
        assert fold(events).status == JobStatus.cancelled
        await asyncio.sleep(1.5)  # any service mid-task sees the stop flag within a second
        events = [e for _, e in await log.read(job_id)]
    finally:
        await client.aclose()
    started = {e.task.key for e in events if isinstance(e, ev.TaskStarted)}
    finished = {
        e.task.key
        for e in events
        if isinstance(e, ev.TaskCompleted | ev.StageStopped | ev.StageFailed)
    }
    assert started <= finished, "every task that started finished or recorded that it stopped"
    assert not any(isinstance(e, ev.VideoComposed) for e in events)
    children = [
        child.name()
        for procs in own.processes.values()
        for proc in procs
        if proc.poll() is None
        for child in psutil.Process(proc.pid).children(recursive=True)
    ]
    assert children == [], f"child processes left running: {children}"


def encoding_ffmpeg(pid: int) -> psutil.Process | None:
    """The ffmpeg child of process `pid` that encodes a job's video, if one runs."""
    with contextlib.suppress(psutil.NoSuchProcess):
        for child in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if "ffmpeg" in child.name() and any("ffconcat" in a for a in child.cmdline()):
                    return child
    return None


async def mid_encode(log: EventLog, job_id: str) -> tuple[ev.TaskStarted, psutil.Process]:
    """Once the video's encode has begun: the task's start and its running ffmpeg."""
    events = await until(log, job_id, lambda es: any(is_encode_start(e) for e in es), 180)
    started = next(e for e in events if is_encode_start(e))
    deadline = time.monotonic() + 30
    while (ffmpeg := encoding_ffmpeg(worker_pid(started.worker))) is None:
        assert time.monotonic() < deadline, "the encode never started"
        await asyncio.sleep(0.01)
    return started, ffmpeg


def gone_within(process: psutil.Process, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.01)
    return False


def is_encode_start(event: ev.Event) -> TypeGuard[ev.TaskStarted]:
    return isinstance(event, ev.TaskStarted) and event.task.action == ev.Action.compose_video


async def test_a_composer_killed_mid_encode_has_the_video_made_by_another(own: OwnStack) -> None:
    own.start("composer")  # one of the two is killed: the other one stays for later tests
    own.wait_until_count("composer", 2)
    job_id, log, client = await submit(own, long_deck(3, NARRATED))
    try:
        victim, ffmpeg = await mid_encode(log, job_id)
        os.kill(worker_pid(victim.worker), signal.SIGKILL)
        # Its ffmpeg runs in a session of its own, yet dies with it: nothing works for nobody.
        assert gone_within(ffmpeg, seconds=1.0), "the killed composer's ffmpeg still runs"
        events = await until(log, job_id, ended, timeout=180)
    finally:
        await client.aclose()
    state = fold(events)
    assert state.status == JobStatus.completed, state.error
    retaken = [e for e in events if is_encode_start(e)]
    assert len(retaken) >= 2 and retaken[-1].worker != victim.worker, "reclaimed by another"
    assert sum(isinstance(e, ev.VideoComposed) for e in events) == 1
    assert state.outputs is not None
    video = probe(own.home / "artifacts" / state.outputs.video_key)
    spoken = sum(s.duration or 0 for s in state.slides.values())
    assert spoken > 30, "a long enough encode"
    assert abs(video.video.duration - spoken) < 0.1, "each slide once in the video"
    assert abs(video.audio.duration - spoken) < 0.2


async def test_a_job_cancelled_mid_encode_stops_its_ffmpeg_and_leaves_no_video(
    own: OwnStack,
) -> None:
    job_id, log, client = await submit(own, long_deck(3, NARRATED))
    try:
        started, ffmpeg = await mid_encode(log, job_id)
        await log.append(ev.JobCancelRequested(job_id=job_id))
        events = await until(
            log, job_id,
            lambda es: any(isinstance(e, ev.StageStopped) and e.task == started.task for e in es),
            timeout=30,
        )  # fmt: skip
    finally:
        await client.aclose()
    assert fold(events).status == JobStatus.cancelled
    assert not psutil.pid_exists(ffmpeg.pid) or ffmpeg.status() == psutil.STATUS_ZOMBIE
    assert encoding_ffmpeg(worker_pid(started.worker)) is None, "no ffmpeg left running"
    assert not any(isinstance(e, ev.VideoComposed) for e in events)
    output = own.home / "artifacts" / "jobs" / job_id / "output"
    assert not output.exists() or list(output.iterdir()) == [], "no partial video left"
