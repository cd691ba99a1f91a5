"""Domain errors; views and the API turn them into form messages or JSON errors."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"
    details: dict | None = None  # extra machine-readable context for the JSON error

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class UploadRejected(ValidationFailed):
    code = "upload_rejected"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ServiceUnavailable(DomainError):
    status = 503
    code = "unavailable"
