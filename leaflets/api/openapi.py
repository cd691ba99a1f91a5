"""GET /api/v1/openapi.json: the OpenAPI 3.1 document of the whole API (openapi.json beside this file)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response, jsonify

from leaflets.api import bp

DOCUMENT = Path(__file__).with_name("openapi.json")


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi() -> Response:
    response = jsonify(document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
