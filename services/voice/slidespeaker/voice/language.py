"""Which language a narration is in, so that a voice that speaks it reads it.

Lingua (`lingua-language-detector`) in its low-accuracy mode, over all its 75 languages: a
language it could not name would be taken for one it can, and read in the wrong voice.
Measured here: 6 ms to import, about 1 s and 40-65 MB to load on first use, under 1 ms a
slide after that; its high-accuracy mode took 14-34 s and 0.5-1 GB, py3langid 3.4 s and
130 MB. Low accuracy is unsure of a few words ("Thank you for listening." looks Norwegian
to it, at 47%; "Questions?" French at 53%), so a slide's own guess counts when lingua is
sure of it (a script only one language writes, like Hebrew, always is) or when it is
likely and the slide has a sentence's worth of words; otherwise the slide takes the
language of the whole deck's narration.
"""

from __future__ import annotations

import functools

from lingua import LanguageDetector, LanguageDetectorBuilder

SURE = 0.9  # lingua's share for its best guess at which a few words are enough
LIKELY = 0.5  # and at which a longer text is
ENOUGH_WORDS = 6
SAMPLE = 3000  # characters looked at: plenty to tell, and fast (60,000 took 1-4 s)


def detect(text: str, deck: str = "") -> str | None:
    """The ISO 639-1 code of `text`'s language; where it is too short to tell, `deck`'s."""
    language, share = _best_guess(text[:SAMPLE])
    if share >= SURE or (share >= LIKELY and len(text.split()) >= ENOUGH_WORDS):
        return language
    language, share = _best_guess(deck[:SAMPLE])
    return language if share >= LIKELY else None


def warm_up() -> None:
    """Load the models of the languages written in Latin letters now (about 1 s of CPU),
    before the first slide: most narration needs them, and every voice process would
    otherwise spend that second on its first slide."""
    detect("The models of the languages written in Latin letters are loaded on first use.")


def _best_guess(text: str) -> tuple[str | None, float]:
    if not any(char.isalpha() for char in text):
        return None, 0.0
    confidences = _detector().compute_language_confidence_values(text)
    if not confidences:
        return None, 0.0
    return confidences[0].language.iso_code_639_1.name.lower(), confidences[0].value


@functools.cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
