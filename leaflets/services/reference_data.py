"""Load the shipped reference CSVs (parties, areas, postcode districts, elections, tags) idempotently."""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import delete, insert, select

from leaflets.config import PROJECT_ROOT
from leaflets.extensions import db
from leaflets.models import Area, Election, Party, PostcodeDistrict, Tag
from leaflets.services import election_results, postcode_data

log = logging.getLogger(__name__)
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
Progress = Callable[[str, int], None]


@dataclass
class LoadReport:
    parties: int = 0
    areas: int = 0
    districts: int = 0
    sectors: int = 0
    postcode_ranges: int = 0
    elections: int = 0
    tags: int = 0
    results: int = 0


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def _rows(name: str, directory: Path) -> Iterator[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _upsert(model: type, key: str, values: dict) -> None:
    existing = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
    if existing is None:
        db.session.add(model(**values))
    else:
        for field, value in values.items():
            setattr(existing, field, value)


# The GE2024 results code two parties unlike the parties file's short names; independents and the Speaker
# are not a party's campaign.
_RESULT_CODES = {"Ref": "Reform", "APNI": "Alliance"}
_NOT_A_PARTY = {"Ind", "Spk"}


def party_prominence(directory: Path) -> dict[str, tuple[int, str | None]]:
    """Short name -> (constituencies where it came first or second at GE2024, the one nation of them all)."""
    nations: dict[str, list[str]] = defaultdict(list)
    for row in _rows("uk_westminster_constituencies_2024.csv", directory):
        for code in (row["ge2024_winner_party"], row["ge2024_second_party"]):
            if code and code not in _NOT_A_PARTY:
                nations[_RESULT_CODES.get(code, code)].append(row["nation"])
    return {
        short: (len(found), found[0] if len(set(found)) == 1 else None) for short, found in nations.items()
    }


def load_parties(directory: Path) -> int:
    display = {row["short_name"]: row for row in _rows("party_display.csv", directory)}
    prominence = party_prominence(directory)
    count = 0
    for row in _rows("uk_parties.csv", directory):
        shown = display.get(row["short_name"], {})
        top_two, nation = prominence.get(row["short_name"], (0, None)) if row["short_name"] else (0, None)
        _upsert(
            Party,
            "slug",
            {
                "slug": shown.get("slug") or slugify(row["name"]),
                "ec_ref": row["party_id"] or None,
                "name": row["name"],
                "short_name": row["short_name"] or None,
                "colour": shown.get("colour") or "#555555",
                "ge2024_top_two": top_two,
                "ge2024_nation": nation,
            },
        )
        count += 1
    return count


def load_areas(directory: Path, progress: Progress | None = None) -> int:
    hexes = {row["pcon24_code"]: row for row in _rows("uk_constituencies_2024_hexmap.csv", directory)}
    count = 0
    for row in _rows("uk_westminster_constituencies_2024.csv", directory):
        hex_row = hexes.get(row["pcon24_code"], {})
        _upsert(
            Area,
            "gss",
            {
                "gss": row["pcon24_code"],
                "name": row["name"],
                "name_alt": row["name_alt"] or None,
                "kind": "westminster-constituency",
                "nation": row["nation"],
                "region": row["region"],
                "region_code": row["region_code"],
                "hex_q": int(hex_row["q"]) if hex_row else None,
                "hex_r": int(hex_row["r"]) if hex_row else None,
            },
        )
        count += 1
        if progress:
            progress("areas", 1)
    return count


def load_districts(directory: Path, progress: Progress | None = None) -> int:
    """Replace the whole table: it is derived data with no user edits."""
    area_ids = {gss: area_id for gss, area_id in db.session.execute(select(Area.gss, Area.id))}
    db.session.execute(delete(PostcodeDistrict))
    rows = []
    for row in _rows("postcode_district_to_constituency_2024.csv", directory):
        rows.append(
            {
                "district": row["postcode_district"],
                "area_id": area_ids[row["pcon24_code"]],
                "share": float(row["share"]),
            }
        )
        if progress:
            progress("postcode districts", 1)
    db.session.execute(insert(PostcodeDistrict), rows)
    return len(rows)


def load_elections(directory: Path) -> int:
    count = 0
    for row in _rows("elections.csv", directory):
        _upsert(
            Election,
            "slug",
            {
                "slug": row["slug"],
                "name": row["name"],
                "date": date.fromisoformat(row["date"]),
                "kind": row["kind"],
            },
        )
        count += 1
    return count


def load_tags(directory: Path) -> int:
    count = 0
    for row in _rows("tags.csv", directory):
        _upsert(
            Tag,
            "slug",
            {
                "slug": row["slug"],
                "name": row["name"],
                "group": row["group"],
                "description": row["description"],
            },
        )
        count += 1
    return count


def progress_length(directory: Path = REFERENCE_DIR) -> int:
    """The number of steps load_all reports (areas, districts, sectors, ranges)."""
    counts = postcode_data.row_counts(directory)
    areas = sum(1 for _ in _rows("uk_westminster_constituencies_2024.csv", directory))
    districts = sum(1 for _ in _rows("postcode_district_to_constituency_2024.csv", directory))
    return areas + districts + counts["sectors"] + counts["ranges"]


def load_all(directory: Path = REFERENCE_DIR, progress: Progress | None = None) -> LoadReport:
    """Load everything in one transaction, so a failure leaves the previous data intact."""
    try:
        report = LoadReport(
            parties=load_parties(directory), elections=load_elections(directory), tags=load_tags(directory)
        )
        db.session.flush()
        report.areas = load_areas(directory, progress)
        db.session.flush()
        report.districts = load_districts(directory, progress)
        report.sectors = postcode_data.load_sectors(directory, progress)
        report.postcode_ranges = postcode_data.load_ranges(directory, progress)
        report.results = election_results.load_results(directory)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("reference data loaded", extra={"report": report.__dict__})
    return report
