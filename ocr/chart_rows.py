"""A bar chart's labels read with their values, row by row.

A horizontal bar chart prints a stack of short labels down its left side, a bar after each and the value
after the bar ("SNP ████ 36%"). Tesseract's page analysis reads the labels as a column and takes the
bars, with the values beside them, for a picture: the values come out apart from their labels, out of
order, mixed with the bars read as letters ("yy", "CO"), or not at all. The text people search and quote
is "SNP 36%".

Such a stack is found in the chosen reading (on the upright page, levelled): three or more short runs of
surely read words with no digits, their left edges aligned, one under the other at an even pitch. Each
row to the right of its label is warped from the photo as one strip, up to the next line of running text,
its bars painted out, and all the strips are read in one small Tesseract run (`regions.read_strips`); the
values found there (figures, with surely read dictionary words beside them) replace whatever the reading
had in the strip. The chart is then a block of its own: its title, then "label value" row by row. Where
fewer than half the rows show a figure it was no chart (a list of names) and the reading is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

import numpy as np

from ocr import dictionary, ink, regions, tesseract
from ocr.geometry import Matrix
from ocr.layout import ROWS_PARAGRAPH
from ocr.recognition import to_master as to_master_pixels
from ocr.result import WordBox

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the upright page

_MIN_ROWS = 3  # a chart has at least this many bars
_MIN_HEIGHT = 4  # px: a label's box is at least this high (a box of no height is a speck)
_LABEL_WORDS = 3  # a label is a run of at most this many words ...
_LABEL_LETTERS = 24  # ... and letters
_RUN_GAP = 1.5  # words on one row this many of their heights apart or less are one run
_ALIGN = 0.75  # labels' left edges lie within this many heights of each other
_SIMILAR = 2.0  # labels' heights differ by at most this factor (a box can take in a bar's corner)
_PITCH = (1.1, 3.5)  # in heights, from one label's top to the next
_EVEN = 1.5  # the longest pitch is at most this many times the shortest
_RUNNING_TEXT = 4  # a run of this many words is running text: a row's strip ends before it
_PAD = 0.3  # of a label's height, around its row's strip
_TITLE_WORDS = 10  # a chart's title is a run of at most this many words ...
_TITLE_GAP = 2.5  # ... ending at most this many label heights above the first label
_LABEL_CONFIDENCE = 70.0  # each word of a label is read at least this confidently
_VALUE_CONFIDENCE = 50.0  # a value (a word with a digit) read at least this confidently is kept
_WORD_CONFIDENCE = 80.0  # a dictionary word in a strip (a unit, "min") needs this much
_SLOPE_WORDS = 3  # a line of this many words or more shows the reading's tilt
_MIN_VALUES = 0.5  # share of the rows that must show a value for the stack to be a chart


@dataclass(frozen=True)
class _Row:
    label: list[int]  # indices of the label's words
    strip: Box  # the row right of the label, up to running text or the print's right edge


@dataclass(frozen=True)
class _Chart:
    title: list[int]  # indices of the title's words (the line just above the first label, aligned with it)
    rows: list[_Row]


def _runs(boxes: np.ndarray) -> list[list[int]]:
    """Words on one row close enough together to be read as one phrase, each run left to right."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i, 0])
    runs: list[list[int]] = []
    for i in order:
        x0, y0, _, y1 = boxes[i]
        height = y1 - y0
        for run in runs:
            last = boxes[run[-1]]
            centre = (y0 + y1) / 2
            on_row = last[1] <= centre <= last[3] and y0 <= (last[1] + last[3]) / 2 <= y1
            if on_row and -height <= x0 - last[2] <= _RUN_GAP * max(height, last[3] - last[1]):
                run.append(i)
                break
        else:
            runs.append([i])
    return runs


def _span(boxes: np.ndarray, indices: list[int]) -> Box:
    own = boxes[indices]
    return float(own[:, 0].min()), float(own[:, 1].min()), float(own[:, 2].max()), float(own[:, 3].max())


def _is_label(words: list[WordBox], run: list[int]) -> bool:
    """A short run of words read surely, no figures in it (a logo or a photo read as "Rie" is no label)."""
    texts = [words[i].text for i in run]
    letters = sum(ch.isalpha() for t in texts for ch in t)
    return (
        len(run) <= _LABEL_WORDS
        and 2 <= letters <= _LABEL_LETTERS
        and not any(ch.isdigit() for t in texts for ch in t)
        and min(words[i].confidence for i in run) >= _LABEL_CONFIDENCE
    )


def _stacks(labels: list[tuple[list[int], Box]]) -> list[list[tuple[list[int], Box]]]:
    """Labels stacked one under the other: aligned left, similar heights, an even pitch."""
    labels = sorted(labels, key=lambda label: label[1][1])
    stacks: list[list[tuple[list[int], Box]]] = []
    used: set[int] = set()
    for first in range(len(labels)):
        if first in used:
            continue
        stack = [labels[first]]
        for nxt in range(first + 1, len(labels)):
            if nxt in used:
                continue
            _, last = stack[-1]
            _, box = labels[nxt]
            height = min(last[3] - last[1], box[3] - box[1])
            pitch = (box[1] - last[1]) / height
            similar = max(last[3] - last[1], box[3] - box[1]) <= _SIMILAR * height
            aligned = abs(box[0] - stack[0][1][0]) <= _ALIGN * height
            if aligned and similar and _PITCH[0] <= pitch <= _PITCH[1]:
                stack.append(labels[nxt])
                used.add(nxt)
            elif box[1] - last[3] > _PITCH[1] * height:
                break
        pitches = [b[1] - a[1] for (_, a), (_, b) in zip(stack, stack[1:])]
        if len(stack) >= _MIN_ROWS and max(pitches) <= _EVEN * min(pitches):
            stacks.append(stack)
    return stacks


def _rows(stack: list[tuple[list[int], Box]], boxes: np.ndarray, runs: list[list[int]]) -> list[_Row]:
    """Each label with the strip to its right, ending before running text on its row or at the print's
    right edge."""
    right_edge = float(boxes[:, 2].max())
    rows = []
    for label, (x0, y0, x1, y1) in stack:
        pad = _PAD * (y1 - y0)
        end = right_edge
        for run in runs:
            if len(run) < _RUNNING_TEXT:
                continue
            rx0, ry0, _, ry1 = _span(boxes, run)
            if rx0 > x1 and ry0 < y1 and ry1 > y0:
                end = min(end, rx0 - pad)
        rows.append(_Row(label, (x1 + pad, y0 - pad, end, y1 + pad)))
    return rows


def _inside(box: np.ndarray, strip: Box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return strip[0] <= x <= strip[2] and strip[1] <= y <= strip[3]


def _figure(word: WordBox) -> bool:
    return any(ch.isdigit() for ch in word.text) and word.confidence >= _VALUE_CONFIDENCE


def _values(read: list[WordBox]) -> list[WordBox]:
    """A strip's value: its figures, with surely read dictionary words (a unit, "min") when it has one."""
    if not any(_figure(word) for word in read):
        return []
    sure = [w for w in read if w.confidence >= _WORD_CONFIDENCE and dictionary.is_known(w.text)]
    return [w for w in read if _figure(w) or w in sure]


def _level(words: list[WordBox], to_upright: Matrix) -> Matrix:
    """`to_upright` followed by the shear that makes the words' lines level.

    A reading of a photo as given (plain Tesseract's) keeps the photo's tilt: a row of a chart 1,000 px
    long on a photo tilted 2 degrees climbs 35 px, a whole row's pitch, so a level strip beside its label
    would hold the next row's value. The slope is the median of the lines of three or more words.
    """
    boxes = ink.word_boxes(words, to_upright)
    slopes = []
    lines = groupby(range(len(words)), key=lambda i: (words[i].block, words[i].paragraph, words[i].line))
    for _, line in lines:
        own = boxes[list(line)]
        if len(own) >= _SLOPE_WORDS:
            xs, ys = (own[:, 0] + own[:, 2]) / 2, (own[:, 1] + own[:, 3]) / 2
            if np.ptp(xs) > 0:
                slopes.append(float(np.polyfit(xs, ys, 1)[0]))
    if not slopes:
        return to_upright
    slope = float(np.median(slopes))
    level = np.array([[1.0, 0.0, 0.0], [-slope, 1.0, 0.0], [0.0, 0.0, 1.0]])  # y minus the climb at x
    return level @ to_upright


def _title(stack: list[tuple[list[int], Box]], boxes: np.ndarray, runs: list[list[int]]) -> list[int]:
    """The run just above the stack's first label and aligned with it (the chart's title), or none."""
    _, (x0, y0, _, y1) = stack[0]
    height = y1 - y0
    above = [
        run
        for run in runs
        if len(run) <= _TITLE_WORDS
        and abs(_span(boxes, run)[0] - x0) <= _ALIGN * height
        and 0 <= y0 - _span(boxes, run)[3] <= _TITLE_GAP * height
    ]
    return max(above, key=lambda run: _span(boxes, run)[3]) if above else []


def charts(words: list[WordBox], to_upright: Matrix) -> list[_Chart]:
    """The reading's bar charts: each a title and a stack of label rows, top to bottom."""
    if len(words) < _MIN_ROWS:
        return []
    boxes = ink.word_boxes(words, to_upright)
    runs = _runs(boxes)
    spans = [(run, _span(boxes, run)) for run in runs if _is_label(words, run)]
    labels = [(run, box) for run, box in spans if box[3] - box[1] >= _MIN_HEIGHT]
    return [_Chart(_title(stack, boxes, runs), _rows(stack, boxes, runs)) for stack in _stacks(labels)]


def read_rows(
    words: list[WordBox],
    to_upright: Matrix,
    to_photo: Matrix,
    size: tuple[int, int],
    photo: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[WordBox]:
    """`words` with each bar chart's values read beside their labels and the chart's rows in order.

    `to_upright` carries the words' pixels (of an image of `size`, width and height) to the upright page,
    `to_photo` to the grey `photo` they were read from (directly or prepared).
    """
    to_upright = _level(words, to_upright)
    found, room = [], regions.MAX_REGIONS  # all strips go in one Tesseract run of at most that many places
    for chart in charts(words, to_upright):
        if len(chart.rows) <= room and all(row.strip[2] > row.strip[0] for row in chart.rows):
            found.append(chart)
            room -= len(chart.rows)
    if not found:
        return words
    rows = [row for chart in found for row in chart.rows]
    strips = np.array([row.strip for row in rows])
    heights = np.array([row.strip[3] - row.strip[1] for row in rows]) / (1 + 2 * _PAD)
    to_master = to_photo @ np.linalg.inv(to_upright)
    read = regions.read_strips(photo, to_master, strips, heights, lang, deadline, command)
    read = to_master_pixels(read, np.linalg.inv(to_photo), size)
    read_boxes = ink.word_boxes(read, to_upright)
    kept: list[tuple[_Chart, list[list[WordBox]]]] = []
    place = 0
    for chart in found:
        values = []
        for _ in chart.rows:
            place += 1
            strip = [j for j in range(len(read)) if read[j].block == -place]
            values.append(_values([read[j] for j in sorted(strip, key=lambda j: read_boxes[j, 0])]))
        if sum(1 for v in values if v) >= _MIN_VALUES * len(chart.rows):
            kept.append((chart, values))
    return _rebuild(words, to_upright, kept) if kept else words


def _rebuild(
    words: list[WordBox], to_upright: Matrix, charts_read: list[tuple[_Chart, list[list[WordBox]]]]
) -> list[WordBox]:
    """The words with each chart as a block of its own at its first label's place: its title, then its
    rows as "label value" lines. What the reading had in the rows' strips (the values, the bars read as
    letters) gives way."""
    boxes = ink.word_boxes(words, to_upright)
    taken: set[int] = set()
    rebuilt: dict[int, list[WordBox]] = {}
    block = max(word.block for word in words)
    for chart, values in charts_read:
        taken |= set(chart.title) | {i for row in chart.rows for i in row.label}
        taken |= {i for i in range(len(words)) for row in chart.rows if _inside(boxes[i], row.strip)}
        block += 1  # a block of its own: the rest of the label's block is cut at its gutters as before
        lines = [[words[i] for i in chart.title]] + [
            [words[i] for i in row.label] + found for row, found in zip(chart.rows, values)
        ]
        first = min(chart.title + chart.rows[0].label)
        rebuilt[first] = [
            replace(word, block=block, paragraph=ROWS_PARAGRAPH if number else 1, line=number)
            for number, line in enumerate(lines)
            for word in line
        ]
    out: list[WordBox] = []
    for i, word in enumerate(words):
        out += rebuilt.get(i, [])
        if i not in taken:
            out.append(word)
    return out
