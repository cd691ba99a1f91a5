"""GET /api/v1/export: streamed CSV and JSON lines with text, tags and ratings; filters; no formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from leaflets.extensions import db
from leaflets.models import BiasRating, ClaimRating, Leaflet
from leaflets.services import moderation, review
from tests.factories import moderator, uploaded_leaflet
from tests.support import both_databases, flush


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def lines(response) -> list[dict]:
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


@both_databases
def test_csv_and_jsonl_rows_with_text_tags_and_ratings(client):
    rated = uploaded_leaflet("Ten thousand new homes", party="labour", title="Homes")
    plain = uploaded_leaflet("Fix the roads", party="green", area="W07000089")
    user = moderator()
    leaflet = db.session.get(Leaflet, rated)
    review.add_tag(leaflet, user, "housing")
    claim = review.add_claim(leaflet, user, "Ten thousand new homes")
    db.session.add(ClaimRating(claim_id=claim.id, user_id=user.id, accuracy="misleading", note=""))
    db.session.add(BiasRating(leaflet_id=rated, user_id=user.id, tone=1, fairness=-1))
    db.session.commit()

    response = client.get("/api/v1/export?format=csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    table = {int(row["id"]): row for row in rows(response)}
    assert set(table) == {rated, plain}
    row = table[rated]
    assert row["text"] == "Ten thousand new homes" and row["party"] == "labour"
    assert row["area_name"] == "Aldershot"
    assert row["tags"] == "housing" and row["claim_count"] == "1" and row["bias_count"] == "1"
    assert row["bias_tone_mean"] == "1.0" and json.loads(row["claims"])[0]["text"] == "Ten thousand new homes"
    assert table[plain]["region"] == "Wales" and table[plain]["tags"] == ""

    response = client.get("/api/v1/export?format=jsonl")
    assert response.content_type.startswith("application/x-ndjson")
    records = {record["id"]: record for record in lines(response)}
    assert records[rated]["text"] == "Ten thousand new homes"
    assert records[rated]["tags"][0]["slug"] == "housing"
    assert records[rated]["claims"][0]["ratings"]["by_verdict"]["misleading"] == 1
    assert records[rated]["bias"] == {"count": 1, "tone_mean": 1.0, "fairness_mean": -1.0}


@both_databases
def test_filters_words_and_hidden_leaflets(client):
    labour = uploaded_leaflet("School buildings repaired", party="labour", delivered_on="2024-06-01")
    green = uploaded_leaflet("School meals for all", party="green", delivered_on="2024-06-25")
    hidden = uploaded_leaflet("School closures", party="labour")
    moderation.set_status(hidden, moderator(), "hide", "not a leaflet")
    flush()

    def ids(query: str) -> list[int]:
        return sorted(int(row["id"]) for row in rows(client.get(f"/api/v1/export?format=csv&{query}")))

    assert ids("") == [labour, green]
    assert ids("party=labour") == [labour]
    assert ids("area=E14001063&election=ge-2024&from=2024-06-10") == [green]
    assert ids("q=meals") == [green]
    assert ids("q=school&party=labour") == [labour]
    assert ids("tag=housing") == []
    assert [r["id"] for r in lines(client.get("/api/v1/export?format=jsonl&q=school"))] == [green, labour]


def test_csv_cells_cannot_start_formulas(client):
    uploaded_leaflet(
        '=HYPERLINK("http://evil.example","click")', title="+44 call now", description="@everyone -1"
    )
    table = rows(client.get("/api/v1/export?format=csv"))
    assert table[0]["text"].startswith("'=HYPERLINK")
    assert table[0]["title"] == "'+44 call now" and table[0]["description"] == "'@everyone -1"
    assert all(not value.startswith(("=", "+", "-", "@")) for value in table[0].values())


@pytest.mark.parametrize(
    "query, field",
    [
        ("format=xls", "format"),
        ("", "format"),
        ("format=csv&q=%22open", None),
        ("format=csv&from=soon", None),
    ],
)
def test_bad_export_requests_are_400_before_any_row(client, query, field):
    response = client.get(f"/api/v1/export?{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_query"
    assert response.get_json()["error"].get("field") == field
