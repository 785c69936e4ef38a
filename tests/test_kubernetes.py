"""deploy/kubernetes/: every manifest is valid against the Kubernetes schemas
(kubernetes-validate ships them, so this runs offline), KEDA's ScaledObjects (a CRD, not in
those schemas) hold only the fields KEDA documents, and everything the manifests name is what
the code uses: the streams and consumer groups the stages read, the lists the API asks on,
the environment variables the settings read."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest
import yaml

from slidespeaker.cli.processes import ALL_SERVICES, PIPELINE_SERVICES
from slidespeaker.common.events import Stage
from slidespeaker.common.keys import DISPATCHER_GROUP, Keys
from tests.deployment import unknown_variables

FOLDER = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes"
KUSTOMIZATION = "kustomization.yaml"
# KEDA's ScaledObject (keda.sh/v1alpha1) and the metadata of the two triggers used, as its
# documentation lists them (keda.sh/docs: concepts/scaling-deployments, scalers/redis-streams,
# scalers/redis-lists).
SCALED_OBJECT_SPEC = {
    "scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers",
}  # fmt: skip
SCALE_TARGET = {"name", "apiVersion", "kind", "envSourceContainerName"}
TRIGGER = {"type", "metadata", "name", "authenticationRef", "metricType", "useCachedMetrics"}
CONNECTION = {
    "address", "host", "port", "addressFromEnv", "hostFromEnv", "portFromEnv", "usernameFromEnv",
    "passwordFromEnv", "databaseIndex", "enableTLS", "unsafeSsl",
}  # fmt: skip
TRIGGER_METADATA = {
    "redis-streams": CONNECTION | {
        "stream", "consumerGroup", "pendingEntriesCount", "streamLength", "lagCount",
        "activationLagCount",
    },
    "redis": CONNECTION | {"listName", "listLength", "activationListLength"},
}  # fmt: skip
# What a stage may be woken by besides its work stream: a list the API asks it on.
ASKED_ON = {"voice": "voice_samples", "scripter": "cost_estimates"}


def manifests() -> list[dict[str, Any]]:
    return [
        document
        for path in sorted(FOLDER.glob("*.yaml"))
        if path.name != KUSTOMIZATION
        for document in yaml.safe_load_all(path.read_text())
        if document is not None
    ]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {m["metadata"]["name"]: m for m in manifests() if m["kind"] == kind}


def only(kind: str) -> dict[str, Any]:
    [manifest] = of_kind(kind).values()
    return manifest


def test_kustomization_applies_every_manifest() -> None:
    kustomization = yaml.safe_load((FOLDER / KUSTOMIZATION).read_text())
    files = {path.name for path in FOLDER.glob("*.yaml")} - {KUSTOMIZATION}
    assert sorted(kustomization["resources"]) == sorted(files)


@pytest.mark.parametrize(
    "manifest",
    [m for m in manifests() if m["kind"] != "ScaledObject"],
    ids=lambda m: f"{m['kind']}/{m['metadata']['name']}",
)
def test_manifest_is_valid_against_the_kubernetes_schemas(manifest: dict[str, Any]) -> None:
    try:
        kubernetes_validate.validate(manifest, kubernetes_validate.latest_version(), strict=True)
    except jsonschema.ValidationError as e:  # what kubernetes-validate raises
        pytest.fail(f"{manifest['kind']}/{manifest['metadata']['name']}: {e.message}")


def test_every_service_runs_as_its_own_deployment_on_its_own_scratch() -> None:
    deployments = of_kind("Deployment")
    config, secret = only("ConfigMap"), only("Secret")
    assert set(deployments) == {f"slidespeaker-{name}" for name in ALL_SERVICES}
    for name in ALL_SERVICES:
        spec = deployments[f"slidespeaker-{name}"]["spec"]
        pod = spec["template"]["spec"]
        assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"][
            "labels"
        ].items()  # fmt: skip
        [container] = pod["containers"]
        assert container["command"] == ["slidespeaker", "service", name]
        sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
        assert sources == {config["metadata"]["name"], secret["metadata"]["name"]}
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert all(set(v) == {"name", "emptyDir"} for v in volumes.values()), "nothing shared"
        assert mounts == {"scratch": config["data"]["SLIDESPEAKER_HOME"]}
        assert unknown_variables({e["name"]: e for e in container.get("env", [])}) == set()


def test_the_config_and_secret_hold_only_what_the_settings_read() -> None:
    config, secret = only("ConfigMap")["data"], only("Secret")["stringData"]
    assert unknown_variables({**config, **secret}) == set()
    assert urlsplit(config["SLIDESPEAKER_STORAGE_URL"]).scheme == "s3", "no shared disk"
    assert urlsplit(config["AWS_ENDPOINT_URL"]).scheme in ("http", "https")
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= set(secret)


def test_the_api_service_reaches_the_api_pods() -> None:
    service = of_kind("Service")["slidespeaker-api"]["spec"]
    pod = of_kind("Deployment")["slidespeaker-api"]["spec"]["template"]
    assert service["selector"].items() <= pod["metadata"]["labels"].items()
    [container] = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e["value"] for e in container["env"]}
    assert [ports[p["targetPort"]] for p in service["ports"]] == [int(env["SLIDESPEAKER_API_PORT"])]


def test_each_stage_scales_on_its_own_consumer_groups_lag() -> None:
    config = only("ConfigMap")["data"]
    keys = Keys(config["SLIDESPEAKER_KEY_PREFIX"])
    redis = urlsplit(config["SLIDESPEAKER_REDIS_URL"])
    scaled = of_kind("ScaledObject")
    assert set(scaled) == {f"slidespeaker-{name}" for name in PIPELINE_SERVICES}
    for name in PIPELINE_SERVICES:
        manifest = scaled[f"slidespeaker-{name}"]
        spec = manifest["spec"]
        assert manifest["apiVersion"] == "keda.sh/v1alpha1"
        assert set(spec) <= SCALED_OBJECT_SPEC and set(spec["scaleTargetRef"]) <= SCALE_TARGET
        assert spec["scaleTargetRef"]["name"] == f"slidespeaker-{name}"
        stream = keys.feed if name == "dispatcher" else keys.work(Stage(name))
        group = DISPATCHER_GROUP if name == "dispatcher" else name
        lists = {getattr(keys, ASKED_ON[name])} if name in ASKED_ON else set()
        lag = []
        for trigger in spec["triggers"]:
            metadata = trigger["metadata"]
            assert set(trigger) <= TRIGGER and set(metadata) <= TRIGGER_METADATA[trigger["type"]]
            assert all(isinstance(value, str) for value in metadata.values()), "KEDA wants text"
            assert metadata["address"] == f"{redis.hostname}:{redis.port}"
            assert metadata["databaseIndex"] == redis.path.lstrip("/")
            if trigger["type"] == "redis":
                assert metadata["listName"] in lists, f"{name} is asked on {lists}"
                continue
            assert (metadata["stream"], metadata["consumerGroup"]) == (stream, group)
            if "lagCount" in metadata:
                assert metadata["activationLagCount"] == "0", "one task waiting wakes a stage"
                lag.append(trigger)
        assert lag, f"{name} scales on its group's lag"


def test_voice_scales_from_none_while_the_composer_stays_at_one() -> None:
    scaled = {name: m["spec"] for name, m in of_kind("ScaledObject").items()}
    voice, composer = scaled["slidespeaker-voice"], scaled["slidespeaker-composer"]
    assert voice["minReplicaCount"] == 0 and voice["maxReplicaCount"] > 1
    assert composer["minReplicaCount"] == composer["maxReplicaCount"] == 1
    assert scaled["slidespeaker-dispatcher"]["minReplicaCount"] >= 1, "it fails overdue jobs"
