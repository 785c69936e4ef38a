"""The avatar service: a talking presenter per slide, as a short clip the composer overlays.

Each presenter (`--avatar local`, `--avatar heygen`) is one `ClipRenderer`: given the task
(the job's state says which slide, its audio and timings) and a scratch directory, it writes
the slide's clip there and returns its path. This module stores it and reports it. A
renderer that cannot make a slide's clip raises PresenterUnavailable: the slide goes on
without the presenter, and a warning says why.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from slidespeaker.avatar.fallback import PresenterUnavailable, without_presenter
from slidespeaker.avatar.heygen.slide import render_heygen_slide
from slidespeaker.avatar.local import render_local_clip
from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.errors import BadInput
from slidespeaker.common.runtime import StageHandlers, TaskContext, run_stage
from slidespeaker.common.settings import Settings

ClipRenderer = Callable[[TaskContext, Path], Awaitable[Path]]
CLIP_RENDERERS: dict[str, ClipRenderer] = {
    "local": render_local_clip,
    "heygen": render_heygen_slide,
}


async def avatar_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    presenter = ctx.state.options.avatar  # never "none": the dispatcher asks no avatar then
    render_clip = CLIP_RENDERERS.get(presenter)
    if render_clip is None:
        raise BadInput(f"the presenter {presenter!r} is not available in this version")
    with tempfile.TemporaryDirectory(prefix="avatar-", dir=ctx.scratch) as work:
        try:
            clip = await render_clip(ctx, Path(work))
        except PresenterUnavailable as error:
            return without_presenter(ctx, str(error))
        key = storage_keys.avatar_clip(ctx.job_id, ctx.task.slide, clip.suffix)
        await asyncio.to_thread(ctx.storage.put_file, key, clip)
    return [ev.AvatarRendered(job_id=ctx.job_id, slide=ctx.task.slide, video_key=key)]


HANDLERS: StageHandlers = {ev.Action.avatar_slide: avatar_slide}


def run(settings: Settings) -> None:
    run_stage(HANDLERS, settings)
