"""`flask export dump`: every public table as gzip CSV and JSON lines that read back to the database,
with nothing hidden, removed or private in them."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from sqlalchemy import select

from leaflets.api.search import safe_cell
from leaflets.extensions import db
from leaflets.models import ClaimRating, Leaflet, LeafletImage, LeafletStatus
from leaflets.services import moderation, review
from tests.factories import SOURCE, add_leaflet, raters
from tests.support import both_databases

TABLES = ("leaflets", "texts", "tags", "claims", "claim_ratings", "bias_ratings", "deliveries")


def read_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def archive() -> dict[str, int]:
    """Live leaflets with texts, tags, claims and ratings; one hidden, one merged copy, one removed."""
    users = raters(3)
    rated = add_leaflet("labour", title='=HYPERLINK("x")', tags=("housing",))
    second = add_leaflet("green", area="W07000089", images=2)
    hidden = add_leaflet("labour", title="Hidden leaflet")
    copy = add_leaflet("labour", area="E14001064", title="Copy")
    add_leaflet("labour", title="Removed leaflet", status="removed")
    image = rated.images[0]
    image.ocr_status, image.ocr_text, image.ocr_confidence = "done", "Ten thousand new homes", 91.5
    hidden.images[0].ocr_status, hidden.images[0].ocr_text = "done", "SECRET hidden words"
    db.session.commit()
    claim = review.add_claim(rated, users[0], "Ten thousand new homes", image_id=image.id)
    for user, verdict in zip(users, ("false", "false", "misleading")):
        review.rate_claim(claim, user, verdict, SOURCE, "Because.")
    review.rate_bias(rated, users[0], 1, -1, "tone note")
    hidden_claim = review.add_claim(hidden, users[0], "Hidden claim")
    review.rate_claim(hidden_claim, users[1], "accurate", None, None)
    moderation.set_status(hidden.id, users[0], "hide", "test: kept out of the dump")
    moderation.merge(copy.id, second.id, users[0], "same leaflet")
    return {"rated": rated.id, "second": second.id, "copy": copy.id, "claim": claim.id}


@both_databases
def test_dump_reads_back_to_the_database(app, runner, tmp_path):
    ids = archive()
    out = tmp_path / "dump"
    result = runner.invoke(args=["export", "dump", str(out)])
    assert result.exit_code == 0, result.output
    assert "leaflets 2" in result.output
    for table in TABLES:
        assert read_csv(out / f"{table}.csv.gz") == [
            {k: safe_cell(v) for k, v in row.items()} for row in read_jsonl(out / f"{table}.jsonl.gz")
        ], table
    live = set(db.session.scalars(select(Leaflet.id).where(Leaflet.status == LeafletStatus.LIVE)))
    leaflets = read_jsonl(out / "leaflets.jsonl.gz")
    assert {row["leaflet_id"] for row in leaflets} == live == {ids["rated"], ids["second"]}
    first = next(row for row in leaflets if row["leaflet_id"] == ids["rated"])
    assert first["party"] == "labour" and first["area_name"] == "Aldershot" and first["images"] == 1
    assert first["url"] == f"http://localhost/leaflets/{ids['rated']}"  # SITE_URL, or SERVER_NAME when set
    assert read_csv(out / "leaflets.csv.gz")[0]["title"].startswith("'=HYPERLINK")  # no spreadsheet formulas

    texts = read_jsonl(out / "texts.jsonl.gz")
    images = db.session.scalars(select(LeafletImage).where(LeafletImage.leaflet_id.in_(live))).all()
    assert sorted(row["image_id"] for row in texts) == sorted(image.id for image in images)
    assert next(r for r in texts if r["leaflet_id"] == ids["rated"])["text"] == "Ten thousand new homes"
    assert [(r["leaflet_id"], r["tag"], r["volunteers"]) for r in read_jsonl(out / "tags.jsonl.gz")] == [
        (ids["rated"], "housing", 1)
    ]

    [claim] = read_jsonl(out / "claims.jsonl.gz")
    assert (claim["claim_id"], claim["ratings"], claim["rated"], claim["consensus"]) == (
        ids["claim"],
        3,
        True,
        "false",
    )
    ratings = read_jsonl(out / "claim_ratings.jsonl.gz")
    stored = db.session.scalars(select(ClaimRating).where(ClaimRating.claim_id == ids["claim"])).all()
    assert sorted(r["accuracy"] for r in ratings) == sorted(r.accuracy for r in stored)
    assert len({r["rater"] for r in ratings}) == 3 and all(r["rater"].startswith("r") for r in ratings)
    [bias] = read_jsonl(out / "bias_ratings.jsonl.gz")
    assert (bias["tone"], bias["fairness"], bias["rater"]) == (1, -1, ratings[0]["rater"])  # same pseudonym

    deliveries = {
        (r["report_id"], r["leaflet_id"], r["merged_copy"], r["area"])
        for r in read_jsonl(out / "deliveries.jsonl.gz")
    }
    assert deliveries == {
        (ids["rated"], ids["rated"], False, "E14001063"),
        (ids["second"], ids["second"], False, "W07000089"),
        (ids["copy"], ids["second"], True, "E14001064"),
    }

    everything = (
        b"".join(gzip.open(path).read() for path in out.glob("*.gz")) + (out / "README.md").read_bytes()
    )
    for private in (b"@example.org", b"SECRET hidden", b"Hidden claim", b"Removed leaflet", b"Rater 0"):
        assert private not in everything
    readme = (out / "README.md").read_text()
    assert "## claim_ratings (3 rows)" in readme and "| `consensus` |" in readme and "CC BY-SA 4.0" in readme
    assert not list(out.glob("*.part"))


def test_dump_streams_in_chunks(app, tmp_path, monkeypatch):
    """A chunk smaller than the archive: the same files, written chunk by chunk, with progress per chunk."""
    from leaflets.services import dump

    for n in range(7):
        add_leaflet(title=f"Leaflet {n}")
    monkeypatch.setattr(dump, "CHUNK", 3)
    seen: list[tuple[str, int, int]] = []
    counts = dump.dump(
        tmp_path,
        "secret",
        3,
        lambda kind, value: f"/{kind}/{value}",
        lambda table, done, total: seen.append((table, done, total)),
    )
    assert counts["leaflets"] == 7 and counts["texts"] == 7
    assert [s for s in seen if s[0] == "leaflets"] == [
        ("leaflets", 3, 7),
        ("leaflets", 6, 7),
        ("leaflets", 7, 7),
    ]
    assert [row["title"] for row in read_jsonl(tmp_path / "leaflets.jsonl.gz")] == [
        f"Leaflet {n}" for n in range(7)
    ]
