"""The corpus table: what the scripter makes of every real-world deck, offline (no model).

For each deck: its visible slides (and how many it has), where each slide's narration comes
from (notes, outline, or none: held silent), the warnings, or the reason it fails. A
password-protected deck is also opened with the password SOURCES.md gives for it.

    .venv/bin/python bench/scripter/corpus_table.py [DECKS_DIR] > table.md
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deckpassword import unlock
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.deck import open_deck
from slidespeaker.scripter.narration import Narrator

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DECKS = REPO.parent / "shared/decks/realworld"
PASSWORDS = {  # from SOURCES.md
    "tika_encrypted_pptx_password_tika.pptx": "tika",
    "docling_pdf_password_1234_1p.pdf": "1234",
}
SOFFICE_TIMEOUT_S = 300


def rows(deck: Path) -> list[str]:
    """The deck's row; a password-protected one has a second, opened with its password."""
    with tempfile.TemporaryDirectory() as work:
        lines = [_row(f"`{deck.name}`", deck, Path(work) / "as-given")]
        password = PASSWORDS.get(deck.name)
        if password:
            unlocked = unlock(deck, password, Path(work) / f"unlocked{deck.suffix}")
            name = f"`{deck.name}` with `--password {password}`"
            lines.append(_row(name, unlocked, Path(work) / "unlocked"))
        return lines


def _row(name: str, deck: Path, workdir: Path) -> str:
    start = time.perf_counter()
    try:
        summary = _summary(deck, workdir)
    except BadInput as exc:
        summary = f"| — | — | fails: {exc.message} | —"
    return f"| {name} {summary} | {time.perf_counter() - start:.1f} s |"


def _summary(deck: Path, workdir: Path) -> str:
    opened = open_deck(deck, workdir, token=CancelToken(), soffice_timeout=SOFFICE_TIMEOUT_S)
    narrator = Narrator(opened.slides, JobOptions(), None)
    sources = Counter(narrator.narrate(n).source.value for n in range(1, len(opened.slides) + 1))
    said = ", ".join(f"{source} {count}" for source, count in sources.most_common())
    warnings = Counter(code for _, code, _ in opened.warnings)
    warned = ", ".join(f"{code} {count}" for code, count in warnings.items()) or "—"
    numbers = [s.source_slide for s in opened.slides]
    shown = f"{len(numbers)}" + (
        f" (numbered to {numbers[-1]})" if numbers[-1] != len(numbers) else ""
    )
    return f"| {opened.format} | {shown} | {said} | {warned}"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DECKS
    print("| deck | read as | visible slides | narration (auto, offline) | warnings | time |")
    print("|---|---|---|---|---|---|")
    for deck in sorted(p for p in folder.iterdir() if p.suffix != ".md"):
        print("\n".join(rows(deck)), flush=True)


if __name__ == "__main__":
    main()
