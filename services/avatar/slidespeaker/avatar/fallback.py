"""A slide shown without its presenter: the renderer could not make the clip, and says why.

A hosted presenter can fail in ways that are no reason to fail the whole video (its render
failed, it took too long, it stayed unreachable through the last try). The renderer raises
PresenterUnavailable; the service then records a warning and the slide goes on without one.
"""

from __future__ import annotations

from slidespeaker.common import events as ev
from slidespeaker.common.runtime import TaskContext

WARNING_CODE = "avatar_unavailable"


class PresenterUnavailable(Exception):
    """No clip for this slide; the message says why, for a person."""


def without_presenter(ctx: TaskContext, reason: str) -> list[ev.Event]:
    assert ctx.task.slide is not None
    ctx.logger.warning("avatar.unavailable", reason=reason)
    message = f"slide {ctx.task.slide} is shown without the presenter: {reason}"
    return [
        ev.JobWarning(job_id=ctx.job_id, slide=ctx.task.slide, code=WARNING_CODE, message=message),
        ev.AvatarRendered(job_id=ctx.job_id, slide=ctx.task.slide, video_key=None),
    ]
