"""The main pages' queries use indexes on PostgreSQL: every statement a page runs is captured and EXPLAINed on
an archive of 20,000 leaflets (ANALYZEd, so the planner sees realistic sizes), and none may scan a big table
from end to end. Speed itself is measured in bench/pages.py, not here."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, insert, select

from leaflets.extensions import db
from leaflets.models import Area, Election, Leaflet, LeafletImage, Party
from tests.support import DATABASES

# The tables this test fills (claims, ratings and tags stay empty here, and an empty table is rightly
# scanned).
BIG_TABLES = {"leaflet", "leaflet_image"}
LEAFLETS = 12_000
postgres_only = pytest.mark.parametrize("database_url", [DATABASES[1]], indirect=True)


def fill(count: int) -> None:
    rng = random.Random(13)
    parties = list(db.session.scalars(select(Party.id).order_by(Party.id)))[:30]
    areas = list(db.session.scalars(select(Area.id)))
    elections = list(db.session.scalars(select(Election.id)))
    start = datetime(2024, 5, 1)
    for chunk in range(0, count, 5000):
        rows = [
            {
                "title": f"Leaflet {n}",
                "description": "",
                "delivered_on": date(2024, 6, 1),
                "party_id": rng.choices(parties, [1 / (i + 1) for i in range(len(parties))])[0],
                "area_id": rng.choice(areas),
                "election_id": rng.choice(elections),
                "uploaded_at": start + timedelta(minutes=n),
                "updated_at": start,
                "status": "live" if n % 40 else "hidden",
            }
            for n in range(chunk, min(count, chunk + 5000))
        ]
        db.session.execute(insert(Leaflet), rows)
    first = db.session.scalar(select(func.min(Leaflet.id)))
    db.session.execute(
        insert(LeafletImage),
        [
            {
                "leaflet_id": first + n,
                "position": 0,
                "role": "front",
                "sha256": f"{n:064x}",
                "stored_sha256": f"{n:064x}",
                "width": 100,
                "height": 140,
                "mime": "image/jpeg",
                "ocr_status": "done",
                "ocr_text": "vote",
            }
            for n in range(count)
        ],
    )
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


class Captured:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))


def seq_scans(plan: dict[str, Any]) -> Iterator[str]:
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from seq_scans(child)


def older_link(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")


@postgres_only
def test_the_main_pages_scan_no_big_table(app: Flask, client: FlaskClient) -> None:
    fill(LEAFLETS)
    big_party = db.session.execute(
        select(Party.slug).join(Leaflet).group_by(Party.slug).order_by(func.count().desc()).limit(1)
    ).scalar()
    area = db.session.scalar(select(Area.gss).join(Leaflet).limit(1))
    election = db.session.scalar(select(Election.slug).join(Leaflet).limit(1))
    leaflet_id = db.session.scalar(select(func.max(Leaflet.id)).where(Leaflet.status == "live"))
    pages = [
        "/",
        "/leaflets",
        "/leaflets?page=450",
        older_link(client, "/leaflets?page=400"),
        f"/parties/{big_party}",
        f"/parties/{big_party}?page=40",
        f"/areas/{area}",
        f"/elections/{election}",
        f"/leaflets/{leaflet_id}",
        "/parties",
    ]
    db.session.remove()
    captured = Captured()
    event.listen(db.engine, "before_cursor_execute", captured)
    try:
        for page in pages:
            assert client.get(page).status_code == 200, page
    finally:
        event.remove(db.engine, "before_cursor_execute", captured)
    checked, offenders = 0, []
    with db.engine.connect() as connection:
        for statement, parameters in captured.statements:
            if not re.search(r"\b(" + "|".join(BIG_TABLES) + r")\b", statement):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
            checked += 1
            offenders += [(table, " ".join(statement.split())[:300]) for table in seq_scans(plan[0]["Plan"])]
    assert checked >= len(pages), "the pages ran fewer queries on the big tables than expected"
    assert offenders == [], offenders
