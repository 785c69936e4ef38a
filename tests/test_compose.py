"""compose.yaml runs every service on its own, scalable, on persistent Redis and shared
storage. No Docker engine runs here: Docker Compose validates and resolves the file (it needs
no engine for that), and the resolved services are checked."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from slidespeaker.cli.processes import ALL_SERVICES

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
    assert set(services) == {"redis", *ALL_SERVICES}
    for name in ALL_SERVICES:
        service = services[name]
        assert service["command"] == ["slidespeaker", "service", name]
        assert service["environment"]["SLIDESPEAKER_REDIS_URL"] == "redis://redis:6379/0"
        assert any(v.startswith("artifacts:/data") for v in service["volumes"]), "shared storage"
        assert "container_name" not in service, "a fixed name would forbid --scale"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"], f"{name} has no health check"
    assert "--appendonly" in services["redis"]["command"], "the logs survive a restart"
    assert any(v.startswith("redis:/data") for v in services["redis"]["volumes"])
    assert services["redis"]["healthcheck"]["test"]


def test_every_service_has_a_container_of_its_own_on_shared_storage() -> None:
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
