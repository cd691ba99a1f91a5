"""/healthz for load balancers and monitoring: JSON, 200 when every check passes, 503 otherwise."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from leaflets.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    result = health.check_all()
    response = jsonify(result.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if result.ok else 503
