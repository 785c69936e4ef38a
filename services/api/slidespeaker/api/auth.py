"""Who is asking: the caller each auth mode recognises, and what a caller may open.

The FastAPI side (reading headers, answering 401) is in deps.py; this module only decides.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from ipaddress import ip_address

from slidespeaker.api.media_tokens import MediaGrant
from slidespeaker.common.fold import JobState
from slidespeaker.common.settings import Settings
from slidespeaker.common.user_directory import UserDirectory
from slidespeaker.common.users import User

FORWARDED_USER = "x-forwarded-user"
FORWARDED_EMAIL = "x-forwarded-email"


@dataclass(frozen=True)
class Caller:
    """A person (or, without accounts, whoever holds the way in) and what they may do."""

    name: str | None = None  # None: no accounts here (auth none or token)
    admin: bool = True
    email: str | None = None
    max_active_jobs: int | None = None  # None: the installation's default
    max_deck_mb: int | None = None
    job: str | None = None  # a media token's caller opens this one job, and only to read

    def may_open(self, state: JobState) -> bool:
        """Someone else's job is, to this caller, a job that does not exist."""
        if self.job is not None:
            return state.job_id == self.job
        return self.admin or (self.name is not None and state.owner == self.name)

    @property
    def owner(self) -> str | None:
        """What job.submitted records: the caller's name."""
        return self.name


EVERYONE = Caller()  # auth none, or the shared token: one trusted party, every job


def of_user(user: User, email: str | None = None) -> Caller:
    return Caller(
        name=user.name, admin=user.admin, email=email, max_active_jobs=user.max_active_jobs,
        max_deck_mb=user.max_deck_mb,
    )  # fmt: skip


def is_shared_token(settings: Settings, given: str) -> bool:
    expected = settings.api_token
    return bool(expected) and secrets.compare_digest(given.encode(), (expected or "").encode())


async def by_key(settings: Settings, users: UserDirectory, key: str) -> Caller | None:
    """The caller a bearer credential names: the shared token (it opens everything, for
    scripts and scrapers), or in users mode a user's own key."""
    if is_shared_token(settings, key):
        return EVERYONE
    if settings.auth_mode != "users":
        return None
    user = await users.holder_of(key)
    return of_user(user) if user else None


async def by_proxy(
    settings: Settings, users: UserDirectory, peer: str | None, user: str | None,
    email: str | None,
) -> Caller | None:  # fmt: skip
    """The person the reverse proxy signed in, believed only when the connection comes from
    one of the trusted proxies. A name the users log knows brings that user's role and
    limits (and a revoked one is refused); anyone else is an ordinary user."""
    if not user or not peer or not _trusted(settings, peer):
        return None
    known = await users.get(user)
    if known is None:
        return Caller(name=user, admin=False, email=email)
    return None if known.revoked else of_user(known, email)


def _trusted(settings: Settings, peer: str) -> bool:
    try:
        address = ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in settings.trusted_proxies)


async def by_media_grant(
    settings: Settings, users: UserDirectory, grant: MediaGrant
) -> Caller | None:
    """A media token's caller: its one job, while its user still may sign in."""
    if grant.user is not None:
        known = await users.get(grant.user)
        # In users mode every user is in the log; a proxy's user may not be.
        gone = known.revoked if known else settings.auth_mode == "users"
        if gone:
            return None
    return Caller(name=grant.user, admin=False, job=grant.job_id)
