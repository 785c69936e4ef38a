"""Which language a narration is in, so that a voice that speaks it reads it.

Lingua (`lingua-language-detector`) in its low-accuracy mode, over all its 75 languages: a
language it could not name would be taken for one it can, and read in the wrong voice.
Measured here: 6 ms to import, about 1 s and 40-65 MB to load on first use, under 1 ms a
slide after that; its high-accuracy mode took 14-34 s and 0.5-1 GB, py3langid 3.4 s and
130 MB. Low accuracy is unsure of a few words ("Thank you for listening." looks Norwegian
to it, at 47%), so a slide's own guess counts only when lingua is sure of it (a script
only one language writes, like Hebrew, is always sure); otherwise the slide takes the
language of the whole deck's narration.
"""

from __future__ import annotations

import functools

from lingua import LanguageDetector, LanguageDetectorBuilder

SURE_OF_SLIDE = 0.9  # the share lingua gives its best guess for one slide's narration
SURE_OF_DECK = 0.5  # and for the whole deck's, which is long enough to be right at less


def detect(text: str, deck: str = "") -> str | None:
    """The ISO 639-1 code of `text`'s language; where it is unsure, that of `deck`."""
    return _guess(text, SURE_OF_SLIDE) or _guess(deck, SURE_OF_DECK)


def _guess(text: str, sure: float) -> str | None:
    if not any(char.isalpha() for char in text):
        return None
    confidences = _detector().compute_language_confidence_values(text)
    if not confidences or confidences[0].value < sure:
        return None
    return confidences[0].language.iso_code_639_1.name.lower()


@functools.cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
