"""The users' event log on Redis, folded as it grows.

Every read first takes the entries appended since the last one (one XRANGE, usually empty),
so a key revoked or rotated by any process stops working at once on every API process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import WatchError

from slidespeaker.common import users as u
from slidespeaker.common.errors import BadInput
from slidespeaker.common.keys import Keys

P = ParamSpec("P")
R = TypeVar("R")


class UserDirectory:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._users: u.Users = {}
        self._last_id = "0-0"
        self._lock = asyncio.Lock()

    async def current(self) -> u.Users:
        """Every user as the log says now. Read them, never change them."""
        async with self._lock:
            raw: Any = await self.redis.xrange(self.keys.users, min=f"({self._last_id}", max="+")
            if raw:
                u.advance(self._users, (u.parse_user_event(fields[b"event"]) for _, fields in raw))
                last = raw[-1][0]
                self._last_id = last.decode() if isinstance(last, bytes) else last
            return self._users

    async def holder_of(self, key: str) -> u.User | None:
        return u.holder_of(await self.current(), key)

    async def get(self, name: str) -> u.User | None:
        return (await self.current()).get(name)

    async def decide(
        self, decision: Callable[Concatenate[u.Users, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Apply one of users.py's decisions to the current users and append its event, only
        if no other event was appended meanwhile (two admins adding the same name: one
        wins, the other is told). Returns what the decision returned."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(10):
                try:
                    await pipe.watch(self.keys.users)
                    result = decision(await self.current(), *args, **kwargs)
                    event: u.UserEvent = result[0] if isinstance(result, tuple) else result  # type: ignore[assignment]
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.xadd(self.keys.users, {"event": event.model_dump_json()})
                    await pipe.execute()
                    return result
                except WatchError:
                    await pipe.reset()  # type: ignore[no-untyped-call]
        raise BadInput("the users changed too often meanwhile; try again")
