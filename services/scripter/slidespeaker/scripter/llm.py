"""Narration written by a language model through the openai SDK (OpenAI or any server
speaking its Chat Completions protocol: Ollama, vLLM, llama.cpp).

One request per slide, whose answer must be JSON naming the slide it is for: an answer
for another slide, or one that is not the JSON asked for, is refused and asked for again,
so a narration can never land on the wrong slide.

Failures (refused, unavailable, unusable answers) are sorted in chat.py; narration that
stays unusable is LlmUnavailable, which the stage retries later before the job fails.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from pydantic import BaseModel, ValidationError

from slidespeaker.common.text_cleaning import clean_text
from slidespeaker.scripter.chat import ChatModel, LlmUnavailable, UnusableAnswers
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.spoken import chart_sentences
from slidespeaker.scripter.text import has_words

SYSTEM_PROMPT = """\
You write what a presenter says over one slide of a deck. Speak to the audience in \
plain spoken sentences, about {words} words, in {language}. Follow the speaker notes \
when there are any; otherwise explain the slide's text, tables and charts. When a picture \
of the slide comes with it, look at it too; a slide without text is explained from its \
picture alone, saying what it shows without guessing beyond it. Continue \
naturally from the previous slide, never say "this slide" or a slide number, never read \
a URL in full, use no lists or markdown. Answer only with JSON: {{"slide": the slide \
number you were given, "narration": what the presenter says}}."""
RESPONSE_FORMAT: Any = {
    "type": "json_schema",
    "json_schema": {
        "name": "slide_narration",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"slide": {"type": "integer"}, "narration": {"type": "string"}},
            "required": ["slide", "narration"],
            "additionalProperties": False,
        },
    },
}
# The slide picture sent to a model that sees images: 1024x576 at "high" detail costs
# OpenAI 765 tokens (four 512-pixel tiles at 170, plus 85), and keeps slide text legible.
IMAGE_WIDTH, IMAGE_HEIGHT = 1024, 576
IMAGE_DETAIL = "high"
IMAGE_TOKENS = 765


class SlideNarration(BaseModel):
    slide: int
    narration: str


class LlmNarrator:
    def __init__(self, settings: ScripterSettings) -> None:
        self._chat = ChatModel(settings)
        self.model = self._chat.model
        self.sees_images = settings.llm_sees_images

    def narrate(
        self,
        slide: SlideContent,
        number: int,
        titles: list[str],
        words: int,
        language: str,
        picture: bytes | None = None,
    ) -> str:
        """The narration of visible slide `number` (1-based); `titles` are every slide's;
        `picture` the slide as a PNG, for a model that sees images."""
        messages = prompt(slide, number, titles, words, language)
        if picture is not None:
            messages = with_picture(messages, picture)
        try:
            return self._chat.ask_checked(
                messages, RESPONSE_FORMAT, lambda answer: _checked(answer, number)
            )
        except UnusableAnswers as exc:
            raise LlmUnavailable(
                f"the language model {self.model!r} gave no usable narration for slide "
                f"{number}: {exc.problem}"
            ) from exc


def prompt(slide: SlideContent, number: int, titles: list[str], words: int, language: str) -> Any:
    """The chat messages that ask for slide `number`'s narration."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(words=words, language=language)},
        {"role": "user", "content": _slide_prompt(slide, number, titles)},
    ]


def with_picture(messages: Any, png: bytes) -> Any:
    """The messages with the slide's picture beside the user's text, as a data URL."""
    *before, user = messages
    url = f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"
    content = [
        {"type": "text", "text": user["content"]},
        {"type": "image_url", "image_url": {"url": url, "detail": IMAGE_DETAIL}},
    ]
    return [*before, {"role": "user", "content": content}]


def _slide_prompt(slide: SlideContent, number: int, titles: list[str]) -> str:
    outline = [f"{n}. {title or '(untitled)'}" for n, title in enumerate(titles, start=1)]
    facts = {
        "slide": number,
        "deck_outline": outline,
        "title": slide.title,
        "text": slide.body,
        "tables": [table.rows for table in slide.tables],
        "charts": [" ".join(chart_sentences(chart, english=True)) for chart in slide.charts],
        "picture_descriptions": [alt for alt in slide.pictures if alt],
        "speaker_notes": slide.notes,
    }
    return json.dumps(facts, ensure_ascii=False)


def _checked(answer: str, number: int) -> str:
    try:
        parsed = SlideNarration.model_validate_json(answer)
    except ValidationError as exc:
        raise ValueError(f"the answer is not the JSON asked for ({answer[:80]!r})") from exc
    if parsed.slide != number:
        raise ValueError(f"the answer is for slide {parsed.slide}, not {number}")
    if not has_words(parsed.narration):
        raise ValueError("the narration is empty")
    return clean_text(parsed.narration)
