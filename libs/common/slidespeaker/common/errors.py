"""Failures a service reports, by kind: bad input fails the job at once; what may change
(a provider's outage, a timeout, a lost connection) is retried; an error of our own code
on the same input (a ValueError, a KeyError, ...) would fail the same way again, so it
fails the job at once too."""

from __future__ import annotations


class BadInput(Exception):
    """The input cannot be used; retrying will not help. The message is for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Errors that say the code met something it cannot handle: the same input gives them again.
DETERMINISTIC = (
    ValueError,  # UnicodeError, "embedded null character", json's decode errors, ...
    TypeError,
    LookupError,  # KeyError, IndexError
    AttributeError,
    AssertionError,
    ArithmeticError,
    NotImplementedError,
    RecursionError,
)


def is_retryable(exc: BaseException) -> bool:
    """Whether a new attempt might succeed: yes for an outage, a timeout or a connection
    lost (and anything unknown); no for bad input or an error that is a property of the
    input or of our own code."""
    return not isinstance(exc, (BadInput, *DETERMINISTIC))
