"""A bar chart's labels and values read row by row (`ocr/chart_rows.py`), with real Tesseract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw, ImageFont

import ocr
from ocr.layout import ROWS_PARAGRAPH
from tests.ocr.layouts import BOLD, CHART, CHART_INTRO, LEFT_AFTER_PANEL, chart_page


def test_a_bar_charts_values_are_read_beside_their_labels_row_by_row() -> None:
    # plain Tesseract reads the labels as one column and the values, beside the bars, apart from them
    # and out of order ("Labour Conservatives Greens Reform ... 12% 9% ... 41% 38%")
    result = ocr.recognise(chart_page().image)
    title, rows = CHART
    chart = " ".join(f"{label} {value}%" for label, value in rows)
    lines = result.text.splitlines()
    assert chart in lines, result.text  # one line: "Labour 41% Conservatives 38% Greens 12% Reform 9%"
    order = [result.text.index(part) for part in (CHART_INTRO[:30], title, chart, LEFT_AFTER_PANEL[:30])]
    assert order == sorted(order), result.text
    assert result.readable


def test_a_bar_chart_photographed_at_a_slant_keeps_its_rows(photograph: Callable[..., Any]) -> None:
    photo, _ = photograph(chart_page().image)  # at an angle on a carpet: each row slants across the photo
    text = ocr.recognise(photo).text
    rows = CHART[1]
    for (label, value), (next_label, _) in zip(rows, rows[1:]):
        assert f"{label} {value}% {next_label}" in text, text


def test_short_lines_without_values_are_left_as_read() -> None:
    # a stack of short label-like lines with nothing beside them (a list of names) is no chart
    names = ["Anna Price", "Ben Cole", "Chris Hale", "Dana Ford"]
    image = Image.new("RGB", (1240, 900), "white")
    draw = ImageDraw.Draw(image)
    draw.text((90, 80), "Your candidates", font=ImageFont.truetype(BOLD, 48), fill=(15, 15, 15))
    for number, name in enumerate(names):
        draw.text((90, 200 + 52 * number), name, font=ImageFont.truetype(BOLD, 27), fill=(15, 15, 15))
    result = ocr.recognise(image)
    assert " ".join(names) in " ".join(result.text.split()), result.text
    assert not any(word.paragraph == ROWS_PARAGRAPH for word in result.words)
