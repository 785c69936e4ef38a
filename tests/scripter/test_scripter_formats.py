"""Every kind of file that is not a usable deck ends in BadInput with a message for a person."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckfile import detect_format
from slidespeaker.common.errors import BadInput
from slidespeaker.common.process import run_child
from slidespeaker.scripter.deck import open_deck, read_slides


def _open(path: Path, workdir: Path) -> None:
    open_deck(path, workdir, token=CancelToken(), soffice_timeout=60)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("poi_with_japanese_1s_table.pptx", "pptx"),
        ("poi_keyframes_indonesian_biology_28s.pptx", "pptx"),  # macro-enabled main part
        ("msaisystem_lecture7_platform_zh_en_49s_notes.ppsx", "ppsx"),
        ("moloch_beamer_demo_4x3_33p.pdf", "pdf"),
    ],
)
def test_format_is_read_from_the_content(
    realworld: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    renamed = tmp_path / "upload.pdf.bin"  # a misleading name must not matter
    shutil.copyfile(realworld / name, renamed)
    assert detect_format(renamed) == fmt


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("poi_divino_revelado_corrupt_zip.pptx", "damaged"),
        ("poi_clusterfuzz_5463_bad_zip_directory.pptx", "damaged"),
        ("tika_encrypted_pptx_password_tika.pptx", "password-protected"),
        ("docling_pdf_password_1234_1p.pdf", "password-protected"),
        ("shapecrawler_zero_slides.pptx", "no visible slides"),
        ("shapecrawler_038_russian_notes_1s.pptx", "every slide is hidden"),
    ],
)
def test_bad_decks_in_the_corpus(realworld: Path, tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        _open(realworld / name, tmp_path)
    assert not list(tmp_path.iterdir()), "nothing is converted for a bad deck"


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "deck.pptx"
    empty.touch()
    with pytest.raises(BadInput, match="the file is empty"):
        _open(empty, tmp_path)


def test_text_file(tmp_path: Path) -> None:
    text = tmp_path / "deck.pptx"
    text.write_text("Slide 1: hello\nSlide 2: goodbye\n")
    with pytest.raises(BadInput, match="not a PDF or PowerPoint deck"):
        _open(text, tmp_path)


def test_zip_that_is_no_office_document(tmp_path: Path) -> None:
    archive = tmp_path / "deck.pptx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("slides/1.txt", "hello")
    with pytest.raises(BadInput, match="not a PDF or PowerPoint deck"):
        _open(archive, tmp_path)


def test_word_document_is_no_deck(tmp_path: Path) -> None:
    document = tmp_path / "deck.pptx"
    with zipfile.ZipFile(document, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
    with pytest.raises(BadInput, match="not a PDF or PowerPoint deck"):
        _open(document, tmp_path)


VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"  # slide 9 of 10 is hidden


def _saved_as(source: Path, extension: str, outdir: Path) -> Path:
    """The deck saved by LibreOffice in another format, as a person would."""
    copy = outdir / f"deck{source.suffix}"
    shutil.copyfile(source, copy)
    profile = (outdir / "profile").as_uri()
    run_child(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            *("--convert-to", extension, "--outdir", outdir, copy),
        ],
        token=CancelToken(),
        timeout=60,
    )
    return outdir / f"deck.{extension}"


@pytest.fixture(scope="module")
def saved_as(realworld: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The deck with a hidden slide saved as .ppt and .odp."""
    return {
        extension: _saved_as(realworld / VARIOUS, extension, tmp_path_factory.mktemp(extension))
        for extension in ("ppt", "odp")
    }


@pytest.mark.parametrize("extension", ["ppt", "odp"])
def test_ppt_and_odp_are_converted_then_read_as_pptx(
    saved_as: dict[str, Path], realworld: Path, tmp_path: Path, extension: str
) -> None:
    renamed = tmp_path / "upload.bin"  # the bytes say what it is
    shutil.copyfile(saved_as[extension], renamed)
    assert detect_format(renamed) == extension
    deck = open_deck(renamed, tmp_path / "work", token=CancelToken(), soffice_timeout=60)
    assert deck.format == "pptx"  # what was read: LibreOffice's .pptx of it
    # The hidden slide stays hidden, and every slide keeps its text, notes and number.
    assert [s.source_slide for s in deck.slides] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    assert [(s.title, s.notes) for s in deck.slides] == [
        (s.title, s.notes) for s in read_slides(realworld / VARIOUS).slides
    ]
    with pymupdf.open(deck.pdf_path) as pdf:
        assert pdf.page_count == 9
        assert "Slide2Header" in pdf[1].get_text()


def test_a_damaged_ppt_fails_clearly(saved_as: dict[str, Path], tmp_path: Path) -> None:
    data = saved_as["ppt"].read_bytes()
    damaged = tmp_path / "damaged.ppt"
    # Its Compound File header and directory survive, the slides' records do not.
    damaged.write_bytes(data[:4096] + b"\xff" * (len(data) - 8192) + data[-4096:])
    assert detect_format(damaged) == "ppt"
    with pytest.raises(BadInput, match=r"damaged: it is not a readable \.ppt deck"):
        _open(damaged, tmp_path / "work")


def test_damaged_pdf(tmp_path: Path) -> None:
    damaged = tmp_path / "deck.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 10)
    with pytest.raises(BadInput, match="damaged"):
        _open(damaged, tmp_path)


def test_truncated_pdf(realworld: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "deck.pdf"
    truncated.write_bytes((realworld / "moloch_beamer_demo_4x3_33p.pdf").read_bytes()[:20_000])
    with pytest.raises(BadInput, match="no pages that can be read"):
        _open(truncated, tmp_path)
