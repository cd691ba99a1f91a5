"""Read and discard the unread rest of a refused request body, so the client can read our answer.

When a server answers before reading the whole body and then closes the connection, the client is still
sending; the kernel resets the connection and the client sees "connection reset" or "broken pipe" instead of
the 413 page. Reading the rest (up to a cap) lets the answer arrive. Past the cap we stop: an absurd body is
not worth reading, and that client gets the reset it asked for.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from flask import Request
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import get_input_stream

log = logging.getLogger(__name__)

CHUNK = 1 << 16


def _unread_stream(request: Request) -> IO[bytes]:
    # A form parser that stopped midway opened `request.stream`, which knows how much is left; otherwise
    # the body is untouched, and a stream bounded by Content-Length (or the server's chunked end) is safe.
    stream: Any = request.__dict__.get("stream")
    if stream is None:
        stream = get_input_stream(request.environ, max_content_length=None)
    return stream


def discard_unread_body(request: Request, cap_bytes: int) -> bool:
    """True when the body was read to its end; False when it went past `cap_bytes` (close the connection)."""
    stream = _unread_stream(request)
    discarded = 0
    while discarded <= cap_bytes:
        try:
            chunk = stream.read(CHUNK)
        except (OSError, ClientDisconnected):  # the client gave up sending: nothing more to read
            return False
        if not chunk:
            return True
        discarded += len(chunk)
    log.info("refused body too large to drain", extra={"path": request.path, "discarded": discarded})
    return False
