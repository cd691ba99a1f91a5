"""Inter-rater agreement: Krippendorff's alpha over the archive's ratings.

Accuracy verdicts are nominal; the two bias scales are interval (ordinal is available too). Units with fewer
than two ratings carry no information about agreement and are left out, as the method prescribes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import permutations
from typing import Callable, Hashable, Iterable, Literal, Mapping

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import BiasRating, ClaimRating

Level = Literal["nominal", "ordinal", "interval"]


def _coincidences(units: Iterable[list[Hashable]]) -> Counter:
    """o_ck: each ordered pair of values within a unit, weighted 1/(m_u - 1)."""
    matrix: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(values, 2):
            matrix[(a, b)] += 1.0 / (m - 1)
    return Counter(matrix)


def _distance(level: Level, marginals: dict[Hashable, float]) -> Callable[[Hashable, Hashable], float]:
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: (float(c) - float(k)) ** 2  # type: ignore[arg-type]
    order = sorted(marginals, key=float)  # type: ignore[arg-type]  # ordinal: ranks between c and k, with half of the two ends

    def ordinal(c: Hashable, k: Hashable) -> float:
        if c == k:
            return 0.0
        lo, hi = sorted((order.index(c), order.index(k)))
        between = sum(marginals[order[g]] for g in range(lo, hi + 1))
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    return ordinal


def krippendorff_alpha(units: Iterable[Iterable[Hashable | None]], level: Level = "nominal") -> float | None:
    """Alpha for reliability data given as units (each: the values its raters gave; None = missing).

    None when there is nothing to compare (under two pairable values) or no variation at all.
    """
    cleaned = [[v for v in unit if v is not None] for unit in units]
    return alpha_from_coincidences(_coincidences(cleaned), level)


def coincidences_from_counts(units: Iterable[Mapping[Hashable, int]]) -> Counter:
    """o_ck from units given as value counts ({"false": 2, "accurate": 1}): the same matrix as _coincidences
    without listing every pair of ratings (n_c * n_k pairs, or n_c * (n_c - 1) within one value)."""
    matrix: dict[tuple[Hashable, Hashable], float] = {}
    for counts in units:
        m = sum(counts.values())
        if m < 2:
            continue
        items = list(counts.items())
        for c, n_c in items:
            for k, n_k in items:
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] = matrix.get((c, k), 0.0) + pairs / (m - 1)
    return Counter(matrix)


def alpha_from_coincidences(matrix: Counter, level: Level = "nominal") -> float | None:
    marginals: dict[Hashable, float] = defaultdict(float)
    for (c, _k), weight in matrix.items():
        marginals[c] += weight
    n = sum(marginals.values())
    if n < 2:
        return None
    delta = _distance(level, marginals)
    observed = sum(weight * delta(c, k) for (c, k), weight in matrix.items())
    values = list(marginals)
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in values for k in values)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


@dataclass
class AgreementRow:
    name: str
    level: str
    alpha: float | None
    units: int
    ratings: int


def _grouped(rows: Iterable[tuple[int, Hashable]]) -> list[list[Hashable]]:
    groups: dict[int, list[Hashable]] = defaultdict(list)
    for unit, value in rows:
        groups[unit].append(value)
    return list(groups.values())


def _row(name: str, level: Level, units: list[list[Hashable]]) -> AgreementRow:
    pairable = [unit for unit in units if len(unit) >= 2]
    return AgreementRow(
        name, level, krippendorff_alpha(pairable, level), len(pairable), sum(len(unit) for unit in pairable)
    )


def archive_agreement() -> list[AgreementRow]:
    """Alpha for claim accuracy (nominal) and bias tone and fairness (interval), over every rating stored."""
    accuracy = _grouped(db.session.execute(select(ClaimRating.claim_id, ClaimRating.accuracy)).all())
    bias = db.session.execute(select(BiasRating.leaflet_id, BiasRating.tone, BiasRating.fairness)).all()
    tone = _grouped((leaflet_id, tone) for leaflet_id, tone, _f in bias)
    fairness = _grouped((leaflet_id, fair) for leaflet_id, _t, fair in bias)
    return [
        _row("Claim accuracy", "nominal", accuracy),
        _row("Bias: tone", "interval", tone),
        _row("Bias: fairness", "interval", fairness),
    ]
