"""The request body: how an upload is read (`UploadRequest`), and the unread rest of a refused one discarded.

When a server answers before reading the whole body and then closes the connection, the client is still
sending; the kernel resets the connection and the client sees "connection reset" or "broken pipe" instead of
the 413 page. Reading the rest (up to a cap) lets the answer arrive. Past the cap we stop: an absurd body is
not worth reading, and that client gets the reset it asked for.
"""

from __future__ import annotations

import io
import logging
from typing import IO, Any

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ClientDisconnected
from werkzeug.formparser import FormDataParser, MultiPartParser
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


# Reading an upload. Werkzeug's defaults fit a server that does not bound the body: each file part over
# 500 kB is spooled to a temporary file (a 4 MB photo written to disk and read back) and the body is parsed
# 64 kB at a time. Here MAX_CONTENT_LENGTH is checked before any byte is parsed, so a request's photos
# held in memory cost at most that, and larger reads mean fewer trips through the parser's Python loop.
READ_STEP = 256 * 1024  # capped at half of MAX_FORM_MEMORY_SIZE (Flask's 500 kB: 250 kB steps), see below


class _FormParser(FormDataParser):
    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        # as FormDataParser._parse_multipart, with a larger read step (at most half the form memory limit,
        # which the decoder checks against what it holds plus one step)
        limit = self.max_form_memory_size
        step = READ_STEP if limit is None else max(CHUNK, min(READ_STEP, limit // 2))
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=limit,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=step,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class UploadRequest(Request):
    """Flask's request, with file parts kept in memory and the body read in larger steps."""

    form_data_parser_class = _FormParser

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()
