"""Opening a password-protected deck with the password its owner gives, when the deck is
submitted (by the CLI or the API): the job stores the decrypted copy, so the password is
never part of the job, its log or any service's logs.

Encrypted Office files (OOXML in a Compound File, or PowerPoint 97-2003 with RC4
encryption) are decrypted with msoffcrypto-tool, PDFs with PyMuPDF.
"""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from pathlib import Path

import msoffcrypto
from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

from slidespeaker.common.deckfile import OLE_MAGIC, PDF_MAGIC, PDF_MAGIC_WINDOW
from slidespeaker.common.errors import BadInput
from slidespeaker.common.pdflib import pymupdf

WRONG_PASSWORD = "the password does not open the file: check it and try again"


class WrongPassword(BadInput):
    """The password given does not decrypt the deck."""


def unlock(path: Path, password: str, out: Path) -> Path:
    """The deck at `path` opened with `password`: its decrypted copy written to `out`, or
    `path` itself when it is not encrypted (the password is then not needed).

    BadInput when the password is wrong. A file that is no deck at all is left to
    detect_format to name.
    """
    with path.open("rb") as file:
        head = file.read(PDF_MAGIC_WINDOW)
    if head.startswith(OLE_MAGIC):
        return _unlock_office(path, password, out)
    if PDF_MAGIC in head:
        return _unlock_pdf(path, password, out)
    return path


def _unlock_office(path: Path, password: str, out: Path) -> Path:
    with path.open("rb") as encrypted:
        try:
            office = msoffcrypto.OfficeFile(encrypted)
            if not office.is_encrypted():
                return path
            office.load_key(password=password)
            with out.open("wb") as decrypted:
                office.decrypt(decrypted)
        except (InvalidKeyError, DecryptionError) as exc:
            out.unlink(missing_ok=True)
            raise WrongPassword(WRONG_PASSWORD) from exc
        except (FileFormatError, OSError, ValueError):
            out.unlink(missing_ok=True)
            return path  # not an Office file msoffcrypto knows: detect_format says what it is
    return out


def _unlock_pdf(path: Path, password: str, out: Path) -> Path:
    try:
        document = pymupdf.open(path, filetype="pdf")
    except RuntimeError:
        return path  # damaged: detect_format and the reader say so
    with document:
        if not document.needs_pass:
            return path
        if not document.authenticate(password):
            raise WrongPassword(WRONG_PASSWORD)
        document.save(out, encryption=pymupdf.mupdf.PDF_ENCRYPT_NONE)
    return out
