"""Per-segment arrays read straight from a Whoosh index, cached by segment id.

Whoosh segments are immutable once written (only their deletion set changes), so everything here
is computed once per segment and reused across searcher refreshes: column values as numpy arrays,
field lengths for BM25, facet codes, and decoded posting lists (an LRU of (field, term) -> arrays).
Columns, lengths and posting blocks are read through whoosh_internals.py, the one module that knows
Whoosh's private layout (and falls back to Whoosh's public API on an untested version).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from . import whoosh_internals as internals
from .query import PROSE_FIELDS
from .whoosh_internals import EMPTY_IDS, EMPTY_WEIGHTS
from .whoosh_postings import SegmentPostings

SINGLE_FACETS = ("party", "area", "region", "nation", "election")
MULTI_FACETS = ("tag", "verdict", "bias")
POSTINGS_CACHE = 4096
BLOCK_CACHE = 2048
SIDE_RECHECK_S = 2.0  # a segment read before its posting arrays were written looks for them again


class Codes:
    """Facet value <-> small int, shared by all segments of one backend."""

    def __init__(self) -> None:
        self.by_field: dict[str, dict[str, int]] = {}
        self.values: dict[str, list[str]] = {}

    def code(self, field: str, value: str) -> int:
        table = self.by_field.setdefault(field, {})
        if value not in table:
            table[value] = len(table)
            self.values.setdefault(field, []).append(value)
        return table[value]

    def lookup(self, field: str, value: str) -> int | None:
        return self.by_field.get(field, {}).get(value)

    def size(self, field: str) -> int:
        return len(self.values.get(field, ()))


class SegmentData:
    """Everything a query needs from one immutable segment, as numpy arrays."""

    def __init__(self, segreader, codes: Codes, index_dir: Path | None = None):
        self.segid = segreader.segment().segment_id()
        self.index_dir = index_dir
        self._side = SegmentPostings.open(index_dir, self.segid)
        self._side_checked = time.monotonic()
        self.n = segreader.doc_count_all()
        n = self.n
        self.leaflet_ids = internals.column(segreader, "lidc", 4, ">i4", n)
        self.delivered = internals.column(
            segreader, "delivered", 4, ">i4", n
        )  # days since 1900-01-01, 0 = none
        self.uploaded = internals.column(segreader, "uploaded", 8, ">i8", n)  # unix seconds
        self.newest_key = (self.delivered.astype(np.int64) << 36) + np.clip(self.uploaded, 0, (1 << 36) - 1)
        self.lengths = {f: internals.field_lengths(segreader, f, n) for f in PROSE_FIELDS}
        self.field_totals = {f: segreader.field_length(f) for f in PROSE_FIELDS}
        self._postings: OrderedDict = OrderedDict()
        self._blocks: OrderedDict[tuple[str, str, int], list] = OrderedDict()
        self.facets = {}
        for field in SINGLE_FACETS:
            arr = np.full(n, -1, dtype=np.int32)
            for value in segreader.lexicon(field):
                ids, _, _ = internals.read_postings(segreader, field, value)
                arr[ids] = codes.code(field, value.decode("utf-8"))
            self.facets[field] = arr
        self.multi = {field: self._pairs(segreader, codes, field) for field in MULTI_FACETS}
        self.tag_docs, self.tag_codes = self.multi["tag"]
        years = 1900 + (self.delivered // 365.2425).astype(np.int32)
        self.years = np.where(self.delivered > 0, years, -1)  # refined below for exactness
        self._exact_years()
        self.stems_df: tuple[dict[str, int], list[str]] | None = None

    @staticmethod
    def _pairs(segreader, codes: Codes, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, value codes) of a field a document may hold several values of (tags, verdicts, bias)."""
        docs, values = [], []
        if field in segreader.schema:  # an index built before the field existed has none
            for value in segreader.lexicon(field):
                ids, _, _ = internals.read_postings(segreader, field, value)
                docs.append(ids)
                values.append(np.full(len(ids), codes.code(field, value.decode("utf-8")), dtype=np.int32))
        return (
            np.concatenate(docs) if docs else EMPTY_IDS,
            np.concatenate(values) if values else np.zeros(0, dtype=np.int32),
        )

    def _exact_years(self) -> None:
        has = self.delivered > 0
        if has.any():
            dates = np.datetime64("1900-01-01") + self.delivered[has].astype("timedelta64[D]")
            self.years[has] = dates.astype("datetime64[Y]").astype(np.int32) + 1970

    def postings(self, segreader, field: str, term: str) -> internals.Postings:
        """Return (docnums, weights, block layout) of a term, decoded once and kept in an LRU."""
        key = (field, term)
        hit = self._postings.get(key)
        if hit is not None:
            self._postings.move_to_end(key)
            return hit
        side = self._side_postings() if field in PROSE_FIELDS else None
        if side is not None:
            hit = side.lookup(field, term) or (EMPTY_IDS, EMPTY_WEIGHTS, None)
        else:
            hit = internals.read_postings(segreader, field, term.encode("utf-8"))
        self._postings[key] = hit
        if len(self._postings) > POSTINGS_CACHE:
            self._postings.popitem(last=False)
        return hit

    def _side_postings(self) -> SegmentPostings | None:
        if self._side is None and time.monotonic() - self._side_checked > SIDE_RECHECK_S:
            self._side = SegmentPostings.open(self.index_dir, self.segid)
            self._side_checked = time.monotonic()
        return self._side

    def positions(
        self, segreader, field: str, term: str, docnum: int, window: dict | None = None
    ) -> list[int] | None:
        """Return the positions of a term in one document's field, or None if absent.

        Decoded blocks go to the segment's LRU, or, given a window (a pass over documents in docnum
        order), to it: it keeps only each term's latest block, so the pass holds one block a term.
        """
        ids, _, layout = self.postings(segreader, field, term)
        idx = int(np.searchsorted(ids, docnum))
        if idx >= len(ids) or ids[idx] != docnum:
            return None
        if layout is None or not internals.PRIVATE:
            return internals.public_positions(segreader, field, term, docnum)
        starts, spans = layout
        block = int(np.searchsorted(starts, idx, side="right")) - 1
        values = self._block(segreader, field, term, block, spans, window)
        if values is None:  # no fast reader (ruled out above, but block_values checks for itself)
            return internals.public_positions(segreader, field, term, docnum)
        return internals.decode_positions(segreader, field, values[idx - starts[block]])

    def _block(self, segreader, field: str, term: str, block: int, spans, window: dict | None) -> list | None:
        if window is not None:
            kept = window.get((field, term))
            if kept is None or kept[0] != (self.segid, block):
                kept = window[(field, term)] = (
                    (self.segid, block),
                    internals.block_values(segreader, spans[block]),
                )
            return kept[1]
        key = (field, term, block)
        values = self._blocks.get(key)
        if values is None:
            values = internals.block_values(segreader, spans[block])
            if values is None:
                return None
            self._blocks[key] = values
            if len(self._blocks) > BLOCK_CACHE:
                self._blocks.popitem(last=False)
        return values

    def stem_vocabulary(self, segreader) -> tuple[dict[str, int], list[str]]:
        """Return (stem -> document frequency, stems worth suggesting) over the body text.

        In large segments stems seen in one document only (mostly OCR noise) are not offered.
        """
        if self.stems_df is None:
            df = {t.decode("utf-8"): info.doc_frequency() for t, info in segreader.iter_field("text")}
            floor = 2 if self.n > 1000 else 1
            self.stems_df = (df, [s for s, n in df.items() if n >= floor])
        return self.stems_df
