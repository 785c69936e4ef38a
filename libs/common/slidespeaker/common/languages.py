"""Languages as the job names them: BCP 47 tags ("pt-BR"), their base ("pt"), their names
for a person ("Portuguese (pt)"), the espeak-ng voice of each, and whether the voices on
offer speak an explicitly requested language or voice (checked at submission)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from lingua import IsoCode639_1, Language

from slidespeaker.common.events import JobOptions

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
# espeak-ng's voice for a language where its code alone does not name one. Chinese: `cmn`
# reads the tone digits of its own romanisation aloud in English ("ben three"), while
# `cmn-latn-pinyin` says them as Mandarin tones.
ESPEAK_VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin", "fr": "fr-fr", "no": "nb"}
LOCAL_PROVIDERS = ("piper", "espeak")
OfferedVoice = Mapping[str, str]  # {"provider", "name", "language"}, as voice services publish


def base_language(tag: str) -> str:
    """ "pt-BR" -> "pt"."""
    return tag.casefold().replace("_", "-").split("-")[0]


def language_name(code: str) -> str:
    """ "pt" -> "Portuguese"; a code the names do not know stays as it is."""
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()
    except AttributeError:
        return code


def named(code: str) -> str:
    """ "pt" -> "Portuguese (pt)", as messages name a language."""
    return f"{language_name(code)} ({code})"


def espeak_voice(language: str, voices: Iterable[str]) -> str | None:
    """espeak-ng's voice (of `voices`, its installed ones) for a base language code."""
    code = ESPEAK_VOICES.get(language, language)
    installed = list(voices)
    if code in installed:
        return code
    return next((voice for voice in installed if voice.startswith(f"{code}-")), None)


def unspeakable(options: JobOptions, offered: Sequence[OfferedVoice]) -> str | None:
    """Why the voices on offer cannot speak what the job explicitly asks for (a language or a
    voice of a local provider), for a person; None when they can, or when it cannot be told
    here (a hosted provider, or no voice service has said what it offers)."""
    if options.language and not LANGUAGE_TAG.fullmatch(options.language):
        return f"{options.language!r} is not a language tag (BCP 47, e.g. de or pt-BR)"
    provider = options.voice_provider
    if provider not in LOCAL_PROVIDERS or not offered:
        return None
    names = {voice["name"] for voice in offered if voice["provider"] == provider}
    for asked in (options.voice, options.host_voice, options.guest_voice):
        if asked and asked not in names:
            return (
                f"there is no {provider} voice {asked!r} here; 'slidespeaker voices' (or GET "
                "/api/voices) lists the voices there are"
            )
    if not options.language or options.voice:
        return None
    language = base_language(options.language)
    if _speaks(language, provider, offered):
        return None
    return (
        f"no installed voice speaks {named(language)}, the language asked for: add a Piper "
        "voice for it (NAME.onnx and NAME.onnx.json in the voices directory), install "
        "espeak-ng if it speaks it, or choose a hosted voice (--voice-provider openai)"
    )


def _speaks(language: str, provider: str, offered: Sequence[OfferedVoice]) -> bool:
    """Piper falls back on espeak-ng's voice of the language; espeak-ng has only its own."""
    espeak = [voice["name"] for voice in offered if voice["provider"] == "espeak"]
    if espeak_voice(language, espeak) is not None:
        return True
    return provider == "piper" and any(
        voice["provider"] == "piper" and base_language(voice["language"]) == language
        for voice in offered
    )
