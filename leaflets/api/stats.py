"""GET /api/v1/stats: per-party findings (claims rated, verdict shares, agreement, bias) as JSON or CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Response, jsonify, request

from leaflets.api import bp
from leaflets.api.search import safe_cell
from leaflets.api.serializers import election_json, party_json
from leaflets.services import browse, findings, review
from leaflets.services.errors import ValidationFailed

FORMATS = ("json", "csv")


def share_json(share: findings.VerdictShare) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "count": share.count,
        "share": rounded(share.share),
        "low": rounded(share.low),
        "high": rounded(share.high),
    }


def group_json(item: findings.PartyFindings) -> dict[str, Any]:
    data, bias = item.data, item.data.get("bias", {})
    return {
        "party": party_json(item.party) if item.party else None,
        "election": election_json(item.election),
        "leaflets": data.get("leaflets", 0),
        "leaflets_rated": data.get("leaflets_rated", 0),
        "claims": data.get("claims", 0),
        "claims_rated": data.get("claims_rated", 0),
        "enough": item.enough,
        "verdicts": {share.verdict: share_json(share) for share in item.shares},
        "no_consensus": share_json(item.no_consensus),
        "ratings": {verdict: data.get("ratings", {}).get(verdict, 0) for verdict in findings.verdicts()},
        "agreement": {
            "accuracy": data.get("accuracy_agreement"),
            "tone": bias.get("tone_agreement"),
            "fairness": bias.get("fairness_agreement"),
        },
        "bias": {name: bias.get(name) for name in ("ratings", "leaflets", "tone_mean", "fairness_mean")},
    }


def _column(verdict: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", verdict.lower()).strip("_")


def csv_columns() -> list[str]:
    columns = [
        "election",
        "election_name",
        "party",
        "party_name",
        "leaflets",
        "leaflets_rated",
        "claims",
        "claims_rated",
        "enough",
    ]
    for verdict in (*findings.verdicts(), "no consensus"):
        columns += [f"{_column(verdict)}_{part}" for part in ("count", "share", "low", "high")]
    columns += [f"ratings_{_column(verdict)}" for verdict in findings.verdicts()]
    return columns + [
        "accuracy_alpha",
        "accuracy_alpha_claims",
        "bias_ratings",
        "bias_leaflets",
        "tone_mean",
        "fairness_mean",
        "tone_alpha",
        "fairness_alpha",
    ]


def csv_values(group: dict[str, Any]) -> dict[str, Any]:
    party, election = group["party"] or {}, group["election"]
    values: dict[str, Any] = {
        "election": election["slug"],
        "election_name": election["name"],
        "party": party.get("slug", ""),
        "party_name": party.get("name", "Unknown party"),
        **{name: group[name] for name in ("leaflets", "leaflets_rated", "claims", "claims_rated", "enough")},
    }
    for verdict, share in (*group["verdicts"].items(), ("no consensus", group["no_consensus"])):
        values.update(
            {f"{_column(verdict)}_{part}": share[part] for part in ("count", "share", "low", "high")}
        )
    values.update({f"ratings_{_column(verdict)}": n for verdict, n in group["ratings"].items()})
    agreement, bias = group["agreement"], group["bias"]
    values.update(
        accuracy_alpha=(agreement["accuracy"] or {}).get("alpha"),
        accuracy_alpha_claims=(agreement["accuracy"] or {}).get("units"),
        bias_ratings=bias["ratings"],
        bias_leaflets=bias["leaflets"],
        tone_mean=bias["tone_mean"],
        fairness_mean=bias["fairness_mean"],
        tone_alpha=(agreement["tone"] or {}).get("alpha"),
        fairness_alpha=(agreement["fairness"] or {}).get("alpha"),
    )
    return values


def stats_csv(groups: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = csv_columns()
    writer.writerow(columns)
    for group in groups:
        values = csv_values(group)
        writer.writerow([safe_cell(values.get(column)) for column in columns])
    return buffer.getvalue()


@bp.get("/stats")
def stats() -> Response:
    fmt = request.args.get("format") or "json"
    if fmt not in FORMATS:
        raise ValidationFailed("format must be 'json' or 'csv'.", field="format", code="bad_format")
    party = browse.party_by_slug(request.args["party"]) if request.args.get("party") else None
    election = browse.election_by_slug(request.args["election"]) if request.args.get("election") else None
    groups = [group_json(item) for item in findings.party_findings(party, election)]
    if fmt == "csv":
        response = Response(stats_csv(groups), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="straight-choice-findings.csv"'
        return response
    return jsonify(
        {
            "threshold": review.rated_threshold(),
            "min_rated_claims": findings.min_rated_claims(),
            "verdicts": list(findings.verdicts()),
            "groups": groups,
        }
    )
