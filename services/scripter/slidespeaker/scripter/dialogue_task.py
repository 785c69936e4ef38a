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
from slidespeaker.common.runtime import TaskContext
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.dialogue import MAX_TITLE_WORDS, SlideTalk, compose_dialogue
from slidespeaker.scripter.dialogue_llm import DialogueWriter
from slidespeaker.scripter.language import narrates_in_english
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
        return [ev.PodcastScripted(job_id=ctx.job_id, turns=turns, source="llm")]
    return offline_dialogue(ctx.job_id, topic, slides, options)


def offline_dialogue(
    job_id: str, topic: str, slides: list[SlideTalk], options: ev.JobOptions
) -> list[ev.Event]:
    """The dialogue composed here, with a warning when the deck is not in English."""
    turns = compose_dialogue(topic, slides, options.podcast_minutes)
    scripted = ev.PodcastScripted(job_id=job_id, turns=turns, source="outline")
    texts = [text for s in slides for text in (s.title, s.text)]
    if narrates_in_english(options.language, texts):
        return [scripted]
    return [scripted, ev.JobWarning(job_id=job_id, code="podcast_english", message=IN_ENGLISH)]


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
