"""A language model behind the openai SDK, asked for JSON answers that are checked before use.

Shared by the narration (one request a slide) and the podcast's dialogue (one request a
deck). Failures, by whether waiting can help:
- the key, the model or the request refused (401, 403, 404, 400, 422): BadInput, the job
  fails at once with the server's reason, since a retry would be refused the same way;
- the server unreachable, too slow, overloaded (429) or failing (5xx), after the SDK's own
  retries with backoff: LlmUnavailable, which the stage retries later;
- answers that stay unusable after our retries: UnusableAnswers, which the caller words.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from slidespeaker.common.errors import BadInput
from slidespeaker.scripter.config import NO_KEY, ScripterSettings

if TYPE_CHECKING:
    import openai

T = TypeVar("T")


class LlmUnavailable(Exception):
    """The model could not be reached or gave no usable answer; a later retry may work."""


class UnusableAnswers(Exception):
    """Every try's answer failed its check; `problem` says what was wrong with the last."""

    def __init__(self, tries: int, problem: str) -> None:
        super().__init__(problem)
        self.tries = tries
        self.problem = problem


class ChatModel:
    def __init__(self, settings: ScripterSettings) -> None:
        assert settings.llm_model, "only made when a model is configured"
        self.model = settings.llm_model
        self._settings = settings
        # Imported only once a model is configured: the SDK takes a second and tens of MB to
        # load, which the scripter of a job narrated from its notes never needs.
        import openai

        self._client = openai.OpenAI(
            api_key=settings.openai_api_key or NO_KEY,
            base_url=settings.llm_url,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )

    def ask_checked(self, messages: Any, response_format: Any, check: Callable[[str], T]) -> T:
        """`check`'s result for the first answer it accepts (it raises ValueError saying
        what is wrong with one it refuses); the question is asked again after a backoff."""
        tries = self._settings.llm_max_retries + 1
        problem = ""
        for attempt in range(tries):
            if attempt:
                time.sleep(self._settings.llm_retry_backoff_s * 2 ** (attempt - 1))
            answer = self._ask(messages, response_format)
            try:
                return check(answer)
            except ValueError as exc:
                problem = str(exc)
        raise UnusableAnswers(tries, problem)

    def _ask(self, messages: Any, response_format: Any) -> str:
        import openai  # imported already by __init__

        refused = (
            openai.AuthenticationError,
            openai.PermissionDeniedError,
            openai.NotFoundError,
            openai.BadRequestError,
            openai.UnprocessableEntityError,
        )
        where = self._client.base_url
        try:
            completion = self._client.chat.completions.create(
                model=self.model, messages=messages, response_format=response_format
            )
        except refused as exc:
            raise BadInput(
                f"the language model at {where} refused the request (model {self.model!r}): "
                f"{exc.status_code} {_message(exc)}"
            ) from exc
        except openai.APIStatusError as exc:
            raise LlmUnavailable(
                f"the language model at {where} failed: {exc.status_code} {_message(exc)}"
            ) from exc
        except openai.APIConnectionError as exc:  # also timeouts
            raise LlmUnavailable(f"the language model at {where} did not answer: {exc}") from exc
        if not completion.choices:
            return ""
        return completion.choices[0].message.content or ""


def _message(exc: openai.APIStatusError) -> str:
    """The server's own reason, where its error body gives one."""
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return exc.message
