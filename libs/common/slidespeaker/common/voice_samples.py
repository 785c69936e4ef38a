"""Voice samples: a short sentence spoken by a voice so a person can hear it before choosing.

The API does not speak (it must not load Piper); it asks the voice services (asking.py) on
`Keys.voice_samples`: one of them speaks it and writes the audio to storage under
`sample_key`. A sample already in storage is served without asking.
"""

from __future__ import annotations

from slidespeaker.common.asking import Question
from slidespeaker.common.events import Frozen
from slidespeaker.common.storage_keys import Cache, cached

# "How I will sound" in the languages the voices here speak most often; others hear English.
SAMPLE_TEXTS = {
    "en": "Hello! This is how I will narrate your slides.",
    "de": "Hallo! So werde ich Ihre Folien vortragen.",
    "fr": "Bonjour ! Voici comment je vais présenter vos diapositives.",
    "es": "¡Hola! Así es como narraré tus diapositivas.",
    "it": "Ciao! Ecco come racconterò le tue diapositive.",
    "pt": "Olá! É assim que vou narrar os seus slides.",
    "nl": "Hallo! Zo ga ik uw dia's aan u voorlezen.",
    "ru": "Здравствуйте! Вот так я буду озвучивать ваши слайды.",
    "uk": "Привіт! Ось так я озвучуватиму ваші слайди.",
    "pl": "Cześć! Tak będę czytać Twoje slajdy.",
    "cs": "Dobrý den! Takto budu namlouvat vaše snímky.",
    "tr": "Merhaba! Slaytlarınızı böyle anlatacağım.",
    "sv": "Hej! Så här kommer jag att berätta om dina bilder.",
    "da": "Hej! Sådan vil jeg fortælle om dine dias.",
    "nb": "Hei! Slik kommer jeg til å fortelle om lysbildene dine.",
    "fi": "Hei! Näin esittelen diasi.",
    "el": "Γεια σας! Έτσι θα αφηγούμαι τις διαφάνειές σας.",
    "he": "שלום! כך אקריא את השקפים שלך.",
    "ar": "مرحبًا! هكذا سأروي شرائحك.",
    "hi": "नमस्ते! मैं आपकी स्लाइड्स इस तरह सुनाऊँगा।",
    "zh": "你好！我将这样为你讲解幻灯片。",
    "ja": "こんにちは！このようにスライドを読み上げます。",
    "ko": "안녕하세요! 이렇게 슬라이드를 읽어 드리겠습니다.",
    "th": "สวัสดี! นี่คือเสียงที่จะใช้บรรยายสไลด์ของคุณ",
    "id": "Halo! Beginilah saya akan membacakan slide Anda.",
    "vi": "Xin chào! Đây là cách tôi sẽ thuyết minh các trang chiếu của bạn.",
}


def sample_text(language: str) -> str:
    """The sample sentence for a BCP 47 tag (`pt-BR` hears the Portuguese one)."""
    return SAMPLE_TEXTS.get(language.split("-")[0].lower(), SAMPLE_TEXTS["en"])


def sample_key(provider: str, voice: str | None, text: str) -> str:
    """Where the sample lives in storage: keyed by all that produced it, so it is made once."""
    return cached(Cache.samples, [provider, voice, text], ".wav")


class SampleRequest(Question):
    """Speak `text` with `provider`'s `voice` (None: its default) into storage at `key`."""

    provider: str
    voice: str | None
    text: str
    key: str


class SampleReply(Frozen):
    """None: the sample is in storage. Otherwise why it is not; `bad_input` when asking
    again cannot help (an unknown voice, text the voice cannot speak)."""

    error: str | None = None
    bad_input: bool = False
