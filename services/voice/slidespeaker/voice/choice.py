"""Which provider and voice speak a slide (or a podcast turn), and in which language it is read.

The language is the one the scripter recorded for the narration (the deck's tags first, see
the scripter's language module); the voice service does not guess it again. A voice the
user named is used as given. Otherwise a voice that speaks the language is chosen: the
bundled English voice for English, a Piper voice of that language from the voices
directory, else espeak-ng's voice for it (so an English voice never reads Hebrew). Hosted
voices speak many languages, so their voice stays; the language still decides how figures
are read.

A voice always exists: when none here speaks the language, the deck language's voice reads
it, else the default voice, with a warning that says what to install. Only a language the
user asked for explicitly, that nothing here speaks, is refused (the API and the CLI refuse
it at submission; this is the last word for a stack that could not tell then).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions
from slidespeaker.common.fold import JobState
from slidespeaker.common.languages import base_language, espeak_voice, language_name, named
from slidespeaker.voice.espeak_provider import EspeakProvider
from slidespeaker.voice.piper_engine import PiperProvider
from slidespeaker.voice.provider import VoiceProvider
from slidespeaker.voice.providers import get_provider


@dataclass(frozen=True)
class VoiceChoice:
    provider: VoiceProvider
    voice: str
    language: str | None  # ISO 639-1 it is read in; None: not known (figures left to the engine)
    unspoken: str | None = None  # the language no voice here speaks, which this voice reads


def choose_voice(options: JobOptions, language: str | None, deck: str | None) -> VoiceChoice:
    """The voice for narration in `language` (BCP 47, as recorded), in a deck whose language
    is `deck`."""
    provider = get_provider(options.voice_provider)
    wanted = base_language(language) if language else None
    if options.voice:
        own = voice_language(provider, options.voice)
        return VoiceChoice(provider, options.voice, own or wanted)
    if not isinstance(provider, PiperProvider | EspeakProvider):
        return VoiceChoice(provider, provider.default_voice, wanted)
    if wanted is None:
        return _default(provider)
    speaking = _local_voice(provider, wanted)
    if speaking is not None:
        return speaking
    if options.language and base_language(options.language) == wanted:
        raise BadInput(
            f"no installed voice speaks {named(wanted)}, the language asked for: "
            f"{_what_would(provider)}"
        )
    fallback = _local_voice(provider, base_language(deck)) if deck else None
    return replace(fallback or _default(provider), unspoken=wanted)


def deck_language(state: JobState) -> str | None:
    """The language the deck is narrated in as a whole: the job's, else the deck's own."""
    return state.options.language or state.language


def voice_language(provider: VoiceProvider, voice: str) -> str | None:
    """The language a Piper or espeak-ng voice speaks (ISO 639-1); None for hosted ones."""
    if isinstance(provider, PiperProvider):
        return base_language(provider.language(voice))
    if isinstance(provider, EspeakProvider):
        return base_language(voice)
    return None


def unspoken_warning(choice: VoiceChoice, what: str) -> str:
    """For a person: `what` ("slide 7") is in a language no voice here speaks, which voice
    reads it instead, and what to install to hear it in its own."""
    assert choice.unspoken is not None
    reader = f"{language_name(choice.language)} " if choice.language else ""
    return (
        f"{what} is in {named(choice.unspoken)}, which no installed voice speaks, so the "
        f"{reader}voice {choice.voice} reads it; to hear it in "
        f"{language_name(choice.unspoken)}, {_what_would(choice.provider)}"
    )


def _what_would(provider: VoiceProvider) -> str:
    espeak = get_provider("espeak")
    assert isinstance(espeak, EspeakProvider)
    install = "" if _espeak_voices(espeak) else ", or install Debian's espeak-ng package"
    where = provider.voices_dir if isinstance(provider, PiperProvider) else "the voices directory"
    return (
        f"add a Piper voice for it (NAME.onnx and NAME.onnx.json) to {where}{install}, or "
        "choose a hosted voice (--voice-provider openai)"
    )


def _local_voice(provider: PiperProvider | EspeakProvider, language: str) -> VoiceChoice | None:
    """A voice of the provider that speaks `language`; for Piper, else espeak-ng's."""
    if isinstance(provider, PiperProvider):
        if language == "en":
            return VoiceChoice(provider, provider.default_voice, language)
        for name in provider.voices():
            if voice_language(provider, name) == language:
                return VoiceChoice(provider, name, language)
        espeak = get_provider("espeak")
        assert isinstance(espeak, EspeakProvider)
    else:
        provider.voices()  # BadInput saying what to install where espeak-ng is missing
        espeak = provider
    voice = espeak_voice(language, _espeak_voices(espeak))
    return VoiceChoice(espeak, voice, language) if voice else None


def _default(provider: PiperProvider | EspeakProvider) -> VoiceChoice:
    if isinstance(provider, PiperProvider):
        return VoiceChoice(provider, provider.default_voice, "en")
    return VoiceChoice(provider, espeak_voice("en", _espeak_voices(provider)) or "en-us", "en")


def _espeak_voices(espeak: EspeakProvider) -> list[str]:
    try:
        return espeak.voices()
    except BadInput:
        return []  # espeak-ng is not installed
