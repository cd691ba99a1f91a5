"""The /search page: words, facets that narrow, highlighted snippets, a feed of the same search."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from leaflets.services import search_service
from leaflets.services.errors import ServiceUnavailable
from search import QueryError

bp = Blueprint("search", __name__)
FACET_TITLES = {
    "party": "Party",
    "area": "Constituency",
    "region": "Region",
    "election": "Election",
    "tag": "Tag",
    "year": "Year delivered",
    "verdict": "Claims rated",
    "bias": "Bias rated",
}


@bp.get("/tags/<slug>")
def tag(slug: str) -> str:
    """A tag's meaning and its leaflets: the search for that tag, with a link to refine it."""
    number = search_service.whole_page(request.args.get("page"))
    return render_template("search/tag.html", page=search_service.tag_page(slug, number))


@bp.get("/search")
def search() -> tuple[str, int]:
    """Parse, search, render; a bad query (400) or a missing index (503) is shown on the page itself."""
    query, page, problem, status = None, None, None, 200
    try:
        query = search_service.parse_args(request.args)
        page = search_service.search_page(query)
    except QueryError as error:
        problem, status = str(error), 400
    except ServiceUnavailable as error:
        problem, status = error.message, 503
    return render_template(
        "search/search.html",
        query=query,
        page=page,
        problem=problem,
        status=status,
        args=request.args,
        facet_titles=FACET_TITLES,
        params=search_service.params,
        choices=search_service.CHOICE_LABELS,
        toggled=search_service.toggled,
    ), status
