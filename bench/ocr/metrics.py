"""Character and word error rates on lightly normalised text.

Normalisation (applied to truth and to OCR output alike): Unicode NFKC; typographic quotes, dashes
and bullets mapped to ASCII or dropped; all runs of whitespace (including line and block breaks)
collapsed to one space; case kept. Reading order matters: text read out of order counts as errors.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2022": " ", "\u25cf": " ", "\u00b7": " ", "|": " ",
})


def normalise(text: str) -> str:
    """The comparable form of a text."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip()


def cer(truth: str, hypothesis: str) -> float:
    """Character edit distance over the truth's length (can exceed 1 for long garbage)."""
    truth, hypothesis = normalise(truth), normalise(hypothesis)
    return Levenshtein.distance(truth, hypothesis) / max(1, len(truth))


def wer(truth: str, hypothesis: str) -> float:
    """Word edit distance over the truth's word count."""
    truth_words, hypothesis_words = normalise(truth).split(), normalise(hypothesis).split()
    return Levenshtein.distance(truth_words, hypothesis_words) / max(1, len(truth_words))
