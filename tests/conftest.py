"""Fixtures shared by every test: a real redis-server, and the real services as processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import redis
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle, free_port, start_redis
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore
from tests.stores import s3_server

REPO = Path(__file__).resolve().parents[1]
REALWORLD = Path(os.environ.get("SLIDESPEAKER_DECKS", REPO.parent / "shared/decks/realworld"))

# Short bus timings so reclaiming and retries happen within seconds in tests.
FAST_TIMINGS = {
    "SLIDESPEAKER_CLAIM_TIMEOUT_S": "3",
    "SLIDESPEAKER_HEARTBEAT_S": "0.5",
    "SLIDESPEAKER_RECLAIM_INTERVAL_S": "0.5",
    "SLIDESPEAKER_BLOCK_MS": "200",
    "SLIDESPEAKER_RETRY_BACKOFF_S": "0.2",
    "SLIDESPEAKER_CANCEL_POLL_S": "0.1",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 HTTP endpoint on localhost (moto's server), shared by the session."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def file_store(tmp_path: Path) -> ObjectStore:
    """A file:// store in the test's own folder."""
    return ObjectStore((tmp_path / "store").resolve().as_uri())


@pytest.fixture(scope="session")
def realworld() -> Path:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world decks are not at {REALWORLD}")
    return REALWORLD


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisHandle]:
    handle = start_redis(tmp_path_factory.mktemp("redis"))
    yield handle
    redis.Redis.from_url(handle.url).shutdown(nosave=True)


@pytest.fixture
def keys() -> Keys:
    """A key prefix of the test's own, so tests sharing one Redis never see each other."""
    return Keys(prefix=f"t{uuid.uuid4().hex[:8]}")


@pytest_asyncio.fixture
async def aredis(redis_server: RedisHandle) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def event_log(aredis: Redis, keys: Keys) -> EventLog:
    return EventLog(aredis, keys)


# Loading Piper takes the voice service about 15 s on a quiet machine, over 60 s on a busy one.
STARTUP_TIMEOUT_S = 180


class Stack:
    """The real services, each a process, sharing one Redis and one state directory."""

    def __init__(self, url: str, home: Path, prefix: str, log_dir: Path | None = None) -> None:
        self.url = url
        self.home = home
        self.log_dir = log_dir or home  # each service's output, as `<name>-<n>.log`
        self.prefix = prefix
        self.env = {
            **os.environ,
            **FAST_TIMINGS,
            "SLIDESPEAKER_REDIS_URL": url,
            "SLIDESPEAKER_HOME": str(home),
            "SLIDESPEAKER_KEY_PREFIX": prefix,
            "SLIDESPEAKER_PARENT_PID": str(os.getpid()),
        }
        self.processes: dict[str, list[subprocess.Popen[bytes]]] = {}

    def start(self, name: str, home: Path | None = None) -> subprocess.Popen[bytes]:
        """Start a process of the service; `home`: a SLIDESPEAKER_HOME of its own."""
        log = open(self.log_dir / f"{name}-{len(self.processes.get(name, []))}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "slidespeaker.cli.main", "service", name],
            env={**self.env, "SLIDESPEAKER_HOME": str(home)} if home else self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.setdefault(name, []).append(proc)
        return proc

    def wait_alive(self, names: list[str], timeout: float = STARTUP_TIMEOUT_S) -> None:
        client = redis.Redis.from_url(self.url)
        keys = Keys(self.prefix)
        deadline = time.monotonic() + timeout
        for name in names:
            while not next(iter(client.scan_iter(match=keys.presence_pattern(name))), None):
                assert time.monotonic() < deadline, f"service {name} did not come up"
                time.sleep(0.1)

    def wait_until_count(self, name: str, count: int, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Until `count` processes of the service announce themselves."""
        client = redis.Redis.from_url(self.url)
        pattern = Keys(self.prefix).presence_pattern(name)
        deadline = time.monotonic() + timeout
        while len(list(client.scan_iter(match=pattern))) < count:
            assert time.monotonic() < deadline, f"{count} {name} processes did not come up"
            time.sleep(0.1)

    def alive(self, name: str) -> bool:
        return any(p.poll() is None for p in self.processes.get(name, []))

    def stop(self) -> None:
        for procs in self.processes.values():
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()
        for procs in self.processes.values():
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


PIPELINE = ["dispatcher", "scripter", "voice", "avatar", "composer"]


@contextlib.contextmanager
def started_stack(stack: Stack) -> Iterator[Stack]:
    """`stack` with every pipeline service running, stopped again afterwards (also when they
    did not all come up, so none is left running)."""
    for name in PIPELINE:
        stack.start(name)
    try:
        stack.wait_alive(PIPELINE, timeout=STARTUP_TIMEOUT_S)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def stack(redis_server: RedisHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Every pipeline service running once for the whole session (tests share it on purpose:
    a bad deck must leave the services running for the next job)."""
    home = tmp_path_factory.mktemp("home")
    with started_stack(Stack(redis_server.url, home, prefix=f"s{uuid.uuid4().hex[:8]}")) as stack:
        yield stack


@pytest.fixture(scope="module")
def own_stack(
    redis_server: RedisHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Every pipeline service once more, on a key prefix of their own, for a module whose
    tests count jobs or delete them: on the shared stack other tests' jobs would move the
    counts, or lose their files under them."""
    home = tmp_path_factory.mktemp("own")
    with started_stack(Stack(redis_server.url, home, f"o{uuid.uuid4().hex[:8]}")) as stack:
        yield stack


def api_client(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> httpx.Client:
    """A client of the API on `port`, once it answers its health check."""
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get("/api/health").status_code == 200:
                return client
        except httpx.TransportError:
            pass
        assert server.poll() is None, "the API process ended"
        assert time.monotonic() < deadline, "the API did not come up"
        time.sleep(0.1)


@contextlib.contextmanager
def running_api(stack: Stack, log: Path | None = None, **settings: str) -> Iterator[httpx.Client]:
    """An API process in front of the stack (with extra SLIDESPEAKER_* settings, its output in
    `log` if given), and a client of it once it answers."""
    port = free_port()
    extra = {f"SLIDESPEAKER_{name.upper()}": value for name, value in settings.items()}
    env = {**stack.env, **extra, "SLIDESPEAKER_API_PORT": str(port)}
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "slidespeaker.cli.main", "service", "api"],
        env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    if log:
        output.close()  # type: ignore[union-attr]
    try:
        client = api_client(port, proc)
        yield client
        client.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
