"""Jobs archived out of Redis by `slidespeaker archive`, read through the API and the CLI in
front of the real services: every reader answers as before, field by field, and a failed
archived job is retried to completion."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import httpx
from redis.asyncio import Redis

from .conftest import Stack, running_api
from .test_api import a_pdf, sse_events, submit, submit_missing_deck, wait_for_status

CLI = [sys.executable, "-m", "slidespeaker.cli.main"]


def cli(stack: Stack, *args: str) -> str:
    done = subprocess.run([*CLI, *args], env=stack.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def everything_read(api: httpx.Client, stack: Stack, job_id: str) -> dict[str, Any]:
    """What every reader says of the job: the API's state, log, state at an event and SSE,
    the CLI's state, state at an event and log."""
    log = api.get(f"/api/jobs/{job_id}/events").json()
    middle = log[len(log) // 2]["id"]
    return {
        "state": api.get(f"/api/jobs/{job_id}").json(),
        "events": log,
        "after": api.get(f"/api/jobs/{job_id}/events", params={"after": middle}).json(),
        "at": api.get(f"/api/jobs/{job_id}", params={"at": middle}).json(),
        "sse": sse_events(api, job_id),
        "sse_resumed": sse_events(api, job_id, last_event_id=middle),
        "cli_status": json.loads(cli(stack, "status", job_id, "--json")),
        "cli_at": json.loads(cli(stack, "status", job_id, "--json", "--at", middle)),
        "cli_events": cli(stack, "events", job_id, "--json"),
    }


async def redis_keys_of(stack: Stack, job_id: str) -> list[Any]:
    redis = Redis.from_url(stack.url)
    try:
        return [key async for key in redis.scan_iter(match=f"*{job_id}*")]
    finally:
        await redis.aclose()


def test_archived_jobs_read_the_same_everywhere_and_a_failed_one_retries(stack: Stack) -> None:
    with running_api(stack) as api:
        done = submit(api, a_pdf(1))
        assert wait_for_status(api, done)["status"] == "completed"
        failed, deck = asyncio.run(submit_missing_deck(stack, a_pdf(1)))
        assert wait_for_status(api, failed)["status"] == "failed"
        before = {job: everything_read(api, stack, job) for job in (done, failed)}

        archived = cli(stack, "archive", "--older-than", "0").split()

        assert done in archived and failed in archived
        for job_id in (done, failed):
            assert asyncio.run(redis_keys_of(stack, job_id)) == [], "Redis keeps nothing of it"
            after = everything_read(api, stack, job_id)
            for reader, said in before[job_id].items():
                assert after[reader] == said, f"{reader} of {job_id} changed once archived"
        listed = [j["job_id"] for j in api.get("/api/jobs", params={"limit": 200}).json()["jobs"]]
        assert done in listed and failed in listed

        deck.parent.mkdir(parents=True, exist_ok=True)
        deck.write_bytes(a_pdf(1))
        assert api.post(f"/api/jobs/{failed}/retry").status_code == 202
        assert wait_for_status(api, failed)["status"] == "completed"
        log = api.get(f"/api/jobs/{failed}/events").json()
        assert log[: len(before[failed]["events"])] == before[failed]["events"]
        assert log[-1]["type"] == "job.completed"
        rerun = api.post(f"/api/jobs/{done}/rerun", json={"width": 480, "height": 270})
        assert rerun.status_code == 201, rerun.text
        assert wait_for_status(api, rerun.json()["job_id"])["status"] == "completed"
