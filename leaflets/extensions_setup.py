"""Bind the extensions of extensions.py to an app."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from leaflets.config import PROJECT_ROOT
from leaflets.extensions import csrf, db, limiter, migrate


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the OCR worker write while pages read; busy_timeout waits instead of failing on a lock.

    synchronous=NORMAL: in WAL mode a commit then appends to the log without an fsync (the log is synced at
    each checkpoint), so SQLite's one writer is held for less time in a burst of uploads. A committed
    transaction still survives a crash of the process (the log is in the OS's cache); a power loss can undo
    the last commits before a checkpoint, never corrupt the database (docs/running.md)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
