"""The scripter's podcast task: the deck, once every slide is scripted, as a dialogue between
a host and a guest — written by the language model when the narration uses one (as for the
slides: narration=llm, or auto with a model configured), else composed offline."""

from __future__ import annotations

import asyncio
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import NarrationSource
from slidespeaker.common.fold import JobState
from slidespeaker.common.languages import base_language
from slidespeaker.common.runtime import TaskContext
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.dialogue.llm import DialogueWriter
from slidespeaker.scripter.dialogue.offline import MAX_TITLE_WORDS, SlideTalk, compose_dialogue
from slidespeaker.scripter.language import Decided, decide, detect
from slidespeaker.scripter.narration import NO_MODEL
from slidespeaker.scripter.notes_text import speakable
from slidespeaker.scripter.text import has_words
from slidespeaker.scripter.transitions import opener

IN_ENGLISH = (
    "the deck is not in English, but without a language model the podcast's host and guest "
    "talk around its content in English: configure a model (SLIDESPEAKER_LLM_MODEL) for a "
    "dialogue in the deck's language"
)


async def script_podcast(ctx: TaskContext) -> list[ev.Event]:
    state = ctx.state
    options = state.options
    slides = [talk_about(state, n) for n in range(1, (state.slide_count or 0) + 1)]
    settings = ScripterSettings()
    if options.narration == "llm" and not settings.llm_configured:
        raise BadInput(NO_MODEL)
    topic = podcast_topic(state)
    if options.narration in ("llm", "auto") and settings.llm_configured:
        await ctx.progress("the language model writes the podcast's dialogue")
        language = options.language or "the language the deck is written in"
        writer = DialogueWriter(settings)
        turns = await asyncio.to_thread(
            writer.write, topic, slides, options.podcast_minutes, language
        )
        ctx.token.check()
        turns = in_their_languages(state, turns)
        return [ev.PodcastScripted(job_id=ctx.job_id, turns=turns, source="llm")]
    return offline_dialogue(ctx.job_id, topic, slides, options, state)


def offline_dialogue(
    job_id: str,
    topic: str,
    slides: list[SlideTalk],
    options: ev.JobOptions,
    state: JobState | None = None,
) -> list[ev.Event]:
    """The dialogue composed here, with a warning when the deck is not in English."""
    turns = compose_dialogue(topic, slides, options.podcast_minutes)
    if state is not None:
        turns = in_their_languages(state, turns)
    scripted = ev.PodcastScripted(job_id=job_id, turns=turns, source="outline")
    language = options.language or (state.language if state else None)
    if language is None:  # not recorded: the detector's guess, which costs only the warning
        language = detect(" ".join(text for s in slides for text in (s.title, s.text))).language
    if language is not None and base_language(language) == "en":
        return [scripted]
    return [scripted, ev.JobWarning(job_id=job_id, code="podcast_english", message=IN_ENGLISH)]


def in_their_languages(state: JobState, turns: list[ev.Turn]) -> list[ev.Turn]:
    """Each turn with its language, by the slides' rule: the language of the slide it is
    about, unless the turn's own text makes another plain (the host's English around a
    Hebrew slide)."""
    deck = Decided(state.language, state.language_source)
    if state.options.language:
        deck = Decided(state.options.language, ev.LanguageSource.option)
    said = []
    for turn in turns:
        slide = state.slide(turn.slide)
        prior = Decided(slide.language, slide.language_source) if slide.language else deck
        said.append(turn.model_copy(update={"language": decide(turn.text, prior).language}))
    return said


def talk_about(state: JobState, number: int) -> SlideTalk:
    """What the slide's narration says, without the outline's opening line ("Next, Sales."):
    in the dialogue the host brings up each topic."""
    slide = state.slide(number)
    text = slide.narration or ""
    if slide.narration_source == NarrationSource.outline:
        previous = state.slide(number - 1).title if number > 1 else ""
        title = speakable(slide.title)
        said = opener(title, number, state.slide_count or number, speakable(previous))
        text = text.removeprefix(said).strip()
    return SlideTalk(number, slide.title, text)


def podcast_topic(state: JobState) -> str:
    """What the episode is about: the first slide's title when it is a name, else the file's."""
    first = " ".join(state.slide(1).title.split()).rstrip(".:;,")
    if has_words(first) and len(first.split()) <= MAX_TITLE_WORDS:
        return first
    name = " ".join(Path(state.filename).stem.replace("_", " ").replace("-", " ").split())
    return name or "this deck"
