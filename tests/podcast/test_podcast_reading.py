"""A podcast's turns are read as slides are: the job's lexicon and the English reading rules
reach the engine, the captions keep the written words, and each turn is spoken by a voice of
its language."""

from __future__ import annotations

import shutil

import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.fold import JobStatus
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.podcast_voices import SpeakerVoice, speaker_voice
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.reading import Reader, as_written, reader
from tests.conftest import Stack
from tests.jobs import job_events, run_job
from tests.voice.test_voice_service import a_deck, a_pptx

SENTENCE = "Acme shipped it on 2024-03-01 to 3.5% of its users."
LEXICON = {"Acme": "the Acme Corporation of America"}  # far longer to say than "Acme"
DATE = "2024-03-01"


async def voiced_turns(stack: Stack, job_id: str) -> list[ev.TurnVoiced]:
    events = await job_events(stack.url, stack.prefix, job_id)
    return [e for e in events if isinstance(e, ev.TurnVoiced)]


async def the_turn_saying(stack: Stack, job_id: str, text: str) -> ev.TurnVoiced:
    turns = await voiced_turns(stack, job_id)
    found = [turn for turn in turns if text in " ".join(w.text for w in turn.words)]
    assert found, [[w.text for w in turn.words] for turn in turns]
    return found[0]


async def test_a_turn_gets_the_lexicon_and_the_reading_rules(stack: Stack) -> None:
    options = ev.JobOptions(format="podcast", lexicon=LEXICON)
    state = await run_job(
        stack.url, stack.home, stack.prefix, a_deck([f"Launch\n\n{SENTENCE}"]), "t.pdf", options
    )
    assert state.status == JobStatus.completed, state.error
    turn = await the_turn_saying(stack, state.job_id, "3.5%")
    text = state.turns[turn.turn - 1].text
    words = {word.text.rstrip(".,"): word for word in turn.words}
    assert [w.text for w in turn.words] == text.split(), "the captions keep what is written"
    assert {"Acme", "3.5%", DATE} <= words.keys(), list(words)
    length = {text: word.end - word.start for text, word in words.items()}

    # Each word as long as this voice takes to say it as read (lexicon first, then the rules:
    # "March first, twenty twenty-four"), not as written ("Acme"; "two thousand twenty-four,
    # zero three, zero one" in the engine's own reading), at the turn's pace.
    piper = PiperProvider(stack.home / "voices")  # the voices the stack's services have
    voice = speaker_voice(piper, options, turn.speaker)
    as_read = reader("en", Lexicon(LEXICON))
    for word in ("Acme", DATE):
        read = seconds_to_say(piper, voice, word, as_read)
        written = seconds_to_say(piper, voice, word, as_written)
        assert abs(written - read) > 0.5, (word, read, written)  # far enough apart to tell
        assert abs(length[word] - read) < abs(length[word] - written), (word, read, written)


def seconds_to_say(piper: PiperProvider, voice: SpeakerVoice, word: str, read: Reader) -> float:
    speech = synthesize(piper, word, voice.voice, voice.rate, CancelToken(), read)
    return speech.words[0].end - speech.words[0].start


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
async def test_a_hebrew_turn_is_spoken_by_a_hebrew_voice(stack: Stack) -> None:
    """Offline, the host and the guest talk around a Hebrew slide in English: each turn gets
    a voice of its own language, as slides do (never the English voice for Hebrew)."""
    hebrew = "ההכנסות גדלו בכל האזורים ברבעון הזה, והעלויות ירדו."
    options = ev.JobOptions(format="podcast")
    state = await run_job(stack.url, stack.home, stack.prefix, a_pptx([hebrew]), "h.pptx", options)
    assert state.status == JobStatus.completed, state.error
    turns = await voiced_turns(stack, state.job_id)
    spoken_by = {turn.turn: (turn.provider, turn.voice) for turn in turns}
    for number, turn in enumerate(state.turns, start=1):
        in_hebrew = any("\u0590" <= char <= "\u05ff" for char in turn.text)
        provider, voice = spoken_by[number]
        if in_hebrew:
            assert provider == "espeak" and voice.startswith("he"), (turn.text, voice)
        else:
            assert provider == "piper", (turn.text, voice)
    assert any("\u0590" <= char <= "\u05ff" for turn in state.turns for char in turn.text)
