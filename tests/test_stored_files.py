"""Which bytes a Range header asks for (the API serves artifacts straight from the store)."""

from __future__ import annotations

import pytest

from slidespeaker.api.stored_files import Unsatisfiable, requested_span

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=0-99", (0, 100)),
        ("bytes=100-", (100, SIZE)),
        ("bytes=-10", (990, SIZE)),
        ("bytes=900-5000", (900, SIZE)),  # past the end: up to the end
        ("bytes=-5000", (0, SIZE)),
        ("bytes=0-9,20-29", None),  # several ranges: the whole file
        ("items=0-9", None),
        ("bytes=-", None),
        ("bytes=10-5", None),  # not a range: ignored
    ],
)
def test_the_span_asked_for(header: str, span: tuple[int, int] | None) -> None:
    assert requested_span(header, SIZE) == span


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_span_of_no_bytes_is_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        requested_span(header, SIZE)
