"""What a job's hosted calls will take, reckoned before any is made: the model's requests
and tokens, the characters a hosted voice will speak, and their price when it is known.

Tokens are counted at CHARS_PER_TOKEN characters each (OpenAI's rule of thumb for
English; it overestimates little for other Latin scripts and underestimates CJK, which is
why the estimate is a limit's guard, not a bill). A model's answer is reckoned at the
target length; so is the speech of a slide the model will write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.scripter.config import ScripterSettings
from slidespeaker.scripter.dialogue.llm import dialogue_prompt, dialogue_words
from slidespeaker.scripter.dialogue.offline import WORDS_PER_MINUTE, SlideTalk
from slidespeaker.scripter.llm import IMAGE_TOKENS, prompt
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.text import word_count

CHARS_PER_TOKEN = 4
TOKENS_PER_WORD = 1.4
ANSWER_OVERHEAD_TOKENS = 12  # the JSON around the narration
CHARS_PER_WORD = 6  # with the space after it
HOSTED_VOICES = {"openai", "elevenlabs"}
LONG_NARRATION_S = 3600.0  # past this, the user is told at once, with how to shorten it
NO_PRICE = (
    "the job has a cost limit, but the price of {what} is not configured: set {setting} "
    "(US dollars), or submit it without max_cost"
)


@dataclass(frozen=True)
class Estimate:
    llm_requests: int = 0
    llm_input_tokens: int = 0
    llm_output_tokens: int = 0
    tts_characters: int = 0
    cost_usd: float | None = None  # None: a price it needs is not configured

    @property
    def hosted(self) -> bool:
        return bool(self.llm_requests or self.tts_characters)


def estimate(narrator: Narrator, settings: ScripterSettings) -> Estimate:
    requests = input_tokens = output_tokens = speech_chars = 0
    options = narrator.options
    for number, slide in enumerate(narrator.slides, start=1):
        if narrator.uses_model(number):
            messages = prompt(slide, number, *narrator.prompt_context())
            requests += 1
            input_tokens += math.ceil(sum(len(m["content"]) for m in messages) / CHARS_PER_TOKEN)
            input_tokens += IMAGE_TOKENS if narrator.wants_picture(number) else 0
            answer = options.words_per_slide * TOKENS_PER_WORD + ANSWER_OVERHEAD_TOKENS
            output_tokens += math.ceil(answer)
            speech_chars += options.words_per_slide * CHARS_PER_WORD
        else:
            speech_chars += len(narrator.narrate(number).text)  # offline, and cheap
    if not options.wants_video:
        speech_chars = 0  # the slides are not spoken, only the podcast's turns
    if options.wants_podcast:
        podcast = _podcast(narrator)
        requests += podcast.llm_requests
        input_tokens += podcast.llm_input_tokens
        output_tokens += podcast.llm_output_tokens
        speech_chars += podcast.tts_characters
    if options.voice_provider not in HOSTED_VOICES:
        speech_chars = 0
    counted = Estimate(requests, input_tokens, output_tokens, speech_chars)
    return Estimate(requests, input_tokens, output_tokens, speech_chars, _cost(counted, settings))


@dataclass(frozen=True)
class NarrationLength:
    words: int
    seconds: float  # at WORDS_PER_MINUTE, and the job's rate

    @property
    def too_long(self) -> bool:
        return self.seconds > LONG_NARRATION_S

    def warning(self, options: JobOptions) -> str:
        """What the user is told about a narration past an hour, and how to shorten it."""
        return (
            f"the narration is expected to run about {self.seconds / 3600:.1f} hours "
            f"({self.words:,} words at about {WORDS_PER_MINUTE} a minute), past an hour: to "
            f"shorten it, say fewer words a slide (--words-per-slide, now "
            f"{options.words_per_slide}; words_per_slide in the API) or narrate fewer slides "
            "(--slides, e.g. 1-20)"
        )


def narration_length(narrator: Narrator) -> NarrationLength:
    """How long the slides' narration will run: offline narration is counted (it is cheap
    to make), the model's slides at the words asked for."""
    words = 0
    for number in range(1, len(narrator.slides) + 1):
        if narrator.uses_model(number):
            words += narrator.options.words_per_slide
        else:
            words += word_count(narrator.narrate(number).text)
    seconds = words / WORDS_PER_MINUTE * 60 / narrator.options.rate
    return NarrationLength(words, seconds)


def _podcast(narrator: Narrator) -> Estimate:
    """The podcast: one request when the model writes the dialogue (its prompt carries every
    slide's narration), and the dialogue's speech; offline, every slide's narration with
    about as much again said around it."""
    options = narrator.options
    slides = [
        SlideTalk(number, slide.title, _narration_stand_in(narrator, number))
        for number, slide in enumerate(narrator.slides, start=1)
    ]
    said = sum(len(slide.text) for slide in slides)
    if narrator.llm is None:
        return Estimate(tts_characters=2 * said)
    words = dialogue_words(len(slides), options.podcast_minutes)
    messages = dialogue_prompt("", slides, words, options.language or "")
    return Estimate(
        llm_requests=1,
        llm_input_tokens=math.ceil(sum(len(m["content"]) for m in messages) / CHARS_PER_TOKEN),
        llm_output_tokens=math.ceil(words * TOKENS_PER_WORD),
        tts_characters=words * CHARS_PER_WORD,
    )


def _narration_stand_in(narrator: Narrator, number: int) -> str:
    """The slide's narration, or text as long as the model's will be (never asking it)."""
    if narrator.uses_model(number):
        return "x" * (narrator.options.words_per_slide * CHARS_PER_WORD)
    return narrator.narrate(number).text


def _cost(counted: Estimate, settings: ScripterSettings) -> float | None:
    parts = [
        (counted.llm_input_tokens, settings.llm_usd_per_mtok_input),
        (counted.llm_output_tokens, settings.llm_usd_per_mtok_output),
        (counted.tts_characters, settings.tts_usd_per_mchar),
    ]
    if any(amount and price is None for amount, price in parts):
        return None
    return sum(amount * (price or 0.0) / 1e6 for amount, price in parts)


def check_limit(counted: Estimate, max_cost: float | None) -> None:
    """BadInput when the job is estimated above its cost limit, or cannot be priced."""
    if max_cost is None or not counted.hosted:
        return
    if counted.cost_usd is None:
        raise BadInput(_missing_price(counted))
    if counted.cost_usd > max_cost:
        raise BadInput(
            f"the job is estimated at ${counted.cost_usd:.2f}, above its limit of "
            f"${max_cost:.2f} ({counted.llm_requests} model requests, about "
            f"{counted.llm_input_tokens + counted.llm_output_tokens} tokens; "
            f"{counted.tts_characters} characters of hosted speech); nothing was sent"
        )


def _missing_price(counted: Estimate) -> str:
    if counted.llm_requests:
        return NO_PRICE.format(
            what="the language model's tokens",
            setting="SLIDESPEAKER_LLM_USD_PER_MTOK_INPUT and SLIDESPEAKER_LLM_USD_PER_MTOK_OUTPUT",
        )
    return NO_PRICE.format(what="hosted speech", setting="SLIDESPEAKER_TTS_USD_PER_MCHAR")
