"""Asking a service a question outside any job: a voice sample, a cost estimate.

The API must not load what answers them (Piper, the deck readers), so it asks the service
that has it loaded. A question is pushed on a Redis list that every process of that
service pops from, on a thread beside its stage work (a question never waits behind a whole
deck); the answer is pushed on the question's own reply list, which the asker waits on.
Questions nobody takes (every such service stopped) expire instead of piling up.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from slidespeaker.common.events import Frozen
from slidespeaker.common.redis_clients import sync_client

REPLY_TTL_S = 60  # an answer nobody waits for any more expires
POP_TIMEOUT_S = 1

logger = structlog.get_logger()

Q = TypeVar("Q", bound="Question")


class Question(Frozen):
    """What every question carries: the list its answer is pushed on."""

    reply: str


def reply_list(queue: str) -> str:
    """A new reply list for one question asked on `queue`."""
    return f"{queue}:reply:{uuid.uuid4().hex}"


async def someone_answers(redis: Redis, presence_pattern: str) -> bool:
    """Whether a process of the service is running (its presence key is alive)."""
    return any([key async for key in redis.scan_iter(match=presence_pattern)])


async def ask(redis: Redis, queue: str, question: Question, wait_s: float) -> bytes | None:
    """Push the question and wait for its answer (its JSON), or None after `wait_s`."""
    await redis.rpush(queue, question.model_dump_json())
    await redis.expire(queue, REPLY_TTL_S)
    answer: Any = await redis.blpop([question.reply], timeout=wait_s)
    return None if answer is None else bytes(answer[1])


def answer_questions(
    redis_url: str, queue: str, kind: type[Q], answer: Callable[[Q], Frozen]
) -> None:
    """Answer the questions on `queue` for as long as the process lives (Redis may restart)."""
    client = sync_client(redis_url)
    while True:
        try:
            popped = client.blpop([queue], timeout=POP_TIMEOUT_S)
            if popped is None:
                continue
            question = kind.model_validate_json(popped[1])
            client.lpush(question.reply, answer(question).model_dump_json())
            client.expire(question.reply, REPLY_TTL_S)
        except RedisError:
            time.sleep(POP_TIMEOUT_S)
        except ValidationError:
            logger.error("question.malformed", queue=queue)


def start_answering(
    redis_url: str, queue: str, kind: type[Q], answer: Callable[[Q], Frozen]
) -> None:
    """`answer_questions` on a thread of its own, beside the stage's work."""
    threading.Thread(
        target=answer_questions,
        args=(redis_url, queue, kind, answer),
        name=f"answering-{queue}",
        daemon=True,
    ).start()
