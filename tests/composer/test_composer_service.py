"""The composer service in the running pipeline: what a finished job's video carries."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import av
import pymupdf
import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus

from ..conftest import Stack
from ..jobs import StoredFiles, job_events, run_job
from ..media import frame_shown_at

TITLES = ["Quarterly results", "Hiring plan", "Risks; and = what # we do"]


def a_deck() -> bytes:
    """A PDF whose pages each have a large title over a line of body text."""
    document = pymupdf.open()
    for title in TITLES:
        page = document.new_page()
        page.insert_text((72, 90), title, fontsize=32)
        page.insert_text((72, 160), f"A few words about {title.lower()}.", fontsize=14)
    data: bytes = document.tobytes()
    return data


@pytest.fixture(scope="module")
def finished(stack: Stack) -> JobState:
    state = asyncio.run(run_job(stack.url, stack.home, stack.prefix, a_deck(), "board-meeting.pdf"))
    assert state.status == JobStatus.completed, state.error
    return state


def test_the_video_has_a_chapter_per_slide_at_its_time_named_by_its_title(
    stack: Stack, finished: JobState
) -> None:
    assert finished.outputs is not None
    slides = [finished.slide(n) for n in range(1, len(TITLES) + 1)]
    assert [slide.title for slide in slides] == TITLES, "the scripter reads the titles"
    video = StoredFiles(stack.home).path(finished.outputs.video_key)

    with av.open(str(video)) as container:
        chapters = container.chapters()
        metadata = container.metadata

    assert [chapter["metadata"]["title"] for chapter in chapters] == TITLES
    starts = [sum(s.duration or 0 for s in slides[:i]) for i in range(len(slides))]
    for chapter, start in zip(chapters, starts, strict=True):
        assert chapter["time_base"] is not None
        assert float(chapter["start"] * chapter["time_base"]) == pytest.approx(start, abs=0.002)
    assert metadata["title"] == "board-meeting"
    assert "synthetic speech" in metadata["comment"]


def test_encoding_is_reported_on_the_log_up_to_the_whole_length(
    stack: Stack, finished: JobState
) -> None:
    assert finished.outputs is not None
    events = asyncio.run(job_events(stack.url, stack.prefix, finished.job_id))
    encoding = [
        e for e in events
        if isinstance(e, ev.JobProgress) and e.stage == ev.Stage.composer and e.total > 0
    ]  # fmt: skip
    composed = next(i for i, e in enumerate(events) if isinstance(e, ev.VideoComposed))

    assert encoding, "the composer tells how far the encode has got"
    assert encoding[-1].done == encoding[-1].total == round(finished.outputs.duration)
    assert [e.done for e in encoding] == sorted({e.done for e in encoding})
    assert events.index(encoding[-1]) < composed, "no report comes after the video"


def test_the_poster_beside_the_video_shows_the_first_slide(
    stack: Stack, finished: JobState
) -> None:
    assert finished.outputs is not None and finished.outputs.poster_key is not None
    storage = StoredFiles(stack.home)
    first = storage.path(finished.slide(1).composed_image_key or "")
    poster = storage.path(finished.outputs.poster_key)

    assert poster.parent == storage.path(finished.outputs.video_key).parent
    with av.open(str(first)) as slide, av.open(str(poster)) as jpeg:
        expected = next(slide.decode(video=0)).to_ndarray(format="gray").astype(int)
        shown = next(jpeg.decode(video=0)).to_ndarray(format="gray").astype(int)
    assert shown.shape == expected.shape
    assert abs(shown - expected).mean() < 3  # JPEG's losses only


def test_burned_captions_are_drawn_while_the_first_subtitle_is_shown(
    stack: Stack, finished: JobState
) -> None:
    burned = asyncio.run(
        run_job(
            stack.url, stack.home, stack.prefix, a_deck(), "burned.pdf",
            options=ev.JobOptions(subtitles="burn"),
        )
    )  # fmt: skip
    assert burned.status == JobStatus.completed, burned.error
    assert burned.outputs is not None and finished.outputs is not None
    storage = StoredFiles(stack.home)
    first = first_subtitle(storage.path(burned.outputs.srt_key).read_text(encoding="utf-8"))
    middle = (first[0] + first[1]) / 2

    plain = frame_at(storage.path(finished.outputs.video_key), middle)
    drawn = frame_at(storage.path(burned.outputs.video_key), middle)

    band = slice(plain.shape[0] * 3 // 4, None)
    assert abs(drawn[band] - plain[band]).max() > 100, "the caption band shows text"
    top = slice(0, plain.shape[0] // 2)
    assert abs(drawn[top] - plain[top]).mean() < 2, "the slide above it is untouched"


def first_subtitle(srt: str) -> tuple[float, float]:
    """The first cue's start and end, in seconds."""
    start, end = srt.splitlines()[1].split(" --> ")
    return seconds(start), seconds(end)


def seconds(timestamp: str) -> float:
    hours, minutes, rest = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))


def frame_at(video: Path, time: float) -> Any:
    """The picture on screen at `time` s, as grey levels."""
    with av.open(str(video)) as container:
        return frame_shown_at(container, time).to_ndarray(format="gray").astype(int)
