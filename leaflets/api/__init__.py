"""JSON API under /api/v1 (DESIGN §4); CSRF does not apply, errors are JSON."""

from flask import Blueprint

from leaflets.auth_guards import bearer_token_first
from leaflets.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
bp.before_request(bearer_token_first)

# The route modules register on `bp` when imported.
from leaflets.api import (  # noqa: E402,F401
    compare,
    leaflets,
    openapi,
    postcodes,
    reference,
    review,
    search,
    stats,
    uploads,
)
