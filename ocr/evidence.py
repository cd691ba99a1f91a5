"""How good is a reading? Evidence available on any photo, without knowing the true text.

A reading is scored by the real text it found: letters of known dictionary words, weighted by
Tesseract's confidence, less the letters of gibberish (word-like tokens that are neither known nor
confidently read, and junk tokens of symbols). The same score chooses between readings (plain
Tesseract, the prepared page, a page turned a quarter) and decides whether the text is fit to publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from ocr import dictionary
from ocr.result import WordBox

_CONFIDENT = 70.0  # without a word list, a word-like token read at least this confidently counts as text
_GARBAGE_WEIGHT = 0.5
_GIBBERISH_LINE = 45.0  # a line without one known word, read less confidently than this, is gibberish
_POOR_LINE = 35.0  # so is a line read less confidently than this that is mostly unknown words
_POOR_SHARE = 0.3
# In a line of gibberish confidence, only a known word read at least this confidently shows it is text: a
# carpet's or a scribble's texture is read as short "words" ("die", "awe") at 20-50.
_SURE_KNOWN = 60.0
_MOSTLY_KNOWN = 0.5  # ... unless most of its letters are in dictionary words
# Verdict thresholds: below these a reading is not published as the photo's text.
MIN_KNOWN_WORDS = 8  # a leaflet has more words than this; fewer known ones mean the photo was not read
MIN_DICTIONARY_SHARE = 0.45
MIN_CONFIDENCE = 45.0
MIN_SUM = 1.15  # confidence (0-1) + dictionary share: a text of names needs confidence, a murky one words
# A short text (a front page of a headline and a name) is published on stronger evidence per word instead.
SHORT_MIN_KNOWN_WORDS = 3
SHORT_MIN_CONFIDENCE = 80.0
SHORT_MIN_DICTIONARY_SHARE = 0.6


@dataclass(frozen=True)
class Evidence:
    """What a reading shows about itself."""

    words: int = 0
    confidence: float = 0.0
    dictionary: float = -1.0  # share of word-like letters in known words; -1 when there is nothing to judge
    known_words: int = 0
    score: float = 0.0

    def as_quality(self, prefix: str = "") -> dict[str, float]:
        """The evidence as `OcrResult.quality` entries."""
        return {
            f"{prefix}words": float(self.words),
            f"{prefix}confidence": round(self.confidence, 2),
            f"{prefix}dictionary_share": round(self.dictionary, 3),
            f"{prefix}known_words": float(self.known_words),
            f"{prefix}score": round(self.score, 1),
        }


def _is_number(token: str) -> bool:
    core = dictionary.core(token).replace(",", "").replace(".", "").replace("%", "").lstrip("£$")
    return core.isdigit()


def _is_junk(token: str) -> bool:
    """Symbols and letter-digit mixtures that are neither words nor numbers."""
    core = dictionary.core(token)
    return not core or (
        not dictionary.is_wordlike(token) and not _is_number(token) and len(core) > 1 and not core.isalpha()
    )


def assess(words: list[WordBox]) -> Evidence:
    """Evidence of a list of recognised words."""
    if not words:
        return Evidence()
    use_list = dictionary.available()
    known_letters = garbage = 0.0
    known_words = 0
    for word in words:
        weight = word.confidence / 100.0
        letters = len(dictionary.core(word.text))
        if dictionary.is_wordlike(word.text):
            known = dictionary.is_known(word.text) if use_list else word.confidence >= _CONFIDENT
            if known:
                known_letters += letters * weight
                known_words += 1
            elif word.confidence < _CONFIDENT or use_list and word.confidence < 90:
                garbage += letters
        elif _is_junk(word.text):
            garbage += max(1, letters)
    confidence = sum(w.confidence for w in words) / len(words)
    share = dictionary.share([w.text for w in words])
    return Evidence(len(words), confidence, share, known_words, known_letters - _GARBAGE_WEIGHT * garbage)


def readable(evidence: Evidence) -> bool:
    """Whether a reading is fit to publish: some known words, mostly known, read with some confidence."""
    if _short_and_clear(evidence):
        return True
    if evidence.known_words < MIN_KNOWN_WORDS or evidence.confidence < MIN_CONFIDENCE:
        return False
    if evidence.dictionary < 0:
        return True
    combined = evidence.confidence / 100 + evidence.dictionary
    return evidence.dictionary >= MIN_DICTIONARY_SHARE and combined >= MIN_SUM


def _short_and_clear(evidence: Evidence) -> bool:
    """A few words, read confidently and nearly all in the dictionary: a short leaflet, not noise."""
    return (
        evidence.known_words >= SHORT_MIN_KNOWN_WORDS
        and evidence.confidence >= SHORT_MIN_CONFIDENCE
        and evidence.dictionary >= SHORT_MIN_DICTIONARY_SHARE
    )


def clearly_better(
    challenger: Evidence, incumbent: Evidence, margin: float = 1.25, slack: float = 10.0
) -> bool:
    """The challenger found clearly more real text: by a margin, and by more than `slack` letters."""
    return challenger.score > margin * max(incumbent.score, 0.0) + slack


def _gibberish(line: list[WordBox]) -> bool:
    confidence = sum(w.confidence for w in line) / len(line)
    if not any(dictionary.is_known(w.text) and w.confidence >= _SURE_KNOWN for w in line):
        # a headline in an odd face can be read at 10-20 and still be all dictionary words ("Job Done")
        return confidence < _GIBBERISH_LINE and _known_letters(line) < _MOSTLY_KNOWN
    return confidence < _POOR_LINE and dictionary.share([w.text for w in line]) < _POOR_SHARE


def _known_letters(line: list[WordBox]) -> float:
    """Share of the line's letters in dictionary words (short words included)."""
    letters = [(len(dictionary.core(w.text)), dictionary.is_known(w.text)) for w in line]
    total = sum(n for n, _ in letters)
    return sum(n for n, known in letters if known) / total if total else 0.0


def without_gibberish(words: list[WordBox]) -> list[WordBox]:
    """The words less whole lines of gibberish (print in photos, texture, cut-off lines of text).

    Without a word list nothing is dropped: unknown words are then not evidence of anything.
    """
    if not dictionary.available():
        return words
    kept: list[WordBox] = []
    for _, line in groupby(words, key=lambda w: (w.block, w.paragraph, w.line)):
        grouped = list(line)
        if not _gibberish(grouped):
            kept += grouped
    return kept
