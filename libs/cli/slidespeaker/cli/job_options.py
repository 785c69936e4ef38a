"""The command's job options, built from `JobOptions` itself: each field's type, default,
bounds and help become a command-line option, so a new option needs no second definition."""

from __future__ import annotations

import enum
import functools
import inspect
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import typer
from annotated_types import Ge, Gt, Le, Lt
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from slidespeaker.common.events import JobOptions

F = TypeVar("F", bound=Callable[..., Any])

# Flags whose names differ from their field's (kept as the README documents them).
FLAGS = {"language": "--lang", "format": "--format"}


def with_job_options(*names: str) -> Callable[[F], F]:
    """Give the command an option for each of these `JobOptions` fields; it receives them,
    checked by the model, as its `options` parameter (a bad value is a usage error naming the
    flag)."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "options"]
        added = [_parameter(name, JobOptions.model_fields[name]) for name in names]

        @functools.wraps(command)
        def wrapper(**given: Any) -> Any:
            values = {name: _plain(given.pop(name)) for name in names}
            return command(options=checked(values), **given)

        wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def checked(values: dict[str, Any]) -> JobOptions:
    """The options these values make, or a usage error naming the flag that is wrong."""
    try:
        return JobOptions.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        flag = FLAGS.get(field, "--" + field.replace("_", "-"))
        message = error["msg"].removeprefix("Value error, ")
        raise typer.BadParameter(message, param_hint=flag if field else None) from None


def _parameter(name: str, field: FieldInfo) -> inspect.Parameter:
    kind, choices = _click_type(name, field.annotation)
    decls = [FLAGS[name]] if name in FLAGS else []
    option = typer.Option(*decls, help=_help(field, choices))
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=field.default,
        annotation=Annotated[kind, option],
    )  # fmt: skip


def _click_type(name: str, annotation: Any) -> tuple[Any, list[str]]:
    """The type the command parses the option as; a choice of words becomes an enum (typer
    offers an enum's values as the choices)."""
    optional = get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(
        annotation
    )
    inner: Any = annotation
    if optional:
        inner = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(inner) is Annotated:  # its checks are the model's, made by `checked`
        inner = get_args(inner)[0]
    choices: list[str] = []
    if get_origin(inner) is Literal:
        choices = [str(value) for value in get_args(inner)]
        inner = _choice(name, choices)
    return (inner | None if optional else inner), choices


def _choice(name: str, choices: list[str]) -> Any:
    return enum.Enum(name, {value: value for value in choices}, type=str)


def _help(field: FieldInfo, choices: list[str]) -> str:
    """The field's description, with its bounds in words."""
    bounds = []
    for rule in field.metadata:
        if isinstance(rule, Ge | Gt):
            bounds.append(f"{'at least' if isinstance(rule, Ge) else 'above'} {_number(rule)}")
        if isinstance(rule, Le | Lt):
            bounds.append(f"{'at most' if isinstance(rule, Le) else 'below'} {_number(rule)}")
    text = field.description or ""
    return f"{text} ({', '.join(bounds)})" if bounds and not choices else text


def _number(rule: Ge | Gt | Le | Lt) -> str:
    value = next(getattr(rule, n) for n in ("ge", "gt", "le", "lt") if hasattr(rule, n))
    return f"{value:g}"


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
