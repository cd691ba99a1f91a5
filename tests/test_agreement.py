"""Krippendorff's alpha against the worked example of Krippendorff (2011), and over the archive."""

from __future__ import annotations

import pytest
from flask import Flask

from leaflets.extensions import db
from leaflets.models import BiasRating, Claim, ClaimRating
from leaflets.services.agreement import archive_agreement, krippendorff_alpha
from tests.factories import make_leaflet, make_user

N = None
# "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers, 12 units, values 1..5.
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(unit) for unit in zip(*OBSERVERS)]


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_matches_the_published_example(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(UNITS, level), 3) == expected


def test_edge_cases() -> None:
    assert krippendorff_alpha([["a", "a"], ["b", "b"]]) == 1.0
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None  # no variation: undefined
    assert krippendorff_alpha([["a"], ["b"]]) is None  # nothing pairable
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([["a", "b"], ["b", "a"]]) < 0  # systematic disagreement


def test_archive_agreement_over_stored_ratings(app: Flask) -> None:
    leaflets = [make_leaflet() for _ in range(3)]
    raters = [make_user() for _ in range(2)]
    for leaflet, (tone_a, tone_b) in zip(leaflets, ((-2, -2), (0, 0), (2, 1))):
        db.session.add_all(
            [
                BiasRating(leaflet_id=leaflet.id, user_id=raters[0].id, tone=tone_a, fairness=0),
                BiasRating(leaflet_id=leaflet.id, user_id=raters[1].id, tone=tone_b, fairness=0),
            ]
        )
        claim = Claim(leaflet_id=leaflet.id, text=f"Claim {leaflet.id}", state="accepted")
        db.session.add(claim)
        db.session.flush()
        db.session.add_all(
            [
                ClaimRating(
                    claim_id=claim.id, user_id=r.id, accuracy=("accurate" if leaflet.id % 2 else "false")
                )
                for r in raters
            ]
        )
    db.session.commit()
    rows = {row.name: row for row in archive_agreement()}
    assert rows["Claim accuracy"].alpha == 1.0 and rows["Claim accuracy"].units == 3
    assert 0.8 < rows["Bias: tone"].alpha < 1.0 and rows["Bias: tone"].ratings == 6
    assert rows["Bias: fairness"].alpha is None


def test_alpha_from_value_counts_equals_alpha_from_ratings():
    """findings.py counts verdicts per claim instead of listing ratings: the coincidences must be the same."""
    from collections import Counter

    from leaflets.services.agreement import alpha_from_coincidences, coincidences_from_counts

    units = [["a", "a", "a"], ["a", "a", "f"], ["m", "m", "f", "m"], ["f", "a", "m"], ["f", "f"], ["a"]]
    tones = [[2, 1], [-2, -2, -1], [0, 0, 1, 2], [1]]
    assert (
        alpha_from_coincidences(coincidences_from_counts(Counter(u) for u in units))
        == pytest.approx(krippendorff_alpha(units))
        == pytest.approx(25 / 74)
    )
    assert alpha_from_coincidences(
        coincidences_from_counts(Counter(u) for u in tones), "interval"
    ) == pytest.approx(krippendorff_alpha(tones, "interval"))
