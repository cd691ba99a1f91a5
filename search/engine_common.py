"""Pieces both backends share after a query has been evaluated."""

from __future__ import annotations

from .query_ast import And, Not, Or, Phrase, Prefix, Term
from .snippets import highlight
from .types import Hit, Results, SearchDocument, SearchQuery


def is_live(doc: SearchDocument) -> bool:
    return (doc.status or "live") == "live"


def list_positive_stems(tree) -> tuple[set[str], tuple[str, ...]]:
    """Return the stems and prefixes a hit is expected to contain (for snippet marks)."""
    stems: set[str] = set()
    prefixes: list[str] = []

    def walk(node, negated: bool) -> None:
        if isinstance(node, Not):
            walk(node.child, not negated)
        elif isinstance(node, (And, Or)):
            for child in node.children:
                walk(child, negated)
        elif negated:
            return
        elif isinstance(node, Term):
            stems.add(node.stem)
        elif isinstance(node, Phrase):
            stems.update(node.stems)
        elif isinstance(node, Prefix):
            prefixes.append(node.prefix)

    if tree is not None:
        walk(tree, False)
    return stems, tuple(prefixes)


def snippet_for(payload: dict, stems: set[str], prefixes: tuple[str, ...]) -> str:
    claims = "\n".join(payload.get("claims") or ())
    texts = [payload.get("text") or "", claims, payload.get("description") or "", payload.get("title") or ""]
    return highlight(texts, stems, prefixes)


def finish_results(
    query: SearchQuery,
    total: int,
    estimated: bool,
    payloads: list[dict],
    scores: list[float],
    stems: set[str],
    prefixes: tuple[str, ...],
    facets: dict,
    suggestion: str | None,
    words: list[str],
) -> Results:
    hits = []
    for payload, score in zip(payloads, scores):
        fields = {k: v for k, v in payload.items() if k != "text"}
        hits.append(
            Hit(int(payload["leaflet_id"]), float(score), snippet_for(payload, stems, prefixes), fields)
        )
    return Results(
        total=total,
        hits=hits,
        facets=facets,
        total_is_estimate=estimated,
        suggestion=suggestion,
        terms=words,
        page=query.page,
        per_page=query.per_page,
    )
