"""What the voice tests share: the Piper provider (loaded once) and a token."""

from __future__ import annotations

import pytest

from slidespeaker.common.cancel import CancelToken
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.piper_engine import PiperProvider


@pytest.fixture(scope="session")
def piper() -> PiperProvider:
    return PiperProvider(VoiceSettings().piper_voices_dir)


@pytest.fixture
def token() -> CancelToken:
    return CancelToken()
