"""The podcast's captions say who speaks; the gaps between turns follow the talk."""

from __future__ import annotations

from pathlib import Path

from slidespeaker.common.events import Cue
from slidespeaker.common.fold import TurnState
from slidespeaker.composer.podcast import (
    GAP_AFTER_QUESTION_S,
    GAP_BETWEEN_SLIDES_S,
    GAP_S,
    LEAD_IN_S,
    gap_before,
)
from slidespeaker.composer.podcast_captions import (
    SpokenCues,
    write_podcast_srt,
    write_podcast_vtt,
)

TURNS: SpokenCues = [
    ("host", [Cue(text="So why does that matter <really>?", start=0.3, end=2.0)]),
    ("guest", [Cue(text="Because listeners are on the move.", start=2.25, end=4.5),
               Cue(text="And they want two voices.", start=4.6, end=6.0)]),
]  # fmt: skip


def test_srt_labels_every_caption_with_its_speaker(tmp_path: Path) -> None:
    write_podcast_srt(TURNS, tmp_path / "p.srt")
    blocks = (tmp_path / "p.srt").read_text(encoding="utf-8").strip().split("\n\n")
    assert [b.splitlines()[2] for b in blocks] == [
        "HOST: So why does that matter <really>?",
        "GUEST: Because listeners are on the move.",
        "GUEST: And they want two voices.",
    ]
    assert blocks[1].splitlines()[:2] == ["2", "00:00:02,250 --> 00:00:04,500"]


def test_webvtt_names_each_voice_and_escapes_the_text(tmp_path: Path) -> None:
    write_podcast_vtt(TURNS, tmp_path / "p.vtt")
    text = (tmp_path / "p.vtt").read_text(encoding="utf-8")
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    assert (
        blocks[1]
        == "00:00:00.300 --> 00:00:02.000\n<v Host>So why does that matter &lt;really&gt;?"
    )
    assert blocks[3] == "00:00:04.600 --> 00:00:06.000\n<v Guest>And they want two voices."


def test_an_answer_comes_quicker_than_a_new_topic() -> None:
    def turn(text: str, slide: int) -> TurnState:
        return TurnState(speaker="host", text=text, slide=slide)

    asked, said = turn("Why?", 1), turn("Because.", 1)
    assert gap_before(said, None) == LEAD_IN_S
    assert gap_before(said, asked) == GAP_AFTER_QUESTION_S
    assert gap_before(asked, said) == GAP_S
    assert gap_before(turn("Next.", 2), said) == GAP_BETWEEN_SLIDES_S
    assert GAP_AFTER_QUESTION_S < GAP_S < GAP_BETWEEN_SLIDES_S
