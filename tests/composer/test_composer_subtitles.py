"""SRT and WebVTT: proper formats, two short lines at most, cues in order and never empty."""

from __future__ import annotations

import itertools
from pathlib import Path

from slidespeaker.common.events import Cue
from slidespeaker.composer.subtitles import (
    MAX_LINE_WIDTH,
    ScreenCue,
    screen_cues,
    wrap,
    write_srt,
    write_vtt,
)

LONG_SENTENCE = (
    "SlideSpeaker reads every slide of the deck aloud, holds each picture on screen for exactly "
    "as long as its narration lasts, and writes subtitles that a person can read comfortably "
    "while the voice keeps talking about the charts."
)


def test_srt_numbers_cues_and_uses_comma_milliseconds(tmp_path: Path) -> None:
    path = tmp_path / "subtitles.srt"

    write_srt(
        [Cue(text="Hello there.", start=1.0, end=2.5), Cue(text="Bye.", start=3661.2, end=3662)],
        path,
    )

    assert path.read_text(encoding="utf-8") == (
        "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n2\n01:01:01,200 --> 01:01:02,000\nBye.\n"
    )


def test_vtt_has_its_header_dot_milliseconds_and_escapes_markup(tmp_path: Path) -> None:
    path = tmp_path / "subtitles.vtt"

    write_vtt([Cue(text="Revenue <up> & costs -> down", start=0.25, end=1.75)], path)

    assert path.read_text(encoding="utf-8") == (
        "WEBVTT\n\n00:00:00.250 --> 00:00:01.750\nRevenue &lt;up&gt; &amp; costs -&gt; down\n"
    )


def test_lines_are_wrapped_between_words_to_fit_the_screen() -> None:
    lines = wrap("Quarterly revenue grew by twelve percent while costs stayed flat.")

    assert lines == ["Quarterly revenue grew by twelve percent", "while costs stayed flat."]


def test_wide_characters_count_double_and_unspaced_text_is_broken() -> None:
    lines = wrap("季度收入增长了百分之十二而成本保持不变这是一个非常好的结果我们对此感到满意")

    assert [len(line) for line in lines] == [21, 16]


def test_a_cue_too_long_for_one_screen_is_split_in_proportion_to_its_text() -> None:
    screens = screen_cues([Cue(text=LONG_SENTENCE, start=10.0, end=22.0)])

    assert len(screens) > 1
    assert all(len(screen.lines) <= 2 for screen in screens)
    assert all(len(line) <= MAX_LINE_WIDTH for screen in screens for line in screen.lines)
    assert " ".join(" ".join(screen.lines) for screen in screens) == LONG_SENTENCE
    assert screens[0].start_ms == 10_000 and screens[-1].end_ms == 22_000
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(screens))
    total_chars = sum(len("".join(screen.lines)) for screen in screens)
    for screen in screens:
        share = len("".join(screen.lines)) / total_chars
        assert abs((screen.end_ms - screen.start_ms) - share * 12_000) <= 1


def test_overlapping_and_empty_cues_never_reach_the_screen() -> None:
    cues = [
        Cue(text="First.", start=0.0, end=2.0),
        Cue(text="Starts early.", start=1.5, end=3.0),
        Cue(text="Inside the one before.", start=2.0, end=2.8),
        Cue(text="No time at all.", start=4.0, end=4.0),
        Cue(text="   ", start=5.0, end=6.0),
        Cue(text="Last.", start=6.0, end=7.0),
    ]

    assert screen_cues(cues) == [
        ScreenCue(0, 2000, ["First."]),
        ScreenCue(2000, 3000, ["Starts early."]),
        ScreenCue(6000, 7000, ["Last."]),
    ]
