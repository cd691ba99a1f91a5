"""Every function templates call, registered on the app in one place (create_app). None of them queries the
database: views pass what a page shows (the leaflet page's review summary, say)."""

from __future__ import annotations

from flask import Flask

from leaflets.forms.review import FlagForm
from leaflets.image_urls import image_url
from leaflets.services.review import VERDICT_LABELS
from leaflets.web.maps import hex_links, hex_rows
from leaflets.web.ocr_status import ocr_script_needed, ocr_words_html
from leaflets.web.search_facets import facet_options


def flag_form() -> FlagForm:
    """The empty report form of the leaflet page's review panel."""
    return FlagForm(formdata=None)


def verdict_label(verdict: str) -> str:
    """How a verdict reads in a sentence ("Consensus: pledge or opinion")."""
    return VERDICT_LABELS.get(verdict, verdict)


def register(app: Flask) -> None:
    for function in (
        image_url,
        ocr_words_html,
        ocr_script_needed,
        hex_links,
        hex_rows,
        flag_form,
        facet_options,
    ):
        app.add_template_global(function)
    app.add_template_filter(verdict_label)
