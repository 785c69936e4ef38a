"""espeak-ng, Debian's offline speech for the languages Piper's bundled voice does not
speak. Its command line gives no word timings, so each sentence is spoken alone and
captioned whole (the "sentence" fallback). A voice is a language code (`de`, `pt-br`)."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from slidespeaker.common.errors import BadInput
from slidespeaker.voice.provider import ProviderUnavailable
from slidespeaker.voice.speech import SpokenSentence

SAMPLE_RATE = 22050
WORDS_PER_MINUTE = 175  # espeak-ng's own default, the rate 1.0 stands for


class EspeakProvider:
    name = "espeak"
    default_voice = "en-us"

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s

    def engine_version(self, voice: str) -> str:
        return _run([_binary(), "--version"], self.timeout_s).strip()

    def sample_rate(self, voice: str) -> int:
        return SAMPLE_RATE

    def voices(self) -> list[str]:
        return _voices(_binary())

    def speak(self, sentence: str, voice: str, rate: float) -> SpokenSentence:
        if voice not in self.voices():
            raise BadInput(
                f"espeak-ng has no voice {voice!r}; it speaks {len(self.voices())} languages, "
                f"named by code, e.g. {', '.join(self.voices()[:8])} (see `espeak-ng --voices`)"
            )
        with tempfile.TemporaryDirectory(prefix="espeak-") as work:
            out = Path(work) / "sentence.wav"
            speed = str(round(WORDS_PER_MINUTE * rate))
            command = [_binary(), "-v", voice, "-s", speed, "-b", "1", "-w", str(out), "--stdin"]
            _run(command, self.timeout_s, text=sentence)
            with wave.open(str(out), "rb") as wav:
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return SpokenSentence(
            sentence, samples.astype(np.int16), SAMPLE_RATE, None, "espeak-ng gives no word timings"
        )


def _binary() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        raise BadInput("espeak-ng is not installed here: install Debian's espeak-ng package")
    return found


@functools.cache
def _voices(binary: str) -> list[str]:
    listing = subprocess.run([binary, "--voices"], capture_output=True, text=True, check=True)
    return [line.split()[1] for line in listing.stdout.splitlines()[1:] if line.split()]


def _run(command: list[str], timeout_s: float, text: str = "") -> str:
    try:
        done = subprocess.run(
            command, input=text, capture_output=True, text=True, timeout=timeout_s, check=True
        )
    except subprocess.TimeoutExpired as error:
        raise ProviderUnavailable(f"espeak-ng took longer than {timeout_s:.0f} s") from error
    except subprocess.CalledProcessError as error:
        raise BadInput(f"espeak-ng could not speak this: {error.stderr.strip()}") from error
    return done.stdout
