"""Text statistics for comparing corpora: tokens, terms and their counts, Fightin' Words z-scores.

Plain functions over strings and counters; nothing here knows the database or Flask.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

# A small English stop-word list: function words, plus the words every leaflet carries whatever it says
# (the imprint's "promoted/printed by ... on behalf of").
STOP_WORDS = frozenset(
    """
a about above after again against all also am an and any are aren't as at be because been before behalf being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here here's
hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let
let's like made make me more most much must mustn't my myself need no nor not now of off on once one only or
other our ours ourselves out over own per printed promoted said same say says she she'd she'll she's should
shouldn't since so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up upon us very via was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's will
with won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
""".split()
)

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"'s\b")
_BREAK = re.compile(r"[.!?;:•|()\[\]{}\"“”]+")  # sentence-ish breaks: bigrams never span them
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def _segments(text: str) -> list[list[str]]:
    cleaned = _POSSESSIVE.sub("", text.translate(_APOSTROPHES).casefold())
    return [found for part in _BREAK.split(cleaned) if (found := _WORD.findall(part))]


def words(text: str) -> list[str]:
    """Every word of the text, lowercased, in order; numbers and stop words kept."""
    return [word for segment in _segments(text) for word in segment]


def is_term(word: str) -> bool:
    """A word worth scoring: at least 3 characters, not a stop word, no digits (figures are compared
    apart)."""
    return len(word) >= 3 and word not in STOP_WORDS and not any(char.isdigit() for char in word)


def sentences(text: str) -> list[list[str]]:
    """The words of a text, lowercased, grouped into sentence-ish runs (bigrams never cross between them)."""
    return _segments(text)


def term_counts(corpus: Iterable[Sequence[str]]) -> Counter[str]:
    """Unigram and bigram counts of sentences: a term is a word is_term() accepts, a bigram two such words
    side by side in one sentence ("bus station"; "cost of living" gives none)."""
    counts: Counter[str] = Counter()
    for sentence in corpus:
        kept = [word if is_term(word) else "" for word in sentence]
        counts.update(filter(None, kept))
        counts.update(f"{a} {b}" for a, b in zip(kept, kept[1:]) if a and b)
    return counts


def claim_tokens(text: str) -> frozenset[str]:
    """The content words of a claim (numbers kept: "£5m" and "£10m" are different claims)."""
    return frozenset(word for word in words(text) if word not in STOP_WORDS)


@dataclass(frozen=True)
class ScoredTerm:
    term: str
    z: float
    local_count: int
    national_count: int


def distinctive_terms(
    local: Mapping[str, int],
    national: Mapping[str, int],
    limit: int = 20,
    prior_scale: float | None = None,
    totals: tuple[float, float] | None = None,
) -> tuple[list[ScoredTerm], list[ScoredTerm]]:
    """The terms most typical of the local counts and of the national ones, strongest first.

    `totals` are the corpora's sizes when the mappings hold only some of their terms (the candidates read
    from precomputed counts); without it the sums of the mappings are the sizes."""
    names = sorted(local.keys() | national.keys())
    y_local = np.array([local.get(name, 0) for name in names], dtype=float)
    y_national = np.array([national.get(name, 0) for name in names], dtype=float)
    return _fightin_words(y_local, y_national, names.__getitem__, limit, prior_scale, totals)


def _fightin_words(
    y_local: np.ndarray,
    y_national: np.ndarray,
    name: Callable[[int], str],
    limit: int,
    prior_scale: float | None,
    totals: tuple[float, float] | None = None,
) -> tuple[list[ScoredTerm], list[ScoredTerm]]:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").

    Returns z-scores. The prior for term w is alpha_w = alpha_0 * (w's share of the pooled corpus), with
    alpha_0 the size of the local corpus unless given: the party's average usage, weighted as much as the
    local evidence. The local counts are compared with the pooled counts (local plus national), so a term
    never seen nationally still has a finite variance: with a 300-word local corpus and 600,000 national
    words, a place name said 10 times locally scores about 15, not about 1 as it would against a zero
    national count. Positive z means used more locally; |z| > 1.96 is the conventional 95% level.
    """
    n_local, n_national = totals if totals is not None else (y_local.sum(), y_national.sum())
    if not n_local or not n_national:
        return [], []
    y_pooled = y_local + y_national
    n_pooled = n_local + n_national
    alpha0 = float(prior_scale if prior_scale is not None else n_local)
    alpha = alpha0 * y_pooled / n_pooled
    with np.errstate(divide="ignore", invalid="ignore"):  # a corpus of one term: not finite, dropped below
        log_odds_local = np.log(y_local + alpha) - np.log(n_local + alpha0 - y_local - alpha)
        log_odds_pooled = np.log(y_pooled + alpha) - np.log(n_pooled + alpha0 - y_pooled - alpha)
        z = (log_odds_local - log_odds_pooled) / np.sqrt(1.0 / (y_local + alpha) + 1.0 / (y_pooled + alpha))
    finite = np.isfinite(z)

    def strongest(keep: np.ndarray, sign: float) -> list[ScoredTerm]:
        candidates = np.flatnonzero(keep)
        if len(candidates) > limit * 4:  # ties at the cut are broken alphabetically below, among 4x the limit
            candidates = candidates[np.argpartition(-sign * z[candidates], limit * 4)[: limit * 4]]
        ranked = sorted(((-sign * float(z[i]), name(i), i) for i in candidates.tolist()))[:limit]
        return [
            ScoredTerm(term, round(float(z[i]), 3), int(y_local[i]), int(y_national[i]))
            for _score, term, i in ranked
        ]

    return (
        strongest(finite & (z > 0) & (y_local > 0), 1.0),
        strongest(finite & (z < 0) & (y_national > 0), -1.0),
    )
