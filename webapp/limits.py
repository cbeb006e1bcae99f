"""The request-body limit, kept for bodies sent without a Content-Length (chunked) too.

Werkzeug refuses a declared length over MAX_CONTENT_LENGTH with a 413, but reads a chunked body only up to the
limit and stops there without a word: the notice was then parsed cut short. Such a body is read here first, one
byte past the limit at most: over it, the answer is the same 413 as for a declared length.
"""

from __future__ import annotations

import io

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

CHUNK = 64 * 1024


def read_unsized_body() -> None:
    """Read a body of unknown length up to the limit; one byte more is a 413, never a body silently cut."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    environ = request.environ
    if limit is None or request.content_length is not None or not environ.get("wsgi.input_terminated"):
        return  # a declared length is Werkzeug's to check; without one and unterminated, it reads nothing
    stream, body = environ["wsgi.input"], bytearray()
    while len(body) <= limit and (chunk := stream.read(min(CHUNK, limit + 1 - len(body)))):
        body += chunk
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(bytes(body))


def init_app(app: Flask) -> None:
    """Register the check; before any other hook that could read the body (CSRF reads forms)."""
    app.before_request(read_unsized_body)
