"""The local presenter's clip of one slide: the figure's sprites, posed frame by frame.

A frame is the shoulders with the head pasted over them: which head (mouth and eyes) and
where (its sway) is all that changes, so frames cost a paste, and repeated poses are reused.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path

from slidespeaker.avatar.clip_writer import write_clip
from slidespeaker.avatar.figure import Mouth, Sprites, draw_sprites
from slidespeaker.avatar.motion import Pose, poses
from slidespeaker.common.cancel import CancelToken

FPS = 25


def frame_count(duration: float, fps: int = FPS) -> int:
    return max(1, round(duration * fps))


def render_presenter(
    mouths: Sequence[Mouth],
    out: Path,
    *,
    height: int,
    seed: int,
    token: CancelToken,
    timeout: float,
    fps: int = FPS,
) -> None:
    """Write the clip: one frame per entry of `mouths`, at `fps`, `height` pixels tall."""
    sprites = draw_sprites(height)
    posed = poses(len(mouths), fps, sprites.height, seed)
    write_clip(
        _frames(sprites, mouths, posed), out, size=(sprites.width, sprites.height), fps=fps,
        token=token, timeout=timeout,
    )  # fmt: skip


def _frames(sprites: Sprites, mouths: Sequence[Mouth], posed: Sequence[Pose]) -> Iterator[bytes]:
    picture = functools.lru_cache(maxsize=256)(functools.partial(posed_frame, sprites))
    for mouth, pose in zip(mouths, posed, strict=True):
        yield picture(mouth, pose)


def posed_frame(sprites: Sprites, mouth: Mouth, pose: Pose) -> bytes:
    """One frame as RGBA bytes: the head with `mouth` and the pose's eyes, moved by its offset."""
    frame = sprites.body.copy()
    head = sprites.heads[(mouth, pose.eyes)]
    # alpha_composite takes no negative destination: crop the head's far side instead.
    dest = (max(0, pose.dx), max(0, pose.dy))
    source = (max(0, -pose.dx), max(0, -pose.dy))
    frame.alpha_composite(head, dest, source)
    return frame.tobytes()
