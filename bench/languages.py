"""The languages the scripter chooses for every real-world deck, and where each came from.

    .venv/bin/python bench/languages.py [DECKS_DIR] [--slides]

One line per deck: its language and source, then each narration language chosen with how
many slides took it from each source (tags, detected, deck, option); with --slides, every
slide too (words, the detector's guess and how sure it was). Offline narration, as a job
with no model configured gets it; decks that cannot be read say why.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.deck import read_slides
from slidespeaker.scripter.language import detect
from slidespeaker.scripter.narration import Narrator

DECKS = Path(__file__).resolve().parents[2] / "shared" / "decks" / "realworld"


def deck_languages(path: Path, slides: bool) -> list[str]:
    try:
        text = read_slides(path)
    except BadInput as exc:
        return [f"| `{path.name}` | — | not read: {exc.message} |"]
    narrator = Narrator(text.slides, JobOptions(), None, text.language)
    chosen: Counter[tuple[str, str]] = Counter()
    lines = []
    for number in range(1, len(text.slides) + 1):
        narration = narrator.narrate(number)
        if not narration.text:
            chosen["(silent)", "—"] += 1
            continue
        decided = narrator.narration_language(number, narration)
        source = decided.source.value if decided.source else "—"
        chosen[decided.language or "unknown", source] += 1
        if slides:
            guess = detect(narration.text)
            lines.append(
                f"    {number:3d} {guess.words:4d} words  {decided.language or '?':6} "
                f"{source:8}  guess {guess.language} {guess.confidence:.2f} "
                f"(then {guess.runner_up})  {narration.text[:60]!r}"
            )
    deck = narrator.deck
    said = f"{deck.language or 'unknown'} ({deck.source.value if deck.source else '—'})"
    by_language: dict[str, list[str]] = {}
    for (language, source), count in sorted(chosen.items()):
        by_language.setdefault(language, []).append(f"{source} {count}")
    choices = "; ".join(f"{lang}: {', '.join(parts)}" for lang, parts in by_language.items())
    return [f"| `{path.name}` | {said} | {choices} |", *lines]


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    folder = Path(args[0]) if args else DECKS
    print("| deck | deck language (source) | slides: language: source count |")
    print("|---|---|---|")
    for path in sorted(p for p in folder.iterdir() if p.suffix != ".md"):
        print("\n".join(deck_languages(path, "--slides" in sys.argv)))


if __name__ == "__main__":
    main()
