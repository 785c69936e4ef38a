"""A production Redis: TLS (`rediss://`) with a password. The API, the dispatcher and the
scripter, as processes, reach a real redis-server that accepts nothing else; a job goes
through them (its bad deck fails it with a reason) and the CLI reads it back."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.exceptions import AuthenticationError
from redis.exceptions import ConnectionError as RedisConnectionError

from slidespeaker.cli.redis_server import free_port, redis_server_binary

from .conftest import Stack, running_api
from .test_api import submit, wait_for_status

PASSWORD = "a-long-redis-password"


def openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A certificate authority and a server certificate for 127.0.0.1 it signed."""
    ca_key, ca, key, request, cert = (
        folder / name for name in ("ca.key", "ca.crt", "server.key", "server.csr", "server.crt")
    )
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
            "-days", "1", "-subj", "/CN=test CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request,
            "-subj", "/CN=127.0.0.1")  # fmt: skip
    names = folder / "names.ext"
    names.write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "1", "-extfile", names)  # fmt: skip
    return ca, cert, key


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[str]:
    """A redis-server speaking only TLS and asking a password: its rediss:// URL."""
    ca, cert, key = certificates(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [redis_server_binary(), "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
         "--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file", str(ca),
         "--tls-auth-clients", "no", "--requirepass", PASSWORD, "--save", "",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"rediss://:{PASSWORD}@127.0.0.1:{port}/0?ssl_ca_certs={ca}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=2).ping()
                break
            except RedisConnectionError:
                assert time.monotonic() < deadline, "the TLS redis-server did not come up"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_process_reaches_redis_over_tls_with_a_password(
    tls_redis: str, tmp_path: Path
) -> None:
    plain = tls_redis.replace("rediss://", "redis://").partition("?")[0]
    with pytest.raises(RedisConnectionError):
        redis.Redis.from_url(plain, socket_timeout=2).ping()  # no TLS: refused
    with pytest.raises((AuthenticationError, RedisConnectionError)):
        redis.Redis.from_url(tls_redis.replace(PASSWORD, "wrong"), socket_timeout=2).ping()

    stack = Stack(tls_redis, tmp_path / "home", f"tls{uuid.uuid4().hex[:6]}")
    (tmp_path / "home").mkdir()
    for name in ("dispatcher", "scripter"):
        stack.start(name)
    try:
        stack.wait_alive(["dispatcher", "scripter"], timeout=120)
        with running_api(stack) as api:
            job_id = submit(api, b"%PDF-1.4 not really a pdf")
            state = wait_for_status(api, job_id)
            assert state["status"] == "failed" and state["error"]
        shown = subprocess.run(
            [sys.executable, "-m", "slidespeaker.cli.main", "status", job_id, "--json"],
            env=stack.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["error"] == state["error"]
    finally:
        stack.stop()
