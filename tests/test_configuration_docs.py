"""The README's configuration table and leaflets/config.py say the same: every environment name config.py
reads is documented, nothing documented is missing from it, and every default the table shows is the real
one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflets import config
from tests.support import REPO

# Defaults that depend on where the app runs: the table describes them in words.
COMPUTED = {"SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR", "INDEX_DIR", "SECRET_KEY"}
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| ([^|]+) \|")


def documented() -> dict[str, str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines()]
    return {row.group(1): row.group(2).strip() for row in rows if row}


def test_every_environment_setting_is_documented_and_nothing_else():
    table = documented()
    assert len(table) > 40  # the table was found and parsed
    assert sorted(set(config._ENV) - set(table)) == []
    assert sorted(set(table) - set(config._ENV)) == []


@pytest.mark.parametrize("variable", sorted(config._ENV))
def test_documented_default_is_the_real_one(variable: str):
    key, convert = config._ENV[variable]
    default = config.defaults(Path("instance"))[key]
    shown = documented()[variable]
    if key in COMPUTED:
        assert not re.fullmatch(r"`[^`]*`", shown), f"{variable}: computed, so described in words"
    elif shown == "unset":
        assert default in (None, ""), f"{variable}: the table says unset, config.py has {default!r}"
    else:
        literal = re.fullmatch(r"`([^`]*)`", shown)
        assert literal, f"{variable}: the default should be a literal in backticks, not {shown!r}"
        assert convert(literal.group(1)) == default, (
            f"{variable}: the table says {shown}, config.py {default!r}"
        )


def test_config_reads_every_documented_variable_from_the_environment():
    environ = {
        "OCR_POLL_S": "2.5",
        "MAIL_USE_TLS": "yes",
        "PASSWORD_RESET_MAX_AGE_S": "600",
        "RATELIMIT_FLAG": "1/hour",
    }
    found = config.from_environment(environ)
    assert found["OCR_POLL_S"] == 2.5 and found["MAIL_USE_TLS"] is True
    assert found["PASSWORD_RESET_MAX_AGE_S"] == 600 and found["FLAG_RATE_LIMIT"] == "1/hour"
