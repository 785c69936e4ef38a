"""The language of each slide's narration: the deck's own word first, a detector's only when
the text makes it plain. The one language detector of the pipeline: the voice speaks the
language recorded here.

The deck says what it is written in: every PowerPoint run carries a tag, the presentation a
default, a PDF maybe `/Lang` (see language_tags). The deck's language is the tag covering
most of its text (text with no tag counting for the default); with no tag at all, it is
detected from all its text. A slide takes the tag covering most of the text it is narrated
from (its notes, or its own text), else the deck's language; the detector's guess replaces
that only when

- the text is written in a script that language is not (Chinese text in a deck tagged
  English, a Hebrew title in an untagged deck), and the guess is MIN_CONFIDENCE sure
  (lingua is, of a few words in a script only one language writes); or
- the text has at least MIN_WORDS words, the guess is at least MIN_CONFIDENCE sure, and the
  tagged language is not even the detector's second guess: lingua confuses neighbours
  (Indonesian and Malay, Portuguese and Spanish or Catalan) even when "sure" of them.

Short texts (titles, a few words) keep the tagged or the deck's language: a statistical
guess from a few words is not evidence ("Slide With Missing BlipFill." looked Sotho).
The thresholds were chosen on the real-world decks (bench/languages.py lists every deck's
choices): see MIN_WORDS and MIN_CONFIDENCE.

Lingua (`lingua-language-detector`) in its low-accuracy mode, over all its 75 languages:
6 ms to import, about 1 s and 40-65 MB to load (done when the scripter starts), under 1 ms
a slide after that; its high-accuracy mode took 14-34 s and 0.5-1 GB.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingua import LanguageDetector, LanguageDetectorBuilder

from slidespeaker.common.events import LanguageSource
from slidespeaker.common.languages import base_language
from slidespeaker.scripter.language_tags import UNTAGGED
from slidespeaker.scripter.text import word_count

# Measured on the real-world decks (bench/languages.py --slides): lingua's low-accuracy mode
# was 0.90-0.98 sure of wrong neighbours (Malay for Indonesian at 53 words, German for a
# Chinese slide's English labels at 30), never 0.99 sure of a wrong one with its second
# guess not the tagged language; at 0.99 and 10 words it corrects the keyboard-language tags
# of a Indonesian deck (Swedish, Finnish, English) and English notes tagged Portuguese.
MIN_WORDS = 10  # spoken words (CJK characters two to a word) before a guess may count
MIN_CONFIDENCE = 0.99  # lingua's share for its best guess
SAMPLE = 3000  # characters looked at: plenty to tell, and fast (60,000 took 1-4 s)
TAGGED_SHARE = 0.5  # of a text's characters, for its own tags to speak for it

# The scripts each language is written in, as Unicode names a letter's script (the first
# word of its name); any other language is written in Latin letters.
SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("ru", "uk", "bg", "be", "mk", "kk", "ky", "mn", "tg", "tt", "ba", "cv"),
        frozenset({"CYRILLIC"}),
    ),
    "sr": frozenset({"CYRILLIC", "LATIN"}),
    **dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), frozenset({"ARABIC"})),
    **dict.fromkeys(("he", "yi"), frozenset({"HEBREW"})),
    "zh": frozenset({"CJK"}),
    "yue": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "el": frozenset({"GREEK"}),
    **dict.fromkeys(("hi", "mr", "ne", "sa"), frozenset({"DEVANAGARI"})),
    **dict.fromkeys(("bn", "as"), frozenset({"BENGALI"})),
    "pa": frozenset({"GURMUKHI"}),
    "gu": frozenset({"GUJARATI"}),
    "or": frozenset({"ORIYA"}),
    "ta": frozenset({"TAMIL"}),
    "te": frozenset({"TELUGU"}),
    "kn": frozenset({"KANNADA"}),
    "ml": frozenset({"MALAYALAM"}),
    "si": frozenset({"SINHALA"}),
    "th": frozenset({"THAI"}),
    "lo": frozenset({"LAO"}),
    "km": frozenset({"KHMER"}),
    "my": frozenset({"MYANMAR"}),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
    **dict.fromkeys(("am", "ti"), frozenset({"ETHIOPIC"})),
    **dict.fromkeys(("bo", "dz"), frozenset({"TIBETAN"})),
}
LATIN = frozenset({"LATIN"})


@dataclass(frozen=True)
class Decided:
    language: str | None  # BCP 47 (as tagged) or ISO 639-1 (as detected); None: not known
    source: LanguageSource | None


@dataclass(frozen=True)
class Guess:
    language: str | None  # ISO 639-1
    confidence: float
    runner_up: str | None
    words: int


def detect(text: str) -> Guess:
    """The detector's best guess at `text`'s language, how sure it is, and its second."""
    sample = text[:SAMPLE]
    if not any(char.isalpha() for char in sample):
        return Guess(None, 0.0, None, 0)
    ranked = _detector().compute_language_confidence_values(sample)
    codes = [value.language.iso_code_639_1.name.lower() for value in ranked[:2]]
    if not codes:
        return Guess(None, 0.0, None, word_count(text))
    runner_up = codes[1] if len(codes) > 1 else None
    return Guess(codes[0], ranked[0].value, runner_up, word_count(text))


def warm_up() -> None:
    """Load the models of the languages written in Latin letters now (about 1 s of CPU),
    before the first slide, which would otherwise spend that second."""
    detect("The models of the languages written in Latin letters are loaded on first use.")


def decide(text: str, prior: Decided) -> Decided:
    """The language `text` is in, given what the deck says (`prior`): the detector's guess
    only where the text makes it plain (see the module's doc)."""
    if prior.source in (LanguageSource.option, LanguageSource.edited):
        return prior
    guess = detect(text)
    if guess.language is None:
        return prior
    detected = Decided(guess.language, LanguageSource.detected)
    sure = guess.confidence >= MIN_CONFIDENCE
    if prior.language is None or _foreign_script(text, base_language(prior.language)):
        # Nothing to go by, or what the deck says cannot be (Chinese is not written in
        # Latin letters): a sure guess, however short the text (a script of its own, like
        # Hebrew's, makes lingua sure of a word); else not known (the default voice).
        return detected if sure else Decided(None, None)
    plain = sure and guess.words >= MIN_WORDS
    if plain and base_language(prior.language) not in (guess.language, guess.runner_up):
        return detected
    return prior


def tagged(counts: Mapping[str, int], default: str | None) -> str | None:
    """The language tagged on most of a text's characters (text with no tag counting for
    `default`), or None when nothing is tagged."""
    resolved: Counter[str] = Counter()
    for tag, characters in counts.items():
        language = tag if tag != UNTAGGED else default
        if language:
            resolved[language] += characters
    return resolved.most_common(1)[0][0] if resolved else None


def own_tags(counts: Mapping[str, int]) -> str | None:
    """The language a text's own tags give it: the tag on most of it, when tags cover at
    least TAGGED_SHARE of its characters."""
    total = sum(counts.values())
    explicit = {tag: n for tag, n in counts.items() if tag != UNTAGGED}
    if not explicit or sum(explicit.values()) < TAGGED_SHARE * total:
        return None
    return max(explicit, key=lambda tag: explicit[tag])


def deck_language(
    counts: Iterable[Mapping[str, int]], default: str | None, texts: Iterable[str]
) -> Decided:
    """The deck's language: its tags' (and default's), else detected from all its text."""
    total: Counter[str] = Counter()
    for part in counts:
        total.update(part)
    language = tagged(total, default) or default
    if language:
        return Decided(language, LanguageSource.tags)
    return decide(" ".join(texts), Decided(None, None))


def _foreign_script(text: str, language: str) -> bool:
    """Whether most of the text's letters are in scripts `language` is not written in."""
    scripts = Counter(_script(char) for char in text[:SAMPLE] if char.isalpha())
    letters = sum(scripts.values())
    own = SCRIPTS.get(language, LATIN)
    return letters > 0 and sum(n for script, n in scripts.items() if script in own) < letters / 2


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return "LATIN" if "LATIN" in name else name.split(" ")[0]


@functools.cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
