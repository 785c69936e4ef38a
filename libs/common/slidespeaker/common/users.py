"""The people who may use an installation, event-sourced like jobs: typed, frozen, versioned
events in one stream of their own, one pure fold, and decisions that return events.

Only a hash of each API key is ever stored. Keys are 256 random bits, so a fast hash
(SHA-256) is as good as a slow one: nobody can guess their way back from it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Frozen, utc_now

KEY_PREFIX = "ssk_"  # says what the string is when it turns up in a shell history or a log
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")


class UserEvent(Frozen):
    version: int = 1
    event_id: UUID = Field(default_factory=uuid4)
    ts: datetime = Field(default_factory=utc_now)
    name: str


class UserCreated(UserEvent):
    type: Literal["user.created"] = "user.created"
    admin: bool = False
    key_hash: str
    max_active_jobs: int | None = None  # None: the installation's default
    max_deck_mb: int | None = None


class UserKeyRotated(UserEvent):
    """A new key; the old one stops working. A revoked user gets back in with it."""

    type: Literal["user.key_rotated"] = "user.key_rotated"
    key_hash: str


class UserRevoked(UserEvent):
    """The user's key stops working; their jobs stay, listed for admins."""

    type: Literal["user.revoked"] = "user.revoked"


AnyUserEvent = Annotated[UserCreated | UserKeyRotated | UserRevoked, Field(discriminator="type")]
_user_event: TypeAdapter[AnyUserEvent] = TypeAdapter(AnyUserEvent)


def parse_user_event(data: str | bytes) -> AnyUserEvent | None:
    """One stored event; None for a type this code does not know (written by newer code)."""
    try:
        return _user_event.validate_json(data)
    except ValidationError:
        return None


class User(BaseModel):
    name: str
    admin: bool = False
    key_hash: str = ""
    revoked: bool = False
    max_active_jobs: int | None = None
    max_deck_mb: int | None = None
    created_at: datetime | None = None


Users = dict[str, User]


def advance(users: Users, events: Iterable[AnyUserEvent | None]) -> Users:
    """The users after these events (the fold, applied to what is already folded)."""
    for event in events:
        match event:
            case UserCreated():
                users[event.name] = User(
                    name=event.name, admin=event.admin, key_hash=event.key_hash,
                    max_active_jobs=event.max_active_jobs, max_deck_mb=event.max_deck_mb,
                    created_at=event.ts,
                )  # fmt: skip
            case UserKeyRotated() if event.name in users:
                users[event.name] = users[event.name].model_copy(
                    update={"key_hash": event.key_hash, "revoked": False}
                )
            case UserRevoked() if event.name in users:
                users[event.name] = users[event.name].model_copy(update={"revoked": True})
    return users


def fold_users(events: Iterable[AnyUserEvent | None]) -> Users:
    return advance({}, events)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def holder_of(users: Users, key: str) -> User | None:
    """The active user whose key this is. Every stored hash is compared, each in constant
    time, so neither which user nor how much of a hash matched shows in the timing."""
    given = key_hash(key)
    found = None
    for user in users.values():
        if hmac.compare_digest(user.key_hash, given) and not user.revoked:
            found = user
    return found


# --- decisions: what the CLI asks for, as events (and the new key, shown once) -----------


def create(
    users: Users, name: str, *, admin: bool = False, max_active_jobs: int | None = None,
    max_deck_mb: int | None = None,
) -> tuple[UserCreated, str]:  # fmt: skip
    if not USER_NAME.match(name):
        raise BadInput(f"{name!r} cannot be a user name: letters, digits and ._@+- only")
    if name in users:
        raise BadInput(f"there is already a user {name!r} (rotate its key instead)")
    key = new_key()
    event = UserCreated(
        name=name, admin=admin, key_hash=key_hash(key), max_active_jobs=max_active_jobs,
        max_deck_mb=max_deck_mb,
    )  # fmt: skip
    return event, key


def rotate(users: Users, name: str) -> tuple[UserKeyRotated, str]:
    _existing(users, name)
    key = new_key()
    return UserKeyRotated(name=name, key_hash=key_hash(key)), key


def revoke(users: Users, name: str) -> UserRevoked:
    if _existing(users, name).revoked:
        raise BadInput(f"{name!r} is already revoked")
    return UserRevoked(name=name)


def _existing(users: Users, name: str) -> User:
    user = users.get(name)
    if user is None:
        raise BadInput(f"there is no user {name!r}")
    return user
