"""Accounts in a real browser (web/e2e/accounts.mjs): Alice signs in with her key, sees only
her jobs, plays her video; the key never appears in a URL.

Needs `make web` first (web/dist and web/node_modules); `make test` does that.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import Stack, running_api
from ..test_accounts import bearer, users_cli
from ..test_api import a_pdf, submit, wait_for_status
from .test_browser import CHROMIUM, WEB


@pytest.mark.timeout(400)
def test_alice_signs_in_sees_only_her_jobs_and_plays_her_video(
    stack: Stack, tmp_path: Path
) -> None:
    assert (WEB / "dist/index.html").is_file(), "build the web client first: make web"
    assert shutil.which("node") and Path(CHROMIUM).exists(), "node and chromium are needed"
    suffix = tmp_path.name[-6:]
    alice_key = users_cli(stack, "add", f"alice-web-{suffix}")
    bob_key = users_cli(stack, "add", f"bob-web-{suffix}")
    with running_api(stack, auth="users", web_dist=str(WEB / "dist")) as api:
        alice = api.__class__(base_url=api.base_url, headers=bearer(alice_key), timeout=10)
        bob = api.__class__(base_url=api.base_url, headers=bearer(bob_key), timeout=10)
        alices, bobs = submit(alice, a_pdf(2)), submit(bob, a_pdf(1))
        assert wait_for_status(alice, alices)["status"] == "completed"
        done = subprocess.run(
            ["node", "e2e/accounts.mjs", "--base", str(api.base_url), "--key", alice_key,
             "--job", alices, "--out", str(tmp_path), "--chromium", CHROMIUM],
            cwd=WEB, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-4000:]
        found = json.loads(done.stdout.strip().splitlines()[-1])

    assert found["signedInAs"] == f"alice-web-{suffix}"
    assert f"#/jobs/{alices}" in found["listedJobs"]
    assert f"#/jobs/{bobs}" not in found["listedJobs"], "Bob's job is not Alice's to see"
    assert found["videoCurrentTime"] > 0.5, "her video plays"
    assert "token=" in found["videoSrc"], "the video is fetched with a media token"
    assert all(alice_key not in url for url in found["requestUrls"]), "the key is never in a URL"
    assert found["keyKeptAfterSignOut"] is None
    # Before signing in, /api/me answers 401 (that is how the page knows to ask): the only
    # error answer allowed.
    assert [r for r in found["errorResponses"] if not r.endswith("/api/me")] == []
