"""Reading order, paragraphs, light-on-dark panels and sideways scans on generated pages, with real
Tesseract."""

from __future__ import annotations

from typing import Any

import pytest

import ocr
from tests.ocr.layouts import LEFT_AFTER_PANEL, LEFT_COLUMN, PANEL, RIGHT_COLUMN, hyphenated_page, panel_page


def line_starting(text: str, opening: str) -> str:
    """The line of `text` that starts with `opening` (the first three words of a paragraph)."""
    return next(line for line in text.splitlines() if line.startswith(opening))


def position(text: str, paragraph: str) -> int:
    return text.index(" ".join(paragraph.split()[:3]))


def test_dark_panel_and_both_columns_are_read_in_order() -> None:
    result = ocr.recognise(panel_page().image)
    text = result.text
    assert {"library", "petition", "meeting", "March"} <= set(text.replace(".", " ").split())
    order = [position(text, p) for p in (LEFT_COLUMN, PANEL[1], LEFT_AFTER_PANEL, RIGHT_COLUMN)]
    assert order == sorted(order), text  # the right column does not land inside the left
    assert result.readable and result.rotation == 0


def test_justified_columns_give_one_line_per_paragraph() -> None:
    text = ocr.recognise(panel_page().image).text
    for paragraph in (LEFT_COLUMN, RIGHT_COLUMN, LEFT_AFTER_PANEL):
        line = line_starting(text, " ".join(paragraph.split()[:3]))
        assert line.endswith(paragraph.split()[-1]), line  # the whole paragraph on one line
    assert min(len(line.split()) for line in text.splitlines() if line) >= 3  # no one-word lines


def test_words_hyphenated_at_line_ends_are_rejoined() -> None:
    text = ocr.recognise(hyphenated_page().image).text
    assert "election" in text and "observers" in text
    assert "elec-" not in text and len(text.splitlines()) == 1


@pytest.mark.parametrize("counter_clockwise", [90, 270])
def test_a_sideways_scan_is_turned_and_its_headline_read(render: Any, counter_clockwise: int) -> None:
    # a flat scan (no photo degradation) saved sideways without an EXIF tag, as some scanners do
    page = render(headline="Only UKIP will take back control", size=(1240, 900))
    sideways = page.image.rotate(counter_clockwise, expand=True)
    result = ocr.recognise(sideways)
    assert result.rotation == counter_clockwise  # the clockwise turn that makes it upright
    assert "Only UKIP will take back control" in result.text
    assert {"potholes", "council", "library"} <= set(result.text.replace(".", " ").split())
    assert result.readable
