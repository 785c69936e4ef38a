"""Which kind of deck a file is, judged by its content, never by its name; and whether a
package is safe to open. Shared by the API (checking uploads) and the scripter."""

# PyMuPDF is only partly annotated; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

import msoffcrypto
from msoffcrypto.exceptions import FileFormatError

from slidespeaker.common.errors import BadInput
from slidespeaker.common.pdflib import pymupdf

DeckFormat = Literal["pdf", "pptx", "ppsx", "ppt", "odp"]
# Read by converting them to .pptx with LibreOffice first.
CONVERTED_TO_PPTX: frozenset[DeckFormat] = frozenset({"ppt", "odp"})

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WINDOW = 1024  # the PDF spec lets the header start anywhere in the first 1 KiB
# Compound File (CFB): Office 97-2003 documents, and OOXML once encrypted
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"

# Stream names in a CFB directory are stored as UTF-16LE, so a byte search finds them
# without parsing the sector chains.
ENCRYPTED_PACKAGE_STREAM = "EncryptedPackage".encode("utf-16-le")
PPT_DOCUMENT_STREAM = "PowerPoint Document".encode("utf-16-le")

# An OpenDocument package names its type in its first part, stored uncompressed.
ODF_MIMETYPE_PART = "mimetype"
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"

CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN_PART_FORMATS: dict[str, DeckFormat] = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "ppsx",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": "ppsx",
}

EMPTY = "the file is empty"
NOT_A_DECK = "the file is not a PDF or PowerPoint deck"
DAMAGED_PACKAGE = "the file is damaged: it is not a readable PowerPoint package"
PASSWORD_PROTECTED = (
    "the file is password-protected: give its password (--password, or the password field "
    "of the upload), or remove the password and upload it again"
)


def detect_format(path: Path) -> DeckFormat:
    """The deck's format, or BadInput saying why the file cannot be used."""
    with path.open("rb") as file:
        head = file.read(PDF_MAGIC_WINDOW)
    if not head:
        raise BadInput(EMPTY)
    if head.startswith(ZIP_MAGIC):
        return _package_format(path)
    if head.startswith(OLE_MAGIC):
        return _compound_file_format(path)
    if PDF_MAGIC in head:
        if _locked_pdf(path):
            raise BadInput(PASSWORD_PROTECTED)
        return "pdf"
    raise BadInput(NOT_A_DECK)


def _locked_pdf(path: Path) -> bool:
    """Whether the PDF needs a password to be read (one with only an owner password does not)."""
    try:
        with pymupdf.open(path, filetype="pdf") as document:
            return bool(document.needs_pass)
    except RuntimeError:
        return False  # damaged: the reader says so


def _compound_file_format(path: Path) -> DeckFormat:
    """A PowerPoint 97-2003 deck, or an encrypted OOXML package (which is a Compound File
    too: its EncryptedPackage stream holds the zip)."""
    data = path.read_bytes()
    if ENCRYPTED_PACKAGE_STREAM in data:
        raise BadInput(PASSWORD_PROTECTED)
    if PPT_DOCUMENT_STREAM not in data:
        raise BadInput(NOT_A_DECK)  # a Word or Excel 97-2003 document, or another CFB
    if _encrypted_ppt(path):
        raise BadInput(PASSWORD_PROTECTED)
    return "ppt"


def _encrypted_ppt(path: Path) -> bool:
    with path.open("rb") as file:
        try:
            return bool(msoffcrypto.OfficeFile(file).is_encrypted())
        except (FileFormatError, OSError, ValueError):
            return False  # unreadable to msoffcrypto: LibreOffice says whether it opens


def _package_format(path: Path) -> DeckFormat:
    try:
        with zipfile.ZipFile(path) as package:
            check_package(package.infolist())
            if _odf_mimetype(package) == ODP_MIMETYPE:
                return "odp"
            content_types = package.read(CONTENT_TYPES_PART)
    except KeyError:
        raise BadInput(NOT_A_DECK) from None  # a zip, but not an Office document
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BadInput(DAMAGED_PACKAGE) from exc
    try:
        root = ElementTree.fromstring(content_types)
    except ElementTree.ParseError as exc:
        raise BadInput(DAMAGED_PACKAGE) from exc
    for override in root.iter(f"{CONTENT_TYPES_NS}Override"):
        fmt = MAIN_PART_FORMATS.get(override.get("ContentType", ""))
        if fmt is not None:
            return fmt
    raise BadInput(NOT_A_DECK)  # a Word or Excel document, or another zip


def _odf_mimetype(package: zipfile.ZipFile) -> bytes | None:
    try:
        return package.read(ODF_MIMETYPE_PART).strip()
    except KeyError:
        return None


# Limits for what a deck's package may unpack to: far above any real deck (the largest
# in the corpus unpacks to a few MB), far below what would exhaust the machine.
MAX_ENTRIES = 10_000
MAX_UNPACKED_BYTES = 2 * 1024**3
ZIP_BOMB = "the file is not a usable deck: it would unpack to more than {limit}"
ESCAPING_NAME = "the file is not a usable deck: it holds a part named {name!r} outside the package"


class UnsafePackage(BadInput):
    """A package built to harm whoever opens it (a zip bomb, names escaping the folder)."""


def check_package(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs and entries whose names escape the package (`../`, absolute)."""
    if len(entries) > MAX_ENTRIES:
        raise UnsafePackage(ZIP_BOMB.format(limit=f"{MAX_ENTRIES} parts"))
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise UnsafePackage(ZIP_BOMB.format(limit=f"{MAX_UNPACKED_BYTES // 1024**3} GB"))
    for entry in entries:
        parts = entry.filename.replace("\\", "/").split("/")
        if entry.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise UnsafePackage(ESCAPING_NAME.format(name=entry.filename))
