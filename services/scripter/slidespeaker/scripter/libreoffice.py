"""Decks converted with LibreOffice headless, one run per deck: PowerPoint to PDF for the
slides' pictures, and PowerPoint 97-2003 or OpenDocument to .pptx to read their text."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Literal

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import DeckFormat
from slidespeaker.common.process import run_child

SOFFICE_NAMES = ("soffice", "libreoffice")
PDF_NAME = "slides.pdf"
PPTX_NAME = "converted.pptx"
STDERR_TAIL = 500  # characters of soffice's stderr worth keeping in an error


class ConversionFailed(Exception):
    """LibreOffice gave no usable PDF. Not BadInput: the deck itself read fine, so a crash,
    a killed process or a missing LibreOffice is ours to fix or retry, not the user's."""


class SofficeMissing(ConversionFailed):
    """LibreOffice is not installed on this machine."""


def convert_to_pdf(
    deck: Path, fmt: DeckFormat, workdir: Path, *, token: CancelToken, timeout: float
) -> Path:
    """Convert `deck` to `workdir/slides.pdf`; partial files are removed whatever happens."""
    return _convert(deck, fmt, "pdf", workdir / PDF_NAME, token=token, timeout=timeout)


def convert_to_pptx(
    deck: Path, fmt: DeckFormat, workdir: Path, *, token: CancelToken, timeout: float
) -> Path:
    """Convert `deck` (.ppt, .odp) to `workdir/converted.pptx`, hidden slides kept hidden."""
    return _convert(deck, fmt, "pptx", workdir / PPTX_NAME, token=token, timeout=timeout)


def _convert(
    deck: Path,
    fmt: DeckFormat,
    target: Literal["pdf", "pptx"],
    out: Path,
    *,
    token: CancelToken,
    timeout: float,
) -> Path:
    soffice = _find_soffice()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-", dir=out.parent) as scratch:
        run_dir = Path(scratch)
        # soffice picks its import filter partly by extension, so name the copy for what
        # the content is, whatever the upload was called.
        source = run_dir / f"deck.{fmt}"
        shutil.copyfile(deck, source)
        result = run_child(
            [
                soffice,
                # Its own profile: two runs sharing one silently lose an output.
                f"-env:UserInstallation={(run_dir / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                run_dir,
                source,
            ],
            token=token,
            timeout=timeout,
        )
        written = run_dir / f"deck.{target}"
        # soffice exits 0 even when it writes nothing.
        if not written.is_file() or written.stat().st_size == 0:
            raise ConversionFailed(
                f"LibreOffice did not convert the deck to {target.upper()} "
                f"(exit status {result.returncode})"
                f": {result.stderr.strip()[-STDERR_TAIL:] or 'no error output'}"
            )
        written.replace(out)
    return out


def _find_soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SofficeMissing("LibreOffice (soffice) is not installed; PowerPoint decks need it")
