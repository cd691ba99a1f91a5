"""JSON API under /api/v1 (DESIGN §4); CSRF does not apply, errors are JSON."""
from flask import Blueprint

from leaflets.auth_guards import bearer_token_first
from leaflets.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
bp.before_request(bearer_token_first)

from leaflets.api import reference  # noqa: E402,F401  (routes register on import)
from leaflets.api import review  # noqa: E402,F401  (review and moderation, issue 5)
from leaflets.api import uploads, postcodes  # noqa: E402,F401
from leaflets.api import leaflets, openapi  # noqa: E402,F401  (browse: read API and its OpenAPI document)
from leaflets.api import search  # noqa: E402,F401  (search and export, issue 4)
from leaflets.api import compare  # noqa: E402,F401  (local vs national leaflets of a party)
from leaflets.api import stats  # noqa: E402,F401  (findings: per-party findings)
