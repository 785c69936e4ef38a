"""The avatar service: a talking presenter per slide.

For now it only passes slides through: no presenter renderer exists yet, so a job that
asks for one fails with a clear message instead of silently producing no presenter.
"""

from __future__ import annotations

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.runtime import TaskContext, run_stage
from slidespeaker.common.settings import Settings


async def avatar_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    if ctx.state.options.avatar != "none":
        raise BadInput("a talking presenter (avatar) is not available in this version")
    return [ev.AvatarRendered(job_id=ctx.job_id, slide=ctx.task.slide, video_key=None)]


def run(settings: Settings) -> None:
    run_stage(ev.Stage.avatar, avatar_slide, settings)
