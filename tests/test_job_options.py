"""JobOptions is the one definition of a job's options: the API's form fields and the CLI's
`render` options are built from it, with its bounds, defaults and help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

from slidespeaker.api.main import create_app
from slidespeaker.cli.main import app
from slidespeaker.common.events import JobOptions
from slidespeaker.common.settings import Settings

from .conftest import Stack, running_api
from .test_cli import one_page_pdf

MODEL = JobOptions.model_json_schema()["properties"]
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength", "enum")


def form_schema() -> dict[str, Any]:
    """The properties of POST /api/jobs's multipart form, its parts gathered."""
    schema = create_app(Settings(web_dist=Path("/nonexistent"))).openapi()
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/jobs"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties: dict[str, Any] = {}
    for part in [components[ref], *components[ref].get("allOf", [])]:
        if "$ref" in part:
            part = components[part["$ref"].rsplit("/", 1)[-1]]
        properties |= part.get("properties", {})
    return properties


def bounds(prop: dict[str, Any]) -> dict[str, Any]:
    """What limits a value, whether or not it may be left out (null)."""
    found: dict[str, Any] = {}
    for variant in [prop, *prop.get("anyOf", [])]:
        found |= {key: variant[key] for key in BOUNDS if key in variant}
        found |= {"type": variant["type"]} if variant.get("type", "null") != "null" else {}
    return found


def test_the_apis_form_has_every_option_with_the_models_bounds_and_help() -> None:
    form = form_schema()
    for name, prop in MODEL.items():
        assert name in form, f"{name} is not a form field of POST /api/jobs"
        if name == "lexicon":
            assert form[name]["anyOf"][0]["contentMediaType"], "the lexicon comes as a file"
            continue
        assert bounds(form[name]) == bounds(prop), name
        assert form[name]["description"] == prop["description"], name
        assert form[name].get("default") == prop.get("default"), name
    assert bounds(form["width"]) == {"type": "integer", "minimum": 160, "maximum": 3840}
    assert {"file", "password", "resolution"} <= set(form)


def test_every_render_option_comes_from_the_model(tmp_path: Path) -> None:
    command = typer.main.get_command(app)
    render = command.commands["render"]  # type: ignore[attr-defined]
    flags = {param.name: param for param in render.params}
    for name, field in JobOptions.model_fields.items():
        if name in ("lexicon", "review"):  # a file of its own; what --script asks for
            continue
        assert name in flags, f"render has no option for {name}"
        assert flags[name].help.startswith(field.description), name
        assert flags[name].default == field.default, name
    assert "at least 160, at most 3840" in flags["width"].help
    assert flags["language"].opts == ["--lang"], "the flags the README documents stay"

    deck = one_page_pdf(tmp_path / "hello.pdf")
    for flag, value, said in [
        ("--width", "100", "greater than or equal to 160"),
        ("--rate", "5", "less than or equal to 4"),
        ("--avatar", "bob", "'bob' is not one of"),
        ("--slides", "5-3", "runs backwards"),
    ]:
        run = CliRunner().invoke(app, ["render", str(deck), "--out", str(tmp_path), flag, value])
        assert run.exit_code == 2, run.output
        assert flag in run.output and said in " ".join(run.output.replace("│", " ").split())


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with running_api(stack) as client:
        yield client


@pytest.mark.parametrize("field", ["width", "height", "rate", "avatar_scale"])
def test_the_api_refuses_a_value_out_of_the_models_bounds(api: httpx.Client, field: str) -> None:
    prop = bounds(MODEL[field])
    too_big = prop["maximum"] * 2
    pdf = {"file": ("d.pdf", b"%PDF-1.4\n")}
    refused = api.post("/api/jobs", files=pdf, data={field: str(too_big)})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", field]
