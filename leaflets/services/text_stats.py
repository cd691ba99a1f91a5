"""Text statistics for comparing corpora: tokens, terms, shingles, Fightin' Words z-scores, Jaccard.

Plain functions over strings and counters; nothing here knows the database or Flask.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

# A small English stop-word list: function words, plus the words every leaflet carries whatever it says
# (the imprint's "promoted/printed by").
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here here's
hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let
let's like made make me more most much must mustn't my myself need no nor not now of off on once one only or
other our ours ourselves out over own per printed promoted said same say says she she'd she'll she's should
shouldn't since so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up upon us very via was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
will with won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
""".split())

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"'s\b")
_BREAK = re.compile(r"[.!?;:•|()\[\]{}\"“”]+")  # sentence-ish breaks: bigrams never span them
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

SHINGLE_SIZE = 5


def _segments(text: str) -> list[list[str]]:
    cleaned = _POSSESSIVE.sub("", text.translate(_APOSTROPHES).casefold())
    return [found for part in _BREAK.split(cleaned) if (found := _WORD.findall(part))]


def words(text: str) -> list[str]:
    """Every word of the text, lowercased, in order; numbers and stop words kept."""
    return [word for segment in _segments(text) for word in segment]


def is_term(word: str) -> bool:
    """A word worth scoring: at least 3 characters, not a stop word, not only digits."""
    return len(word) >= 3 and word not in STOP_WORDS and not word.isdigit()


def analyse(text: str) -> tuple[list[str], list[str]]:
    """One pass over a text: its words in order, and its term occurrences (unigrams, then bigrams).

    A bigram is two adjacent terms in the same sentence ("bus station"; "cost of living" gives no bigram).
    """
    segments = _segments(text)
    every = [word for segment in segments for word in segment]
    wanted = {word for word in set(every) if is_term(word)}
    terms: list[str] = []
    for segment in segments:
        kept = [word if word in wanted else "" for word in segment]
        terms.extend(filter(None, kept))
        terms.extend(f"{a} {b}" for a, b in zip(kept, kept[1:]) if a and b)
    return every, terms


def shingles(tokens: Sequence[str], size: int = SHINGLE_SIZE) -> frozenset[int]:
    """Hashed word n-gram shingles (ints intersect faster than tuples); a shorter text is one shingle."""
    if len(tokens) < size:
        return frozenset([hash(tuple(tokens))]) if tokens else frozenset()
    return frozenset(map(hash, zip(*(tokens[i:] for i in range(size)))))


def jaccard(a: frozenset | set, b: frozenset | set) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = len(small & large)
    return shared / (len(a) + len(b) - shared)


def claim_tokens(text: str) -> frozenset[str]:
    """The content words of a claim (numbers kept: "£5m" and "£10m" are different claims)."""
    return frozenset(word for word in words(text) if word not in STOP_WORDS)


def normalised(text: str) -> str:
    """Lowercase words separated by single spaces: punctuation, case and line breaks no longer matter."""
    return " ".join(words(text))


@dataclass(frozen=True)
class ScoredTerm:
    term: str
    z: float
    local_count: int
    national_count: int


def distinctive_terms(local: Counter[str], national: Counter[str], limit: int = 20,
                      prior_scale: float | None = None) -> tuple[list[ScoredTerm], list[ScoredTerm]]:
    """The terms most typical of the local corpus and of the national one, strongest first.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), as
    z-scores. The prior for term w is alpha_w = alpha_0 * (w's share of the pooled corpus), with alpha_0 the
    size of the local corpus unless given: the party's average usage, weighted as much as the local evidence.
    The local counts are compared with the pooled counts (local plus national), so a term never seen
    nationally still has a finite variance: with a 300-word local corpus and 600,000 national words, a place
    name said 10 times locally scores about 15, not about 1 as it would against a zero national count.
    Positive z means used more locally; |z| > 1.96 is the conventional 95% level.
    """
    if not local or not national:
        return [], []
    vocabulary = list(national)
    position = dict(zip(vocabulary, range(len(vocabulary))))
    local_only = [term for term in local if term not in position]
    position.update(zip(local_only, range(len(vocabulary), len(vocabulary) + len(local_only))))
    vocabulary.extend(local_only)
    y_national = np.zeros(len(vocabulary))
    y_national[:len(national)] = np.fromiter(national.values(), dtype=float, count=len(national))
    y_local = np.zeros(len(vocabulary))
    y_local[[position[term] for term in local]] = list(local.values())
    y_pooled = y_local + y_national
    n_local, n_pooled = y_local.sum(), y_pooled.sum()
    alpha0 = float(prior_scale if prior_scale is not None else n_local)
    alpha = alpha0 * y_pooled / n_pooled
    log_odds_local = np.log(y_local + alpha) - np.log(n_local + alpha0 - y_local - alpha)
    log_odds_pooled = np.log(y_pooled + alpha) - np.log(n_pooled + alpha0 - y_pooled - alpha)
    z = (log_odds_local - log_odds_pooled) / np.sqrt(1.0 / (y_local + alpha) + 1.0 / (y_pooled + alpha))
    finite = np.isfinite(z)

    def strongest(keep: np.ndarray, sign: float) -> list[ScoredTerm]:
        candidates = np.flatnonzero(keep)
        if len(candidates) > limit * 4:  # ties at the cut are broken alphabetically below, among 4x the limit
            candidates = candidates[np.argpartition(-sign * z[candidates], limit * 4)[:limit * 4]]
        ranked = sorted(candidates.tolist(), key=lambda i: (-sign * z[i], vocabulary[i]))[:limit]
        return [ScoredTerm(vocabulary[i], round(float(z[i]), 3), int(y_local[i]), int(y_national[i]))
                for i in ranked]

    return (strongest(finite & (z > 0) & (y_local > 0), 1.0),
            strongest(finite & (z < 0) & (y_national > 0), -1.0))
