"""Captions in scripts without spaces: Chinese and Japanese by character, Thai, Lao, Khmer
and Burmese by dictionary word, never torn inside a grapheme cluster, about 21 wide
characters a line."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.events import Cue
from slidespeaker.composer.subtitles import wrap
from slidespeaker.voice.captions import MAX_LINES, captions_from_words, display_width
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.elevenlabs_provider import ElevenLabsProvider
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.segments import joined, units

from .speech_servers import API_KEY, SpeechServer, speech_server

CHINESE = (
    "本季度公司在全国各个地区的收入均有明显增长，主要得益于新产品的成功上市和销售团队的努力，"
    "同时运营成本也有所下降。"
)
JAPANESE = "今四半期の売上は「大幅に」増加しました。ちょっとコーヒーを飲みましょう。"
THAI = "รายได้เพิ่มขึ้นในไตรมาสนี้ และค่าใช้จ่ายลดลงอย่างต่อเนื่องในทุกภูมิภาคของประเทศไทย"


def timed(pieces: list[str], seconds: float = 0.2) -> list[Cue]:
    return [Cue(text=p, start=i * seconds, end=(i + 0.9) * seconds) for i, p in enumerate(pieces)]


def test_chinese_and_japanese_are_split_by_character_with_their_punctuation() -> None:
    assert units("增长，主要。") == ["增", "长，", "主", "要。"]
    assert units(JAPANESE)[8:12] == ["「大", "幅", "に」", "増"], "brackets stay with their text"
    assert "ちょっ" in units(JAPANESE), "small kana belong to the kana before"
    assert units("使用Python编程") == ["使", "用", "Python", "编", "程"]
    for text in (CHINESE, JAPANESE):
        assert joined(units(text)) == text


def test_thai_is_split_into_words_never_inside_a_grapheme_cluster() -> None:
    for unit in units(THAI):
        assert unicodedata.category(unit[0]) not in ("Mn", "Mc"), unit
        assert unit[-1] not in "เแโใไ", f"{unit!r} ends with a vowel written before its consonant"
    assert "".join(units(THAI)) == joined(units(THAI)) == THAI, "the space between phrases stays"
    # quarter, region, Thailand: whole words, where grapheme clusters gave ไ|ต|ร|มา|ส
    assert {"ไตรมาส", "ภูมิภาค", "ประเทศไทย"} <= set(units(THAI)), units(THAI)
    assert units("ខ្ញុំស្រឡាញ់អ្នក") == ["ខ្ញុំ", "ស្រឡាញ់", "អ្នក"]  # Khmer: "I love you"
    assert units("Revenue ในไตรมาสนี้ grew.") == ["Revenue", "ใน", "ไตรมาส", "นี้", "grew."]


@pytest.mark.parametrize("text", [CHINESE, JAPANESE, THAI])
def test_captions_fit_two_lines_of_wide_characters_without_spaces(text: str) -> None:
    captions = captions_from_words(timed(units(text)))
    assert len(captions) >= 2 if display_width(text) > 84 else len(captions) >= 1
    for caption in captions:
        assert " " not in caption.text.strip() or text == THAI
        assert len(wrap(caption.text)) <= MAX_LINES, caption.text
        for line in wrap(caption.text):
            assert display_width(line) <= 42
    assert "".join(c.text for c in captions).replace(" ", "") == text.replace(" ", "")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SpeechServer]:
    monkeypatch.setenv("ELEVENLABS_API_KEY", API_KEY)
    with speech_server() as running:
        monkeypatch.setenv("ELEVENLABS_BASE_URL", running.elevenlabs_url)
        yield running


def test_elevenlabs_times_each_chinese_character(server: SpeechServer) -> None:
    provider = ElevenLabsProvider(VoiceSettings(tts_max_retries=0, tts_timeout_s=5))
    speech = synthesize(provider, CHINESE, "voice-1", 1.0, CancelToken())
    assert speech.timing == "word", speech.fallbacks
    assert [w.text for w in speech.words] == units(CHINESE)
    assert len(speech.cues) >= 2, "a long sentence is several captions"
    assert all(len(wrap(c.text)) <= MAX_LINES for c in speech.cues)
    assert "".join(c.text for c in speech.cues) == CHINESE
    starts = {w.start for w in speech.words}
    assert all(c.start in starts for c in speech.cues), "each caption starts at a character"
    assert all(c.end - c.start <= 7.05 for c in speech.cues)
