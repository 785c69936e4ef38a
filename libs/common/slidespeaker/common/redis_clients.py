"""Redis clients, made in one place with a socket timeout that outlasts our blocking reads.

redis-py 8 gives every connection a 5 s socket timeout, so a blocking command (XREAD or
XREADGROUP with BLOCK, BLPOP) that waits longer fails with TimeoutError mid-wait: it cut
idle SSE streams and long voice-sample waits. Every blocking wait here is at most
LONGEST_BLOCK_S; the socket timeout adds a margin to it, so a server that stops answering
is still noticed, just not mistaken for a quiet stream.
"""

from __future__ import annotations

import redis
from redis.asyncio import Redis

LONGEST_BLOCK_S = 30.0
SOCKET_TIMEOUT_S = LONGEST_BLOCK_S + 10.0
CONNECT_TIMEOUT_S = 5.0


def async_client(url: str) -> Redis:
    return Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S
    )


def sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S
    )
