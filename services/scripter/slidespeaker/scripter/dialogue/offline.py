"""The podcast's dialogue composed offline from what is said over each slide (its notes, or
the outline of its own text): a host who opens, introduces each slide's topic, asks and
reacts, and a guest who explains, so it sounds like two people talking, not two people
taking turns reading bullets.

Every choice of phrasing is drawn from a generator seeded by the deck, so the same deck
always gets the same dialogue (a retried job says what the first attempt said), and no
phrase comes back before every other of its kind has been used.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Speaker, Turn
from slidespeaker.scripter.dialogue.phrases import (
    CLOSING_GUEST,
    CLOSING_HOST,
    CLOSING_THANKS,
    FIRST_TOPIC,
    FIRST_UNTITLED,
    GREETINGS,
    NEXT_TOPIC,
    NEXT_UNTITLED,
    OPENINGS,
    QUESTIONS,
    REACTIONS,
    SILENT_SLIDE,
    TAKE_UPS,
    WRAP_UPS,
)
from slidespeaker.scripter.text import has_words, sentences, word_count

WORDS_PER_MINUTE = 150  # a relaxed conversational pace
FRAME_WORDS = 70  # about what the opening and closing take
HOST_WORDS_PER_SLIDE = 20  # about what bringing up a slide and asking about it takes
MAX_CHUNK_WORDS = 45  # what the guest says before the host comes in again
# A longer title is a sentence ("We need to split our data first"): a template would garble it.
MAX_TITLE_WORDS = 7
NOTHING_TO_TALK_ABOUT = (
    "the deck has nothing to talk about: no slide has speaker notes, text or a title"
)


@dataclass(frozen=True)
class SlideTalk:
    """What the dialogue is made from for one slide (numbered from 1)."""

    number: int
    title: str
    text: str  # what is said over it: its notes, or the outline of its own text


class Phrases:
    """Draws phrases of each kind without repeats until every one was used, then reshuffles."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._left: dict[int, list[str]] = {}

    def pick(self, kind: Sequence[str], **fields: str) -> str:
        left = self._left.get(id(kind))
        if not left:
            left = self._left[id(kind)] = list(kind)
            self.rng.shuffle(left)
        return left.pop().format(**fields)


def compose_dialogue(topic: str, slides: list[SlideTalk], minutes: float | None) -> list[Turn]:
    """The dialogue about the deck called `topic`; about `minutes` long when given."""
    talked = [s for s in slides if has_words(s.text) or has_words(s.title)]
    if not talked:
        raise BadInput(NOTHING_TO_TALK_ABOUT)
    phrases = Phrases(random.Random(f"{topic}/{len(slides)}"))
    said = _budgeted(talked, minutes)
    turns = _opening(phrases, topic, talked[0].number)
    for index, slide in enumerate(talked):
        turns += _about_slide(phrases, slide, said[slide.number], first=index == 0)
    turns += _closing(phrases, topic, talked[-1].number)
    return _merged(turns)


def _opening(phrases: Phrases, topic: str, slide: int) -> list[Turn]:
    return [
        Turn(speaker="host", text=phrases.pick(OPENINGS, topic=topic), slide=slide),
        Turn(speaker="guest", text=phrases.pick(GREETINGS), slide=slide),
    ]


def _about_slide(phrases: Phrases, slide: SlideTalk, said: list[str], *, first: bool) -> list[Turn]:
    """The host brings up the slide's topic; the guest explains it in a few turns, the host
    asking or reacting between them."""
    title = _spoken_title(slide.title)
    if first:
        intro = phrases.pick(FIRST_TOPIC, title=title) if title else phrases.pick(FIRST_UNTITLED)
    else:
        lead = phrases.pick(WRAP_UPS)
        topic = phrases.pick(NEXT_TOPIC, title=title) if title else phrases.pick(NEXT_UNTITLED)
        intro = f"{lead} {topic}"
    turns = [Turn(speaker="host", text=intro, slide=slide.number)]
    chunks = _chunks(said)
    if not chunks:
        return [*turns, _turn("guest", phrases.pick(SILENT_SLIDE), slide)]
    for index, chunk in enumerate(chunks):
        if index:
            asks = index % 2 == 1
            turns.append(_turn("host", phrases.pick(QUESTIONS if asks else REACTIONS), slide))
        opener = phrases.pick(TAKE_UPS) if index == 0 and phrases.rng.random() < 0.5 else ""
        turns.append(_turn("guest", " ".join(filter(None, [opener, chunk])), slide))
    return turns


def _closing(phrases: Phrases, topic: str, slide: int) -> list[Turn]:
    return [
        _turn("host", f"{phrases.pick(WRAP_UPS)} {phrases.pick(CLOSING_HOST)}", slide),
        _turn("guest", phrases.pick(CLOSING_GUEST, topic=topic), slide),
        _turn("host", phrases.pick(CLOSING_THANKS), slide),
    ]


def _turn(speaker: Speaker, text: str, slide: SlideTalk | int) -> Turn:
    number = slide if isinstance(slide, int) else slide.number
    return Turn(speaker=speaker, text=text, slide=number)


def _chunks(said: list[str]) -> list[str]:
    """The slide's sentences in turns of one or two sentences, each short enough to listen to."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in said:
        if current and (
            len(current) == 2 or word_count(" ".join([*current, sentence])) > MAX_CHUNK_WORDS
        ):
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def _budgeted(slides: list[SlideTalk], minutes: float | None) -> dict[int, list[str]]:
    """Each slide's sentences, cut to fit `minutes` in proportion to how much each slide says;
    every slide with something to say keeps at least its first sentence."""
    said = {s.number: sentences(s.text) for s in slides}
    if minutes is None:
        return said
    total = sum(word_count(s.text) for s in slides) or 1
    # What the host says around the content: the opening, the closing, each slide's intro.
    around = FRAME_WORDS + HOST_WORDS_PER_SLIDE * len(slides)
    budget = minutes * WORDS_PER_MINUTE - around
    kept: dict[int, list[str]] = {}
    for slide in slides:
        share = budget * word_count(slide.text) / total
        kept[slide.number] = []
        for sentence in said[slide.number]:
            if kept[slide.number] and word_count(" ".join(kept[slide.number])) >= share:
                break
            kept[slide.number].append(sentence)
    return kept


def _spoken_title(title: str) -> str:
    """The title to say inside a sentence; "" for one that is a sentence of its own."""
    title = " ".join(title.split()).rstrip(".:;,")
    return title if has_words(title) and len(title.split()) <= MAX_TITLE_WORDS else ""


def _merged(turns: list[Turn]) -> list[Turn]:
    """Two turns in a row by one speaker about one slide are one turn."""
    merged: list[Turn] = []
    for turn in turns:
        last = merged[-1] if merged else None
        if last and last.speaker == turn.speaker and last.slide == turn.slide:
            merged[-1] = Turn(
                speaker=turn.speaker, text=f"{last.text} {turn.text}", slide=turn.slide
            )
        else:
            merged.append(turn)
    return merged
