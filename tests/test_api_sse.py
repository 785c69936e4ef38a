"""Live progress over SSE, read the way a browser's EventSource reads it: many streams at once,
each to its end, then reconnecting with `Last-Event-ID` until the server answers 204. Every
stream must end with HTTP's terminating chunk (a browser reports a connection closed without
it as ERR_INCOMPLETE_CHUNKED_ENCODING), within a bounded time, also after a long idle spell,
and the streams together must carry every event of the log exactly once, including those
services record after a cancelled job's end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from .conftest import Stack, running_api
from .test_api import a_pdf

COMPLETED_JOBS, CANCELLED_JOBS = 6, 2
RECONNECTS = 5
IDLE_S = 16  # longer than the API's keep-alive period (15 s) and redis-py's socket timeout (5 s)


@pytest.fixture(scope="module")
def base_url(stack: Stack) -> Iterator[str]:
    with running_api(stack) as client:
        yield str(client.base_url)


async def read_stream(
    client: httpx.AsyncClient, job_id: str, after: str | None = None
) -> tuple[list[str], int] | None:
    """The ids of the events one stream carried, read to its end, and how many keep-alive
    comments came between them (None: 204, nothing more will come). httpx raises
    RemoteProtocolError if the connection closes before the terminating chunk."""
    headers = {"Last-Event-ID": after} if after else {}
    url = f"/api/jobs/{job_id}/events/stream"
    async with client.stream("GET", url, headers=headers, timeout=120) as response:
        if response.status_code == 204:
            return None
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    ids, keepalives = [], 0
    for message in body.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in message.splitlines() if ": " in line)
        keepalives += message.startswith(":")
        if "id" in fields:
            assert json.loads(fields["data"])["id"] == fields["id"]
            ids.append(fields["id"])
    return ids, keepalives


async def follow(
    client: httpx.AsyncClient, job_id: str, after: str | None = None
) -> tuple[list[str], int]:
    """Every id an EventSource would see (it reconnects after each stream's end, until 204),
    and the keep-alive comments it got."""
    seen: list[str] = []
    keepalives = 0
    for _ in range(RECONNECTS):
        stream = await asyncio.wait_for(read_stream(client, job_id, after), timeout=90)
        if stream is None:
            return seen, keepalives
        seen += stream[0]
        keepalives += stream[1]
        after = seen[-1] if seen else after
    raise AssertionError(f"still streaming after {RECONNECTS} reconnects: {seen[-3:]}")


async def log_ids(client: httpx.AsyncClient, job_id: str) -> list[str]:
    return [event["id"] for event in (await client.get(f"/api/jobs/{job_id}/events")).json()]


async def submit(client: httpx.AsyncClient, deck: bytes) -> str:
    submitted = await client.post(
        "/api/jobs", files={"file": ("d.pdf", deck)}, data={"width": 320, "height": 180}
    )
    assert submitted.status_code == 201, submitted.text
    job_id: str = submitted.json()["job_id"]
    return job_id


async def completed_job(client: httpx.AsyncClient, delay: float) -> None:
    job_id = await submit(client, a_pdf(1, "Short."))
    await asyncio.sleep(delay)  # streams opened before, during and after the job's work
    (first, _), (second, _) = await asyncio.gather(follow(client, job_id), follow(client, job_id))
    ids = await log_ids(client, job_id)
    assert first == ids and second == ids, "every event exactly once, in order"
    resumed, _ = await follow(client, job_id, after=ids[len(ids) // 2])
    assert resumed == ids[len(ids) // 2 + 1 :]


async def cancelled_job(client: httpx.AsyncClient) -> None:
    job_id = await submit(client, a_pdf(4, "A sentence to say, and another one after it. " * 6))
    following = asyncio.create_task(follow(client, job_id))
    for _ in range(600):  # until a slide is being voiced: cancelled mid-work
        tasks = (await client.get(f"/api/jobs/{job_id}")).json()["tasks"]
        if any(k.startswith("voice_slide") and t["status"] == "running" for k, t in tasks.items()):
            break
        await asyncio.sleep(0.1)
    assert (await client.post(f"/api/jobs/{job_id}/cancel")).status_code in (200, 202)
    seen, _ = await following
    await asyncio.sleep(1.5)  # what the services record after the job's end has come by now
    ids = await log_ids(client, job_id)
    assert seen == ids, "every event exactly once, those recorded after the job's end too"
    state = (await client.get(f"/api/jobs/{job_id}")).json()
    assert state["status"] == "cancelled"
    assert all(task["status"] != "running" for task in state["tasks"].values())


async def job_idle_in_review(client: httpx.AsyncClient) -> None:
    """A stream with nothing to say for longer than the keep-alive period (the job waits for
    its script's approval) stays open, sends keep-alive comments, then goes on."""
    submitted = await client.post(
        "/api/jobs", files={"file": ("d.pdf", a_pdf(1, "Review me."))},
        data={"width": 320, "height": 180, "review": "true"},
    )  # fmt: skip
    job_id = submitted.json()["job_id"]
    following = asyncio.create_task(follow(client, job_id))
    for _ in range(600):
        if (await client.get(f"/api/jobs/{job_id}")).json()["status"] == "awaiting_review":
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(IDLE_S)
    assert not following.done(), "the idle stream is still open"
    approved = await client.put(f"/api/jobs/{job_id}/script", json={"slides": []})
    assert approved.status_code == 200
    seen, keepalives = await following
    assert seen == await log_ids(client, job_id)
    assert keepalives >= 1


async def test_streams_end_with_the_terminating_chunk_and_carry_every_event_once(
    base_url: str,
) -> None:
    limits = httpx.Limits(max_connections=4 * (COMPLETED_JOBS + CANCELLED_JOBS + 1))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await asyncio.gather(
            *(completed_job(client, delay=0.3 * n) for n in range(COMPLETED_JOBS)),
            *(cancelled_job(client) for _ in range(CANCELLED_JOBS)),
            job_idle_in_review(client),
        )
