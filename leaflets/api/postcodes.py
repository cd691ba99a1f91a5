"""GET /api/v1/postcodes/<postcode>: the constituencies a postcode district falls in."""
from __future__ import annotations

from flask import Response, jsonify

from leaflets.api import bp
from leaflets.services import locations
from leaflets.services.errors import NotFound


@bp.get("/postcodes/<postcode>")
def postcode(postcode: str) -> Response:
    district = locations.outward_code(postcode)
    choices = locations.district_choices(district)
    if not choices:
        raise NotFound(f"We don't know the postcode district {district}.")
    return jsonify({"district": district,
                    "areas": [{"gss": c.gss, "name": c.name, "share": c.share} for c in choices]})
