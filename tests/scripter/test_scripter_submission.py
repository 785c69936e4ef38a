"""`--slides` and `--password` from the command line and the API, through the real services:
the selection keeps the deck's own slide numbers, the password opens the deck and is
never part of the job."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pymupdf
import pytest
from typer.testing import CliRunner, Result

from slidespeaker.cli.main import app
from tests.conftest import Stack, running_api

from ..jobs import StoredFiles

BEAMER = "moloch_beamer_demo_4x3_33p.pdf"
ENCRYPTED_PPTX = "tika_encrypted_pptx_password_tika.pptx"  # password "tika"
VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"  # slide 9 of 10 is hidden
PASSWORD = "Zq7-opens-the-deck"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", *args],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def encrypted_pdf(realworld: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Beamer deck locked with PASSWORD, as a person's PDF tool would."""
    path = tmp_path_factory.mktemp("locked") / "locked.pdf"
    with pymupdf.open(realworld / BEAMER) as document:
        document.save(
            path, encryption=pymupdf.mupdf.PDF_ENCRYPT_AES_256, user_pw=PASSWORD, owner_pw="owner"
        )
    return path


def script(*args: str) -> Result:
    """`slidespeaker script` in this process (it needs no services)."""
    return CliRunner().invoke(app, ["script", *args])


def test_script_opens_an_encrypted_pptx_with_its_password(realworld: Path, tmp_path: Path) -> None:
    deck = str(realworld / ENCRYPTED_PPTX)
    done = script(deck, "--password", "tika", "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    written = json.loads((tmp_path / "script.json").read_text(encoding="utf-8"))
    assert written["slides"] and any(line["narration"] for line in written["slides"])

    wrong = script(deck, "--password", "nope", "--out", str(tmp_path))
    assert wrong.exit_code == 1
    assert "the password does not open the file" in wrong.output
    missing = script(deck, "--out", str(tmp_path))
    assert missing.exit_code == 1 and "password-protected" in missing.output


def test_script_of_some_slides_is_headed_by_their_deck_numbers(
    realworld: Path, tmp_path: Path
) -> None:
    deck, out = str(realworld / VARIOUS), str(tmp_path)
    done = script(deck, "--slides", "8-10", "--out", out)
    assert done.exit_code == 0, done.output
    written = json.loads((tmp_path / "script.json").read_text(encoding="utf-8"))
    assert written["selection"] == "8-10"
    assert [(s["index"], s["source_slide"]) for s in written["slides"]] == [(1, 8), (2, 10)]
    transcript = (tmp_path / "transcript.md").read_text(encoding="utf-8")
    assert "## Slide 8" in transcript and "## Slide 10" in transcript

    beyond = script(deck, "--slides", "8-12", "--out", out)
    assert beyond.exit_code == 1
    assert "the deck has 10 slides, so there is no slide 12" in beyond.output
    malformed = script(deck, "--slides", "8..10", "--out", out)
    assert malformed.exit_code == 2 and "'8..10' is not a slide number or range" in malformed.output


def test_render_of_some_pages_of_an_encrypted_pdf(
    stack: Stack, encrypted_pdf: Path, tmp_path: Path
) -> None:
    env = {**stack.env, "SLIDESPEAKER_DECK_PASSWORD": PASSWORD}  # not on the command line
    size = ["--width", "640", "--height", "360"]
    done = cli(
        env, "render", str(encrypted_pdf), "--slides", "32,30", "--out", str(tmp_path), *size
    )
    assert done.returncode == 0, done.stderr[-3000:]
    job = json.loads((tmp_path / "job.json").read_text(encoding="utf-8"))
    assert job["options"]["slides"] == "30,32"
    assert [s["source_slide"] for s in job["slides"].values()] == [30, 32]
    transcript = (tmp_path / "transcript.md").read_text(encoding="utf-8")
    assert transcript.count("\n## Slide ") == 2
    assert "\n## Slide 30" in transcript and "\n## Slide 32" in transcript
    events = cli(stack.env, "events", job["job_id"], "--json")
    assert events.returncode == 0 and '"job.submitted"' in events.stdout
    assert PASSWORD not in events.stdout


def _wait_for_slides(client: httpx.Client, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        state: dict[str, object] = client.get(f"/api/jobs/{job_id}").json()
        if state["slide_count"] is not None or state["status"] == "failed":
            return state
        assert time.monotonic() < deadline, state["status"]
        time.sleep(0.2)


def test_the_api_takes_a_password_and_a_selection(stack: Stack, encrypted_pdf: Path) -> None:
    locked = encrypted_pdf.read_bytes()
    with running_api(stack) as client:

        def upload(**form: str) -> httpx.Response:
            files = {"file": ("talk.pdf", locked, "application/pdf")}
            return client.post("/api/jobs", files=files, data={"review": "true", **form})

        missing = upload()
        assert missing.status_code == 415 and "password-protected" in missing.json()["detail"]
        wrong = upload(password="not it")
        assert wrong.status_code == 400
        assert "the password does not open the file" in wrong.json()["detail"]
        malformed = upload(password=PASSWORD, slides="5-3")
        assert malformed.status_code == 400 and "runs backwards" in malformed.json()["detail"]

        created = upload(password=PASSWORD, slides="2-3")
        assert created.status_code == 201, created.text
        job_id = created.json()["job_id"]
        state = _wait_for_slides(client, job_id)
        assert state["slide_count"] == 2, state.get("error")
        log = client.get(f"/api/jobs/{job_id}/events").text
        client.post(f"/api/jobs/{job_id}/cancel")
    assert PASSWORD not in log
    submitted = next(e for e in json.loads(log) if e["type"] == "job.submitted")
    assert submitted["options"]["slides"] == "2-3"
    stored = StoredFiles(stack.home).path(submitted["deck_key"])
    with pymupdf.open(stored) as document:
        assert not document.needs_pass  # the job keeps the opened deck, not the locked one
