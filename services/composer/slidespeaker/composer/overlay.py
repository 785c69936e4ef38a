"""The presenter over the slides: each slide's clip composited in a corner of the picture.

The slides stay one picture each (converted to the video's colours once), laid over a
plain background that sets the steady frame rate the moving presenter needs (repeating the
pictures with the fps filter instead made ffmpeg hold ~60 MB per slide of decoded frames).
Each clip gets its own overlay, placed on the video's timeline by frame numbers (so no
slide drifts from its narration however long the deck), shown from where its narration
starts; its first frame is held before that and its last frame after, so the presenter
stays on screen for the whole slide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slidespeaker.composer.burn import CAPTIONS_FILE, STYLE

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


@dataclass(frozen=True)
class SlideClip:
    clip: Path
    slide_start: float  # s on the video's timeline
    slide_end: float
    clip_start: float  # s from the slide's start to the clip's first frame


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


def overlay_graph(track: PresenterTrack, first_input: int, *, length: float, burn: bool) -> str:
    """The filter graph from the slides (input 0, `length` s) and the clips (inputs
    `first_input`... in order) to `[framed]`, with the captions drawn over both when `burn`.

    The video lasts `length` exactly, in whole frames."""
    height = track.clip_height
    margin = round(track.frame_height * MARGIN)
    x, y = (side.format(m=margin) for side in CORNERS[track.position])
    total = round(length * FPS)
    size = f"{track.frame_width}x{track.frame_height}"
    chains = [
        f"color=c=black:s={size}:r={FPS}:d={total / FPS + 1},trim=end_frame={total},"
        "format=yuv420p[canvas]",
        f"[0:v]scale=size={size},{SLIDES_TO_VIDEO}[slides]",  # the frame's size may be lower
        "[canvas][slides]overlay=eof_action=repeat:format=yuv420[s0]",
    ]
    for number, clip in enumerate(track.clips):
        first = round(clip.slide_start * FPS)
        frames = round(clip.slide_end * FPS) - first
        lead = round((clip.slide_start + clip.clip_start) * FPS) - first
        chains.append(
            f"[{first_input + number}:v]fps={FPS},scale=-2:{height},setsar=1,"
            f"crop=w='min(iw,{track.clip_width})':h=ih,{CLIP_TO_VIDEO},"
            f"tpad=start={lead}:start_mode=clone:stop=-1:stop_mode=clone,"
            f"trim=end_frame={frames},setpts=PTS-STARTPTS+{first}/({FPS}*TB)[c{number}]"
        )
        chains.append(
            f"[s{number}][c{number}]overlay=x={x}:y={y}:eof_action=pass:format=yuv420"
            f"[s{number + 1}]"
        )
    last = f"[s{len(track.clips)}]"
    if burn:
        side = caption_side_margin(track)
        style = f"{STYLE},MarginL={side},MarginR={side}"
        chains.append(f"{last}subtitles=filename={CAPTIONS_FILE}:force_style='{style}'[framed]")
    else:
        chains[-1] = chains[-1].removesuffix(last) + "[framed]"
    return ";".join(chains)


def caption_side_margin(track: PresenterTrack) -> int:
    """libass's MarginL and MarginR (in its 384-wide script units) that keep captions clear of
    a presenter in a bottom corner: the same on both sides, so captions stay centred."""
    if not track.position.startswith("bottom"):
        return 0
    presenter = track.clip_width + 2 * track.frame_height * MARGIN
    return round(384 * presenter / track.frame_width)
