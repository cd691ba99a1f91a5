"""OCR status of a leaflet's images as JSON, for the leaflet page to update itself without a reload.

Also gives templates `ocr_words_html(image)` (the text as escaped, box-carrying word spans) and
`ocr_script_needed()` (true once per page, so the partial loads its script a single time).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Blueprint, g, has_request_context, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup, escape

from leaflets.image_urls import image_url
from leaflets.models import Leaflet, LeafletImage, OcrStatus
from leaflets.services import word_alignment
from leaflets.services.errors import DomainError
from leaflets.services.leaflet_access import can_see_hidden, visible_leaflet
from leaflets.web import same_leaflet
from search import analysis

bp = Blueprint("ocr_status", __name__)
LOW_CONFIDENCE = 60.0  # Tesseract's word confidence (0-100) below which a word is marked uncertain
_FINISHED = {OcrStatus.DONE, OcrStatus.FAILED}


@bp.get("/leaflets/<int:leaflet_id>/ocr.json")
def leaflet_ocr(leaflet_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    body = leaflet_ocr_json(leaflet, moderator=can_see_hidden(current_user))
    body["same_question"] = same_leaflet.question_json(leaflet)  # for its uploader only
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def json_error(error: DomainError) -> ResponseReturnValue:
    """This endpoint always answers JSON, whatever the Accept header says."""
    return jsonify({"error": {"code": error.code, "message": error.message}}), error.status


def leaflet_ocr_json(leaflet: Leaflet, *, moderator: bool) -> dict[str, Any]:
    images = [image_ocr_json(image, moderator=moderator) for image in leaflet.images]
    return {
        "leaflet_id": leaflet.id,
        "complete": all(item["status"] in _FINISHED for item in images),
        "images": images,
    }


def image_ocr_json(image: LeafletImage, *, moderator: bool) -> dict[str, Any]:
    done, failed = image.ocr_status == OcrStatus.DONE, image.ocr_status == OcrStatus.FAILED
    published = image.text_status in ("read", "corrected")
    return {
        "id": image.id,
        "position": image.position,
        "status": image.ocr_status,
        "attempts": image.ocr_attempts,
        "confidence": image.ocr_confidence if done else None,
        "words": len(image.ocr_words or []) if done else 0,
        "text": image.text if published else None,
        "text_status": image.text_status,
        "error": image.ocr_error if (failed or done) and moderator else None,
        # The photo as served now: OCR may have turned it upright (new files, new URLs) since the page loaded.
        "photo": {
            "display": image_url(image, "display"),
            "master": image_url(image, "master"),
            "width": image.width,
            "height": image.height,
            "failed": image.variants_error is not None,  # its copies could not be made: it never will show
        },
        "html": render_template("ocr/_image_text.html", image=image, ocr_fragment=True),
    }


def _word_key(word: dict[str, Any]) -> tuple[int, int]:
    return int(word.get("block", 0)), int(word.get("paragraph", 0))


def ocr_words_html(image: LeafletImage) -> Markup:
    """The OCR text as word spans carrying their box on the master; uncertain words in <mark>. All escaped.

    Words matching the search that led here (`?highlight=`) are marked as hits, here and on the photo."""
    hits = highlight_stems(request.args.get("highlight", "")) if has_request_context() else frozenset()
    if image.corrected_text is not None:
        return _corrected_html(image, hits)
    paragraphs = []
    for _key, paragraph in groupby(image.ocr_words or [], key=_word_key):
        lines = [
            " ".join(_word_html(word, hits) for word in line)
            for _line, line in groupby(paragraph, key=lambda word: int(word.get("line", 0)))
        ]
        paragraphs.append("\n".join(lines))
    return Markup("\n\n".join(paragraphs))


def _corrected_html(image: LeafletImage, hits: frozenset[str]) -> Markup:
    """A volunteer's text, its lines kept; words aligned to a recognised word carry that word's box."""
    paragraphs = word_alignment.align_text(image.corrected_text or "", image.ocr_words)
    return Markup(
        "\n\n".join(
            "\n".join(" ".join(_aligned_html(word, hits) for word in line) for line in lines)
            for lines in paragraphs
        )
    )


def _aligned_html(word: word_alignment.AlignedWord, hits: frozenset[str]) -> str:
    if word.box is not None:  # typed by a person: never marked uncertain
        box = dict(zip(("left", "top", "width", "height"), word.box))
        return _word_html({**box, "text": word.text, "confidence": 100.0}, hits)
    if _is_hit(word.text, hits):
        return f'<mark class="search-hit" title="Matches your search">{escape(word.text)}</mark>'
    return str(escape(word.text))


def highlight_stems(highlight: str) -> frozenset[str]:
    return frozenset(analysis.terms(highlight[:500]))


def _is_hit(text: str, hits: frozenset[str]) -> bool:
    return bool(hits) and any(term in hits for term in analysis.terms(text))


def _word_html(word: dict[str, Any], hits: frozenset[str] = frozenset()) -> str:
    box = ",".join(str(int(word.get(key, 0))) for key in ("left", "top", "width", "height"))
    confidence = float(word.get("confidence", 0))
    raw = word.get("text", "")
    text = escape(raw)
    if _is_hit(raw, hits):
        return f'<mark class="w search-hit" data-box="{box}" title="Matches your search">{text}</mark>'
    if confidence < LOW_CONFIDENCE:
        return (
            f'<mark class="w low-confidence" data-box="{box}"'
            f' title="Uncertain ({confidence:.0f}% confidence)">{text}</mark>'
        )
    return f'<span class="w" data-box="{box}">{text}</span>'


def ocr_script_needed() -> bool:
    """True the first time a page asks, so the status script is included once however many images."""
    if g.get("_ocr_script_included"):
        return False
    g._ocr_script_included = True
    return True
