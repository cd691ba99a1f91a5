"""What the project promises about itself: the models and the migrations agree (`flask db check`), `ocr` and
`search` stay importable without Flask, and every command the README documents runs (its `--help`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from flask import Flask

from tests.support import REPO, both_databases

DOCUMENTED = re.compile(r"^\.venv/bin/flask --app wsgi ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)", re.M)


@both_databases
def test_models_and_migrations_agree(app: Flask) -> None:
    """Autogenerate finds nothing to add, drop or alter: the migrations build exactly the models' schema."""
    from flask_migrate import check

    check()  # raises (and prints the differences) when a migration is missing


@pytest.mark.parametrize("package", ["ocr", "search"])
def test_library_packages_import_without_flask_or_the_app(package: str) -> None:
    script = (
        f"import sys, {package}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'leaflets', 'werkzeug'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def documented_commands() -> list[str]:
    section = (REPO / "README.md").read_text().split("## Command line", 1)[1].split("\n## ", 1)[0]
    return sorted(set(DOCUMENTED.findall(section)))


def test_the_readme_documents_commands() -> None:
    assert {"db upgrade", "ocr work", "search rebuild", "reset-link", "ocr celery-worker"} <= set(
        documented_commands()
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", documented_commands())
def test_every_documented_command_runs(command: str, tmp_path) -> None:
    """The real `flask` entry point, as a reader would type it (with --help, so nothing changes)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "x",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
    }
    result = subprocess.run(
        [str(REPO / ".venv/bin/flask"), "--app", "wsgi", *command.split(), "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: flask " + command.split()[0]), result.stdout
