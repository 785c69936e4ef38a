"""`/api/metrics` reports real values: queued voice work shows as lag or pending while no
voice process takes it, and goes back to zero once one does; finished jobs and stage runs
are counted."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from .conftest import Stack, running_api
from .test_api import a_pdf, submit, wait_for_status

Metrics = dict[str, float]
VOICE_QUEUED = (
    'slidespeaker_queue_lag{service="voice"}',
    'slidespeaker_queue_pending{service="voice"}',
)
COMPLETED = 'slidespeaker_jobs{status="completed"}'
VOICE_RUNS = 'slidespeaker_stage_seconds_count{stage="voice"}'


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with running_api(stack) as client:
        yield client


def metrics(api: httpx.Client) -> Metrics:
    """The Prometheus text as {sample name with labels: value}."""
    samples = (line.rsplit(" ", 1) for line in api.get("/api/metrics").text.splitlines())
    return {name: float(value) for name, value in samples if not name.startswith("#")}


def wait_for_metrics(
    api: httpx.Client, holds: Callable[[Metrics], bool], timeout: float = 60
) -> Metrics:
    deadline = time.monotonic() + timeout
    while not holds(current := metrics(api)):
        assert time.monotonic() < deadline, f"metrics never held: {current}"
        time.sleep(0.3)  # measured at most once a second
    return current


def voice_queued(values: Metrics) -> float:
    return sum(values.get(name, 0) for name in VOICE_QUEUED)


@contextmanager
def voice_paused(stack: Stack) -> Iterator[None]:
    """Every voice process stopped (SIGSTOP): queued voice work waits, visibly."""
    voices = [proc for proc in stack.processes["voice"] if proc.poll() is None]
    for proc in voices:
        os.kill(proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for proc in voices:
            os.kill(proc.pid, signal.SIGCONT)


def no_voice_work(values: Metrics) -> bool:
    return voice_queued(values) == 0


def completed_jobs(api: httpx.Client) -> set[str]:
    completed: set[str] = set()
    while True:
        params: dict[str, str | int] = {
            "status": "completed",
            "limit": 200,
            "offset": len(completed),
        }
        page = api.get("/api/jobs", params=params).json()
        completed |= {job["job_id"] for job in page["jobs"]}
        if len(completed) >= page["total"] or not page["jobs"]:
            return completed


def metrics_with_completed(
    api: httpx.Client, holds: Callable[[Metrics], bool]
) -> tuple[Metrics, set[str]]:
    """Metrics that hold, with the jobs completed when they were read: the listing is the same
    before and after the read (jobs of earlier tests on this shared stack may complete at any
    moment, so a count taken beside the metrics would race them)."""
    while True:
        completed = completed_jobs(api)
        values = wait_for_metrics(api, holds)
        if completed_jobs(api) == completed:
            return values, completed


def test_metrics_move_with_queued_work_and_count_what_finished(
    api: httpx.Client, stack: Stack
) -> None:
    before, completed_before = metrics_with_completed(api, no_voice_work)
    with voice_paused(stack):
        job_id = submit(api, a_pdf(3))
        # Three voice tasks wait: one may already be handed to the stopped process (pending),
        # the others are not read yet (lag).
        wait_for_metrics(api, lambda values: voice_queued(values) == 3)
    assert wait_for_status(api, job_id)["status"] == "completed"

    after, completed_after = metrics_with_completed(api, no_voice_work)
    finished_meanwhile = completed_after - completed_before
    assert job_id in finished_meanwhile
    assert after[COMPLETED] == before.get(COMPLETED, 0) + len(finished_meanwhile)
    assert after[VOICE_RUNS] >= before.get(VOICE_RUNS, 0) + 3
    assert after['slidespeaker_processes{service="voice"}'] >= 1
