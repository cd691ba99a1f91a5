"""A claim's ratings summed up: counts per verdict and the consensus (shared by review pages and search)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from leaflets.models import Accuracy, ClaimRating

VERDICTS = tuple(a.value for a in Accuracy)


def rating_summary(ratings: list[ClaimRating], threshold: int) -> dict[str, Any]:
    """Count, count per verdict, share per verdict, and the consensus once the claim counts as rated."""
    counts = Counter(rating.accuracy for rating in ratings)
    total = len(ratings)
    by_verdict = {verdict: counts.get(verdict, 0) for verdict in VERDICTS}
    shares = {verdict: (n / total if total else 0.0) for verdict, n in by_verdict.items()}
    rated = total >= threshold
    ranked = counts.most_common(2)
    consensus = None
    if rated and ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        consensus = ranked[0][0]
    return {
        "count": total,
        "by_verdict": by_verdict,
        "shares": shares,
        "consensus": consensus,
        "rated": rated,
    }
