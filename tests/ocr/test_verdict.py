"""The pipeline's verdict on its own text (readable, quality) and its cost bounds, with real Tesseract."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import ocr
from ocr import dictionary, evidence
from ocr.result import WordBox
from tests.ocr.layouts import panel_page


def box(text: str, confidence: float, line: int = 1) -> WordBox:
    return WordBox(text, confidence, 10 * line, 0, 40, 12, 1, 1, line)


@pytest.mark.parametrize("kind", ["uniform", "gaussian"])
def test_pure_noise_is_not_readable_and_not_read(kind: str) -> None:
    rng = np.random.default_rng(7)
    if kind == "uniform":
        pixels = rng.integers(0, 256, (1400, 1000, 3), dtype=np.uint8)
    else:
        pixels = np.clip(rng.normal(128, 40, (1400, 1000, 3)), 0, 255).astype(np.uint8)
    result = ocr.recognise(Image.fromarray(pixels))
    assert not result.readable and result.text == "" and result.words == []
    assert result.quality["text_found"] == 0.0
    assert "recognition" not in result.timings  # Tesseract was never asked


def test_clean_upright_pages_are_never_turned(plain_page: object) -> None:
    for image in (panel_page().image, plain_page.image):  # type: ignore[attr-defined]
        result = ocr.recognise(image)
        assert result.rotation == 0 and result.readable
        assert result.quality["dictionary_share"] > 0.8


def test_a_sparse_clean_page_is_not_turned(render: object) -> None:
    image = Image.new("RGB", (1200, 1600), "white")
    image.paste(render("Vote for a better bus service").image.crop((0, 0, 1100, 200)), (50, 300))
    result = ocr.recognise(image)
    assert result.rotation == 0
    assert {"bus", "service"} <= set(result.text.lower().split())


def test_gibberish_is_scored_as_such() -> None:
    garbage = [box(t, 30.0) for t in "BETTER BAITAIN' Ss aw tre ec ALE UCENST".split()]
    prose = [box(t, 88.0) for t in "Residents have told us the potholes on Station Road are a danger".split()]
    assert evidence.assess(prose).score > 20 > evidence.assess(garbage).score
    assert not evidence.readable(evidence.assess(garbage * 3))
    assert evidence.readable(evidence.assess(prose))
    junk_line = [box(t, 40.0, line=2) for t in "fxltuih DILLT7 AITO: LUagAIl".split()]
    assert not any(dictionary.is_known(w.text) for w in junk_line)
    assert evidence.without_gibberish(prose + junk_line) == prose


def test_hyphen_rejoin_uses_the_word_list() -> None:
    assert dictionary.available()
    assert dictionary.rejoin("elec-", "tion") == "election"
    assert dictionary.rejoin("purple-", "coloured") == "purple-coloured"  # a compound keeps its hyphen
    assert dictionary.rejoin("done", "today") is None


def test_recommended_timeout_grows_with_the_image_and_is_bounded() -> None:
    sizes = ((400, 300), (1240, 1754), (3024, 4032))
    small, scan, photo = (ocr.recommended_timeout_s(*size) for size in sizes)
    assert 0 < small < scan < photo <= 120.0
    assert ocr.recommended_timeout_s(20000, 20000) == ocr.recommended_timeout_s(40000, 40000)


def test_a_short_clear_leaflet_is_published_but_a_few_murky_words_are_not() -> None:
    headline = [box(t, 94.0) for t in "REOPEN THE TRAMWAYS Liberal Democrats".split()]
    assert evidence.readable(evidence.assess(headline))
    murky = [box(t, 55.0) for t in "REOPEN THE TRAMWAYS Liberal Democrats".split()]
    assert not evidence.readable(evidence.assess(murky))
    names = [box(t, 95.0) for t in "ZEPHYRINE OKAFOR XANTHE".split()]
    assert not evidence.readable(evidence.assess(names))


def test_a_short_real_headline_page_is_read_and_published(render: object) -> None:
    image = Image.new("RGB", (900, 1200), "white")
    image.paste(render("REOPEN THE TRAMWAYS").image.crop((0, 0, 850, 160)), (25, 200))
    image.paste(render("Liberal Democrats").image.crop((0, 0, 850, 160)), (25, 420))
    result = ocr.recognise(image)
    assert result.readable, result.quality
    assert {"reopen", "tramways", "democrats"} <= set(result.text.lower().split())
