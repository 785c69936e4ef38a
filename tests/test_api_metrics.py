"""`/api/metrics` reports real values: queued voice work shows as lag or pending while no
voice process takes it, and goes back to zero once one does; finished jobs and stage runs
are counted. The test runs a stack of its own: on the shared one, other tests' jobs move the
same counters at any moment."""

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
def api(own_stack: Stack) -> Iterator[httpx.Client]:
    with running_api(own_stack) as client:
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


def test_metrics_move_with_queued_work_and_count_what_finished(
    api: httpx.Client, own_stack: Stack
) -> None:
    before = wait_for_metrics(api, lambda values: voice_queued(values) == 0)
    assert before.get(COMPLETED, 0) == 0 and before.get(VOICE_RUNS, 0) == 0
    with voice_paused(own_stack):
        job_id = submit(api, a_pdf(3))
        # Three voice tasks wait: one may already be handed to the stopped process (pending),
        # the others are not read yet (lag).
        wait_for_metrics(api, lambda values: voice_queued(values) == 3)
    assert wait_for_status(api, job_id)["status"] == "completed"

    # Metrics are measured at most once a second: the count may trail the job's status.
    after = wait_for_metrics(api, lambda values: values.get(COMPLETED) == 1)
    assert voice_queued(after) == 0
    assert after[VOICE_RUNS] >= 3
    assert after['slidespeaker_processes{service="voice"}'] == 1
