"""Short-lived signed tokens that open one job's media, for what a browser fetches without
headers (EventSource, <video>, <img>): the API key never goes into a URL.

A token is `PAYLOAD.SIGNATURE`, both base64url: the payload names the job, the user and when
it expires; the signature is an HMAC-SHA256 of it under the installation's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from slidespeaker.common.keys import Keys
from slidespeaker.common.settings import Settings


@dataclass(frozen=True)
class MediaGrant:
    job_id: str
    user: str | None  # None: no accounts (the shared token's media token)
    expires: int  # Unix seconds


async def media_secret(settings: Settings, redis: Redis, keys: Keys) -> bytes:
    """SLIDESPEAKER_SECRET_KEY, else one random secret per installation, made by whichever
    API process starts first and read by the others (so any of them verifies any token)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    await redis.set(keys.media_secret, secrets.token_urlsafe(32), nx=True)
    stored = await redis.get(keys.media_secret)
    assert stored is not None
    return stored if isinstance(stored, bytes) else str(stored).encode()


def issue(secret: bytes, grant: MediaGrant) -> str:
    payload = _b64(json.dumps({"j": grant.job_id, "u": grant.user, "e": grant.expires}).encode())
    return f"{payload}.{_b64(_sign(secret, payload))}"


def verify(secret: bytes, token: str, now: float | None = None) -> MediaGrant | None:
    """The grant the token carries if its signature is right and it has not expired."""
    payload, _, signature = token.partition(".")
    try:
        if not hmac.compare_digest(_unb64(signature), _sign(secret, payload)):
            return None
        fields = json.loads(_unb64(payload))
        grant = MediaGrant(job_id=str(fields["j"]), user=fields["u"], expires=int(fields["e"]))
    except (ValueError, TypeError, KeyError):
        return None
    return grant if grant.expires > (time.time() if now is None else now) else None


def _sign(secret: bytes, payload: str) -> bytes:
    return hmac.new(secret, payload.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
