"""espeak-ng, where Debian's package is installed: other languages, sentence timing."""

from __future__ import annotations

import shutil

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.provider import synthesize

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)
GERMAN = "Guten Tag, meine Damen und Herren. Heute sprechen wir über das neue Produkt."


def test_espeak_speaks_german_sentence_by_sentence() -> None:
    espeak = EspeakProvider(timeout_s=30)
    assert "de" in espeak.voices() and espeak.engine_version("de").startswith("eSpeak NG")
    speech = synthesize(espeak, GERMAN, "de", 1.0, CancelToken())
    assert (
        speech.timing == "sentence" and speech.fallbacks == ["espeak-ng gives no word timings"] * 2
    )
    first, second = speech.cues
    assert first.text == "Guten Tag, meine Damen und Herren." and first.start == 0.0
    assert second.start == first.end and second.end == pytest.approx(speech.duration)
    assert second.end - second.start > first.end - first.start, "longer text, longer audio"
    assert abs(speech.samples).max() > 1000, "it is speech, not silence"
    faster = synthesize(espeak, GERMAN, "de", 1.5, CancelToken())
    assert faster.duration < 0.8 * speech.duration


def test_an_unknown_espeak_voice_is_bad_input_with_examples() -> None:
    with pytest.raises(BadInput, match=r"no voice 'xx-nowhere'.*e\.g\. af"):
        synthesize(EspeakProvider(timeout_s=30), "Hallo.", "xx-nowhere", 1.0, CancelToken())
