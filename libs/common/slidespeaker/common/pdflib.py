"""PyMuPDF without the add-ons its 2.x release loads when it is imported.

pymupdf 2.0 depends on pymupdf_layout and pymupdf4llm and imports both on `import pymupdf`:
they start onnxruntime and load a layout-analysis model in every process that touches a PDF
(1.5 s and about 95 MB more per process here), for page-layout analysis and Markdown export
that SlideSpeaker never uses (it reads words, blocks and pixels). pymupdf imports each add-on
inside `try/except ImportError`, and Python raises ImportError for a module whose entry in
`sys.modules` is None, so marking them absent before the first import leaves them out.
Every module here imports pymupdf from this one.
"""

import sys

for _addon in ("pymupdf.layout", "pymupdf4llm"):
    sys.modules.setdefault(_addon, None)  # type: ignore[arg-type]

import pymupdf  # noqa: E402

__all__ = ["pymupdf"]
