"""Compare a party's leaflets in one place with its leaflets elsewhere: what changes between places.

`service.compare()` answers a page; `store` keeps the precomputed rows it reads (per leaflet, as leaflets
arrive)."""

from leaflets.services.compare.corpus import Subject
from leaflets.services.compare.service import Choices, Comparison, choices, compare, resolve

__all__ = ["Choices", "Comparison", "Subject", "choices", "compare", "resolve"]
