"""Recognise a full or read-only disk (upload folder or database), or a database too busy to take a write
in time, and turn it into a readable 503.

A full disk is an operations problem, not a bug and not the voter's fault: the voter is told to try again
later, the form keeps what they typed, and the operator gets one log line naming the cause.
"""

from __future__ import annotations

import errno
import logging

from sqlalchemy.exc import DBAPIError

from leaflets.services.errors import ServiceUnavailable
from leaflets.storage import StorageUnreachable

log = logging.getLogger(__name__)

_FULL, _READ_ONLY, _BUSY = "full", "read-only", "busy"
_ERRNOS = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: _FULL,
    errno.EFBIG: _FULL,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _READ_ONLY,
    errno.EPERM: _READ_ONLY,
}
_SQLITE = {
    "SQLITE_FULL": _FULL,
    "SQLITE_READONLY": _READ_ONLY,
    "SQLITE_READONLY_DIRECTORY": _READ_ONLY,
    "SQLITE_CANTOPEN": _READ_ONLY,
    # every other writer's turn took longer than busy_timeout (a burst of uploads on SQLite's one writer)
    "SQLITE_BUSY": _BUSY,
    "SQLITE_LOCKED": _BUSY,
}
# disk_full, read_only_sql_transaction, lock_not_available
_POSTGRES = {"53100": _FULL, "25006": _READ_ONLY, "55P03": _BUSY}


class StorageUnavailable(ServiceUnavailable):
    code = "storage_unavailable"


def _cause(error: BaseException) -> str | None:
    if isinstance(error, StorageUnreachable):  # scale: object storage down or refusing writes
        return "unreachable"
    if isinstance(error, OSError):
        return _ERRNOS.get(error.errno or 0)
    if isinstance(error, DBAPIError):
        original = error.orig
        name = getattr(original, "sqlite_errorname", None)
        if name is not None:
            return _SQLITE.get(name)
        return _POSTGRES.get(getattr(original, "sqlstate", None) or "")
    return None


def as_storage_unavailable(error: BaseException, what: str) -> StorageUnavailable | None:
    """The 503 to answer for `error`, when it is a full or read-only disk or a busy database; None for any
    other error."""
    cause = _cause(error)
    if cause is None:
        return None
    log.error("storage unavailable", extra={"cause": cause, "what": what, "error": str(error)})
    return StorageUnavailable(
        f"We could not save {what}: the archive's storage is {cause} just now. "
        "Nothing was saved; please try again in a few minutes."
    )
