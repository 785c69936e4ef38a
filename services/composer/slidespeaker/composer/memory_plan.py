"""How large a video this machine can encode now: the requested size, or a smaller one
rather than an encode the kernel kills for want of memory.

The need of the final encode (ffmpeg's peak resident memory) grows with the frame's
pixels. Measured on this machine: still slides (ffmpeg alone, five slides) 132 MB at
720p, 213 MB at 1080p, 583 MB at 4k. With the presenter, one slide's segment (one ffmpeg,
x264 with two threads, the most it is given here) 86 MB at 720p, 141 MB at 1080p, 396 MB
at 4k; segments are encoded side by side, as many as there are cores and the memory
holds. Pictures larger than the video are decoded at their own size before they are
scaled down: 4k slides made a 1080p video with a 320 MB peak, a 720p one with 207 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

from slidespeaker.common.memory import free_mb
from slidespeaker.common.settings import Settings

HEADROOM = 1.25  # the figures are one machine's peaks; leave room for what else runs
SOURCE_MB_PER_MEGAPIXEL = 17  # per megapixel the pictures have beyond the video's
STEP_HEIGHTS = (2160, 1080, 720)  # 4k, 1080p, 720p: the sizes a video steps down through
MEGAPIXEL = 1_000_000


@dataclass(frozen=True)
class EncodeNeed:
    """ffmpeg's peak memory for an encode: a fixed part and a part per megapixel."""

    base_mb: float
    mb_per_megapixel: float

    def mb(self, width: int, height: int, source: tuple[int, int] | None = None) -> float:
        """For a `width` x `height` video from pictures of `source` size (None: the same)."""
        pixels = width * height
        extra = max(0, source[0] * source[1] - pixels) if source else 0
        per_pixel = self.mb_per_megapixel * pixels + SOURCE_MB_PER_MEGAPIXEL * extra
        return HEADROOM * (self.base_mb + per_pixel / MEGAPIXEL)


STILL = EncodeNeed(base_mb=90, mb_per_megapixel=60)
# With the pointer's marks, drawn on 4:4:4 frames (four marks a slide), measured against
# the same encode without: still slides 237 MB at 1080p and 725 MB at 4k (178 and 541
# without); a segment from 1080p pictures 129, 187 and 494 MB at 720p, 1080p and 4k (88,
# 141 and 378 without).
MARKED_STILL = EncodeNeed(base_mb=75, mb_per_megapixel=80)
MARKED_MOVING = EncodeNeed(base_mb=85, mb_per_megapixel=50)
MOVING = EncodeNeed(base_mb=55, mb_per_megapixel=42)  # one segment's encode
NARRATION_MB = 36  # the narration's AAC encode, beside the segments' (any length)


def encode_need(*, moving: bool, marked: bool) -> EncodeNeed:
    """What one encode needs: of the moving video's segments or of the still video, with
    the pointer's marks or without."""
    if moving:
        return MARKED_MOVING if marked else MOVING
    return MARKED_STILL if marked else STILL


def planned_size(width: int, height: int, available_mb: float, need: EncodeNeed) -> tuple[int, int]:
    """The requested size if its encode fits in `available_mb`, else the largest of the
    smaller steps that fits (same aspect), else the smallest step: a video made with what
    there is beats one never made."""
    sizes = [(width, height)]
    sizes += [(_even(width * step / height), step) for step in STEP_HEIGHTS if step < height]
    fits = (size for size in sizes if need.mb(*size, source=(width, height)) <= available_mb)
    return next(fits, sizes[-1])


def parallel_encodes(need_mb: float, available_mb: float, cores: int) -> int:
    """How many encodes of `need_mb` each to run at once: one per core while the memory
    holds them, and always one (a slower video beats a smaller one)."""
    return max(1, min(cores, int(available_mb // need_mb)))


def available_mb(settings: Settings) -> float:
    """Memory the encode may use: the setting when one is given, else what the machine
    (and the container's cgroup limit, when one is set) has free now."""
    if settings.composer_memory_mb is not None:
        return settings.composer_memory_mb
    return free_mb()


def resolution_name(height: int) -> str:
    return "4k" if height == 2160 else f"{height}p"


def _even(pixels: float) -> int:
    rounded = round(pixels)
    return rounded - rounded % 2
