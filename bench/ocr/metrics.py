"""Character error rate, word error rate and word recall on lightly normalised text.

Normalisation (applied to truth and to OCR output alike): Unicode NFKC; typographic quotes, dashes
and bullets mapped to ASCII or dropped; all runs of whitespace (including line and block breaks)
collapsed to one space. Case is kept unless `fold_case` (the real set's transcriptions are compared
case-insensitively). Reading order matters to CER and WER: text read out of order counts as errors.

Word recall ignores order: the share of the truth's words (a multiset) that the reading contains, both
lower-cased and split into runs of letters and digits (inner apostrophes kept), as a search index sees them.

`[?]` in a truth stands for one printed word nobody could read with confidence; it matches any one word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from rapidfuzz.distance import Levenshtein

WILDCARD = "[?]"
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2022": " ",
        "\u25cf": " ",
        "\u00b7": " ",
        "|": " ",
    }
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def normalise(text: str, fold_case: bool = False) -> str:
    """The comparable form of a text."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(_TRANSLATE)).strip()
    return text.casefold() if fold_case else text


def _fill_wildcards(truth: list[str], hypothesis: list[str]) -> list[str]:
    """The truth's words with each `[?]` replaced by the reading's word aligned with it (dropped if none)."""
    if WILDCARD not in truth:
        return truth
    filled = list(truth)
    for op in Levenshtein.opcodes(truth, hypothesis):
        if op.tag != "replace" and op.tag != "delete":
            continue
        for offset, position in enumerate(range(op.src_start, op.src_end)):
            if truth[position] == WILDCARD:
                aligned = op.dest_start + offset
                inside = op.tag == "replace" and aligned < op.dest_end
                filled[position] = hypothesis[aligned] if inside else ""
    return [word for word in filled if word]


def char_edits(truth: str, hypothesis: str, fold_case: bool = False) -> tuple[int, int]:
    """(character edit distance, truth length) after normalisation and wildcard matching."""
    truth_words = normalise(truth, fold_case).split()
    hypothesis_text = normalise(hypothesis, fold_case)
    filled = " ".join(_fill_wildcards(truth_words, hypothesis_text.split()))
    return Levenshtein.distance(filled, hypothesis_text), len(filled)


def cer(truth: str, hypothesis: str, fold_case: bool = False) -> float:
    """Character edit distance over the truth's length (can exceed 1 for long garbage)."""
    distance, length = char_edits(truth, hypothesis, fold_case)
    return distance / max(1, length)


def wer(truth: str, hypothesis: str, fold_case: bool = False) -> float:
    """Word edit distance over the truth's word count."""
    truth_words = normalise(truth, fold_case).split()
    hypothesis_words = normalise(hypothesis, fold_case).split()
    filled = _fill_wildcards(truth_words, hypothesis_words)
    return Levenshtein.distance(filled, hypothesis_words) / max(1, len(filled))


def words(text: str) -> list[str]:
    """The text's words as a search index sees them: lower case, punctuation stripped."""
    return _WORD.findall(normalise(text, fold_case=True))


def recall_counts(truth: str, hypothesis: str) -> tuple[int, int]:
    """(truth words found in the reading, truth words), as multisets; each `[?]` matches one spare word."""
    wildcards = normalise(truth).count(WILDCARD)
    wanted = Counter(words(normalise(truth).replace(WILDCARD, " ")))
    found = Counter(words(hypothesis))
    matched = sum(min(count, found[word]) for word, count in wanted.items())
    spare = sum(found.values()) - matched
    return matched + min(wildcards, spare), sum(wanted.values()) + wildcards


def word_recall(truth: str, hypothesis: str) -> float:
    """Share of the truth's words found in the reading (1.0 for an empty truth)."""
    found, total = recall_counts(truth, hypothesis)
    return found / total if total else 1.0
