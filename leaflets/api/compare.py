"""Local versus national messaging for one party and constituency (DESIGN §4)."""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import area_json, election_json, party_json
from leaflets.services import compare
from leaflets.services.text_stats import ScoredTerm

METHOD = ("Terms: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
          "local counts against the party's pooled counts, as z-scores. "
          "Templates: Jaccard similarity of word 5-gram shingles. "
          "Local-only claims: content-word Jaccard against national claims, and absence from national texts.")


def _url(leaflet_id: int) -> str:
    return url_for("archive.leaflet", leaflet_id=leaflet_id, _external=True)


def _term(term: ScoredTerm) -> dict[str, Any]:
    return {"term": term.term, "z": term.z, "local_count": term.local_count,
            "national_count": term.national_count}


def _template(group: compare.TemplateGroup) -> dict[str, Any]:
    matches = [{"leaflet_id": m.leaflet_id, "title": m.title, "url": _url(m.leaflet_id),
                "area": {"gss": m.area_gss, "name": m.area_name}, "similarity": m.similarity}
               for m in group.matches]
    return {"leaflet_id": group.leaflet_id, "title": group.title, "url": _url(group.leaflet_id),
            "match_count": group.match_count, "matches": matches}


def _claim(claim: compare.LocalClaim) -> dict[str, Any]:
    return {"claim_id": claim.claim_id, "leaflet_id": claim.leaflet_id, "text": claim.text,
            "leaflet_title": claim.leaflet_title, "url": _url(claim.leaflet_id)}


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
        "templates": [_template(group) for group in result.templates],
        "local_only_claims": [_claim(claim) for claim in result.local_only_claims],
        "method": {"description": METHOD, "template_threshold": result.template_threshold,
                   "claim_threshold": result.claim_threshold},
    }


@bp.get("/compare")
def compare_leaflets() -> Response:
    args = request.args
    subject = compare.resolve(args.get("party"), args.get("area"), args.get("election"))
    return jsonify(comparison_json(compare.compare(subject, compare.configured_cap(current_app.config))))
