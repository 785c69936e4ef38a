"""Voice samples for the API's preview (see slidespeaker.common.voice_samples): a thread of
the voice service pops sample requests, speaks each into storage once, and answers."""

from __future__ import annotations

import threading
import time

import structlog
from redis.exceptions import RedisError

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.keys import Keys
from slidespeaker.common.redis_clients import sync_client
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.common.voice_samples import REPLY_TTL_S, SampleReply, SampleRequest
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.loudness import normalized
from slidespeaker.voice.provider import synthesize
from slidespeaker.voice.providers import get_provider

POP_TIMEOUT_S = 1

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


def serve_samples(redis_url: str, keys: Keys, storage: Storage) -> None:
    """Answer sample requests for as long as the process lives (Redis may restart)."""
    client = sync_client(redis_url)
    while True:
        try:
            popped = client.blpop([keys.voice_samples], timeout=POP_TIMEOUT_S)
            if popped is None:
                continue
            request = SampleRequest.model_validate_json(popped[1])
            reply = speak_sample(request, storage)
            client.lpush(request.reply, reply.model_dump_json())
            client.expire(request.reply, REPLY_TTL_S)
        except RedisError:
            time.sleep(POP_TIMEOUT_S)
        except ValueError:
            logger.error("sample.malformed_request")


def start_sample_thread(redis_url: str, settings: Settings) -> None:
    """Beside the slide work, on its own thread: a preview never waits behind a whole deck."""
    keys, storage = Keys(settings.key_prefix), Storage(settings.storage_dir)
    threading.Thread(
        target=serve_samples, args=(redis_url, keys, storage), name="voice-samples", daemon=True
    ).start()
