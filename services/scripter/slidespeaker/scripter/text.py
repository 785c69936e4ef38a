"""Small text rules shared by the readers and the narration."""

from __future__ import annotations

# Marks after which a line reads as finished, in the scripts the decks use.
SENTENCE_ENDS = tuple(".!?…:;。！？؟।")


def one_line(text: str) -> str:
    """Collapse line breaks (python-pptx gives soft breaks as \\v) and runs of spaces."""
    return " ".join(text.split())


def has_words(text: str) -> bool:
    """False for lines that are only numbers or symbols: page numbers, "•", "---"."""
    return any(ch.isalpha() for ch in text)
