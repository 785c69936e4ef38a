"""What a deployment file (compose.yaml, deploy/kubernetes/) may set: the environment
variables the services' settings read."""

from __future__ import annotations

from pydantic import AliasChoices, AliasPath

from slidespeaker.common.settings import Settings


def settings_variables() -> set[str]:
    """Every environment variable the Settings object reads (its field names with the
    SLIDESPEAKER_ prefix, or the standard names some fields are read under)."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices | AliasPath):
            raise AssertionError(f"{name}: a deployment check cannot read this alias yet")
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def unknown_variables(environment: dict[str, object]) -> set[str]:
    """The variables in `environment` that nothing in Settings reads."""
    return set(environment) - settings_variables()
