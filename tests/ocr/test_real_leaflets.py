"""Real leaflet photos (read in place from shared/data/real_leaflets), with real Tesseract.

The words asserted are ones plain `tesseract IMAGE stdout` also finds on the upright image, so they test
that the pipeline does no harm: it keeps upright pages upright, turns sideways ones back, and does not
lose headlines.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

import ocr
from tests.support import real_leaflet

GREEN = "el_api_1_green_view_liverpool_2011.jpg"
GREEN_WORDS = {"green", "view", "job", "done", "bus", "shelter", "contractors", "aigburth", "larkfield"}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def test_green_paper_scan_stays_upright_and_reads_its_headlines() -> None:
    truth = real_leaflet(GREEN.replace(".jpg", ".gt.txt")).read_text()
    assert GREEN_WORDS <= words(truth)
    result = ocr.recognise(real_leaflet(GREEN))
    assert result.rotation == 0
    assert GREEN_WORDS <= words(result.text)
    assert result.readable


def test_green_paper_scan_turned_a_quarter_without_exif_is_turned_back() -> None:
    with Image.open(real_leaflet(GREEN)) as opened:
        sideways = opened.convert("RGB").rotate(90, expand=True)  # a quarter anticlockwise, no EXIF tag
    result = ocr.recognise(sideways)
    assert result.rotation == 90  # a quarter clockwise makes it upright
    assert GREEN_WORDS <= words(result.text)


def test_iphone_photo_yields_its_headline_words() -> None:
    result = ocr.recognise(real_leaflet("el_libdem_fair_deal_2024_iphone.jpeg"))
    # the headline THIS IS OUR CHANCE FOR A FAIR DEAL, set too large for Tesseract's page analysis
    assert {"fair", "deal", "this", "our", "chance"} <= words(result.text)
    assert {"conservatives", "sewage", "rivers", "davey"} <= words(result.text)
    assert result.rotation == 0 and result.readable


def test_scottish_labour_white_on_red_columns_are_read() -> None:
    result = ocr.recognise(real_leaflet("el_api_3_labour_scotland_ferguson_2011.jpg"))
    text = result.text.lower()
    assert {"footballers", "apprenticeships", "household", "global", "ballot"} <= words(text)
    assert text.index("i've supported labour") < text.index("footballers need")  # left column first


@pytest.mark.parametrize(
    "name", ["el_small_back_conservative_heron.jpg", "el_small_inside_van_orden_edispatch.jpg"]
)
def test_low_resolution_leaflet_is_never_published_as_gibberish(name: str) -> None:
    result = ocr.recognise(real_leaflet(name))
    assert "dictionary_share" in result.quality and "confidence" in result.quality
    if result.readable:
        assert result.quality["dictionary_share"] >= 0.6 and result.quality["confidence"] >= 60
    else:
        assert (
            result.quality["dictionary_share"] < 0.6
            or result.quality["known_words"] < 8
            or result.quality["confidence"] < 60
            or result.quality["words"] < 0.5 * result.quality["most_words_read"]  # the rest was gibberish
        )


def test_imprint_strip_is_upscaled_and_read() -> None:
    result = ocr.recognise(real_leaflet("el_imprint_strip_cheshunt_conservatives.jpg"))
    assert {"printed", "conservatives", "high", "street"} <= words(result.text)
