"""The /search page's facet values as HTML, built in Python: a common word's sidebar lists a few hundred
values (every constituency with a match), and a Jinja macro call per value cost more than the search itself
(scale)."""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup, escape

from leaflets.services.search_service import FacetOption, toggling
from search import SearchQuery


def _option(option: FacetOption, link_to: Callable[[str], str], here: str) -> str:
    """One value: a link that adds it to the search, or removes it when chosen, and its count."""
    href = escape(f"{here}?{link_to(option.value)}")
    label = escape(option.label)
    if option.selected:
        link = (
            f'<a href="{href}" aria-current="true"><span aria-hidden="true">✓ </span>{label}'
            '<span class="visually-hidden"> (chosen: select to remove)</span></a>'
        )
    else:
        link = f'<a href="{href}">{label}</a>'
    selected = ' class="selected"' if option.selected else ""
    return f'<li{selected}>\n    {link}\n    <span class="count">{option.count:,}</span>\n  </li>'


def facet_options(name: str, options: list[FacetOption], query: SearchQuery, here: str) -> Markup:
    link_to = toggling(query, name)
    return Markup("".join(_option(option, link_to, here) for option in options))
