"""Error responses: JSON for the API and for clients that ask for it, HTML pages otherwise."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, RequestURITooLarge

from leaflets.extensions import db
from leaflets.request_body import discard_unread_body
from leaflets.services.errors import DomainError, ServiceUnavailable
from leaflets.services.storage_errors import as_storage_unavailable

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    field: str | None = None,
    details: dict | None = None,
    errors: list[DomainError] | None = None,
) -> Response:
    code = code or _CODES.get(status, "error")
    if wants_json():
        body: dict = {"error": {"code": code, "message": message}}
        if field:
            body["error"]["field"] = field
        if details:
            body["error"].update(details)
        if errors:  # every problem at once; "error" stays the first, for clients that read only that
            body["errors"] = [
                {"field": e.field, "code": e.code, "message": e.message, **(e.details or {})} for e in errors
            ]
        response = jsonify(body)
    else:
        response = Response(
            render_template("errors/error.html", status=status, message=message), mimetype="text/html"
        )
    response.status_code = status
    return response


def refuse_long_urls() -> None:
    """Answer an over-long address with our own 414 page (gunicorn lets lines up to 8190 bytes through)."""
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    limit = int(current_app.config["MAX_URL_LENGTH"])
    if len(uri) > limit:
        raise RequestURITooLarge(
            f"Addresses on this site are at most {limit:,} characters; this one has {len(uri):,}."
        )


def register(app: Flask) -> None:
    app.after_request(_read_rest_of_body)
    app.before_request(refuse_long_urls)  # findings: the site's own 414 page

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        return error_response(
            error.status,
            error.message,
            error.code,
            error.field,
            error.details,
            getattr(error, "errors", None) or [error],
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return error_response(
            400,
            "The form expired or was not sent from this site. Reload the page and try again.",
            "csrf_failed",
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> Response:
        if error.limit.error_message:  # a limit that explains itself
            return error_response(429, str(error.description))
        return error_response(
            429, f"Too many requests: the limit is {error.description}. Please wait and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = error.description or "Something went wrong."
        if status == 413:
            limit = app.config["MAX_UPLOAD_MB"]
            if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
                message = f"The upload is too large: at most {limit:g} MB per request."
            else:
                message = "The request has too many parts or fields."
        response = error_response(status, message)
        # Allow on a 405, Retry-After, WWW-Authenticate: the headers the exception itself carries.
        response.headers.extend(
            (name, value) for name, value in error.get_headers() if name.lower() != "content-type"
        )
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_error(error)
        if isinstance(error, (OSError, DBAPIError)):
            unavailable = as_storage_unavailable(error, "that change")
            if unavailable is not None:
                return domain_error(unavailable)
        # every pooled connection taken for pool_timeout: a crowd, not a bug
        if isinstance(error, PoolTimeout):
            log.warning("no database connection free", extra={"path": request.path, "error": str(error)})
            busy = domain_error(
                ServiceUnavailable(
                    "The archive is very busy just now. Please try again in a minute.", code="busy"
                )
            )
            busy.headers["Retry-After"] = "30"
            return busy
        if _number_out_of_range(error):  # an id in a form or query that no id column can hold
            db.session.rollback()
            return error_response(404, "There is nothing with that number.")
        log.exception("unhandled error", extra={"path": request.path, "method": request.method})
        return error_response(500, InternalServerError.description)


def _number_out_of_range(error: Exception) -> bool:
    """SQLite's driver refuses ints past 2^63 (OverflowError); PostgreSQL says numeric_value_out_of_range."""
    if isinstance(error, OverflowError):
        return True
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) == "22003"


def _read_rest_of_body(response: Response) -> Response:
    """A refused upload (413, 429, 405...) is answered readably: see request_body.py."""
    if request.content_length or request.environ.get("wsgi.input_terminated"):
        cap = 2 * int(current_app.config["MAX_CONTENT_LENGTH"])
        if not discard_unread_body(request, cap):
            response.headers["Connection"] = "close"
    return response
