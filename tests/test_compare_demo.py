"""The demo archive shows compare off: its national templates, read by real Tesseract, are found as templates
with their local variants, and the figures that change between places point at the photo where they are."""
from __future__ import annotations

from collections import Counter

import pytest

from leaflets.services import compare, demo_data
from leaflets.services.compare.words import is_figure
from tests.compare_support import ALDERSHOT, demo_template_leaflets

pytestmark = pytest.mark.slow


def test_the_demo_plan_delivers_each_partys_template_in_several_places(app):
    planned = list(demo_data.plan(50, 2024))
    templates = Counter(demo.submission.party for demo in planned
                        if "national leaflet" in demo.submission.description)
    assert max(templates.values()) >= 5 and len(templates) >= 3
    titles = {demo.submission.title for demo in planned if "national leaflet" in demo.submission.description}
    assert len(titles) > len(templates)  # the same headline with the place's name swapped in


def test_demo_templates_read_by_tesseract_are_found_with_their_figures(app):
    here, *others = demo_template_leaflets(app)
    result = compare.compare(compare.resolve("labour", ALDERSHOT))
    [match] = result.templates
    assert match.local[0][0] == here.id and len(match.places) == 3
    swapped = dict(match.diff.swaps)
    assert "Aldershot" in " ".join(swapped) and any(is_figure(old) for old in swapped)
    stat = next(number for number in result.numbers if "for local services" in number.context)
    figures = {figure.figure for figure in stat.other_figures} | {stat.local[0].figure}
    assert len(figures) == 4 and all(figure.endswith("m") for figure in figures)  # "£" may be misread
    assert stat.local[0].image_id == here.images[0].id and stat.local[0].box
    assert len(result.numbers) >= 3  # the template's paragraphs carry figures that change too
