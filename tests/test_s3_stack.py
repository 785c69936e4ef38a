"""Stages that share nothing but Redis and a bucket: every service, and the API, runs with a
home (and scratch) of its own and `s3://` storage on a real S3 HTTP endpoint (moto's server).
The job goes through, the video downloads through the API with Range, every artifact is in
the bucket and no scratch keeps anything of it; a voice process on another "machine" (another
home) reuses the audio the first one voiced."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle, free_port
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import deck_key, new_job_id, submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore

from .conftest import PIPELINE, STARTUP_TIMEOUT_S, Stack, running_api
from .jobs import job_events
from .stores import S3_ENV, new_bucket, s3_access
from .test_api import a_pdf, submit, wait_for_status

WORDS = "Stages that share nothing but a bucket and a bus."
OUTAGE_S = 8  # the store's server stopped mid-job for as long
RETRY_BACKOFF_S = 3  # attempts at 0, ~5 and ~13 s: the third after the outage however it falls


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"s3-stack-{uuid.uuid4().hex[:8]}"
    new_bucket(s3_endpoint, name)
    return name


@pytest.fixture
def s3_stack(
    redis_server: RedisHandle, tmp_path: Path, s3_endpoint: str, bucket: str
) -> Iterator[Stack]:
    """The pipeline, each service in a home of its own below tmp_path/homes."""
    logs = tmp_path / "logs"
    logs.mkdir()
    stack = Stack(redis_server.url, tmp_path / "homes", f"s{uuid.uuid4().hex[:8]}", logs)
    stack.env.update(
        S3_ENV, SLIDESPEAKER_STORAGE_URL=f"s3://{bucket}/team", AWS_ENDPOINT_URL=s3_endpoint
    )
    for name in PIPELINE:
        stack.start(name, home=tmp_path / "homes" / name)
    try:
        stack.wait_alive(PIPELINE, timeout=STARTUP_TIMEOUT_S)
        yield stack
    finally:
        stack.stop()


def scratch_files(home: Path) -> list[Path]:
    """What the home's scratch folders hold besides their locks."""
    scratch = home / "scratch"
    files = scratch.rglob("*") if scratch.is_dir() else iter(())
    return [p for p in files if p.is_file() and p.name not in (".lock", ".claiming")]


def test_a_job_through_stages_sharing_only_redis_and_a_bucket(
    s3_stack: Stack, s3_endpoint: str, bucket: str
) -> None:
    homes = s3_stack.home
    store = ObjectStore(f"s3://{bucket}/team", s3_access(s3_endpoint))
    with running_api(s3_stack, home=str(homes / "api")) as api:
        job_id = submit(api, a_pdf(2, WORDS))
        state = wait_for_status(api, job_id, timeout=300)
        assert state["status"] == "completed", state.get("error")

        video_url = state["artifacts"]["video.mp4"]
        whole = api.get(video_url)
        assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
        assert whole.content == store.get_bytes(state["outputs"]["video_key"])
        part = api.get(video_url, headers={"Range": "bytes=100-1099"})
        assert part.status_code == 206 and part.content == whole.content[100:1100]
        assert part.headers["content-range"] == f"bytes 100-1099/{len(whole.content)}"
        tail = api.get(video_url, headers={"Range": "bytes=-10"})
        assert tail.status_code == 206 and tail.content == whole.content[-10:]
        past = api.get(video_url, headers={"Range": f"bytes={len(whole.content)}-"})
        assert past.status_code == 416
        image = api.get(state["slides"]["1"]["image_url"])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

        for key in artifact_keys(state):
            assert store.exists(key), f"{key} is in the bucket"
        for home in sorted(homes.iterdir()):
            assert scratch_files(home) == [], f"{home.name}'s scratch is empty after the job"
            assert not (home / "artifacts").exists(), f"{home.name} kept nothing outside scratch"

        # Another machine's voice process (another home): the audio is in the bucket.
        for first_voice in s3_stack.processes["voice"]:
            first_voice.terminate()
            first_voice.wait(timeout=30)
        s3_stack.start("voice", home=homes / "voice-elsewhere")
        s3_stack.wait_alive(["voice"], timeout=STARTUP_TIMEOUT_S)
        again = submit(api, a_pdf(2, WORDS))
        second = wait_for_status(api, again, timeout=300)
    assert second["status"] == "completed", second.get("error")
    assert [s["audio_key"] for s in second["slides"].values()] == [
        s["audio_key"] for s in state["slides"].values()
    ]
    elsewhere = (s3_stack.log_dir / "voice-1.log").read_text()
    assert elsewhere.count("voice.cached") == 2 and "voice.synthesized" not in elsewhere
    assert scratch_files(homes / "voice-elsewhere") == []


def artifact_keys(state: dict[str, object]) -> list[str]:
    """Every key the job's state names: the deck, each slide's picture and audio (and its
    timings), and the outputs."""
    keys = [str(state["deck_key"])]
    slides = state["slides"]
    assert isinstance(slides, dict)
    for slide in slides.values():
        keys += [slide[k] for k in ("image_key", "audio_key") if slide[k]]
    outputs = state["outputs"]
    assert isinstance(outputs, dict)
    keys += [key for key in outputs.values() if isinstance(key, str) and "/" in key]
    return keys


def test_a_missing_bucket_fails_the_job_at_once_naming_the_store(
    redis_server: RedisHandle, tmp_path: Path, s3_endpoint: str
) -> None:
    stack = Stack(redis_server.url, tmp_path, f"s{uuid.uuid4().hex[:8]}")
    stack.env.update(
        S3_ENV, SLIDESPEAKER_STORAGE_URL="s3://no-such-bucket/team", AWS_ENDPOINT_URL=s3_endpoint
    )
    services = ["dispatcher", "scripter"]
    for name in services:
        stack.start(name)
    try:
        stack.wait_alive(services, timeout=STARTUP_TIMEOUT_S)
        with running_api(stack) as api:
            refused = api.post("/api/jobs", files={"file": ("deck.pdf", a_pdf(1))})
            assert refused.status_code == 503, "known at submission: refused there"
            assert "s3://no-such-bucket/team has no bucket" in refused.json()["detail"]
            assert api.get("/api/jobs").json()["jobs"] == [], "nothing was submitted"

            job_id = asyncio.run(submit_without_the_api(stack))
            state = wait_for_status(api, job_id, timeout=120)
        assert state["status"] == "failed"
        assert "the store s3://no-such-bucket/team has no bucket" in state["error"]
        failures = asyncio.run(job_events(stack.url, stack.prefix, job_id))
        assert [e.type for e in failures].count("stage.failed") == 1, "not retried"
        assert all(stack.alive(name) for name in services), "the services stay up"
    finally:
        stack.stop()


async def submit_without_the_api(stack: Stack) -> str:
    """A job whose deck is said to be in the store (as another installation's API would)."""
    redis = Redis.from_url(stack.url)
    try:
        job_id = new_job_id()
        submitted = ev.JobSubmitted(
            job_id=job_id, filename="deck.pdf", deck_key=deck_key(job_id, "deck.pdf"),
            options=ev.JobOptions(width=320, height=180),
        )  # fmt: skip
        await EventLog(redis, Keys(stack.prefix)).append(submitted)
        return job_id
    finally:
        await redis.aclose()


def test_the_store_going_away_mid_job_delays_it_and_it_completes(
    redis_server: RedisHandle, tmp_path: Path
) -> None:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()  # the store's state lives on in this process while its server is down
    endpoint = f"http://127.0.0.1:{port}"
    new_bucket(endpoint, "outage")
    stack = Stack(redis_server.url, tmp_path, f"s{uuid.uuid4().hex[:8]}")
    stack.env.update(S3_ENV, SLIDESPEAKER_STORAGE_URL="s3://outage", AWS_ENDPOINT_URL=endpoint)
    # Retries spaced as they are by default, not the tests' 0.2 s: with a refused connection
    # the store client gives up in about 2 s, so three attempts 0.2 and 0.4 s apart all fell
    # inside the outage when the composer's fetch met it (CI saw it fail on slide 1).
    stack.env["SLIDESPEAKER_RETRY_BACKOFF_S"] = str(RETRY_BACKOFF_S)
    for name in PIPELINE:
        stack.start(name)
    try:
        stack.wait_alive(PIPELINE, timeout=STARTUP_TIMEOUT_S)
        store = ObjectStore("s3://outage", s3_access(endpoint))
        job_id, types = asyncio.run(submit_and_stop_the_store_once_voicing(stack, store, server))
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        state = asyncio.run(until_ended(stack, job_id, timeout=300))
        assert state.status == JobStatus.completed, state.error
        assert "job.completed" not in types, "the job was mid-way when the store went"
        assert all(stack.alive(name) for name in PIPELINE), "the services stayed up"
    finally:
        stack.stop()
        server.stop()


async def submit_and_stop_the_store_once_voicing(
    stack: Stack, store: ObjectStore, server: ThreadedMotoServer
) -> tuple[str, list[str]]:
    """Submit a deck, stop the store's server once its first slide is voiced, keep it down
    for OUTAGE_S; the job's event types until then."""
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        job_id = await submit_job(
            log, store, deck=a_pdf(3, WORDS), filename="deck.pdf",
            options=ev.JobOptions(width=320, height=180),
        )  # fmt: skip
        deadline = time.monotonic() + 240
        while "slide.voiced" not in (types := [e.type for _, e in await log.read(job_id)]):
            assert time.monotonic() < deadline, "no slide was voiced"
            await asyncio.sleep(0.05)
        server.stop()
        await asyncio.sleep(OUTAGE_S)
        return job_id, types
    finally:
        await redis.aclose()


async def until_ended(stack: Stack, job_id: str, timeout: float) -> JobState:
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        deadline = time.monotonic() + timeout
        while not (state := fold(await log.read(job_id))).status.terminal:
            assert time.monotonic() < deadline, f"the job did not end: {state.status}"
            await asyncio.sleep(0.2)
        return state
    finally:
        await redis.aclose()
