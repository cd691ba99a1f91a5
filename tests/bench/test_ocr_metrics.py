"""The OCR benchmark's measures on hand-made strings: if these drift, every figure it prints is wrong."""

from __future__ import annotations

import pytest

from bench.ocr.metrics import cer, char_edits, normalise, recall_counts, wer, word_recall, words
from bench.ocr.report import row, score, worse_than_plain
from bench.ocr.targets import evaluate
from bench.ocr.wide.typeset import Line, truth_of


def test_cer_counts_character_edits_over_truth_length() -> None:
    assert cer("Vote Green", "Vote Green") == 0.0
    assert cer("Vote Green", "Vote Groen") == pytest.approx(1 / 10)
    assert cer("abc", "") == 1.0
    assert cer("abc", "abcabcabc") == 2.0  # long garbage can exceed 1


def test_normalisation_collapses_breaks_and_maps_typography_but_keeps_case() -> None:
    assert normalise("It\u2019s  a \u201cfair\u201d\n\ndeal \u2022 now") == 'It\'s a "fair" deal now'
    assert cer("Fair deal", "fair deal") == pytest.approx(1 / 9)
    assert cer("Fair deal", "FAIR DEAL", fold_case=True) == 0.0


def test_cer_is_order_sensitive() -> None:
    assert cer("left column right column", "right column left column") > 0.3


def test_wildcard_matches_any_one_word_in_cer_and_wer() -> None:
    assert cer("Vote [?] today", "vote Smith today", fold_case=True) == 0.0
    assert cer("Vote [?] today", "Vote Smith today") == 0.0
    assert char_edits("Vote [?] today", "Vote today") == (0, len("Vote today"))
    assert wer("a [?] c", "a b c") == 0.0
    assert wer("a [?] c", "a b d") == pytest.approx(1 / 3)


def test_word_recall_is_a_case_insensitive_multiset_without_punctuation() -> None:
    assert words("£31m cut, 42% wait: don't purple-coloured") == [
        "31m",
        "cut",
        "42",
        "wait",
        "don't",
        "purple",
        "coloured",
    ]
    assert word_recall("The cat sat", "sat THE cat.") == 1.0
    assert word_recall("the the cat", "the cat") == pytest.approx(2 / 3)
    assert recall_counts("Only UKIP will take back control", "UKIP take back") == (3, 6)
    assert word_recall("", "anything") == 1.0


def test_word_recall_wildcard_needs_a_spare_word() -> None:
    assert recall_counts("a [?] b", "a b") == (2, 3)
    assert recall_counts("a [?] b", "b x a") == (3, 3)
    assert recall_counts("a [?] [?]", "a x") == (2, 3)


def test_hyphenated_line_ends_are_rejoined_in_the_truth() -> None:
    lines = [Line(("The", "cam-"), broken=True), Line(("paign", "goes", "on"), last=True)]
    assert truth_of(lines) == "The campaign goes on"
    assert truth_of(lines[:1]) == "The cam-"  # cut after the head: the page shows "cam-"


def _entry(name: str, truth: str, plain: str, ours: str, level: int = 1) -> dict:
    reading = {"wall_s": 1.0, "cpu_s": 1.0}
    return score(
        {
            "name": name,
            "layout": "x",
            "level": level,
            "turn": 0,
            "truth": truth,
            "plain": {**reading, "text": plain},
            "ocr": {**reading, "text": ours},
        }
    )


def test_pooled_rows_and_the_worse_than_plain_list() -> None:
    same = _entry("same", "abcdefghij", "abcdefghij", "abcdefghij")
    worse = _entry("worse", "abcdefghij", "abcdefghij", "abcdefghXY")
    better = _entry("better", "abcdefghij", "XYZdefghij", "abcdefghij")
    assert [e["name"] for e in worse_than_plain([same, worse, better])] == ["worse"]
    pooled = row([same, worse, better], "all")
    assert pooled["plain_cer"] == pytest.approx(3 / 30)
    assert pooled["ocr_cer"] == pytest.approx(2 / 30)
    assert pooled["cer_ratio"] == pytest.approx(2 / 3)


def test_targets_pass_and_fail_on_known_figures() -> None:
    good = _entry("good", "one two three four", "one tw0 thr33 f0ur", "one two three four")
    real = {**good, "transcribed": True}
    verdicts = evaluate(
        {"real": {"entries": [real]}, "wide_tuning": {"entries": [good]}},
        ("wide_tuning",),
        {"speedup": 1.9, "per_min": [10.0, 19.0]},
    )
    assert [v.passed for v in verdicts] == [True, True, True, True, True, True]
    slow = {**good, "ocr": {**good["ocr"], "wall_s": 3.0}}
    verdicts = evaluate({"wide_tuning": {"entries": [slow]}}, ("wide_tuning",), None)
    assert [v.passed for v in verdicts] == [None, None, True, True, False, None]
