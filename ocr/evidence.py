"""How good is a reading? Evidence available on any photo, without knowing the true text.

A reading is scored by the real text it found: letters of known dictionary words, weighted by
Tesseract's confidence, less the letters of gibberish (word-like tokens that are neither known nor
confidently read, and junk tokens of symbols). The same score chooses between readings (plain
Tesseract, the prepared page, a page turned a quarter) and decides whether the text is fit to publish.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr import dictionary
from ocr.result import WordBox

_CONFIDENT = 70.0  # without a word list, a word-like token read at least this confidently counts as text
_GARBAGE_WEIGHT = 0.5
# Verdict thresholds: below these a reading is not published as the photo's text.
MIN_KNOWN_WORDS = 3
MIN_DICTIONARY_SHARE = 0.5
MIN_CONFIDENCE = 45.0


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
        return {f"{prefix}words": float(self.words), f"{prefix}confidence": round(self.confidence, 2),
                f"{prefix}dictionary_share": round(self.dictionary, 3),
                f"{prefix}known_words": float(self.known_words), f"{prefix}score": round(self.score, 1)}


def _is_number(token: str) -> bool:
    core = dictionary.core(token).replace(",", "").replace(".", "").replace("%", "").lstrip("£$")
    return core.isdigit()


def _is_junk(token: str) -> bool:
    """Symbols and letter-digit mixtures that are neither words nor numbers."""
    core = dictionary.core(token)
    return not core or (not dictionary.is_wordlike(token) and not _is_number(token) and len(core) > 1
                        and not core.isalpha())


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
    if evidence.known_words < MIN_KNOWN_WORDS or evidence.confidence < MIN_CONFIDENCE:
        return False
    return evidence.dictionary < 0 or evidence.dictionary >= MIN_DICTIONARY_SHARE


def clearly_better(challenger: Evidence, incumbent: Evidence, margin: float = 1.25) -> bool:
    """The challenger found clearly more real text: by a margin, and by more than a few letters."""
    return challenger.score > margin * max(incumbent.score, 0.0) + 10.0
