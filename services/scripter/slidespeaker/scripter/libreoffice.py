"""PowerPoint to PDF with LibreOffice headless: one conversion per deck."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import DeckFormat
from slidespeaker.common.process import run_child

SOFFICE_NAMES = ("soffice", "libreoffice")
PDF_NAME = "slides.pdf"
STDERR_TAIL = 500  # characters of soffice's stderr worth keeping in an error


class ConversionFailed(Exception):
    """LibreOffice gave no usable PDF. Not BadInput: the deck itself read fine, so a crash,
    a killed process or a missing LibreOffice is ours to fix or retry, not the user's."""


def convert_to_pdf(
    deck: Path, fmt: DeckFormat, workdir: Path, *, token: CancelToken, timeout: float
) -> Path:
    """Convert `deck` to `workdir/slides.pdf`; partial files are removed whatever happens."""
    soffice = _find_soffice()
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-", dir=workdir) as scratch:
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
                "pdf",
                "--outdir",
                run_dir,
                source,
            ],
            token=token,
            timeout=timeout,
        )
        written = run_dir / "deck.pdf"
        # soffice exits 0 even when it writes nothing.
        if not written.is_file() or written.stat().st_size == 0:
            raise ConversionFailed(
                f"LibreOffice did not convert the deck to PDF (exit status {result.returncode})"
                f": {result.stderr.strip()[-STDERR_TAIL:] or 'no error output'}"
            )
        pdf = workdir / PDF_NAME
        written.replace(pdf)
    return pdf


def _find_soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConversionFailed("LibreOffice (soffice) is not installed; PowerPoint decks need it")
