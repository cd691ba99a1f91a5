"""Load the postcode lookups: sectors (with shares) and mySociety's full-postcode ranges (data/reference/).

Both are derived data with no user edits, so each load replaces its whole table. The range file's format is
described in data/reference/PROVENANCE.md; it is decoded here once, at load time, into one row per range.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import delete, select

from leaflets.extensions import db
from leaflets.models import Area, PostcodeRange, PostcodeSector

SECTORS_FILE = "postcode_sector_to_constituency_2024.csv"
RANGES_FILE = "postcode_to_constituency_2024.json"
CONSTITUENCIES_FILE = "uk_westminster_constituencies_2024.csv"
CHUNK = 5000
Progress = Callable[[str, int], None]


def postcode_number(compact: str) -> int:
    """A postcode without spaces, upper case, read as a base-36 number (the lookup's key)."""
    return int(compact, 36)


def decode_ranges(data: dict[str, Any]) -> Iterator[tuple[int, str | None]]:
    """(first postcode number, mySociety short code or None) for each range, in order."""
    names = data["value_values"]
    start = 0
    raw: list[int] = []
    for position, (step, value) in enumerate(zip(data["postcode_keys"], data["value_key"], strict=True)):
        start += step
        if value == 0 and position >= 2:  # 0 repeats the value two entries back (ranges often alternate)
            value = raw[position - 2]
        raw.append(value)
        index = value - 1
        yield start, names[index] if 0 <= index < len(names) else None


def _short_codes(directory: Path) -> dict[str, str]:
    with open(directory / CONSTITUENCIES_FILE, newline="", encoding="utf-8") as handle:
        return {row["mysociety_short_code"]: row["pcon24_code"] for row in csv.DictReader(handle)}


def _insert(table: Any, rows: list[dict[str, Any]], stage: str, progress: Progress | None) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        db.session.execute(table.insert(), chunk)
        if progress:
            progress(stage, len(chunk))


def _area_ids() -> dict[str, int]:
    return {gss: area_id for gss, area_id in db.session.execute(select(Area.gss, Area.id))}


def load_sectors(directory: Path, progress: Progress | None = None) -> int:
    area_ids = _area_ids()
    with open(directory / SECTORS_FILE, newline="", encoding="utf-8") as handle:
        rows = [
            {
                "sector": row["postcode_sector"],
                "area_id": area_ids[row["pcon24_code"]],
                "share": float(row["share"]),
            }
            for row in csv.DictReader(handle)
        ]
    db.session.execute(delete(PostcodeSector))
    _insert(PostcodeSector.__table__, rows, "postcode sectors", progress)
    return len(rows)


def load_ranges(directory: Path, progress: Progress | None = None) -> int:
    area_ids = _area_ids()
    gss_of = _short_codes(directory)
    with open(directory / RANGES_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    rows = [
        {"start": start, "area_id": area_ids[gss_of[code]] if code else None}
        for start, code in decode_ranges(data)
    ]
    db.session.execute(delete(PostcodeRange))
    _insert(PostcodeRange.__table__, rows, "postcode ranges", progress)
    return len(rows)


def row_counts(directory: Path) -> dict[str, int]:
    """How many rows each load will write (for a progress bar's length)."""
    with open(directory / SECTORS_FILE, newline="", encoding="utf-8") as handle:
        sectors = sum(1 for _ in csv.DictReader(handle))
    with open(directory / RANGES_FILE, encoding="utf-8") as handle:
        ranges = len(json.load(handle)["postcode_keys"])
    return {"sectors": sectors, "ranges": ranges}
