"""The presenter over the slides: each slide's clip composited in a corner of the picture,
the one asked for unless the presenter would hide there a block the pointer marks.

Each slide is its own segment of the video (see segments.py): its picture, converted to
the video's colours once and repeated at the steady frame rate the moving presenter needs,
with its clip over it, shown from where its narration starts; the clip's first frame is
held before that and its last frame after, so the presenter stays on screen for the whole
slide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slidespeaker.composer.burn import CAPTIONS_FILE, STYLE
from slidespeaker.composer.colours import VIDEO_TAGS
from slidespeaker.composer.pointer import TO_MARKED

FPS = 25
MARGIN = 0.03  # of the frame's height, between the presenter and the frame's edges
# Width over height of the presenter's tile: the local presenter's own; a wider clip (HeyGen
# renders 16:9) is cut to it around its middle, where its presenter stands.
PRESENTER_ASPECT = 0.8
# The slides' pictures in the video's colours (BT.709, limited range), once per picture.
SLIDES_TO_VIDEO = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"
# A clip with transparency, converted with the same matrix before it is blended.
CLIP_TO_VIDEO = "scale=out_color_matrix=bt709:out_range=tv,format=yuva420p"
CORNERS = {
    "bottom-right": ("main_w-overlay_w-{m}", "main_h-overlay_h-{m}"),
    "bottom-left": ("{m}", "main_h-overlay_h-{m}"),
    "top-right": ("main_w-overlay_w-{m}", "{m}"),
    "top-left": ("{m}", "{m}"),
}
Box = tuple[float, float, float, float]  # left, top, right, bottom, as shares of the frame


@dataclass(frozen=True)
class SlideClip:
    clip: Path
    slide_start: float  # s on the video's timeline
    slide_end: float
    clip_start: float  # s from the slide's start to the clip's first frame
    position: str | None = None  # its corner; None: the track's


@dataclass(frozen=True)
class PresenterTrack:
    """The clips to show (slides without one show none), where, and how large."""

    clips: Sequence[SlideClip]
    frame_width: int
    frame_height: int
    position: str = "bottom-right"
    scale: float = 0.25  # of the frame's height

    @property
    def clip_height(self) -> int:
        height = round(self.frame_height * self.scale)
        return height - height % 2

    @property
    def clip_width(self) -> int:
        """The widest a clip is shown."""
        width = round(self.clip_height * PRESENTER_ASPECT)
        return width - width % 2

    def tile(self, position: str) -> Box:
        """Where the presenter stands in the corner `position`."""
        width, height = self.clip_width / self.frame_width, self.clip_height / self.frame_height
        side = MARGIN * self.frame_height / self.frame_width
        left = side if position.endswith("left") else 1 - side - width
        top = MARGIN if position.startswith("top") else 1 - MARGIN - height
        return (left, top, left + width, top + height)

    def corner_clear_of(self, marked: Sequence[Box], text: Sequence[Box]) -> str:
        """The track's corner, unless the presenter would hide one of the `marked` blocks
        there: then the corner that hides none of them and the least `text` (the asked one
        first, then the other bottom corner, which keeps titles clear); the track's own when
        every corner hides a marked block."""

        def hidden(corner: str, boxes: Sequence[Box]) -> float:
            return sum(_overlap(self.tile(corner), box) for box in boxes)

        if not hidden(self.position, marked):
            return self.position
        clear = [corner for corner in CORNERS if not hidden(corner, marked)]
        return min(clear, key=lambda corner: hidden(corner, text), default=self.position)


def segment_graph(
    track: PresenterTrack, *, frames: int, clip_lead: int | None, burn: bool, timed: bool = False,
    marks: str = "",
) -> str:  # fmt: skip
    """The filter graph of one slide's segment, `frames` long at FPS: its picture (input 0)
    held, or its pictures in turn when `timed` (a list of pictures with their durations),
    its clip (input 1, unless `clip_lead` is None) shown from frame `clip_lead` (its first
    frame held before that and its last after), the captions drawn over both when `burn`;
    the result is `[video]`. `marks` (pointer.drawing) draws on the slide, under both: its
    frames then come from a timed list cut where marks start and end, and are made steady
    after they are drawn, so each is drawn and converted once."""
    size = f"{track.frame_width}x{track.frame_height}"
    hold = f"tpad=stop=-1:stop_mode=clone,trim=end_frame={frames}"
    steady = f"fps={FPS}," if timed else ""  # a frame per picture change, made steady
    if marks:
        slide = f"scale=size={size},{TO_MARKED},{marks},fps={FPS},{hold}"
    else:
        slide = f"{steady}scale=size={size},{SLIDES_TO_VIDEO},{hold}"
    chains = [f"[0:v]{slide}[slide]"]
    framed = "[slide]"
    if clip_lead is not None:
        margin = round(track.frame_height * MARGIN)
        x, y = (side.format(m=margin) for side in CORNERS[track.position])
        chains += [
            f"[1:v]fps={FPS},scale=-2:{track.clip_height},setsar=1,"
            f"crop=w='min(iw,{track.clip_width})':h=ih,{CLIP_TO_VIDEO},"
            f"tpad=start={clip_lead}:start_mode=clone:stop=-1:stop_mode=clone,"
            f"trim=end_frame={frames}[clip]",
            f"[slide][clip]overlay=x={x}:y={y}:format=yuv420[presented]",
        ]
        framed = "[presented]"
    captions = ""
    if burn:
        side = caption_side_margin(track) if clip_lead is not None else 0
        style = f"{STYLE},MarginL={side},MarginR={side}"
        captions = f"subtitles=filename={CAPTIONS_FILE}:force_style='{style}',"
    chains.append(f"{framed}{captions}{VIDEO_TAGS}[video]")
    return ";".join(chains)


def caption_side_margin(track: PresenterTrack) -> int:
    """libass's MarginL and MarginR (in its 384-wide script units) that keep captions clear of
    a presenter in a bottom corner: the same on both sides, so captions stay centred."""
    if not track.position.startswith("bottom"):
        return 0
    presenter = track.clip_width + 2 * track.frame_height * MARGIN
    return round(384 * presenter / track.frame_width)


def _overlap(a: Box, b: Box) -> float:
    """The area two boxes share."""
    across = min(a[2], b[2]) - max(a[0], b[0])
    down = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, across) * max(0.0, down)
