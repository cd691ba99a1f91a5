"""Reference data endpoints: parties, areas, elections."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import select

from leaflets.api import bp
from leaflets.api.serializers import area_json, election_json, party_json
from leaflets.extensions import db
from leaflets.models import Area, Election, Party


@bp.get("/parties")
def parties() -> Response:
    rows = db.session.scalars(select(Party).order_by(Party.name))
    return jsonify({"parties": [party_json(p) for p in rows]})


@bp.get("/areas")
def areas() -> Response:
    rows = db.session.scalars(select(Area).order_by(Area.name))
    return jsonify({"areas": [area_json(a) for a in rows]})


@bp.get("/elections")
def elections() -> Response:
    rows = db.session.scalars(select(Election).order_by(Election.date.desc()))
    return jsonify({"elections": [election_json(e) for e in rows]})
