"""An id in a URL that the database's id columns cannot hold is a 404, not a database error.

PostgreSQL's integer columns end at 2^31 - 1 and SQLite's at 2^63 - 1; a bigger number in a URL reached the
driver and failed there (a 500) on every route that takes an id. The check runs after routing, so every method
of the route answers the same 404 (a converter refusing the value would turn some into a misleading 405).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort
from sqlalchemy.engine import make_url

POSTGRES_MAX_ID = 2**31 - 1
SQLITE_MAX_ID = 2**63 - 1


def max_id_for(database_uri: str) -> int:
    return POSTGRES_MAX_ID if make_url(database_uri).get_backend_name() == "postgresql" else SQLITE_MAX_ID


def register(app: Flask) -> None:
    largest = max_id_for(app.config["SQLALCHEMY_DATABASE_URI"])

    @app.url_value_preprocessor
    def ids_within_the_column_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        # only `<int:...>` produces ints (it takes no sign, so only the top end needs checking)
        if values and any(isinstance(value, int) and value > largest for value in values.values()):
            abort(404)
