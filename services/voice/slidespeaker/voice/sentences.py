"""Splitting narration into sentences: each becomes one synthesis call and one caption."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?;:。！？])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _BOUNDARY.split(text) if s and s.strip()]
