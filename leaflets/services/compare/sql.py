"""Small query helpers shared by the compare modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.expression import Executable

from leaflets.extensions import db


def mapping(statement: Executable) -> dict[Any, Any]:
    """The rows of a two-column query as a dict (first column to second)."""
    return {key: value for key, value in db.session.execute(statement)}
