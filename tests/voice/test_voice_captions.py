"""Caption layout from word timings: two lines of about 42 columns, about 7 s, whole words."""

from __future__ import annotations

import numpy as np

from slidespeaker.common.events import Cue
from slidespeaker.composer.subtitles import wrap
from slidespeaker.voice.captions import MAX_LINES, MAX_SECONDS, captions_from_words
from slidespeaker.voice.speech import SpokenSentence, join_sentences


def timed(text: str, seconds_per_word: float = 0.3) -> list[Cue]:
    return [
        Cue(text=word, start=i * seconds_per_word, end=(i + 0.8) * seconds_per_word)
        for i, word in enumerate(text.split())
    ]


def test_a_short_sentence_is_one_caption_spanning_its_words() -> None:
    words = timed("Welcome to the show.")
    (caption,) = captions_from_words(words)
    assert (caption.text, caption.start) == ("Welcome to the show.", 0.0)
    assert caption.end == words[-1].end


def test_a_long_sentence_breaks_at_a_clause_within_two_lines() -> None:
    text = (
        "The first results arrived late in the evening, and the team read them twice "
        "before anyone dared to say a word about what they meant for the launch."
    )
    captions = captions_from_words(timed(text, 0.1))
    assert " ".join(c.text for c in captions) == text, "nothing lost, nothing torn"
    assert captions[0].text.endswith("evening,")
    assert all(len(wrap(c.text)) <= MAX_LINES for c in captions)


def test_slow_speech_breaks_at_seven_seconds() -> None:
    captions = captions_from_words(timed("one two three four five six seven eight", 1.5))
    assert len(captions) >= 2
    assert all(c.end - c.start <= MAX_SECONDS for c in captions)
    assert [c.start for c in captions] == [0.0, captions[1].start]


def test_a_word_wider_than_a_line_is_a_caption_of_its_own() -> None:
    url = "https://example.com/" + "a" * 60
    captions = captions_from_words(timed(f"Visit {url} today"))
    assert [c.text for c in captions] == ["Visit", url, "today"]


def test_a_sentence_without_word_timings_falls_back_to_its_own_span() -> None:
    rate = 1000
    timed_sentence = SpokenSentence(
        "Hello there.", np.ones(500, np.int16), rate, words=timed("Hello there.", 0.2)
    )
    untimed = SpokenSentence(
        "Then silence.", np.ones(700, np.int16), rate, words=None, fallback="no timings"
    )
    speech = join_sentences([timed_sentence, untimed], rate)
    assert speech.timing == "mixed" and speech.fallbacks == ["no timings"]
    assert speech.cues[-1] == Cue(text="Then silence.", start=0.5, end=1.2)
    assert [w.text for w in speech.words] == ["Hello", "there."]
    assert join_sentences([untimed], rate).timing == "sentence"
