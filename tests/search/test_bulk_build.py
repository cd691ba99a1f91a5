"""Rebuilds write segments in bulk (search/whoosh_build.py): the index must hold exactly what Whoosh's own
writer makes of the same documents, and the posting arrays must match the blocks they describe."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from search import SearchQuery, WhooshBackend, whoosh_build, whoosh_postings
from search.query import PROSE_FIELDS

WORDS = "council tax potholes café naïve nhs the of a bins recycling green belt".split()


def corpus(make_doc, n=700):
    docs = []
    for i in range(1, n + 1):
        words = [WORDS[(i * 7 + k * k) % len(WORDS)] for k in range(5 + i % 240)]  # long lists span blocks
        docs.append(
            make_doc(
                i,
                title=f"Leaflet {i} {'council tax' if i % 3 == 0 else ''}",
                text=" ".join(words) + (" x" * 3) + " " + "z" * 60,  # single letters and an over-long token
                description="" if i % 4 else "the of and",  # stop words only: a field of length 0
                claims=[f"claim {i} about potholes"] if i % 5 == 0 else [],
                tags=["roads", "bins"] if i % 2 else [],
                verdicts=["false"] if i % 7 == 0 else [],
                bias=["attacks-opponents"] if i % 11 == 0 else [],
                party=None if i % 13 == 0 else ("labour" if i % 2 else "green"),
                delivered_on=None if i % 17 == 0 else date(2024, 1 + i % 12, 1 + i % 28),
                status="hidden" if i % 50 == 0 else "live",
            )
        )
    return docs


def contents(index_dir):
    """Everything the index says per leaflet: postings with positions, stored payloads, columns, lengths."""
    ix = FileStorage(str(index_dir), supports_mmap=False).open_index()
    with ix.reader() as reader:
        lid = {d: fields["payload"]["leaflet_id"] for d, fields in reader.iter_docs()}
        postings = {}
        for field, btext in reader.all_terms():
            matcher = reader.postings(field, btext)
            found = []
            while matcher.is_active():
                value = list(matcher.value_as("positions")) if field in PROSE_FIELDS else None
                found.append((lid[matcher.id()], matcher.weight(), value))
                matcher.next()
            postings[(field, btext)] = sorted(found)
        per_doc = {
            lid[d]: (
                reader.stored_fields(d)["payload"],
                {f: reader.doc_field_length(d, f, 0) for f in PROSE_FIELDS},
                {c: reader.column_reader(c)[d] for c in ("lidc", "ver", "delivered", "uploaded")},
            )
            for d in lid
        }
    return postings, per_doc


@pytest.mark.parametrize("procs", [1, 2])
def test_bulk_segments_hold_what_whooshs_writer_makes(tmp_path, make_doc, monkeypatch, procs):
    monkeypatch.setattr(whoosh_build, "SEGMENT_DOCS", 250)  # several segments, as at 100,000 leaflets
    docs = corpus(make_doc)
    plain, bulk = WhooshBackend(tmp_path / "plain"), WhooshBackend(tmp_path / "bulk")
    try:
        assert plain.rebuild(docs, procs=1, bulk=False) == bulk.rebuild(docs, procs=procs, bulk=True) == 686
        assert contents(tmp_path / "bulk") == contents(tmp_path / "plain")
        assert not [p.name for p in (tmp_path / "bulk").iterdir() if p.name.endswith(".tmp")]  # cleaned up
        for sort in ("relevance", "newest"):
            for text in ["council", '"council tax"', "café", "pot*", "claims:potholes", "naive"]:
                query = SearchQuery(text=text, sort=sort, per_page=100)
                assert list(bulk.ids(query)) == list(plain.ids(query))
                a, b = bulk.search(query), plain.search(query)
                assert [(h.leaflet_id, round(h.score, 5)) for h in a.hits] == [
                    (h.leaflet_id, round(h.score, 5)) for h in b.hits
                ]
                assert (a.total, a.facets) == (b.total, b.facets)
    finally:
        plain.close()
        bulk.close()


def test_bulk_posting_arrays_match_the_blocks_they_point_at(tmp_path, make_doc, monkeypatch):
    monkeypatch.setattr(whoosh_build, "SEGMENT_DOCS", 300)
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild(corpus(make_doc), procs=1)
    backend.close()
    ix = FileStorage(str(tmp_path / "index"), supports_mmap=False).open_index()
    with ix.reader() as reader:
        segments = [s for s, _ in reader.leaf_readers()]
        assert len(segments) == 3
        for segreader in segments:
            segid = segreader.segment().segment_id()
            written = whoosh_postings.SegmentPostings.open(tmp_path / "index", segid)
            assert whoosh_postings.build(segreader, tmp_path / "decoded")  # the same arrays, decoded
            decoded = whoosh_postings.SegmentPostings.open(tmp_path / "decoded", segid)
            assert set(written.index) == set(decoded.index) and len(written.index) > 100
            for key in written.index:
                ids, weights, layout = written.lookup(*key.split("\t"))
                want_ids, want_weights, want_layout = decoded.lookup(*key.split("\t"))
                assert np.array_equal(ids, want_ids) and np.array_equal(weights, want_weights), key
                assert np.array_equal(layout[0], want_layout[0]), key  # each block's first posting
                assert np.array_equal(layout[1], want_layout[1]), key  # each block's offset, length, zlib


def test_posting_arrays_stay_readable_after_a_merge_deletes_their_folder(tmp_path, make_doc):
    """A merge removes the folder of a segment that a searcher opened before it may still read (bench-load
    found the 500s): the arrays are read through files held open, as a memory map would be."""
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild(corpus(make_doc, n=200), procs=1)
    backend.close()
    ix = FileStorage(str(tmp_path / "index"), supports_mmap=False).open_index()
    with ix.reader() as reader:
        segid = next(s for s, _ in reader.leaf_readers()).segment().segment_id()
    postings = whoosh_postings.SegmentPostings.open(tmp_path / "index", segid)
    before = {key: postings.lookup(*key.split("\t")) for key in postings.index}
    reread = whoosh_postings.SegmentPostings.open(tmp_path / "index", segid)
    shutil.rmtree(whoosh_postings.segment_dir(tmp_path / "index", segid))
    for key, (ids, weights, _) in before.items():
        got_ids, got_weights, _ = reread.lookup(*key.split("\t"))
        assert np.array_equal(got_ids, ids) and np.array_equal(got_weights, weights), key
