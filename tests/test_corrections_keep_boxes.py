"""A volunteer's correction keeps the word-to-photo highlighting: corrected words are aligned to OCR boxes."""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import Flask

from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.ocr_queue.worker import Worker
from leaflets.services.word_alignment import align_text, align_words
from tests.factories import make_user, pending_leaflet
from tests.support import FAST, PAGE, SIZE, both_databases, leaflet_image, log_in, settings_of, wait_until


def word(text: str, left: int, line: int = 1) -> dict[str, Any]:
    return {
        "text": text,
        "left": left,
        "top": 10 * line,
        "width": 30,
        "height": 8,
        "confidence": 90.0,
        "block": 1,
        "paragraph": 1,
        "line": line,
    }


FOUND = [
    word("Fix", 0),
    word("our", 40),
    word("pot", 80),
    word("holes", 120),
    word("now,", 160),
    word("BAITAIN'", 0, line=2),
]


def test_unchanged_words_keep_their_boxes_and_a_substitution_takes_the_replaced_box() -> None:
    boxes = align_words(["Fix", "your", "pot", "holes", "now,", "BRITAIN"], FOUND)
    assert boxes == [
        (0, 10, 30, 8),
        (40, 10, 30, 8),
        (80, 10, 30, 8),
        (120, 10, 30, 8),
        (160, 10, 30, 8),
        (0, 20, 30, 8),
    ]


def test_inserted_words_have_no_box_and_joined_words_get_one_box_around_both() -> None:
    # "Please" and "and" are inserted; "the" replaces "our"; "potholes" joins up "pot holes".
    boxes = align_words(["Please", "fix", "the", "potholes", "NOW", "and", "BRITAIN"], FOUND)
    assert boxes == [
        None,
        (0, 10, 30, 8),
        (40, 10, 30, 8),
        (80, 10, 70, 8),
        (160, 10, 30, 8),
        None,
        (0, 20, 30, 8),
    ]


def test_nothing_found_or_nothing_typed() -> None:
    assert align_words(["Vote"], []) == [None]
    assert align_words([], FOUND) == []
    assert align_text("", FOUND) == []


def test_the_volunteers_lines_and_paragraphs_are_kept() -> None:
    paragraphs = align_text("Fix our\npotholes now,\n\nBRITAIN", FOUND)
    assert [[[w.text for w in line] for line in lines] for lines in paragraphs] == [
        [["Fix", "our"], ["potholes", "now,"]],
        [["BRITAIN"]],
    ]
    assert paragraphs[0][1][0].box == (80, 10, 70, 8)


def _spans(html: str) -> dict[str, list[str | None]]:
    """Each word of the text shown, with the box it carries (None for none)."""
    text = re.search(r'<div class="ocr-text ocr-words"[^>]*>(.*?)</div>', html, re.S).group(1)
    found: dict[str, list[str | None]] = {}
    for match in re.finditer(
        r'<(?:span|mark) class="w[^"]*" data-box="([\d,]+)"[^>]*>([^<]*)</(?:span|mark)>'
        r"|([^\s<>]+)",
        text,
    ):
        box, boxed_text, plain = match.groups()
        found.setdefault(boxed_text or plain, []).append(box)
    return found


@both_databases
def test_a_correction_is_shown_searchable_and_still_boxed_on_the_photo(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])
        assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1
        image = db.session.get(LeafletImage, image_id)
        recognised = {
            w["text"]: ",".join(str(w[k]) for k in ("left", "top", "width", "height"))
            for w in image.ocr_words
        }
        assert "potholes" in image.ocr_text and "BUSES" in recognised
        corrected = image.ocr_text.replace("potholes", "roadworks").replace("now", "now please", 1)

        volunteer = app.test_client()
        log_in(volunteer, make_user())
        saved = volunteer.post(
            f"/volunteer/leaflets/{leaflet_id}/images/{image_id}/text", data={"text": corrected}
        )
        assert saved.status_code == 302

        client = app.test_client()
        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        spans = _spans(page)
        assert spans["BUSES"] == [recognised["BUSES"]]  # unchanged: the same box as before
        assert spans["roadworks"] == [recognised["potholes"]]  # substituted: the replaced word's box
        assert spans["please"] == [None]  # inserted: no box
        assert "potholes" not in spans and "Corrected by a volunteer" in page

        wait_until(lambda: client.get("/api/v1/search?q=roadworks").get_json()["total"] == 1)
        hit = client.get(f"/leaflets/{leaflet_id}?highlight=roadworks").get_data(as_text=True)
        assert (
            f'<mark class="w search-hit" data-box="{recognised["potholes"]}" title="Matches your search">'
            f"roadworks</mark>"
        ) in hit
