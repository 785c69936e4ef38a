"""The users' fold and decisions, media tokens and the auth settings: no Redis."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from slidespeaker.api import media_tokens
from slidespeaker.common import users as u
from slidespeaker.common.errors import BadInput
from slidespeaker.common.settings import Settings


def test_keys_are_stored_only_as_hashes_and_rotation_and_revocation_end_the_old_key() -> None:
    created, alice_key = u.create({}, "alice", max_active_jobs=2)
    users = u.fold_users([created])
    assert alice_key.startswith(u.KEY_PREFIX) and alice_key not in created.model_dump_json()
    assert u.holder_of(users, alice_key) == users["alice"]
    assert users["alice"].max_active_jobs == 2 and not users["alice"].admin

    rotated, new_key = u.rotate(users, "alice")
    users = u.advance(users, [rotated])
    assert u.holder_of(users, alice_key) is None
    assert u.holder_of(users, new_key) == users["alice"]

    users = u.advance(users, [u.revoke(users, "alice")])
    assert u.holder_of(users, new_key) is None and users["alice"].revoked
    with pytest.raises(BadInput, match="already revoked"):
        u.revoke(users, "alice")
    back, key = u.rotate(users, "alice")
    assert u.holder_of(u.advance(users, [back]), key) is not None, "rotating lets them back in"


def test_names_must_be_new_and_plain_and_unknown_events_are_skipped() -> None:
    created, _ = u.create({}, "bob", admin=True)
    users = u.fold_users([created, u.parse_user_event(b'{"type": "user.renamed", "name": "bob"}')])
    assert users["bob"].admin
    with pytest.raises(BadInput, match="already a user"):
        u.create(users, "bob")
    with pytest.raises(BadInput, match="cannot be a user name"):
        u.create(users, "../bob")
    with pytest.raises(BadInput, match="no user"):
        u.rotate(users, "nobody")
    assert u.parse_user_event(created.model_dump_json()) == created


def test_a_media_token_carries_its_grant_until_it_expires_and_cannot_be_altered() -> None:
    grant = media_tokens.MediaGrant(job_id="a" * 32, user="alice", expires=1000)
    token = media_tokens.issue(b"secret", grant)
    assert media_tokens.verify(b"secret", token, now=999) == grant
    assert media_tokens.verify(b"secret", token, now=1000) is None
    assert media_tokens.verify(b"another secret", token, now=0) is None
    payload, _, signature = token.partition(".")
    forged = media_tokens.issue(b"guess", media_tokens.MediaGrant("b" * 32, "alice", 9999))
    assert media_tokens.verify(b"secret", f"{forged.partition('.')[0]}.{signature}", 0) is None
    assert media_tokens.verify(b"secret", "not a token", now=0) is None
    assert media_tokens.verify(b"secret", payload, now=0) is None


def test_auth_settings_refuse_a_mode_nobody_could_sign_in_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLIDESPEAKER_AUTH", "proxy")
    monkeypatch.setenv("SLIDESPEAKER_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert [str(n) for n in Settings().trusted_proxies] == ["10.0.0.0/8", "::1/128"]
    monkeypatch.setenv("SLIDESPEAKER_TRUSTED_PROXIES", "")
    with pytest.raises(ValidationError, match="needs SLIDESPEAKER_TRUSTED_PROXIES"):
        Settings()
    monkeypatch.setenv("SLIDESPEAKER_AUTH", "token")
    with pytest.raises(ValidationError, match="needs SLIDESPEAKER_API_TOKEN"):
        Settings()
    monkeypatch.delenv("SLIDESPEAKER_AUTH")
    assert Settings().auth_mode == "none", "no key needed by default"
    monkeypatch.setenv("SLIDESPEAKER_API_TOKEN", "s3cret")
    assert Settings().auth_mode == "token", "a token alone means token mode, as before"
