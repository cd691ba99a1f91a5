"""Whoosh's private layout is read only on a tested Whoosh version; any other answers through the public
API."""

from __future__ import annotations

import importlib
import logging

import pytest
import whoosh

from search import SearchQuery, WhooshBackend, whoosh_internals


def _corpus(make_doc):
    docs = [
        make_doc(
            i,
            title=f"Leaflet {i}",
            text=("council tax is rising" if i % 3 else "tax the council now")
            + (" pothole" if i % 7 == 0 else ""),
            party="green" if i % 2 else "labour",
        )
        for i in range(1, 400)
    ]
    return docs


QUERIES = [
    SearchQuery(text=t, sort=s, per_page=50)
    for t in ('"council tax"', "pothole", "council -pothole", '"tax the council" OR pothole')
    for s in ("relevance", "newest")
]


def _answers(backend):
    out = []
    for query in QUERIES:
        res = backend.search(query)
        total = None if res.total_is_estimate else res.total  # an estimate depends on the sample checked
        out.append((total, res.has_more, [h.leaflet_id for h in res.hits], list(backend.ids(query))))
    return out


def test_the_installed_whoosh_is_a_tested_one():
    assert whoosh_internals.PRIVATE, f"Whoosh {whoosh_internals.VERSION} is not in whoosh_internals.TESTED"


def test_untested_whoosh_falls_back_to_the_public_api(tmp_path, make_doc, monkeypatch, caplog):
    with WhooshBackend(tmp_path / "fast") as backend:
        backend.rebuild(_corpus(make_doc))
        backend.delete([5, 6])
        backend.flush()
        fast = _answers(backend)
    monkeypatch.setattr(whoosh, "__version__", (99, 0, 0))
    importlib.reload(whoosh_internals)
    try:
        assert not whoosh_internals.PRIVATE
        with caplog.at_level(logging.WARNING, logger="search.whoosh_internals"):
            with WhooshBackend(tmp_path / "public") as backend:
                backend.rebuild(_corpus(make_doc))
                backend.delete([5, 6])
                backend.flush()
                assert _answers(backend) == fast
        warning = next(r for r in caplog.records if "not tested" in r.getMessage())
        assert warning.levelno == logging.WARNING and warning.whoosh_version == "99.0.0"
    finally:
        monkeypatch.undo()
        importlib.reload(whoosh_internals)
    assert whoosh_internals.PRIVATE


@pytest.mark.parametrize("total", [1, 3])
def test_the_fast_reader_sees_every_posting_list_in_blocks(tmp_path, make_doc, total):
    """A word in one document is a one-posting block too (the W3 writer never inlines postings)."""
    with WhooshBackend(tmp_path / "index") as backend:
        backend.rebuild([make_doc(i, text="zebra crossing" if i <= total else "plain") for i in range(1, 6)])
        assert sorted(backend.ids(SearchQuery(text='"zebra crossing"'))) == list(range(1, total + 1))
