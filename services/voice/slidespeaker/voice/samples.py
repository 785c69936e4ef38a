"""Voice samples for the API's preview (see slidespeaker.common.voice_samples): a thread of
the voice service pops sample requests, speaks each into storage once, and answers."""

from __future__ import annotations

import structlog

from slidespeaker.common.asking import start_answering
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore, StoreError
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.common.voice_samples import SampleReply, SampleRequest
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.loudness import normalized
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.providers import get_provider

logger = structlog.get_logger(service="voice")


def speak_sample(request: SampleRequest, storage: Storage) -> SampleReply:
    """Make the sample unless another request already did; say why it cannot be made."""
    if storage.exists(request.key):
        return SampleReply()
    try:
        provider = get_provider(request.provider)
        voice = request.voice or provider.default_voice
        speech = synthesize(provider, request.text, voice, 1.0, CancelToken())
        speech = normalized(speech, VoiceSettings().loudness_lufs, CancelToken())  # as slides
    except BadInput as exc:
        return SampleReply(error=exc.message, bad_input=True)
    except Exception as exc:  # a provider down or failing: the person may ask again
        logger.exception("sample.failed", provider=request.provider, voice=request.voice)
        return SampleReply(error=f"the voice service could not speak it ({type(exc).__name__})")
    with storage.writing(request.key) as tmp:
        speech.write_wav(tmp)
    logger.info("sample.spoken", provider=request.provider, voice=voice, key=request.key)
    return SampleReply()


def start_sample_thread(redis_url: str, settings: Settings, scratch: Scratch) -> None:
    """Beside the slide work, on its own thread: a preview never waits behind a whole deck.
    Each sample is made in a task folder of the process's scratch."""
    keys, store = Keys(settings.key_prefix), ObjectStore.from_settings(settings)

    def answer(request: SampleRequest) -> SampleReply:
        with scratch.task() as folder:
            try:
                return speak_sample(request, Storage(store, folder))
            except StoreError as exc:  # the store down: the person may ask again
                return SampleReply(error=str(exc))

    start_answering(redis_url, keys.voice_samples, SampleRequest, answer)
