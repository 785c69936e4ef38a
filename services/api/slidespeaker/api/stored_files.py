"""Serving a stored artifact straight from the store, with HTTP Range (browsers seek in
video with it): only the bytes asked for are read from the store, as they are sent."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

from fastapi import HTTPException
from fastapi.responses import Response, StreamingResponse

from slidespeaker.common.storage import MissingObject, Storage

# One range (what browsers and players ask for); several ranges get the whole file, as
# RFC 9110 allows a server that does not do multipart/byteranges.
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


async def stored_file(
    storage: Storage, key: str, media_type: str, name: str, range_header: str | None
) -> Response:
    try:
        size = await asyncio.to_thread(storage.size, key)  # a request to the store
    except MissingObject as exc:
        raise HTTPException(404, f"{name} is gone (the job may have been deleted)") from exc
    headers = {"accept-ranges": "bytes", "content-disposition": f'inline; filename="{name}"'}
    try:
        span = requested_span(range_header, size) if range_header else None
    except Unsatisfiable:
        headers["content-range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    if span is None:
        headers["content-length"] = str(size)
        return StreamingResponse(_chunks(storage, key, 0, size), headers=headers,
                                 media_type=media_type)  # fmt: skip
    start, end = span
    headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
    headers["content-length"] = str(end - start)
    return StreamingResponse(_chunks(storage, key, start, end), status_code=206, headers=headers,
                             media_type=media_type)  # fmt: skip


class Unsatisfiable(Exception):
    """None of the bytes asked for exist (416)."""


def requested_span(header: str, size: int) -> tuple[int, int] | None:
    """The bytes `start` up to `end` asked for; None when the header is not one byte range
    (the whole file is sent)."""
    match = _RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size
    elif last != "" and int(last) < int(first):
        return None  # not a range at all: ignored, as RFC 9110 says
    else:
        start = int(first)
        end = size if last == "" else min(size, int(last) + 1)
    if start >= size or end <= start:
        raise Unsatisfiable(header)
    return start, end


def _chunks(storage: Storage, key: str, start: int, end: int) -> Iterator[bytes]:
    if end > start:  # an empty object has no range to ask for
        yield from storage.chunks(key, start, end)
