"""Each process loads only the libraries its own work needs: the start-up time of `render`
and of every service, and the memory each holds idle, depend on it (issue 20)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Libraries that cost a second or tens of MB to import, and who may load them at start.
HOSTED_SDKS = {"openai", "elevenlabs"}
# PyMuPDF 2.x's add-ons: an ONNX layout model in every process that reads a PDF.
PDF_ADDONS = {"pymupdf.layout", "pymupdf4llm"}
DECK_READERS = {"pymupdf", "pptx"}
SPEECH = {"onnxruntime", "piper"}
NOT_AT_START = {
    "slidespeaker.cli.main": HOSTED_SDKS | PDF_ADDONS | DECK_READERS | SPEECH,
    "slidespeaker.dispatcher.service": HOSTED_SDKS | PDF_ADDONS | DECK_READERS | SPEECH,
    "slidespeaker.composer.service": HOSTED_SDKS | PDF_ADDONS | DECK_READERS | SPEECH,
    "slidespeaker.avatar.service": HOSTED_SDKS | PDF_ADDONS | DECK_READERS | SPEECH,
    "slidespeaker.scripter.service": HOSTED_SDKS | PDF_ADDONS | SPEECH,
    "slidespeaker.voice.service": HOSTED_SDKS | PDF_ADDONS | DECK_READERS,
    "slidespeaker.api.main": HOSTED_SDKS | PDF_ADDONS | SPEECH,
}
LOADED = (
    "import json, sys, {module}; print(json.dumps(sorted(n for n, m in sys.modules.items() if m)))"
)


@pytest.mark.parametrize("module", sorted(NOT_AT_START))
def test_a_process_imports_only_what_its_work_needs(module: str) -> None:
    found = subprocess.run(
        [sys.executable, "-c", LOADED.format(module=module)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    loaded = set(json.loads(found.stdout))
    assert not loaded & NOT_AT_START[module], (
        f"{module} loads {sorted(loaded & NOT_AT_START[module])}"
    )


def test_pymupdf_still_reads_pdfs_without_its_addons() -> None:
    """The add-ons are left out, not PyMuPDF: a page's words and pixels are there."""
    script = (
        "from slidespeaker.common.pdflib import pymupdf\n"
        "doc = pymupdf.open(); page = doc.new_page(); page.insert_text((50, 50), 'hello')\n"
        "print(page.get_text('words')[0][4], page.get_pixmap().width)"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.split() == ["hello", "595"]
