"""What is said over each slide, by the job's `narration` option:

- notes: the speaker notes (cleaned for speech) only; a slide without notes is held silent;
- outline: composed from the slide's own text, never the notes;
- llm: written by the language model from the slide, its notes and the deck's outline;
- auto: the notes where a slide has them, else the model when one is configured, else
  the outline.

With a `language` the deck is not (or may not be) written in, the model narrates every
slide, notes included, in that language; without a model that is refused, unless the
deck's words are already in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions, LanguageSource, NarrationSource
from slidespeaker.common.languages import base_language
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.language import Decided, decide, deck_language, own_tags
from slidespeaker.scripter.llm import LlmNarrator
from slidespeaker.scripter.notes_text import clean_notes
from slidespeaker.scripter.outline import OutlineContext, outline_narration
from slidespeaker.scripter.text import has_words

NO_MODEL = (
    "narration=llm needs a language model: set SLIDESPEAKER_LLM_MODEL, and OPENAI_API_KEY "
    "or SLIDESPEAKER_LLM_BASE_URL (e.g. a local Ollama at http://localhost:11434/v1)"
)
NEEDS_TRANSLATION = (
    "narrating in {language} needs a language model to translate the deck, which is not "
    "written in it: set SLIDESPEAKER_LLM_MODEL (and OPENAI_API_KEY or "
    "SLIDESPEAKER_LLM_BASE_URL), or leave the language unset to narrate in the deck's own"
)
NOTHING_TO_SAY = "has nothing to say"
NO_NOTES = "has no speaker notes (narration from notes only)"


@dataclass(frozen=True)
class Narration:
    title: str
    text: str
    source: NarrationSource
    silent_because: str = ""  # why a slide with source none is silent, for its warning


class Narrator:
    """Narrates the visible slides of one deck, and says in which language; slide numbers
    count from 1. `declared` is the deck's default language tag (text with none of its own
    is in it)."""

    def __init__(
        self,
        slides: list[SlideContent],
        options: JobOptions,
        llm: LlmNarrator | None,
        declared: str | None = None,
    ) -> None:
        if options.narration == "llm" and llm is None:
            raise BadInput(NO_MODEL)
        self.slides = slides
        self.options = options
        self.llm = llm if options.narration in ("llm", "auto") else None
        self._slide_languages: dict[int, Decided] = {}
        tags = [tags for s in slides for tags in (s.text_languages, s.notes_languages)]
        self.deck = deck_language(tags, declared, [_own_text(s) + " " + s.notes for s in slides])
        self.translate = self._must_translate()

    def _must_translate(self) -> bool:
        language = self.options.language
        if not language:
            return False
        deck = self.deck.language
        already = None if deck is None else base_language(deck) == base_language(language)
        if already is False and self.llm is None:
            raise BadInput(NEEDS_TRANSLATION.format(language=language))
        return already is not True and self.llm is not None

    @property
    def language(self) -> Decided:
        """The language the deck is narrated in as a whole: the job's, else the deck's."""
        if self.options.language:
            return Decided(self.options.language, LanguageSource.option)
        return self.deck

    def narration_language(self, number: int, narration: Narration) -> Decided:
        """The language slide `number`'s narration is in, and where that came from."""
        if self.options.language:
            return self.language
        slide = self.slides[number - 1]
        if narration.source == NarrationSource.notes:
            return decide(narration.text, self._prior(slide.notes_languages))
        if narration.source == NarrationSource.llm:
            return decide(narration.text, self.slide_language(number))
        return self.slide_language(number)

    def slide_language(self, number: int) -> Decided:
        """The language of slide `number`'s own text (title, body, pictures' descriptions)."""
        if number not in self._slide_languages:
            slide = self.slides[number - 1]
            prior = self._prior(slide.text_languages)
            self._slide_languages[number] = decide(_own_text(slide), prior)
        return self._slide_languages[number]

    def _prior(self, tags: dict[str, int]) -> Decided:
        own = own_tags(tags)
        if own:
            return Decided(own, LanguageSource.tags)
        return Decided(self.deck.language, LanguageSource.deck if self.deck.language else None)

    def _english(self, number: int) -> bool:
        """Whether the outline of slide `number` may add English glue words ("Next, ...")."""
        if self.options.language:
            return base_language(self.options.language) == "en"
        language = self.slide_language(number).language
        # Not known: the default voice, English, reads it.
        return language is None or base_language(language) == "en"

    def narrate(self, number: int, picture: bytes | None = None) -> Narration:
        """Slide `number`'s narration; `picture` (a PNG of it) is shown to a model that sees
        images (see wants_picture)."""
        slide = self.slides[number - 1]
        notes = self._notes(slide)
        if notes:
            return Narration(slide.title, notes, NarrationSource.notes)
        if self.options.narration == "notes":
            return Narration(slide.title, "", NarrationSource.none, NO_NOTES)
        if self.uses_model(number):
            return Narration(slide.title, self._by_llm(number, picture), NarrationSource.llm)
        outline = outline_narration(slide, self._context(number))
        if outline:
            return Narration(slide.title, outline, NarrationSource.outline)
        return Narration(slide.title, "", NarrationSource.none, NOTHING_TO_SAY)

    def uses_model(self, number: int) -> bool:
        """Whether slide `number` is narrated by the model (known before asking it): one
        that sees images can describe a slide that is only a picture."""
        slide = self.slides[number - 1]
        if self.llm is None or self._notes(slide):
            return False
        return _has_content(slide) or self.llm.sees_images

    def wants_picture(self, number: int) -> bool:
        """Whether the model that narrates slide `number` should be shown its picture."""
        return self.llm is not None and self.llm.sees_images and self.uses_model(number)

    def _notes(self, slide: SlideContent) -> str:
        if self.options.narration in ("outline", "llm") or self.translate:
            return ""
        return clean_notes(slide.notes)

    def _by_llm(self, number: int, picture: bytes | None) -> str:
        assert self.llm is not None
        context = self.prompt_context()
        return self.llm.narrate(self.slides[number - 1], number, *context, picture=picture)

    def prompt_context(self) -> tuple[list[str], int, str]:
        """What the model is told besides the slide: every title, the length, the language."""
        titles = [s.title for s in self.slides]
        language = self.options.language or "the language the slide is written in"
        return titles, self.options.words_per_slide, language

    def _context(self, number: int) -> OutlineContext:
        return OutlineContext(
            number=number,
            total=len(self.slides),
            previous_title=self.slides[number - 2].title if number > 1 else "",
            english=self._english(number),
            words_per_slide=self.options.words_per_slide,
        )


def _own_text(slide: SlideContent) -> str:
    return " ".join([slide.title, *slide.body, *slide.pictures])


def _has_content(slide: SlideContent) -> bool:
    """Something a model could narrate without inventing it."""
    texts = [slide.title, *slide.body, slide.notes, *slide.pictures]
    return any(has_words(t) for t in texts) or bool(slide.tables or slide.charts)
