"""Domain errors; views and the API turn them into form messages or JSON errors."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"
    details: dict | None = None  # extra machine-readable context for the JSON error

    def __init__(
        self, message: str, *, field: str | None = None, status: int | None = None, code: str | None = None
    ) -> None:
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


class ManyErrors(ValidationFailed):
    """Several problems found together (a form checked field by field). The first leads the message, code and
    field; the status is theirs when they all share one, else 422; `errors` lists every one, in order."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        shared = {error.status for error in errors}
        super().__init__(
            first.message,
            field=first.field,
            code=first.code,
            status=first.status if len(shared) == 1 else 422,
        )
        self.errors = list(errors)
        self.details = first.details
