"""The scripter service: reads the deck, writes each visible slide's narration and renders it.

A deck's text is read in well under a second, while LibreOffice takes seconds to convert a
PowerPoint deck to the PDF the pictures come from: so every narration that needs no picture
is reported first, and the slides are voiced while the deck converts. Each picture follows,
with where the slide's text is on it (for the pointer); the composer waits for both.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.deadlines import script_deadline_s
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import NarrationSource
from slidespeaker.common.process import ChildTimeout
from slidespeaker.common.runtime import StageHandlers, TaskContext, run_stage
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings
from slidespeaker.scripter import language
from slidespeaker.scripter.builds import BuildStates, render_build_states, revealed_blocks
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.content import DeckText, DeckWarning, Framed
from slidespeaker.scripter.deck import (
    deck_pages,
    deck_warnings,
    read_deck,
    render_slide,
    slide_png,
)
from slidespeaker.scripter.dialogue.task import script_podcast
from slidespeaker.scripter.estimate import (
    NarrationLength,
    check_limit,
    estimate,
    narration_length,
)
from slidespeaker.scripter.estimates import start_estimate_thread
from slidespeaker.scripter.language import Decided
from slidespeaker.scripter.llm import IMAGE_HEIGHT, IMAGE_WIDTH
from slidespeaker.scripter.narration import Narration, Narrator
from slidespeaker.scripter.pdf_reader import open_pdf
from slidespeaker.scripter.pointing import link_sentences, page_blocks
from slidespeaker.scripter.script import make_llm, silence_warning


async def script_deck(ctx: TaskContext) -> list[ev.Event]:
    path = await asyncio.to_thread(ctx.storage.fetch, ctx.state.deck_key)
    check_size(path.stat().st_size, ctx.settings.max_deck_mb)
    await ctx.progress("reading the deck")
    soffice_timeout = ctx.settings.soffice_timeout_s
    with tempfile.TemporaryDirectory(prefix="scripter-", dir=ctx.scratch) as work:
        try:
            path, text = await asyncio.to_thread(
                read_deck, path, Path(work), token=ctx.token, soffice_timeout=soffice_timeout,
                slides=ctx.state.options.slides,
            )  # fmt: skip
        except ChildTimeout as exc:
            raise unconvertible(exc) from exc
        ctx.deadline.extend_to(script_deadline_s(len(text.slides), ctx.settings))
        settings = ScripterSettings()
        narrator = Narrator(text.slides, ctx.state.options, make_llm(settings), text.language)
        length = narration_length(narrator)
        await ctx.emit(*parsed_events(ctx.job_id, text, narrator.language, length))
        if length.too_long:
            warning = length.warning(ctx.state.options)
            await ctx.emit(ev.JobWarning(job_id=ctx.job_id, code="long_narration", message=warning))
        counted = estimate(narrator, settings)
        if counted.hosted:
            await ctx.emit(ev.CostEstimated(job_id=ctx.job_id, **asdict(counted)))
        check_limit(counted, ctx.state.options.max_cost)  # before any hosted call
        # The narration that needs no picture first: voicing starts while the deck converts.
        said: dict[int, Narration] = {}
        for number in range(1, len(text.slides) + 1):
            ctx.token.check()  # a checkpoint between slides
            if narrator.wants_picture(number) and written_by_model(ctx, number) is None:
                continue
            said[number] = await narration_of(ctx, narrator, number, None)
            await ctx.emit(*scripted_events(ctx, text, narrator, number, said[number]))
        try:
            pdf_path = await asyncio.to_thread(
                deck_pages, path, text, Path(work), token=ctx.token,
                soffice_timeout=soffice_timeout,
            )  # fmt: skip
        except ChildTimeout as exc:
            raise unconvertible(exc) from exc
        states = await asyncio.to_thread(
            render_build_states, path, text, Path(work), token=ctx.token,
            soffice_timeout=soffice_timeout,
        )  # fmt: skip
        await ctx.emit(*warning_events(ctx.job_id, states.warnings))
        with opened(pdf_path) as deck_pdf, opened(states.pdf_path) as states_pdf:
            pages = Pages(deck_pdf, states, states_pdf)
            for number in range(1, len(text.slides) + 1):
                ctx.token.check()
                if number not in said:  # a model that sees the slide's picture narrates it
                    picture = await asyncio.to_thread(
                        slide_png, deck_pdf, number - 1, IMAGE_WIDTH, IMAGE_HEIGHT
                    )
                    said[number] = await narration_of(ctx, narrator, number, picture)
                    await ctx.emit(*scripted_events(ctx, text, narrator, number, said[number]))
                framed = text.slides[number - 1].framed
                await ctx.emit(await rendered_event(ctx, pages, number, said[number], framed))
    return []


@dataclass(frozen=True)
class Pages:
    """The deck's pages and its build states' (None without builds), each PDF opened once
    for every slide's pictures and text blocks (render.py says why)."""

    deck: Any
    states: BuildStates
    states_pdf: Any


@contextmanager
def opened(pdf_path: Path | None) -> Iterator[Any]:
    if pdf_path is None:
        yield None
        return
    with open_pdf(pdf_path) as document:
        yield document


def unconvertible(exc: ChildTimeout) -> BadInput:
    # A deck LibreOffice cannot convert in minutes will not convert on a retry either.
    return BadInput(f"the deck could not be converted: {exc}")


def check_size(size: int, max_mb: int) -> None:
    if size > max_mb * 1024 * 1024:
        raise BadInput(f"the deck is {size / 2**20:.0f} MB, more than the {max_mb} MB allowed")


def parsed_events(
    job_id: str, text: DeckText, language: Decided, length: NarrationLength
) -> list[ev.Event]:
    parsed = ev.DeckParsed(
        job_id=job_id,
        format=text.format,
        slide_count=len(text.slides),
        source_slides=[s.source_slide for s in text.slides],
        language=language.language,
        language_source=language.source,
        narration_words=length.words,
        narration_seconds=round(length.seconds, 1),
    )
    return [parsed, *warning_events(job_id, deck_warnings(text.slides))]


def warning_events(job_id: str, warnings: list[DeckWarning]) -> list[ev.Event]:
    return [
        ev.JobWarning(job_id=job_id, slide=slide, code=code, message=message)
        for slide, code, message in warnings
    ]


async def narration_of(
    ctx: TaskContext, narrator: Narrator, number: int, picture: bytes | None
) -> Narration:
    narration = written_by_model(ctx, number)
    if narration is None:
        # A model may take a while.
        narration = await asyncio.to_thread(narrator.narrate, number, picture)
    return narration


def scripted_events(
    ctx: TaskContext, text: DeckText, narrator: Narrator, number: int, narration: Narration
) -> list[ev.Event]:
    language = narrator.narration_language(number, narration)
    events: list[ev.Event] = [
        ev.SlideScripted(
            job_id=ctx.job_id, slide=number, title=narration.title,
            narration=narration.text, source=narration.source,
            language=language.language, language_source=language.source,
        ),
    ]  # fmt: skip
    if narration.silent_because:
        source = text.slides[number - 1].source_slide
        message = silence_warning(source, narration, ctx.settings.hold_s)
        events.append(
            ev.JobWarning(job_id=ctx.job_id, slide=number, code="no_narration", message=message)
        )
    return events


async def rendered_event(
    ctx: TaskContext, pages: Pages, number: int, narration: Narration, framed: list[Framed]
) -> ev.SlideRendered:
    """The slide's picture, stored, and where its text is (its `framed` parts in pieces), linked to
    the narration's sentences; its pictures before each build step."""
    options = ctx.state.options
    key = storage_keys.slide_image(ctx.job_id, number)
    with ctx.storage.writing(key) as tmp:
        await asyncio.to_thread(
            render_slide, pages.deck, number - 1, options.width, options.height, tmp
        )
    blocks, page = await asyncio.to_thread(
        page_blocks, pages.deck, number - 1, narration.title, framed
    )
    builds = await asyncio.to_thread(
        build_pictures, ctx, pages, number, blocks, narration.title, framed
    )
    return ev.SlideRendered(
        job_id=ctx.job_id, slide=number, image_key=key, width=options.width,
        height=options.height, page=page, blocks=blocks,
        links=link_sentences(narration.text, blocks), builds=builds,
    )  # fmt: skip


def build_pictures(
    ctx: TaskContext,
    pages: Pages,
    number: int,
    blocks: list[ev.TextBlock],
    title: str,
    framed: list[Framed],
) -> list[ev.Build]:
    """The slide's build steps: its picture before each, stored, and the blocks each reveals."""
    options = ctx.state.options
    builds = []
    revealed = revealed_blocks(pages.states, pages.states_pdf, number, blocks, title, framed)
    states = pages.states.pages(number)
    for step, (page, shown) in enumerate(zip(states, revealed, strict=True)):
        key = storage_keys.build_image(ctx.job_id, number, step)
        with ctx.storage.writing(key) as tmp:
            render_slide(pages.states_pdf, page, options.width, options.height, tmp)
        builds.append(ev.Build(image_key=key, blocks=shown))
    return builds


def written_by_model(ctx: TaskContext, number: int) -> Narration | None:
    """What the model wrote for this slide in an earlier attempt of this task: a retry after
    slide 7 failed does not pay for slides 1 to 6 again (nor get different words for them)."""
    slide = ctx.state.slides.get(number)
    if slide is None or slide.narration_source != NarrationSource.llm or not slide.narration:
        return None
    return Narration(slide.title, slide.narration, NarrationSource.llm)


HANDLERS: StageHandlers = {
    ev.Action.script_deck: script_deck,
    ev.Action.script_podcast: script_podcast,
}


def run(settings: Settings) -> None:
    # The language detector's models (about 1 s of CPU) load beside the service's first
    # work, not before it: the first deck is read and converted (LibreOffice, a process of
    # its own) meanwhile, and `render` waits for the scripter before anything else.
    threading.Thread(target=language.warm_up, name="language-warm-up", daemon=True).start()
    scratch = Scratch(settings.scratch_dir, "scripter")
    if settings.redis_url:
        start_estimate_thread(settings.redis_url, settings, scratch)
    run_stage(HANDLERS, settings, scratch)
