"""Local versus national (or neighbouring) messaging for one party and constituency (DESIGN §4)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import area_json, election_json, party_json
from leaflets.services.compare import Comparison, compare, resolve
from leaflets.services.compare.clusters import TEMPLATE_THRESHOLD
from leaflets.services.compare.templates import TemplateMatch
from leaflets.services.compare.terms import Term
from leaflets.services.compare.varying import VaryingNumber

METHOD = (
    "Templates: MinHash LSH over 5-word shingles of each leaflet's text with names and figures "
    "masked (estimated Jaccard >= template_threshold). Numbers: a figure's sentence (4 words either "
    "side, names and figures masked) printed elsewhere with another figure. Terms: log-odds ratio with "
    "an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), as z-scores, names and OCR noise "
    "left out. Topics: volunteer tags or the tag's words in the text. Local-only claims: no similar "
    "claim and not all word pairs printed elsewhere."
)


def _url(leaflet_id: int, **args: Any) -> str:
    return url_for("archive.leaflet", leaflet_id=leaflet_id, _external=True, **args)


def _term(term: Term, evidence: Any = None) -> dict[str, Any]:
    found = {
        "term": term.term,
        "z": term.z,
        "local_count": term.local_count,
        "national_count": term.national_count,
        "topic": term.topic,
    }
    if evidence is not None:
        found["photo"] = {
            "leaflet_id": evidence.leaflet_id,
            "image_id": evidence.image_id,
            "box": evidence.box,
            "url": _url(evidence.leaflet_id, highlight=term.term) + f"#ocr-{evidence.image_id}",
        }
    return found


def _template(match: TemplateMatch, result: Comparison) -> dict[str, Any]:
    subject = result.subject
    return {
        "template_id": match.template_id,
        "local": [
            {"leaflet_id": leaflet_id, "title": title, "url": _url(leaflet_id)}
            for leaflet_id, title in match.local
        ],
        "places": [{"gss": p.gss, "name": p.name, "leaflets": p.leaflets} for p in match.places],
        "leaflets": match.leaflets,
        "swaps": [{"here": old, "there": new} for old, new in (match.diff.swaps if match.diff else [])],
        "compared_with": {"leaflet_id": match.example_id, "place": match.example_place},
        "url": url_for(
            "compare.template",
            template_id=match.template_id,
            party=subject.party.slug,
            area=subject.area.gss,
            _external=True,
        ),
    }


def _number(number: VaryingNumber, result: Comparison) -> dict[str, Any]:
    return {
        "key": number.key,
        "context": number.context,
        "here": [
            {"figure": f.figure, "leaflet_id": f.leaflet_id, "image_id": f.image_id, "box": f.box}
            for f in number.local
        ],
        "elsewhere": [
            {
                "figure": f.figure,
                "places": f.places,
                "leaflets": f.leaflets,
                "example": {"leaflet_id": f.example_leaflet_id, "place": f.example_place},
            }
            for f in number.elsewhere
        ],
        "places": number.places,
        "url": url_for("compare.numbers", party=result.subject.party.slug, key=number.key, _external=True),
    }


def comparison_json(result: Comparison) -> dict[str, Any]:
    subject = result.subject
    return {
        "party": party_json(subject.party),
        "area": area_json(subject.area),
        "election": election_json(subject.election) if subject.election else None,
        "against": subject.against,
        "local": {"leaflets": result.local_leaflets, "words": result.local_words},
        "baseline": {
            "label": result.baseline_label,
            "leaflets": result.baseline_leaflets,
            "words": result.baseline_words,
            "waiting": result.waiting,
        },
        "message": result.message,
        "templates": [_template(match, result) for match in result.templates],
        "numbers": [_number(number, result) for number in result.numbers],
        "distinctive_terms": {
            "local": [_term(t, result.evidence.get(t.term)) for t in result.terms.local],
            "national": [_term(t) for t in result.terms.national],
            "left_out": {
                "names": result.terms.excluded.name_count,
                "noise": result.terms.excluded.noise_count,
            },
        },
        "topics": [
            {
                "slug": s.slug,
                "name": s.name,
                "local": s.local,
                "local_total": s.local_total,
                "national": s.national,
                "national_total": s.national_total,
                "difference": s.difference,
            }
            for s in result.shares
        ],
        "local_only_claims": [
            {
                "claim_id": c.claim_id,
                "leaflet_id": c.leaflet_id,
                "text": c.text,
                "leaflet_title": c.leaflet_title,
                "url": _url(c.leaflet_id),
            }
            for c in result.local_only_claims
        ],
        "method": {"description": METHOD, "template_threshold": TEMPLATE_THRESHOLD},
    }


@bp.get("/compare")
def compare_leaflets() -> Response:
    args = request.args
    subject = resolve(args.get("party"), args.get("area"), args.get("election"), args.get("against"))
    return jsonify(comparison_json(compare(subject)))
