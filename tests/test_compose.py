"""compose.yaml runs every service on its own, scalable, on persistent Redis and an
S3-compatible store (SeaweedFS), sharing no volume: each service keeps only its own scratch.
No Docker engine runs here: Docker Compose validates and resolves the file (it needs no
engine for that), and the resolved services are checked."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from slidespeaker.cli.processes import ALL_SERVICES
from tests.deployment import unknown_variables

COMPOSE = Path(__file__).resolve().parents[1] / "compose.yaml"


def compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or `docker-compose` (Debian's package), if installed."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def check_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"redis", "seaweedfs", "bucket", *ALL_SERVICES}
    store = services["seaweedfs"]
    bucket = urlsplit(services["api"]["environment"]["SLIDESPEAKER_STORAGE_URL"]).netloc
    for name in ALL_SERVICES:
        service = services[name]
        environment = service["environment"]
        assert service["command"] == ["slidespeaker", "service", name]
        assert environment["SLIDESPEAKER_REDIS_URL"] == "redis://redis:6379/0"
        assert environment["SLIDESPEAKER_STORAGE_URL"] == f"s3://{bucket}", "one bucket for all"
        endpoint = urlsplit(environment["AWS_ENDPOINT_URL"])
        assert (endpoint.scheme, endpoint.hostname) == ("http", "seaweedfs")
        assert f"-s3.port={endpoint.port}" in store["command"]
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            assert environment[key] == store["environment"][key], f"{name} signs as the store knows"
        assert unknown_variables(environment) == set(), f"{name}: variables nothing reads"
        assert not service.get("volumes"), f"{name} shares no volume: only its own scratch"
        assert "container_name" not in service, "a fixed name would forbid --scale"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
        assert service["healthcheck"]["test"], f"{name} has no health check"
    made = " ".join(services["bucket"]["command"])
    assert f"s3.bucket.create -name {bucket}" in made and f"grep -qw {bucket}" in made
    assert services["bucket"]["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
    assert store["healthcheck"]["test"] and "-s3" in store["command"]
    assert "--appendonly" in services["redis"]["command"], "the logs survive a restart"
    assert any(v.startswith("redis:/data") for v in services["redis"]["volumes"])
    assert services["redis"]["healthcheck"]["test"]


def test_every_service_has_a_container_of_its_own_sharing_only_redis_and_a_bucket() -> None:
    check_services(yaml.safe_load(COMPOSE.read_text()))


def test_docker_compose_validates_and_resolves_the_file() -> None:
    command = compose_command()
    if command is None:
        pytest.skip("Docker Compose is not installed (scripts/system-deps.sh installs it)")
    run = subprocess.run(
        [*command, "--file", str(COMPOSE), "config"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "WARN" not in run.stderr.upper(), run.stderr
    check_services(yaml.safe_load(run.stdout))
