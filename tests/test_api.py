"""The HTTP API as a real process in front of the real services."""

from __future__ import annotations

import asyncio
import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymupdf
import pytest
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.jobs import deck_key, new_job_id
from slidespeaker.common.keys import Keys
from slidespeaker.common.voice_samples import SampleReply, SampleRequest

from .conftest import Stack, running_api
from .jobs import home_store


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with running_api(stack, max_deck_mb="2") as client:
        yield client


def a_pdf(pages: int, words: str = "A slide worth saying something about.") -> bytes:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        doc.new_page().insert_text((72, 72), f"Slide {n}. {words}")
    data: bytes = doc.tobytes()
    return data


def wait_for_status(api: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        if state["status"] in ("completed", "failed", "cancelled"):
            return state
        assert time.monotonic() < deadline, f"job stuck in {state['status']}"
        time.sleep(0.1)


def submit(api: httpx.Client, data: bytes, name: str = "deck.pdf") -> str:
    response = api.post(
        "/api/jobs", files={"file": (name, data)}, data={"width": 640, "height": 360}
    )
    assert response.status_code == 201, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def test_submit_follow_and_read_back_a_job(api: httpx.Client) -> None:
    job_id = submit(api, a_pdf(2))
    state = wait_for_status(api, job_id)
    assert state["status"] == "completed" and state["slide_count"] == 2
    events = api.get(f"/api/jobs/{job_id}/events").json()
    assert events[0]["type"] == "job.submitted" and events[-1]["type"] == "job.completed"
    first = api.get(f"/api/jobs/{job_id}", params={"at": events[0]["id"]}).json()
    assert first["status"] == "queued" and first["slide_count"] is None
    assert api.post(f"/api/jobs/{job_id}/cancel").status_code == 409


def test_unknown_jobs_are_404_and_malformed_ids_422(api: httpx.Client) -> None:
    unknown = "0" * 32
    for method, path in (
        ("GET", ""),
        ("GET", "/events"),
        ("POST", "/cancel"),
        ("POST", "/retry"),
        ("DELETE", ""),
        ("GET", "/artifacts/video.mp4"),
    ):
        assert api.request(method, f"/api/jobs/{unknown}{path}").status_code == 404, path
    assert api.get("/api/jobs/..%2F..%2Fetc").status_code in (404, 422)
    assert api.get("/api/jobs/nope").status_code == 422


def test_cancelling_stops_the_job_and_the_next_one_runs(api: httpx.Client) -> None:
    long_text = "This sentence is here to keep the voice busy for a while. " * 12
    job_id = submit(api, a_pdf(12, long_text))
    # Generous: other tests' jobs may still be voicing on this stack, at CI's load.
    deadline = time.monotonic() + 120
    while not any(
        e["type"] == "slide.voiced" for e in api.get(f"/api/jobs/{job_id}/events").json()
    ):
        assert time.monotonic() < deadline, "voicing never started"
        time.sleep(0.05)
    assert api.post(f"/api/jobs/{job_id}/cancel").status_code == 202
    state = wait_for_status(api, job_id, timeout=30)
    assert state["status"] == "cancelled"

    def started_and_ended(events: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
        def tasks(*types: str) -> set[str]:
            return {e["task"]["action"] + str(e["task"]["slide"])
                    for e in events if e["type"] in types}  # fmt: skip

        return tasks("task.started"), tasks("task.completed", "stage.stopped", "stage.failed")

    # A service mid-sentence sees the stop flag only between sentences: a sentence can take
    # seconds of a loaded machine, so its report is waited for (a fixed 2 s once was not).
    deadline = time.monotonic() + 60
    while True:
        events = api.get(f"/api/jobs/{job_id}/events").json()
        started, ended = started_and_ended(events)
        if started <= ended or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert started <= ended, "every task that started either finished or recorded that it stopped"
    cancel_at = next(i for i, e in enumerate(events) if e["type"] == "job.cancel_requested")
    after = [e["type"] for e in events[cancel_at:]]
    assert "video.composed" not in after, "no video for a cancelled job"

    assert wait_for_status(api, submit(api, a_pdf(1)))["status"] == "completed"


def sse_events(
    api: httpx.Client, job_id: str, last_event_id: str | None = None
) -> list[dict[str, str]]:
    """Read the job's SSE stream to its end; each event's id, type and data."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    received: list[dict[str, str]] = []
    with api.stream("GET", f"/api/jobs/{job_id}/events/stream", headers=headers, timeout=120) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        current: dict[str, str] = {}
        for line in r.iter_lines():
            if not line:
                if current:
                    received.append(current)
                current = {}
            elif not line.startswith(":"):
                field, _, value = line.partition(": ")
                current[field] = value
    return received


def test_live_progress_over_sse_then_download_with_range(api: httpx.Client) -> None:
    job_id = submit(api, a_pdf(2))
    streamed = sse_events(api, job_id)
    assert streamed[0]["event"] == "job.submitted" and streamed[-1]["event"] == "job.completed"
    log = api.get(f"/api/jobs/{job_id}/events").json()
    assert [e["id"] for e in streamed] == [e["id"] for e in log], "SSE ids are the log's ids"
    assert json.loads(streamed[3]["data"]) == log[3]

    state = api.get(f"/api/jobs/{job_id}").json()
    video_url = state["artifacts"]["video.mp4"]
    whole = api.get(video_url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    part = api.get(video_url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert api.get(state["artifacts"]["subtitles.vtt"]).text.startswith("WEBVTT")
    assert api.get(state["slides"]["1"]["image_url"]).headers["content-type"] == "image/png"
    assert api.get(f"/api/jobs/{job_id}/artifacts/..%2F..%2Fdeck.pdf").status_code == 404
    assert api.get(f"/api/jobs/{job_id}/artifacts/deck.pdf").status_code == 404


def test_reconnecting_with_last_event_id_loses_and_repeats_nothing(api: httpx.Client) -> None:
    job_id = submit(api, a_pdf(1))
    wait_for_status(api, job_id)
    log = api.get(f"/api/jobs/{job_id}/events").json()
    middle = log[len(log) // 2]["id"]
    resumed = sse_events(api, job_id, last_event_id=middle)
    assert [e["id"] for e in resumed] == [e["id"] for e in log[len(log) // 2 + 1 :]]
    finished = api.get(
        f"/api/jobs/{job_id}/events/stream", headers={"Last-Event-ID": log[-1]["id"]}
    )
    assert finished.status_code == 204, "nothing more will come: the browser stops reconnecting"
    # An id Redis could not hold (above 2^64) is the caller's mistake, not the server's.
    beyond = api.get(f"/api/jobs/{job_id}/events", params={"after": f"{2**64}{2**64}-1"})
    assert beyond.status_code == 422


def test_listing_jobs_newest_first_filtered_by_status(api: httpx.Client) -> None:
    done = submit(api, a_pdf(1))
    wait_for_status(api, done)
    failed = submit(api, b"%PDF-1.4 not really a pdf")
    assert wait_for_status(api, failed)["status"] == "failed"
    # Other tests submit to this stack meanwhile: their jobs may sit between or above these.
    listing = api.get("/api/jobs", params={"limit": 200}).json()
    assert [j["job_id"] for j in listing["jobs"] if j["job_id"] in {done, failed}] == [failed, done]
    only_failed = api.get("/api/jobs", params={"status": "failed"}).json()
    assert failed in [j["job_id"] for j in only_failed["jobs"]]
    assert all(j["status"] == "failed" for j in only_failed["jobs"])
    assert only_failed["jobs"][0]["error"]


def test_retry_after_an_injected_failure_keeps_finished_work(
    api: httpx.Client, stack: Stack
) -> None:
    # The deck is missing from storage when the scripter looks: a failure that retrying
    # with backoff cannot mend, until the file is back.
    job_id, deck = asyncio.run(submit_missing_deck(stack, a_pdf(1)))
    state = wait_for_status(api, job_id)
    assert state["status"] == "failed" and "after 3 attempts" in state["error"]
    deck.parent.mkdir(parents=True, exist_ok=True)
    deck.write_bytes(a_pdf(1))
    assert api.post(f"/api/jobs/{job_id}/retry").status_code == 202
    assert wait_for_status(api, job_id)["status"] == "completed"
    assert api.post(f"/api/jobs/{job_id}/retry").status_code == 409, "a completed job stays so"
    types = [e["type"] for e in api.get(f"/api/jobs/{job_id}/events").json()]
    assert types.count("job.retry_requested") == 1 and types[-1] == "job.completed"


async def submit_missing_deck(stack: Stack, data: bytes) -> tuple[str, Path]:
    redis = Redis.from_url(stack.url)
    try:
        job_id = new_job_id()
        key = deck_key(job_id, "gone.pdf")
        await EventLog(redis, Keys(stack.prefix)).append(
            ev.JobSubmitted(
                job_id=job_id,
                filename="gone.pdf",
                deck_key=key,
                options=ev.JobOptions(width=320, height=180),
            )
        )
        return job_id, stack.home / "artifacts" / key
    finally:
        await redis.aclose()


def test_rerun_with_another_option_reuses_the_voiced_audio(api: httpx.Client) -> None:
    first = submit(api, a_pdf(2))
    before = wait_for_status(api, first)
    response = api.post(f"/api/jobs/{first}/rerun", json={"width": 480, "height": 270})
    assert response.status_code == 201
    second = response.json()["job_id"]
    after = wait_for_status(api, second)
    assert after["status"] == "completed" and after["options"]["width"] == 480
    for n in ("1", "2"):
        assert after["slides"][n]["audio_key"] == before["slides"][n]["audio_key"]
    assert api.post(f"/api/jobs/{first}/rerun", json={"colour": "red"}).status_code == 422


def test_delete_cancels_removes_files_and_keeps_the_log(api: httpx.Client, stack: Stack) -> None:
    job_id = submit(api, a_pdf(1))
    wait_for_status(api, job_id)
    assert api.delete(f"/api/jobs/{job_id}").status_code == 200
    assert not list(home_store(stack.home).list_below(storage_keys.job(job_id)))
    state = api.get(f"/api/jobs/{job_id}").json()
    assert state["deleted"] and state["artifacts"] == {}
    assert job_id not in [j["job_id"] for j in api.get("/api/jobs").json()["jobs"]]
    assert api.get(f"/api/jobs/{job_id}/events").json()[-1]["type"] == "job.deleted"


def zip_with(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_hostile_and_wrong_uploads_are_refused_clearly(api: httpx.Client) -> None:
    def upload(data: bytes, name: str = "deck.pptx") -> httpx.Response:
        return api.post("/api/jobs", files={"file": (name, data)})

    too_big = upload(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "big.pdf")
    assert too_big.status_code == 413
    not_a_deck = upload(b"<html>hello</html>", "deck.pdf")
    assert (
        not_a_deck.status_code == 415 and "not a PDF or PowerPoint" in not_a_deck.json()["detail"]
    )
    assert upload(b"").status_code == 400
    bomb = zip_with({"[Content_Types].xml": b"<Types/>", "ppt/zeros.bin": b"\0" * (2**31 + 1)})
    refused = upload(bomb)
    assert refused.status_code == 400 and "unpack" in refused.json()["detail"]
    escaping = upload(zip_with({"[Content_Types].xml": b"<Types/>", "../../evil.sh": b"x"}))
    assert escaping.status_code == 400 and "outside the package" in escaping.json()["detail"]
    pdf_named_pptx = upload(a_pdf(1), "really-a-pdf.pptx")
    assert pdf_named_pptx.status_code == 201, "the bytes decide the type, not the name"
    assert upload(a_pdf(1)).status_code == 201
    bad_option = api.post("/api/jobs", files={"file": ("d.pdf", a_pdf(1))}, data={"subtitles": "x"})
    assert bad_option.status_code == 422


def test_a_token_guards_everything_but_health(stack: Stack) -> None:
    with running_api(stack, api_token="s3cret") as client:
        assert client.get("/api/jobs").status_code == 401
        assert client.get("/api/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            client.get("/api/jobs", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        )
        assert client.get("/api/jobs", params={"token": "s3cret"}).status_code == 200
        assert client.get("/api/health").status_code == 200


def test_health_describes_the_running_stack(api: httpx.Client) -> None:
    health = api.get("/api/health").json()
    assert health["redis"] == "ok"
    assert health["services"]["voice"]["processes"] >= 1
    assert health["services"]["dispatcher"]["processes"] >= 1


def test_health_is_measured_once_for_many_callers_and_is_never_older_than_a_second(
    api: httpx.Client, stack: Stack
) -> None:
    def processes() -> int:
        health = api.get("/api/health").json()
        assert 0 <= health["age_s"] <= 1.1, "a shared measurement says how old it is"
        count: int = health["services"]["scripter"]["processes"]
        return count

    ages = [api.get("/api/health").json()["age_s"] for _ in range(20)]
    assert any(age > 0 for age in ages), "callers within a second share one measurement"
    before = processes()
    extra = stack.start("scripter")
    try:
        stack.wait_until_count("scripter", before + 1)
        time.sleep(1.1)
        assert processes() == before + 1, "a new process shows within a second"
    finally:
        extra.terminate()
        extra.wait(timeout=60)  # a task it took runs to its end first, slowly under load
    time.sleep(1.1)
    assert processes() == before, "a stopped process is gone within a second"


def test_review_edit_and_approve_the_script_before_voicing(api: httpx.Client) -> None:
    response = api.post(
        "/api/jobs", files={"file": ("d.pdf", a_pdf(2))},
        data={"review": "true", "width": 320, "height": 180},
    )  # fmt: skip
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + 60
    while api.get(f"/api/jobs/{job_id}").json()["status"] != "awaiting_review":
        assert time.monotonic() < deadline, "the job never waited for review"
        time.sleep(0.1)
    # The pictures (and where the text is on them) follow the narration.
    script = api.get(f"/api/jobs/{job_id}/script").json()
    while not all(line["blocks"] for line in script["slides"]):
        assert time.monotonic() < deadline, "the slides' text blocks never came"
        time.sleep(0.1)
        script = api.get(f"/api/jobs/{job_id}/script").json()
    assert [line["slide"] for line in script["slides"]] == [1, 2]
    assert api.put(f"/api/jobs/{job_id}/script", json={"slides": [{"slide": 9, "narration": "x"}]}
                   ).status_code == 422  # fmt: skip
    first = script["slides"][0]
    said = first["narration"].split(".")[0]
    for wrong, why in (({"sentence": said, "block": 99}, "no block 99"),
                       ({"sentence": "Words never said", "block": 0}, "does not say")):  # fmt: skip
        refused = api.put(f"/api/jobs/{job_id}/script", json={"slides": [
            {"slide": 1, "narration": first["narration"], "links": [wrong]}]})  # fmt: skip
        assert refused.status_code == 422 and why in refused.json()["detail"]
    edited = "A sentence the reviewer wrote instead."
    pointed = [{"sentence": said, "block": len(first["blocks"]) - 1}]
    approved = api.put(f"/api/jobs/{job_id}/script", json={"slides": [
        {"slide": 1, "narration": first["narration"], "links": pointed},
        {"slide": 2, "narration": edited},
    ]})  # fmt: skip
    assert approved.status_code == 200
    assert approved.json()["slides"][0]["links"] == pointed, "a person re-pointed slide 1"
    kept = {key: script["slides"][1][key] for key in ("title", "language", "language_source")}
    assert approved.json()["slides"][1] == {
        "slide": 2,
        "narration": edited,
        "source": "edited",
        "blocks": script["slides"][1]["blocks"],
        "links": [],  # its sentences are no longer said
        **kept,
    }, "the language stays"
    state = wait_for_status(api, job_id)
    assert state["status"] == "completed"
    assert edited in api.get(state["artifacts"]["transcript.md"]).text
    log = api.get(f"/api/jobs/{job_id}/events").json()
    approval = next(i for i, e in enumerate(log) if e["type"] == "script.approved")
    voiced = [i for i, e in enumerate(log) if e["type"] == "slide.voiced"]
    assert voiced and approval < min(voiced), "nothing was voiced before approval"
    assert api.put(f"/api/jobs/{job_id}/script", json={"slides": []}).status_code == 409


def test_the_event_streams_are_described_as_asyncapi(api: httpx.Client) -> None:
    doc = api.get("/asyncapi").json()
    assert doc["asyncapi"] == "3.0.0"
    messages, schemas = doc["components"]["messages"], doc["components"]["schemas"]
    assert set(ev.KNOWN_TYPES) <= set(messages)
    for name in ev.KNOWN_TYPES:
        model = messages[name]["payload"]["$ref"].rsplit("/", 1)[1]
        assert schemas[model]["properties"]["type"]["const"] == name
    assert "work.voice" in doc["channels"] and "jobLog" in doc["channels"]
    user_log = doc["channels"]["userLog"]
    assert set(user_log["messages"]) == {"user.created", "user.key_rotated", "user.revoked"}
    created = messages["user.created"]["payload"]["$ref"].rsplit("/", 1)[1]
    assert {"name", "key_hash", "admin", "max_deck_mb"} <= set(schemas[created]["properties"])
    assert user_log["address"] == "{prefix}:users:log"


def test_voices_are_those_the_running_voice_services_publish(api: httpx.Client) -> None:
    voices = api.get("/api/voices").json()["voices"]
    assert {"provider": "piper", "name": "en_US-joe-medium", "language": "en-US",
            "description": ""} in voices  # fmt: skip


async def test_a_voice_sample_that_takes_longer_than_redis_socket_timeout_still_arrives(
    stack: Stack,
) -> None:
    """The API waits up to 30 s for a voice service's sample; redis-py cuts a single blocking
    read after 5 s. Here the test is the voice service, and it answers after 6 s."""
    keys = Keys(f"vs{uuid.uuid4().hex[:6]}")
    redis = Redis.from_url(stack.url)
    voice = {"provider": "piper", "name": "slow", "language": "en-US", "description": ""}
    try:
        await redis.hset(keys.voices, "piper/slow", json.dumps(voice))
        await redis.set(keys.presence("voice", "voice-test-1-abc"), "1", ex=60)

        async def slow_voice_service() -> None:
            popped: Any = await redis.blpop([keys.voice_samples], timeout=4)
            while popped is None:
                popped = await redis.blpop([keys.voice_samples], timeout=4)
            request = SampleRequest.model_validate_json(popped[1])
            await asyncio.sleep(6)
            home_store(stack.home).put_bytes(request.key, b"RIFF-a-sample")
            await redis.rpush(request.reply, SampleReply().model_dump_json())

        with running_api(stack, key_prefix=keys.prefix) as client:
            answering = asyncio.create_task(slow_voice_service())
            sample = await asyncio.to_thread(
                client.get, "/api/voices/sample", params={"provider": "piper", "voice": "slow"},
                timeout=40,
            )  # fmt: skip
            await answering
    finally:
        await redis.aclose()
    assert sample.status_code == 200, sample.text
    assert sample.content == b"RIFF-a-sample"
