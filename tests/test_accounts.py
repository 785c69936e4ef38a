"""Accounts on the real stack: users added with the real CLI, two API processes sharing one
Redis, each person seeing only their own jobs."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from .conftest import Stack, running_api
from .test_api import a_pdf, submit, wait_for_status

# A token's expiry is whole seconds (rounded down): at 2 s it could lapse after one, before
# the requests meant to pass with it had been answered on a loaded machine.
MEDIA_TOKEN_S = 5


def users_cli(stack: Stack, *args: str) -> str:
    """Run `slidespeaker users ...` against the stack's Redis; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", "users", *args],
        env=stack.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass
class Team:
    apis: tuple[httpx.Client, httpx.Client]  # two API processes sharing the stack's Redis
    keys: dict[str, str]  # every key handed out, old ones too
    log_dir: Path

    def as_user(self, name: str, api: int = 0) -> httpx.Client:
        client = self.apis[api]
        return httpx.Client(
            base_url=client.base_url, headers=bearer(self.keys[name]), timeout=client.timeout
        )


@pytest.fixture(scope="module")
def team(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    suffix = uuid.uuid4().hex[:6]  # the stack's users log is shared by the session's tests
    keys = {
        "alice": users_cli(stack, "add", f"alice-{suffix}"),
        "bob": users_cli(stack, "add", f"bob-{suffix}"),
        "admin": users_cli(stack, "add", f"admin-{suffix}", "--admin"),
    }
    log_dir = tmp_path_factory.mktemp("api-logs")
    with (
        running_api(stack, log=log_dir / "api-0.log", auth="users") as first,
        running_api(
            stack,
            log=log_dir / "api-1.log",
            auth="users",
            media_token_s=str(MEDIA_TOKEN_S),
            submissions_per_hour="1",
            submission_burst="2",
        ) as second,
    ):
        yield Team((first, second), keys, log_dir)


UNKNOWN = "0" * 32


def job_requests(job_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every endpoint about one job, with each method it answers."""
    base = f"/api/jobs/{job_id}"
    return [
        ("GET", base, {}),
        ("GET", base, {"params": {"at": "0-1"}}),
        ("GET", f"{base}/events", {}),
        ("GET", f"{base}/events/stream", {}),
        ("GET", f"{base}/artifacts/video.mp4", {}),
        ("GET", f"{base}/artifacts/subtitles.vtt", {}),
        ("GET", f"{base}/slides/1/image", {}),
        ("GET", f"{base}/script", {}),
        ("PUT", f"{base}/script", {"json": {"slides": []}}),
        ("POST", f"{base}/cancel", {}),
        ("POST", f"{base}/retry", {}),
        ("POST", f"{base}/rerun", {"json": {"rate": 1.5}}),
        ("POST", f"{base}/media-token", {}),
        ("DELETE", base, {}),
    ]


def test_the_matrix_covers_every_endpoint_about_a_job(team: Team) -> None:
    """A new route about a job must join the isolation matrix below."""
    schema = team.apis[0].get("/openapi.json").json()
    declared = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if "{job_id}" in path
        for method in operations
    }
    covered = {
        (
            method,
            re.sub(
                r"/slides/1/",
                "/slides/{number}/",
                re.sub(r"/artifacts/[^/]+$", "/artifacts/{name}", path),
            ),
        )
        for method, path, _ in job_requests("{job_id}")
    }
    assert declared == covered


def test_each_person_sees_only_their_own_jobs_and_admins_see_all(team: Team) -> None:
    alice, bob, admin = (team.as_user(n) for n in ("alice", "bob", "admin"))
    alices = submit(alice, a_pdf(1))
    bobs = submit(bob, a_pdf(1))
    assert wait_for_status(alice, alices)["status"] == "completed"
    assert alice.get(f"/api/jobs/{alices}").json()["owner"].startswith("alice-")

    for method, path, extra in job_requests(alices):
        foreign = bob.request(method, path, **extra)
        unknown = bob.request(method, path.replace(alices, UNKNOWN), **extra)
        assert foreign.status_code == 404, (method, path, foreign.text)
        assert (foreign.content, foreign.headers.get("content-type")) == (
            unknown.content, unknown.headers.get("content-type"),
        ), f"{method} {path}: someone else's job must look like no job at all"  # fmt: skip
    assert wait_for_status(alice, alices)["status"] == "completed", "Bob changed nothing"
    assert alice.get(f"/api/jobs/{alices}/artifacts/video.mp4").status_code == 200
    assert alice.get(f"/api/jobs/{alices}/events").status_code == 200

    def listed(client: httpx.Client, **params: str) -> set[str]:
        response = client.get("/api/jobs", params=params)
        assert response.status_code == 200, response.text
        return {job["job_id"] for job in response.json()["jobs"]}

    assert alices in listed(alice) and bobs not in listed(alice)
    assert bobs in listed(bob) and alices not in listed(bob)
    assert {alices, bobs} <= listed(admin)
    alice_name = alice.get("/api/me").json()["name"]
    assert listed(admin, owner=alice_name) == listed(alice)
    assert listed(bob, owner=alice_name) == set(), "the filter widens nothing for a non-admin"
    assert admin.get(f"/api/jobs/{alices}").status_code == 200

    assert bob.get("/api/metrics").status_code == 403
    assert admin.get("/api/metrics").status_code == 200
    anonymous = team.apis[0]
    assert anonymous.get("/api/health").status_code == 200
    assert anonymous.get("/api/jobs").status_code == 401
    assert anonymous.get(f"/api/jobs/{alices}").status_code == 401

    # Who asked is in the log: here an admin deletes Alice's job.
    assert admin.delete(f"/api/jobs/{alices}").status_code == 200
    deleted = [
        e for e in alice.get(f"/api/jobs/{alices}/events").json() if e["type"] == "job.deleted"
    ]
    assert deleted[0]["by"] == admin.get("/api/me").json()["name"]


def test_rotated_and_revoked_keys_fail_at_once_on_every_api_process(
    stack: Stack, team: Team
) -> None:
    name = f"carol-{uuid.uuid4().hex[:6]}"
    old = users_cli(stack, "add", name)
    for api in team.apis:
        assert api.get("/api/jobs", headers=bearer(old)).status_code == 200
    new = users_cli(stack, "rotate", name)
    team.keys.update(carol_old=old, carol=new)
    for api in team.apis:
        assert api.get("/api/jobs", headers=bearer(old)).status_code == 401
        assert api.get("/api/jobs", headers=bearer(new)).status_code == 200
    users_cli(stack, "revoke", name)
    for api in team.apis:
        assert api.get("/api/jobs", headers=bearer(new)).status_code == 401
    listed = users_cli(stack, "list")
    assert f"{name}\tuser\trevoked" in listed
    assert new not in listed and old not in listed


def test_a_media_token_opens_only_its_job_read_only_and_expires(team: Team) -> None:
    alice, bob = team.as_user("alice"), team.as_user("bob")
    alices, bobs = submit(alice, a_pdf(1)), submit(bob, a_pdf(1))
    wait_for_status(alice, alices)
    short_lived = team.apis[1]  # its media tokens last MEDIA_TOKEN_S
    token = short_lived.post(
        f"/api/jobs/{alices}/media-token", headers=bearer(team.keys["alice"])
    ).json()["token"]
    assert team.keys["alice"] not in token
    plain = team.apis[0]  # verified by the other process too: the secret is shared
    assert (
        plain.get(f"/api/jobs/{alices}/artifacts/video.mp4", params={"token": token}).status_code
        == 200
    )
    assert plain.get(f"/api/jobs/{alices}/events", params={"token": token}).status_code == 200
    assert plain.get(f"/api/jobs/{bobs}/events", params={"token": token}).status_code == 401
    assert plain.get("/api/jobs", params={"token": token}).status_code == 401
    assert plain.post(f"/api/jobs/{alices}/cancel", params={"token": token}).status_code == 401
    assert plain.delete(f"/api/jobs/{alices}", params={"token": token}).status_code == 401
    assert plain.get(f"/api/jobs/{alices}", params={"token": token + "x"}).status_code == 401
    time.sleep(MEDIA_TOKEN_S + 0.5)
    assert plain.get(f"/api/jobs/{alices}/events", params={"token": token}).status_code == 401
    logged = b"".join(log.read_bytes() for log in team.log_dir.glob("*.log"))
    assert b"token=" in logged, "the requests are in the access log"
    assert token.encode() not in logged, "without the token itself"


def add_user(stack: Stack, team: Team, name: str, *options: str) -> str:
    key = users_cli(stack, "add", f"{name}-{uuid.uuid4().hex[:6]}", *options)
    team.keys[name] = key
    return key


def post_deck(api: httpx.Client, key: str, data: bytes) -> httpx.Response:
    """A submission that stays unfinished (it waits for its script to be reviewed)."""
    return api.post(
        "/api/jobs", headers=bearer(key), files={"file": ("deck.pdf", data)},
        data={"review": "true", "width": 640, "height": 360},
    )  # fmt: skip


def cancel_all(api: httpx.Client, key: str, answers: list[httpx.Response]) -> None:
    for answer in answers:
        if answer.status_code == 201:
            api.post(f"/api/jobs/{answer.json()['job_id']}/cancel", headers=bearer(key))


def test_concurrent_submissions_on_two_processes_never_pass_the_active_jobs_limit(
    stack: Stack, team: Team
) -> None:
    most = 3
    key = add_user(stack, team, "fay", "--max-active-jobs", str(most))
    deck = a_pdf(1)
    with ThreadPoolExecutor(most + 1) as pool:  # N+1 at once, split over both processes
        answers = list(pool.map(lambda n: post_deck(team.apis[n % 2], key, deck), range(most + 1)))
    accepted = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    try:
        assert (len(accepted), len(refused)) == (most, 1), [a.text for a in answers]
        assert int(refused[0].headers["Retry-After"]) > 0
        assert refused[0].json()["limit"] == "max_active_jobs" and refused[0].json()["most"] == most
        first = accepted[0].json()["job_id"]
        team.apis[0].post(f"/api/jobs/{first}/cancel", headers=bearer(key))
        wait_for_status(team.as_user("fay"), first)
        again = post_deck(team.apis[0], key, deck)
        accepted.append(again)
        assert again.status_code == 201, "a job that ended frees its slot"
    finally:
        cancel_all(team.apis[0], key, accepted)


def test_the_submission_rate_and_deck_size_limits_refuse_with_the_limit_named(
    stack: Stack, team: Team
) -> None:
    key = add_user(stack, team, "gil")
    rated = team.apis[1]  # bursts of 2, then one an hour
    answers = [post_deck(rated, key, a_pdf(1)) for _ in range(3)]
    try:
        assert [a.status_code for a in answers] == [201, 201, 429]
        assert answers[2].json()["limit"] == "submissions_per_hour"
        assert 3000 < int(answers[2].headers["Retry-After"]) <= 3600
    finally:
        cancel_all(rated, key, answers)
    small = add_user(stack, team, "hal", "--max-deck-mb", "1")
    too_large = post_deck(team.apis[0], small, a_pdf(1) + b"\0" * 1_200_000)
    assert too_large.status_code == 413 and too_large.json()["limit"] == "max_deck_mb"
    fits = post_deck(team.apis[0], small, a_pdf(1))
    assert fits.status_code == 201
    cancel_all(team.apis[0], small, [fits])


def test_cost_estimates_have_a_rate_of_their_own(stack: Stack, team: Team) -> None:
    """A scripter reads the deck for each estimate: they are limited at the submissions'
    pace, from a bucket of their own, so asking costs no submission."""
    key = add_user(stack, team, "ivy")
    rated = team.apis[1]  # bursts of 2, then one an hour
    deck = {"file": ("d.pdf", a_pdf(1))}
    asked = [rated.post("/api/estimates", headers=bearer(key), files=deck) for _ in range(3)]
    assert [a.status_code for a in asked] == [200, 200, 429], [a.text for a in asked]
    assert asked[2].json()["limit"] == "estimates_per_hour"
    assert 3000 < int(asked[2].headers["Retry-After"]) <= 3600
    submitted = post_deck(rated, key, a_pdf(1))
    assert submitted.status_code == 201, "estimates took no submission"
    cancel_all(rated, key, [submitted])


def test_no_plaintext_key_in_redis_or_in_the_logs(stack: Stack, team: Team) -> None:
    keys = [key.encode() for key in team.keys.values()]
    assert keys
    client = redis.Redis.from_url(stack.url)
    for name in client.scan_iter(count=1000):
        assert not any(key in name for key in keys)
        values = _values(client, name)
        assert not any(key in value for value in values for key in keys), name
    logs = [*team.log_dir.glob("*.log"), *stack.log_dir.glob("*.log")]
    assert logs
    for log in logs:
        text = log.read_bytes()
        assert not any(key in text for key in keys), log


def _values(client: Any, name: bytes) -> list[bytes]:
    """Every byte string stored under the key, whatever its type."""
    kind = client.type(name)
    found: Any = {
        b"string": lambda: [client.get(name) or b""],
        b"hash": lambda: [b for pair in client.hgetall(name).items() for b in pair],
        b"list": lambda: client.lrange(name, 0, -1),
        b"set": lambda: client.smembers(name),
        b"zset": lambda: client.zrange(name, 0, -1),
        b"stream": lambda: [
            b for _, fields in client.xrange(name) for pair in fields.items() for b in pair
        ],
        b"none": list,  # gone since the scan (expired, or a set whose last member left)
    }[kind]()
    return list(found)


def test_proxy_sign_in_is_believed_only_from_a_trusted_address(stack: Stack) -> None:
    name = f"dora-{uuid.uuid4().hex[:6]}@example.org"
    headers = {"X-Forwarded-User": name, "X-Forwarded-Email": name}
    with running_api(stack, auth="proxy", trusted_proxies="127.0.0.1/32") as api:
        me = api.get("/api/me", headers=headers)
        assert me.status_code == 200 and me.json()["name"] == name
        # oauth2-proxy may pass the user's ID token along as a bearer: still the header's user.
        passed_on = api.get("/api/me", headers={**headers, "Authorization": "Bearer eyJ.id.token"})
        assert passed_on.status_code == 200 and passed_on.json()["name"] == name
        job_id = submit(httpx.Client(base_url=api.base_url, headers=headers), a_pdf(1))
        assert api.get(f"/api/jobs/{job_id}", headers=headers).json()["owner"] == name
        # The same headers from another address (still this machine: 127.0.0.2) count for
        # nothing: the request is as good as anonymous.
        elsewhere = httpx.Client(
            base_url=api.base_url, transport=httpx.HTTPTransport(local_address="127.0.0.2")
        )
        assert elsewhere.get("/api/me", headers=headers).status_code == 401
        assert elsewhere.get(f"/api/jobs/{job_id}", headers=headers).status_code == 401
        unsigned = api.get("/api/me")
        assert unsigned.status_code == 401, "no header: not signed in"
        # The web client then sends the person to the proxy's sign-in, not to a key form.
        assert unsigned.headers["SlideSpeaker-Auth"] == "proxy"


def test_up_refuses_to_listen_beyond_loopback_with_no_sign_in(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", "up", "--host", "0.0.0.0"],
        env={"PATH": "/usr/bin:/bin", "SLIDESPEAKER_HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Refusing to listen on 0.0.0.0 with no sign-in" in done.stderr
    assert not (tmp_path / "redis").exists(), "it refused before starting anything"
