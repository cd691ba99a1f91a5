"""The stages one by one: geometry, page finding, skew, scale, illumination, reading order."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import ImageDraw

from ocr import (
    evidence,
    illumination,
    ink,
    layout,
    orientation,
    page,
    preparation,
    reading,
    recognition,
    scale,
    tesseract,
)
from ocr.geometry import map_box, map_boxes
from ocr.result import WordBox


@pytest.mark.parametrize("clockwise", [0, 90, 180, 270])
def test_quarter_turn_matrix_maps_pixels_back(clockwise: int) -> None:
    image = np.zeros((30, 50), np.uint8)
    image[4, 7] = 255
    turned, matrix = orientation.rotate_quarter(image, clockwise)
    y, x = np.argwhere(turned == 255)[0]
    back = matrix @ np.array([x, y, 1.0])
    assert (round(back[0]), round(back[1])) == (7, 4)


def test_page_corners_are_found_on_carpet(plain_page: Any, photograph: Any) -> None:
    photo, corners = photograph(plain_page.image)
    found = page.find_page(np.asarray(photo.convert("L")))
    assert found is not None
    assert np.abs(found - corners).max() < 15


def test_a_dark_panel_at_the_page_foot_is_kept_on_the_page(plain_page: Any, photograph: Any) -> None:
    # the panel is as dark as the doormat: the bright part of the sheet alone is not the page
    sheet = plain_page.image.copy()
    width, height = sheet.size
    ImageDraw.Draw(sheet).rectangle([0, int(height * 0.7), width, height], fill=(70, 30, 100))
    photo, corners = photograph(sheet, checks=12)
    found = page.find_page(np.asarray(photo.convert("L")))
    assert found is not None
    assert np.abs(found - corners).max() < 15


def test_no_page_is_claimed_on_a_plain_scan(plain_page: Any) -> None:
    assert page.find_page(np.asarray(plain_page.image.convert("L"))) is None


@pytest.mark.parametrize("angle", [-4.0, 2.5])
def test_skew_is_measured(plain_page: Any, angle: float) -> None:
    gray = np.asarray(plain_page.image.convert("L").rotate(angle, expand=True, fillcolor=255))
    assert orientation.estimate_skew(gray) == pytest.approx(-angle, abs=0.5)


def test_text_height_is_measured(plain_page: Any) -> None:
    gray = np.asarray(plain_page.image.convert("L"))
    height = scale.median_text_height(gray)
    assert height is not None and 12 < height < 30
    assert scale.scale_factor(gray, target=1.5 * height) == pytest.approx(1.5)
    # a page already 1100 px wide is enlarged only up to 2000 px, whatever its text height says
    assert scale.scale_factor(gray, target=3 * height) == pytest.approx(2000 / 1100)


def test_light_on_dark_print_becomes_dark_on_white() -> None:
    bgr = np.full((800, 1000, 3), 255, np.uint8)
    bgr[200:600, :] = (110, 40, 20)  # a navy band across the page
    bgr[396:404, 300:700] = 255  # a white stroke on it
    out = illumination.normalise(bgr)
    assert out[400, 500] < 60  # the stroke is ink
    assert out[300, 500] > 200 and out[50, 500] > 200  # band and page are ground


def test_the_flattened_page_is_the_one_the_multiplied_squares_made() -> None:
    # the squares are looked up, not multiplied: the page must be the same to the last grey level
    rng = np.random.default_rng(7)
    bgr = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    bgr[100:200] = (200, 180, 60)
    background, paper = illumination.estimate_background(bgr)
    difference = cv2.absdiff(bgr, background)
    squares = cv2.multiply(difference, difference, dtype=cv2.CV_32F)
    contrast = cv2.sqrt(cv2.transform(squares, np.full((1, 3), 1 / 3, np.float32)))
    ink_level = cv2.divide(contrast, paper.astype(np.float32), scale=255.0 / illumination._SATURATION)
    assert np.array_equal(illumination.normalise(bgr), cv2.bitwise_not(cv2.convertScaleAbs(ink_level)))


def test_an_rgb_photo_is_read_as_given_and_others_as_rgb(plain_page: Any) -> None:
    photo = plain_page.image
    assert preparation.load_image(photo) is photo  # no photo-sized copy
    grey = preparation.load_image(photo.convert("L"))
    assert grey.mode == "RGB" and np.array_equal(np.asarray(grey)[..., 1], np.asarray(photo.convert("L")))
    clear = photo.convert("RGBA")
    clear.putalpha(0)
    assert preparation.load_image(clear).getpixel((5, 5)) == (255, 255, 255)  # transparent on white


def test_a_big_photo_is_capped_once_as_its_swapped_channels_were(plain_page: Any, photograph: Any) -> None:
    # The cap is made on the RGB photo (plain Tesseract reads it) and the page's BGR is swapped from it:
    # the same pixels as capping the BGR photo, because a resize treats each channel alike.
    photo, _ = photograph(plain_page.image)
    big = photo.resize((3500, round(3500 * photo.height / photo.width)))
    prepared = preparation.prepare_geometry(big, {})
    capped, to_photo = prepared.capped
    expected, expected_matrix = scale.cap_size(
        cv2.cvtColor(np.asarray(big), cv2.COLOR_RGB2BGR), preparation.MAX_INPUT_SIDE
    )
    assert max(capped.shape[:2]) == preparation.MAX_INPUT_SIDE
    assert np.array_equal(cv2.cvtColor(capped, cv2.COLOR_RGB2BGR), expected)
    assert np.array_equal(to_photo, expected_matrix)
    assert np.array_equal(prepared.photo, np.asarray(big))
    assert prepared.page_found  # the page was found on the capped photo, as before


@pytest.mark.parametrize("text_height", [0.0, 20.0, 60.0])
def test_specks_are_dropped_from_found_glyphs_as_by_a_fresh_look(plain_page: Any, text_height: float) -> None:
    # the share of print explained is measured without specks on the glyphs the text check found
    page = plain_page.image.convert("L")
    for image in (page, page.resize((page.width * 2, page.height * 2))):  # found on a shrunk copy
        gray = np.asarray(image)
        fresh = ink.glyphs(gray, text_height).boxes
        assert np.array_equal(ink.without_specks(ink.glyphs(gray), text_height).boxes, fresh)
        assert len(fresh) > (0 if text_height > 40 else 100)


@pytest.mark.parametrize(
    ("counter_clockwise", "turned_over"), [(0, False), (90, True), (180, True), (270, False)]
)
def test_the_print_shows_when_the_page_must_be_turned_over(
    plain_page: Any, counter_clockwise: int, turned_over: bool
) -> None:
    # ascenders above the lines, or to their right (a quarter clockwise: Tesseract reads it in place)
    prepared = preparation.prepare_geometry(plain_page.image.rotate(counter_clockwise, expand=True), {})
    assert ink.turned_over(ink.glyphs(prepared.gray), prepared.gray) is turned_over


def test_a_few_lines_do_not_say_which_way_up_the_page_is(render: Any) -> None:
    page = render(size=(1100, 260)).image.rotate(180)  # the headline and two lines of body text
    prepared = preparation.prepare_geometry(page, {})
    assert not ink.turned_over(ink.glyphs(prepared.gray), prepared.gray)


def word(text: str, left: int, top: int, block: int = 1, line: int = 1) -> WordBox:
    return WordBox(text, 95.0, left, top, 20 * len(text), 20, block, 1, line)


def test_narrow_gutter_columns_are_read_left_column_first() -> None:
    words = []
    for row in range(4):  # Tesseract read "a b | c d" as one line per row
        words += [word(f"left{row}", 0, 30 * row, line=row), word(f"right{row}", 200, 30 * row, line=row)]
    ordered = layout.reorder_columns(words, np.eye(3))
    assert [w.text for w in ordered] == [f"left{r}" for r in range(4)] + [f"right{r}" for r in range(4)]


def test_a_big_headline_is_not_cut_into_columns_at_its_word_spaces() -> None:
    headline = [
        WordBox(text, 95.0, left, 0, 160, 60, 1, 1, 1)
        for text, left in (("Fixing", 0), ("the", 190), ("potholes", 380), ("on", 570))
    ]
    headline += [
        WordBox(text, 95.0, left, 80, 160, 60, 1, 1, 2) for text, left in (("our", 0), ("roads", 190))
    ]
    body = [word(f"body{row}", 0, 160 + 30 * row, block=2, line=row) for row in range(20)]
    ordered = layout.reorder_columns(headline + body, np.eye(3))
    assert [w.text for w in ordered][:6] == ["Fixing", "the", "potholes", "on", "our", "roads"]


def test_full_width_lines_are_kept_in_order() -> None:
    words = [word("one", 0, 0), word("two", 80, 0)]
    words += [word("three", 0, 30, line=2), word("four", 120, 30, line=2)]
    assert layout.reorder_columns(words, np.eye(3)) == [w for w in words]


def test_box_mapping_through_scale() -> None:
    assert map_box(np.diag([2.0, 2.0, 1.0]), 10, 20, 5, 6) == (20, 40, 10, 12)


def test_many_boxes_map_as_each_one_does() -> None:
    rng = np.random.default_rng(5)
    warp = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [900, 0], [900, 1200], [0, 1200]]),
        np.float32([[31.5, 12.2], [880.4, 40.9], [905.1, 1190.3], [8.7, 1150.6]]),
    ).astype(np.float64)
    boxes = np.column_stack([rng.integers(-20, 900, (300, 2)), rng.integers(0, 120, (300, 2))])
    for matrix in (warp, np.linalg.inv(warp), orientation.quarter_matrix((1200, 900), 90)):
        assert [tuple(b) for b in map_boxes(matrix, boxes).tolist()] == [
            map_box(matrix, *b) for b in boxes.tolist()
        ]
    assert map_boxes(warp, []).shape == (0, 4)


def paragraph(name: str, left: int, top: int, lines: int, block: int) -> list[WordBox]:
    """A block of `lines` lines of three words, 20 px high, 30 px apart."""
    return [
        WordBox(f"{name}{row}{col}", 95.0, left + 70 * col, top + 30 * row, 60, 20, block, 1, row + 1)
        for row in range(lines)
        for col in range(3)
    ]


def blocks_in_order(words: list[WordBox]) -> list[str]:
    names: list[str] = []
    for word in words:
        if word.text[:-2] not in names:
            names.append(word.text[:-2])
    return names


def test_a_long_left_column_is_read_to_its_end_before_a_short_right_one() -> None:
    words = paragraph("head", 0, 0, 1, 1) + paragraph("panel", 0, 100, 4, 2)
    words += paragraph("right", 260, 100, 5, 3) + paragraph("below", 0, 320, 4, 4)
    words[:3] = [replace(w, width=150) for w in words[:3]]  # a headline across both columns
    assert blocks_in_order(layout.reorder_columns(words, np.eye(3))) == ["head", "panel", "below", "right"]


def test_two_sections_of_two_columns_are_read_section_by_section() -> None:
    words = paragraph("topleft", 0, 0, 5, 1) + paragraph("topright", 260, 0, 5, 2)
    words += paragraph("lowleft", 0, 250, 4, 3) + paragraph("lowright", 260, 250, 3, 4)
    ordered = blocks_in_order(layout.reorder_columns(words, np.eye(3)))
    assert ordered == ["topleft", "topright", "lowleft", "lowright"]


def test_a_single_line_with_a_wide_gap_is_two_pieces() -> None:
    line = [
        WordBox(t, 90.0, x, 0, 60, 20, 1, 1, 1)
        for t, x in (("Cllr", 0), ("Sarah", 70), ("Cllr", 600), ("John", 670))
    ]
    title = [WordBox("View", 90.0, 300, -60, 80, 30, 2, 1, 1)]
    ordered = layout.reorder_columns(title + line, np.eye(3))
    assert len({w.block for w in ordered}) == 3


def test_a_photo_printed_on_a_flat_scan_is_not_taken_for_the_page(plain_page: Any) -> None:
    scan = np.asarray(plain_page.image.convert("L")).copy()
    rng = np.random.default_rng(2)
    scan[300:800, 150:950] = rng.integers(20, 140, (500, 800))  # a dark, busy photo inset
    assert page.find_page(scan) is None


def spans(line: int, *xs: tuple[int, int]) -> list[WordBox]:
    """Words of one line, 20 px high, covering the given (start, end) x-ranges."""
    return [
        WordBox(f"w{line}{n}", 95.0, x0, 30 * line, x1 - x0, 20, 1, 1, line) for n, (x0, x1) in enumerate(xs)
    ]


def test_gutters_are_found_only_where_every_line_leaves_a_gap() -> None:
    lines = [[3 * r, 3 * r + 1, 3 * r + 2] for r in range(5)]
    # two columns read as one block: every line has a gap at x 250-300
    merged = [w for r in range(5) for w in spans(r, (0, 110), (120, 250), (300, 550))]
    assert layout.gutters(lines, merged, 20.0) == [274.5]
    # one justified column: every line has a wide space, but never in the same place
    space = [200, 300, 400, 200, 300]
    justified = [w for r in range(5) for w in spans(r, (0, space[r]), (space[r] + 30, 550))]
    assert layout.gutters([[2 * r, 2 * r + 1] for r in range(5)], justified, 20.0) == []


def test_a_bar_before_a_lower_case_word_is_the_pronoun_i() -> None:
    line = [word(text, 40 * n, 0) for n, text in enumerate(["|", "always", "vote", "|", "Home"])]
    assert [w.text for w in recognition.pronoun_from_bars(line)] == ["I", "always", "vote", "|", "Home"]


def test_a_first_line_run_across_two_columns_is_cut_where_the_columns_below_part() -> None:
    first = [
        WordBox(t, 95.0, x, 0, 100, 20, 1, 1, 1)
        for t, x in (("Waiting", 0), ("times", 110), ("Our", 300), ("high", 410))
    ]
    below = paragraph("left", 0, 30, 4, 2) + paragraph("right", 300, 30, 4, 3)
    ordered = [w.text for w in layout.reorder_columns(first + below, np.eye(3))]
    assert ordered[:2] == ["Waiting", "times"] and ordered.index("Our") > ordered.index("left32")


@pytest.mark.parametrize("turn", [0, 180])
def test_a_page_read_turned_over_first_ends_the_right_way_up(
    plain_page: Any, read_words: Any, turn: int
) -> None:
    # turned over first when another reading said the page was the wrong way up; an upright page (that
    # reading wrong) is still read as given and stays upright
    prepared = preparation.prepare_geometry(plain_page.image.rotate(turn), {})
    deadline = tesseract.Deadline(120, time.perf_counter)
    words, found = reading.read_page(prepared, "eng", deadline, None, turn_over_first=True)
    assert prepared.rotation == turn and prepared.turned == turn
    assert reading.confident(found)
    assert {"potholes", "Station", "council"} <= read_words(" ".join(w.text for w in words))


def test_a_reading_of_gibberish_is_the_wrong_way_up_and_a_reading_of_words_is_not(plain_page: Any) -> None:
    gray = np.asarray(plain_page.image.convert("L"))
    deadline = tesseract.Deadline(120, time.perf_counter)
    upright = evidence.assess(recognition.recognise_words(gray, "eng", deadline, None))
    upside_down = evidence.assess(recognition.recognise_words(gray[::-1, ::-1].copy(), "eng", deadline, None))
    assert not reading.wrong_way_up(upright)
    assert reading.wrong_way_up(upside_down)
