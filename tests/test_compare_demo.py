"""The demo archive shows compare off: its national templates, read by real Tesseract, are found as templates
with their local variants, and the figures that change between places point at the photo where they are."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import CompareNumber
from leaflets.services import compare, demo_data
from leaflets.services.compare.words import is_figure
from tests.compare_support import ALDERSHOT, demo_template_leaflets

pytestmark = pytest.mark.slow


def test_the_demo_plan_delivers_each_partys_template_in_several_places(app):
    planned = list(demo_data.plan(50, 2024))
    templates = Counter(
        demo.submission.party for demo in planned if "national leaflet" in demo.submission.description
    )
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
    shop = next(number for number in result.numbers if "more a year for their weekly shop" in number.context)
    assert len(shop.other_figures) == 3 and all(f.figure.startswith("£") for f in shop.other_figures)
    assert shop.local[0].image_id == here.images[0].id and shop.local[0].box
    assert len(result.numbers) >= 3  # the template's other paragraphs carry figures that change too
    # The big "£27m for local services" box: Tesseract reads big print a character at a time, and sometimes
    # misreads the pound sign; the pieces are joined back, so most copies share the figure's key.
    stats = db.session.execute(
        select(CompareNumber.key, CompareNumber.figure).where(
            CompareNumber.context.like("%for local services%")
        )
    ).all()
    keys = Counter(key for key, _figure in stats)
    assert keys.most_common(1)[0][1] >= 3 and all(re.match(r"£?\d", f) for _k, f in stats)
