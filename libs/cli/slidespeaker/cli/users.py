"""`slidespeaker users`: who may use the API when SLIDESPEAKER_AUTH=users (or whose role and
limits a proxy's users get). Each command appends to the users' event log in Redis; every
API process sees the change on its next request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from slidespeaker.cli.redis_server import ensure_redis, stop_redis
from slidespeaker.common import users as u
from slidespeaker.common.errors import BadInput
from slidespeaker.common.keys import Keys
from slidespeaker.common.redis_clients import async_client
from slidespeaker.common.settings import get_settings
from slidespeaker.common.user_directory import UserDirectory

app = typer.Typer(help="Users and their API keys.", no_args_is_help=True)
console = Console(stderr=True)
T = TypeVar("T")

NameArgument = Annotated[str, typer.Argument(help="The user's name (as a proxy would send it)")]


def _with_users(work: Callable[[UserDirectory], Awaitable[T]]) -> T:
    settings = get_settings()
    handle = ensure_redis(settings.home, settings.redis_url)

    async def run() -> T:
        redis = async_client(handle.url)
        try:
            return await work(UserDirectory(redis, Keys(settings.key_prefix)))
        finally:
            await redis.aclose()

    try:
        return asyncio.run(run())
    except BadInput as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from exc
    finally:
        stop_redis(handle, settings.home)


def _print_key(name: str, key: str) -> None:
    console.print(f"The API key of {name}, shown this once (only its hash is kept):")
    print(key)


@app.command()
def add(
    name: NameArgument,
    admin: Annotated[bool, typer.Option(help="Sees and manages everyone's jobs")] = False,
    max_active_jobs: Annotated[
        int | None, typer.Option(min=1, help="Unfinished jobs at once (else the default)")
    ] = None,
    max_deck_mb: Annotated[
        int | None, typer.Option(min=1, help="Largest deck (else SLIDESPEAKER_MAX_DECK_MB)")
    ] = None,
) -> None:
    """Add a user and print their new API key."""
    _, key = _with_users(
        lambda users: users.decide(
            u.create, name, admin=admin, max_active_jobs=max_active_jobs, max_deck_mb=max_deck_mb
        )
    )
    _print_key(name, key)


@app.command()
def rotate(name: NameArgument) -> None:
    """Give the user a new API key (printed once); the old one stops working at once."""
    _, key = _with_users(lambda users: users.decide(u.rotate, name))
    _print_key(name, key)


@app.command()
def revoke(name: NameArgument) -> None:
    """Stop the user's key working, at once; their jobs stay. `rotate` lets them back in."""
    _with_users(lambda users: users.decide(u.revoke, name))
    console.print(f"{name} is revoked")


@app.command("list")
def list_users(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Every user, with role, limits and whether they are revoked (never a key)."""
    found = _with_users(lambda users: users.current())
    for user in found.values():
        shown = user.model_dump(mode="json", exclude={"key_hash"})
        if as_json:
            print(json.dumps(shown))
            continue
        role = "admin" if user.admin else "user"
        limits = f"active jobs {user.max_active_jobs or 'default'}, " \
                 f"deck {user.max_deck_mb or 'default'} MB"  # fmt: skip
        state = "revoked" if user.revoked else "active"
        print(f"{user.name}\t{role}\t{state}\t{limits}")
