"""The offline voice: real Piper synthesis, sentence cues that span exactly the audio."""

from __future__ import annotations

import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.voice.piper_engine import synthesize
from slidespeaker.voice.sentences import split_sentences


def test_sentences_are_split_at_their_ends() -> None:
    text = "First point. Second point!\nThird: a list; with parts? Done"
    assert split_sentences(text) == [
        "First point.", "Second point!", "Third:", "a list;", "with parts?", "Done"
    ]  # fmt: skip
    assert split_sentences("  \n ") == []


def test_each_sentence_gets_a_cue_spanning_its_own_audio() -> None:
    speech = synthesize("Hello there. This is a second, longer sentence.", CancelToken())
    assert speech.sample_rate == 22050
    assert [c.text for c in speech.cues] == ["Hello there.", "This is a second, longer sentence."]
    first, second = speech.cues
    assert first.start == 0.0 and first.end == second.start
    assert second.end == pytest.approx(speech.duration)
    assert second.end - second.start > first.end - first.start, "longer text, longer audio"
    assert 1.0 < speech.duration < 8.0
    assert abs(speech.samples).max() > 1000, "it is speech, not silence"


def test_a_cancelled_token_stops_synthesis_between_sentences() -> None:
    token = CancelToken()
    token.cancel("stop")
    with pytest.raises(JobCancelled):
        synthesize("One. Two.", token)
