"""The podcast's dialogue composed offline: a conversation, not bullets read in turn."""

from __future__ import annotations

import itertools

import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.dialogue.offline import SlideTalk, compose_dialogue
from slidespeaker.scripter.dialogue.task import offline_dialogue
from slidespeaker.scripter.text import sentences, word_count

SLIDES = [
    SlideTalk(1, "Why podcasts", "People listen to talks on the move. NotebookLM made the "
              "two-host audio overview popular. Open tools that copy it need hosted models."),
    SlideTalk(2, "", ""),  # a picture: nothing to say, no title
    SlideTalk(3, "How it is built", "The scripter writes a dialogue. The voice service speaks "
              "each turn. The composer joins the turns with natural gaps. Chapters mark each "
              "slide. Captions name the speaker."),
    SlideTalk(4, "Next steps", "Try it on your own deck."),
]  # fmt: skip


def test_a_host_opens_introduces_each_topic_and_closes_while_a_guest_explains() -> None:
    turns = compose_dialogue("Podcasts from slides", SLIDES, None)
    assert turns[0].speaker == "host" and "Podcasts from slides" in turns[0].text
    assert turns[-1].speaker == "host" and "listening" in turns[-1].text
    host = [t for t in turns if t.speaker == "host"]
    guest = [t for t in turns if t.speaker == "guest"]
    assert len(host) >= 6 and len(guest) >= 6
    assert all(a.speaker != b.speaker for a, b in itertools.pairwise(turns)), "they take turns"
    for title in ("Why podcasts", "How it is built", "Next steps"):
        assert any(title in t.text for t in host), f"the host brings up {title}"
    assert any(t.text.endswith("?") for t in host[1:-1]), "the host asks"
    # The notes are the guest's to explain, every sentence of them, in order.
    said_by_guest = " ".join(t.text for t in guest)
    for slide in SLIDES:
        for sentence in sentences(slide.text):
            assert sentence in said_by_guest
            assert not any(sentence in t.text for t in host), "the host does not read notes"
    assert [t.slide for t in turns] == sorted(t.slide for t in turns)
    assert {t.slide for t in turns} == {1, 3, 4}, "a silent untitled slide is skipped"


def test_its_phrasing_varies_and_is_the_same_for_the_same_deck() -> None:
    turns = compose_dialogue("Podcasts from slides", SLIDES, None)
    assert turns == compose_dialogue("Podcasts from slides", SLIDES, None)
    host_lines = [t.text for t in turns if t.speaker == "host"]
    assert len(set(host_lines)) == len(host_lines), "the host never says the same thing twice"
    other = compose_dialogue("Another deck", SLIDES, None)
    assert [t.text for t in other] != [t.text for t in turns], "another deck, other words"


def test_a_target_length_shortens_what_each_slide_says() -> None:
    def said(n: int) -> str:
        return " ".join(f"Point {k} of topic {n} matters a lot." for k in range(12))

    long_slides = [SlideTalk(n, f"Topic {n}", said(n)) for n in range(1, 4)]
    full = compose_dialogue("Deck", long_slides, None)
    short = compose_dialogue("Deck", long_slides, 1.5)
    words = sum(word_count(t.text) for t in short)
    assert words < sum(word_count(t.text) for t in full) / 2
    assert 180 <= words <= 270, "about a minute and a half's talk at 150 words a minute"
    assert {t.slide for t in short} == {1, 2, 3}, "every slide is still talked about"


def test_a_deck_with_nothing_to_say_is_refused() -> None:
    with pytest.raises(BadInput, match="nothing to talk about"):
        compose_dialogue("Deck", [SlideTalk(1, "", ""), SlideTalk(2, "  ", "12")], None)


def test_a_deck_not_in_english_is_talked_about_with_a_warning() -> None:
    japanese = [SlideTalk(1, "売上の概要", "第3四半期の売上は前年比18%増加しました。")]
    scripted, warning = offline_dialogue("j", "売上", japanese, JobOptions(format="podcast"))
    assert isinstance(scripted, ev.PodcastScripted) and scripted.turns
    assert isinstance(warning, ev.JobWarning) and "SLIDESPEAKER_LLM_MODEL" in warning.message
    english = offline_dialogue("j", "Deck", SLIDES, JobOptions(format="podcast"))
    assert [e.type for e in english] == ["podcast.scripted"]
