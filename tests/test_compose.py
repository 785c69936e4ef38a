"""compose.yaml runs every service on its own, scalable, on persistent Redis and shared
storage (no Docker engine here to run it: its structure is checked instead)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from slidespeaker.cli.processes import ALL_SERVICES

COMPOSE = Path(__file__).resolve().parents[1] / "compose.yaml"


def test_every_service_has_a_container_of_its_own_on_shared_storage() -> None:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) == {"redis", *ALL_SERVICES}
    for name in ALL_SERVICES:
        service = services[name]
        assert service["command"] == ["slidespeaker", "service", name]
        assert service["environment"]["SLIDESPEAKER_REDIS_URL"] == "redis://redis:6379/0"
        assert "artifacts:/data" in service["volumes"], "stages share the artifacts"
        assert "container_name" not in service, "a fixed name would forbid --scale"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "--appendonly" in services["redis"]["command"], "the logs survive a restart"
    assert "redis:/data" in services["redis"]["volumes"]
    assert services["api"]["healthcheck"] and services["redis"]["healthcheck"]
