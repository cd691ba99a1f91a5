"""Volunteer review of leaflets: tags, claims, ratings (issue 5 fills this in)."""
from __future__ import annotations

from typing import Any

from leaflets.models import Leaflet


def leaflet_summary(leaflet: Leaflet) -> dict[str, Any]:
    """Tags, claims with rating summaries, and the bias summary, as the API's leaflet JSON carries them."""
    return {"tags": [], "claims": [], "bias": None}
