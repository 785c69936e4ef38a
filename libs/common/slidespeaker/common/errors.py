"""Failures a service reports, by kind: bad input fails the job at once; the rest retry."""

from __future__ import annotations


class BadInput(Exception):
    """The input cannot be used; retrying will not help. The message is for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
