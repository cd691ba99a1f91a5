"""Names for codes (party slug, GSS code, election slug, tag slug), read a whole small table at a time and
kept per process for NAMES_TTL_S: the /search sidebar names a few hundred codes per request (scale: an IN list
of hundreds of values, compiled and run on every search). These tables change only when reference data is
loaded or a tag is added; a code not among the kept names is looked up at once, so only a rename waits a
minute."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from leaflets.extensions import db

NAMES_TTL_S = 60.0
_kept: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}


def names(model: Any, key: Any, codes: set[str]) -> dict[str, str]:
    """code -> name for those of `codes` that exist (`key` is the model's code column)."""
    if not codes:
        return {}
    slot = (str(db.engine.url), model.__tablename__)
    kept = _kept.get(slot)
    if kept is None or time.monotonic() - kept[0] > NAMES_TTL_S:
        kept = (time.monotonic(), dict(db.session.execute(select(key, model.name)).all()))
        _kept[slot] = kept
    table = kept[1]
    missing = codes - table.keys()
    if missing:  # added since the table was read (a new tag), or no such code
        found: dict[str, str] = dict(
            db.session.execute(select(key, model.name).where(key.in_(missing))).all()
        )
        if found:  # a new dict, not an update in place: other threads may be reading this one
            table = {**table, **found}
            _kept[slot] = (kept[0], table)
    return {code: table[code] for code in codes if code in table}
