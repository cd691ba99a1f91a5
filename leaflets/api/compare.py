"""Local versus national messaging for one party and constituency (DESIGN §4)."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import area_json, election_json, party_json
from leaflets.services import compare
from leaflets.services.text_stats import ScoredTerm


def _term(term: ScoredTerm) -> dict[str, Any]:
    return {"term": term.term, "z": term.z, "local_count": term.local_count, "national_count": term.national_count}


def _url(leaflet_id: int) -> str:
    return url_for("archive.leaflet", leaflet_id=leaflet_id, _external=True)


def comparison_json(result: compare.Comparison) -> dict[str, Any]:
    subject = result.subject
    return {
        "party": party_json(subject.party), "area": area_json(subject.area),
        "election": election_json(subject.election) if subject.election else None,
        "local": {"leaflets": result.local.leaflets, "words": result.local.words},
        "national": {"leaflets": result.national.leaflets, "words": result.national.words,
                     "available": result.national_available, "cap": result.national_cap,
                     "capped": result.national_capped},
        "message": result.message,
        "distinctive_terms": {"local": [_term(t) for t in result.local_terms],
                              "national": [_term(t) for t in result.national_terms]},
        "templates": [{"leaflet_id": group.leaflet_id, "title": group.title, "url": _url(group.leaflet_id),
                       "match_count": group.match_count,
                       "matches": [{"leaflet_id": m.leaflet_id, "title": m.title, "url": _url(m.leaflet_id),
                                    "area": {"gss": m.area_gss, "name": m.area_name}, "similarity": m.similarity}
                                   for m in group.matches]}
                      for group in result.templates],
        "local_only_claims": [{"claim_id": c.claim_id, "leaflet_id": c.leaflet_id, "text": c.text,
                               "leaflet_title": c.leaflet_title, "url": _url(c.leaflet_id)} for c in result.local_only_claims],
        "method": {"terms": "log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
                            "local vs all the party's leaflets, z-scores",
                   "template_threshold": compare.TEMPLATE_THRESHOLD, "claim_threshold": compare.CLAIM_THRESHOLD},
    }


@bp.get("/compare")
def compare_leaflets() -> Response:
    subject = compare.resolve(request.args.get("party"), request.args.get("area"), request.args.get("election"))
    return jsonify(comparison_json(compare.compare(subject)))
