"""The SQLite settings every app connection gets: WAL, commits without an fsync of the log
(synchronous=NORMAL, so SQLite's one writer is held for less time in a burst), and a commit that survives
its process being killed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from leaflets.extensions import db


def test_app_connections_use_wal_without_a_log_fsync_per_commit(app: Flask) -> None:
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_a_commit_survives_its_process_being_killed(tmp_path: Path) -> None:
    """What a 201 promises on SQLite: the process commits, then dies at once (SIGKILL, no close, no
    checkpoint); another process finds the row."""
    path = tmp_path / "killed.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from sqlalchemy import create_engine, event, text
        from leaflets.extensions_setup import _sqlite_pragmas
        engine = create_engine("sqlite:///{path}")
        event.listen(engine, "connect", _sqlite_pragmas)
        with engine.begin() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (42)"))
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, check=False)
    assert done.returncode == -9
    assert (tmp_path / "killed.sqlite3-wal").stat().st_size > 0  # the commit is in the log, not checkpointed
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT x FROM t").fetchall() == [(42,)]
