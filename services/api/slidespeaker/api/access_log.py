"""The access log without media tokens: a browser's EventSource and <video> cannot send a
header, so a job's short-lived media token travels in the query string (media_tokens.py),
and uvicorn's access log would keep every one of them."""

from __future__ import annotations

import logging
import re

TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s]*")
PATH_ARG = 2  # uvicorn.access's arguments: client, method, path with query, version, status


class WithoutTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > PATH_ARG:
            path = TOKEN_IN_QUERY.sub(r"\1…", str(args[PATH_ARG]))
            record.args = (*args[:PATH_ARG], path, *args[PATH_ARG + 1 :])
        return True


def hide_tokens() -> None:
    logging.getLogger("uvicorn.access").addFilter(WithoutTokens())
