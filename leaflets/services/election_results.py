"""Load each seat's 2024 winner and runner-up from the constituency reference CSV (into `area_result`)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import delete, insert, select

from leaflets.extensions import db
from leaflets.models import Area, AreaResult, Election, Party

RESULTS_FILE = "uk_westminster_constituencies_2024.csv"
ELECTION = "ge-2024"
# The results file's party codes that differ from our parties' short names.
CODE_ALIASES = {"Ref": "Reform", "APNI": "Alliance"}


def load_results(directory: Path) -> int:
    """Replace the 2024 results (derived data with no user edits); returns the seats loaded."""
    election_id = db.session.scalar(select(Election.id).where(Election.slug == ELECTION))
    if election_id is None:
        return 0
    parties = {
        short: party_id
        for short, party_id in db.session.execute(
            select(Party.short_name, Party.id).where(Party.short_name.is_not(None))
        )
    }
    areas = {gss: area_id for gss, area_id in db.session.execute(select(Area.gss, Area.id))}

    def party(code: str) -> int | None:
        return parties.get(CODE_ALIASES.get(code, code)) if code else None

    db.session.execute(delete(AreaResult).where(AreaResult.election_id == election_id))
    rows = []
    with open(directory / RESULTS_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["pcon24_code"] in areas and row.get("ge2024_winner_party"):
                rows.append(
                    {
                        "area_id": areas[row["pcon24_code"]],
                        "election_id": election_id,
                        "winner_party_id": party(row["ge2024_winner_party"]),
                        "second_party_id": party(row.get("ge2024_second_party", "")),
                        "winner_name": row.get("ge2024_winner") or None,
                    }
                )
    if rows:
        db.session.execute(insert(AreaResult), rows)
    return len(rows)
