"""GET /api/v1/postcodes/<postcode>: a full postcode's constituency, or the candidates of a partial one."""

from __future__ import annotations

from flask import Response, jsonify

from leaflets.api import bp
from leaflets.services import locations


@bp.get("/postcodes/<postcode>")
def postcode(postcode: str) -> Response:
    """Full -> one constituency; sector or district -> candidates with shares; BT -> Northern Ireland's 18."""
    return jsonify(locations.lookup(postcode).as_json())
