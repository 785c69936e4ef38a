"""The podcast's dialogue written by a language model through the openai SDK, in one request
for the whole deck, answered as JSON turns (structured output) and checked before use.

An answer that is not the JSON asked for, has no turns, names a speaker other than the host
and the guest, a slide the deck does not have, or a turn with nothing to say, is asked for
again; still unusable after the retries, the job fails saying why (retrying the job would
ask the same model the same question). A server that cannot be reached is LlmUnavailable,
which the stage retries later, as for the narration.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Turn
from slidespeaker.common.text_cleaning import clean_text
from slidespeaker.scripter.chat import ChatModel, UnusableAnswers
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.dialogue.offline import WORDS_PER_MINUTE, SlideTalk
from slidespeaker.scripter.text import has_words

SYSTEM_PROMPT = """\
You write a podcast episode in which two people talk about a slide deck: a host who \
opens the episode, introduces the deck and each slide's topic, asks questions and reacts, \
and a guest who explains, gives examples and answers. Make it a real conversation — short \
turns, questions and answers, natural transitions between slides, an opening and a \
closing — never two people taking turns reading bullets. Follow the speaker notes where \
there are any. About {words} words in all, in {language}. Use no lists or markdown, never \
read a URL in full. Answer only with JSON: {{"turns": [{{"speaker": "host" or "guest", \
"slide": the number of the slide the turn is about, "text": what is said}}]}}."""
RESPONSE_FORMAT: Any = {
    "type": "json_schema",
    "json_schema": {
        "name": "podcast_dialogue",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "turns": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "speaker": {"type": "string", "enum": ["host", "guest"]},
                            "slide": {"type": "integer"},
                            "text": {"type": "string"},
                        },
                        "required": ["speaker", "slide", "text"],
                        "additionalProperties": False,
                    },
                }
            },
            "required": ["turns"],
            "additionalProperties": False,
        },
    },
}
WORDS_PER_SLIDE = 120  # the dialogue's length when no target is given


class _Turn(BaseModel):
    speaker: Literal["host", "guest"]
    slide: int
    text: str


class _Dialogue(BaseModel):
    turns: list[_Turn]


class DialogueWriter:
    def __init__(self, settings: ScripterSettings) -> None:
        self._chat = ChatModel(settings)
        self.model = self._chat.model

    def write(
        self, topic: str, slides: list[SlideTalk], minutes: float | None, language: str
    ) -> list[Turn]:
        words = dialogue_words(len(slides), minutes)
        messages = dialogue_prompt(topic, slides, words, language)
        try:
            return self._chat.ask_checked(
                messages, RESPONSE_FORMAT, lambda answer: checked(answer, len(slides))
            )
        except UnusableAnswers as exc:
            raise BadInput(
                f"the language model {self.model!r} gave no usable podcast dialogue in "
                f"{exc.tries} {'try' if exc.tries == 1 else 'tries'}: {exc.problem}"
            ) from exc


def dialogue_words(slide_count: int, minutes: float | None) -> int:
    """How long the dialogue is asked to be, in words."""
    return round(minutes * WORDS_PER_MINUTE) if minutes else WORDS_PER_SLIDE * slide_count


def dialogue_prompt(topic: str, slides: list[SlideTalk], words: int, language: str) -> Any:
    deck = {
        "deck": topic,
        "slides": [{"slide": s.number, "title": s.title, "said": s.text} for s in slides],
    }
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(words=words, language=language)},
        {"role": "user", "content": json.dumps(deck, ensure_ascii=False)},
    ]


def checked(answer: str, slide_count: int) -> list[Turn]:
    """The answer's turns, or ValueError saying what is wrong with it."""
    try:
        dialogue = _Dialogue.model_validate_json(answer)
    except ValidationError as exc:
        raise ValueError(f"the answer is not the JSON asked for ({answer[:80]!r})") from exc
    if not dialogue.turns:
        raise ValueError("the answer has no turns")
    for number, turn in enumerate(dialogue.turns, start=1):
        if not 1 <= turn.slide <= slide_count:
            raise ValueError(
                f"turn {number} is about slide {turn.slide}; the deck has {slide_count}"
            )
        if not has_words(turn.text):
            raise ValueError(f"turn {number} has nothing to say")
    if len({turn.speaker for turn in dialogue.turns}) < 2:
        raise ValueError("only one of the two speakers talks")
    return [Turn(speaker=t.speaker, text=clean_text(t.text), slide=t.slide) for t in dialogue.turns]
