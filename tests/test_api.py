"""The HTTP API as a real process in front of the real services."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pymupdf
import pytest

from slidespeaker.cli.redis_server import free_port

from .conftest import Stack, api_client


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    port = free_port()
    env = {**stack.env, "SLIDESPEAKER_API_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "slidespeaker.cli.main", "service", "api"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = api_client(port, proc)
    yield client
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


def a_pdf(pages: int, words: str = "A slide worth saying something about.") -> bytes:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        doc.new_page().insert_text((72, 72), f"Slide {n}. {words}")
    data: bytes = doc.tobytes()
    return data


def wait_for_status(api: httpx.Client, job_id: str, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, object] = api.get(f"/api/jobs/{job_id}").json()
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


def test_unknown_jobs_are_404(api: httpx.Client) -> None:
    assert api.get("/api/jobs/nope").status_code == 404
    assert api.get("/api/jobs/nope/events").status_code == 404
    assert api.post("/api/jobs/nope/cancel").status_code == 404


def test_cancelling_stops_the_job_and_the_next_one_runs(api: httpx.Client) -> None:
    long_text = "This sentence is here to keep the voice busy for a while. " * 12
    job_id = submit(api, a_pdf(12, long_text))
    deadline = time.monotonic() + 60
    while not any(
        e["type"] == "slide.voiced" for e in api.get(f"/api/jobs/{job_id}/events").json()
    ):
        assert time.monotonic() < deadline, "voicing never started"
        time.sleep(0.05)
    assert api.post(f"/api/jobs/{job_id}/cancel").status_code == 202
    state = wait_for_status(api, job_id, timeout=10)
    assert state["status"] == "cancelled"

    time.sleep(2)  # let any service that was mid-task see the stop flag and report
    events = api.get(f"/api/jobs/{job_id}/events").json()
    cancel_at = next(i for i, e in enumerate(events) if e["type"] == "job.cancel_requested")
    after = [e["type"] for e in events[cancel_at:]]
    assert "video.composed" not in after, "no video for a cancelled job"
    started = {
        e["task"]["action"] + str(e["task"]["slide"]) for e in events if e["type"] == "task.started"
    }
    ended = {
        e["task"]["action"] + str(e["task"]["slide"])
        for e in events
        if e["type"] in ("task.completed", "stage.stopped", "stage.failed")
    }
    assert started <= ended, "every task that started either finished or recorded that it stopped"

    assert wait_for_status(api, submit(api, a_pdf(1)))["status"] == "completed"
