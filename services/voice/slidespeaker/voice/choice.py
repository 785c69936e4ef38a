"""Which provider and voice speak a slide, and in which language it is read.

A voice the user named is used as given. Otherwise the narration's language is detected
and a voice that speaks it is chosen: the bundled English voice for English, a Piper voice
of that language from the voices directory, else espeak-ng's voice for it (so an English
voice never reads Hebrew). Hosted voices speak many languages, so their voice stays; the
language still decides how figures are read. No voice for the language is bad input that
names what to install.
"""

from __future__ import annotations

from dataclasses import dataclass

from lingua import IsoCode639_1, Language

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.language import detect
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import VoiceProvider
from slidespeaker.voice.providers import get_provider

# espeak-ng's voice for a language where its code alone does not name one. Chinese: `cmn`
# reads the tone digits of its own romanisation aloud in English ("ben three"), while
# `cmn-latn-pinyin` says them as Mandarin tones.
ESPEAK_VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin", "fr": "fr-fr", "no": "nb"}


@dataclass(frozen=True)
class VoiceChoice:
    provider: VoiceProvider
    voice: str
    language: str | None  # ISO 639-1; None: not known (then figures are left to the engine)


def choose_voice(options: JobOptions, text: str, deck: str) -> VoiceChoice:
    """The voice for a slide saying `text`, in a deck whose whole narration is `deck`."""
    provider = get_provider(options.voice_provider)
    if options.voice:
        return VoiceChoice(
            provider, options.voice, reading_language(provider, options.voice, options, text, deck)
        )
    language = _language(options, text, deck)
    if isinstance(provider, PiperProvider):
        return _piper_or_espeak(provider, language)
    if isinstance(provider, EspeakProvider):
        provider.voices()  # BadInput saying what to install where espeak-ng is missing
        voice = _espeak_voice(provider, language or "en")
        if voice is None:
            raise BadInput(
                f"espeak-ng has no voice for the narration's language, {_named(language or 'en')}"
            )
        return VoiceChoice(provider, voice, language)
    return VoiceChoice(provider, provider.default_voice, language)


def reading_language(
    provider: VoiceProvider, voice: str, options: JobOptions, text: str, context: str
) -> str | None:
    """The language `voice` reads `text` in: the voice's own where it has one (a Piper or
    espeak-ng voice), else the text's (or, too short to tell, `context`'s)."""
    return _voice_language(provider, voice) or _language(options, text, context)


def language_name(code: str) -> str:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()
    except AttributeError:
        return code


def _language(options: JobOptions, text: str, deck: str) -> str | None:
    hint = options.language.split("-")[0].lower() if options.language else None
    return detect(text, deck) or hint


def _voice_language(provider: VoiceProvider, voice: str) -> str | None:
    if isinstance(provider, PiperProvider):
        return provider.language(voice).split("-")[0].lower()
    if isinstance(provider, EspeakProvider):
        return voice.split("-")[0].lower()
    return None


def _piper_or_espeak(piper: PiperProvider, language: str | None) -> VoiceChoice:
    if language in (None, "en"):
        return VoiceChoice(piper, piper.default_voice, language)
    speaking = [name for name in piper.voices() if _voice_language(piper, name) == language]
    if speaking:
        return VoiceChoice(piper, speaking[0], language)
    espeak = get_provider("espeak")
    assert isinstance(espeak, EspeakProvider) and language is not None
    voice = _espeak_voice(espeak, language)
    if voice is None:
        install = "" if _espeak_languages(espeak) else ", or install Debian's espeak-ng package"
        raise BadInput(
            f"no installed voice speaks the narration's language, {_named(language)}: add a "
            f"Piper voice for it (NAME.onnx and NAME.onnx.json) to {piper.voices_dir}{install}, "
            "or name a voice (--voice) or a hosted provider (--voice-provider openai)"
        )
    return VoiceChoice(espeak, voice, language)


def _espeak_voice(espeak: EspeakProvider, language: str) -> str | None:
    voices = _espeak_languages(espeak)
    code = ESPEAK_VOICES.get(language, language)
    return code if code in voices else next((v for v in voices if v.startswith(f"{code}-")), None)


def _espeak_languages(espeak: EspeakProvider) -> list[str]:
    try:
        return espeak.voices()
    except BadInput:
        return []  # espeak-ng is not installed


def _named(language: str) -> str:
    return f"{language_name(language)} ({language})"
