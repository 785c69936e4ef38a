"""Every real-world deck gives slides (each with a frame, a narration and a voice that reads
it in its language) or a clear BadInput."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.deck import open_deck, render_slide
from slidespeaker.scripter.narration import Narrator
from slidespeaker.voice.choice import choose_voice


@pytest.mark.corpus
def test_deck_reads_or_fails_clearly(corpus_deck: Path, tmp_path: Path) -> None:
    try:
        deck = open_deck(corpus_deck, tmp_path, token=CancelToken(), soffice_timeout=300)
    except BadInput as exc:
        assert exc.message.startswith("the ")
        return
    assert deck.slides
    out = tmp_path / "first.png"
    with pymupdf.open(deck.pdf_path) as pdf:
        assert pdf.page_count == len(deck.slides)
        render_slide(pdf, 0, 1280, 720, out)
    narrator = Narrator(deck.slides, JobOptions(), None, deck.language)
    for number in range(1, len(deck.slides) + 1):
        narration = narrator.narrate(number)
        language = narrator.narration_language(number, narration).language
        # A voice always exists: a language guess never fails the job.
        assert choose_voice(JobOptions(), language, narrator.language.language).voice
    assert pymupdf.Pixmap(str(out)).width == 1280
