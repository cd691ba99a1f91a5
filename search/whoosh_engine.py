"""Evaluate a parsed query over a Whoosh searcher with numpy: masks for matching, BM25 for ranking.

A View is built once per searcher generation from cached per-segment arrays; every query then costs a
few vectorised operations over the index size, whatever the filters, facets or sort.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date

import numpy as np

from .query import PROSE_FIELDS
from .query_ast import And, DateRange, Match, Not, Phrase, Prefix, Term
from .types import QueryError
from .whoosh_segments import SINGLE_FACETS, Codes, SegmentData

FIELD_BOOST = {"title": 3.0, "claims": 2.0, "description": 1.5, "text": 1.0}
K1, B = 1.2, 0.75
MAX_PREFIX_TERMS = 64
PHRASE_VERIFY_LIMIT = 240  # phrase candidates checked by position; past this, totals are estimated
PHRASE_SAMPLE = 80  # random candidates checked to estimate the share of the rest that hold the phrase
SAMPLE_RUN = 10  # taken as runs of neighbouring documents: they share posting blocks, so far fewer decodes
EPOCH = date(1900, 1, 1)


def day_number(value: date | None) -> int:
    """Days since 1900-01-01 (0 means no date)."""
    return (value - EPOCH).days if value else 0


class View:
    """One searcher's segments, concatenated into global arrays indexed by Whoosh docnum."""

    def __init__(self, searcher, cache: dict[str, SegmentData], codes: Codes, index_dir=None):
        self.searcher = searcher
        self.codes = codes
        self.leaves = []
        for segreader, offset in searcher.reader().leaf_readers():
            if segreader.segment() is None:  # an empty index has an EmptyReader and no segment
                continue
            segid = segreader.segment().segment_id()
            data = cache.get(segid)
            if data is None:
                data = cache[segid] = SegmentData(segreader, codes, index_dir)
            self.leaves.append((segreader, offset, data))
        self.n = sum(d.n for _, _, d in self.leaves)
        self.live = self._cat(lambda d: np.ones(d.n, dtype=bool), bool)
        for segreader, offset, _ in self.leaves:
            deleted = np.fromiter(segreader._perdoc.deleted_docs(), dtype=np.int64)
            self.live[deleted + offset] = False
        self.doc_count = int(self.live.sum())
        self.delivered = self._cat(lambda d: d.delivered, np.int32)
        self.newest_key = self._cat(lambda d: d.newest_key, np.int64)
        self.years = self._cat(lambda d: d.years, np.int32)
        self.facets = {f: self._cat(lambda d, f=f: d.facets[f], np.int32) for f in SINGLE_FACETS}
        self.tag_docs = self._cat(lambda d: d.tag_docs + self._offset(d), np.int64)
        self.tag_codes = self._cat(lambda d: d.tag_codes, np.int32)
        self.lengths = {f: self._cat(lambda d, f=f: d.lengths[f], np.float32) for f in PROSE_FIELDS}
        total_docs = max(self.n, 1)
        self.avg_length = {f: max(sum(d.field_totals[f] for _, _, d in self.leaves) / total_docs, 1.0)
                           for f in PROSE_FIELDS}
        self._match_cache: dict = {}

    def locate(self, docnum: int):
        """Return (segment reader, offset, SegmentData) holding a global docnum."""
        for segreader, offset, data in self.leaves:
            if docnum < offset + data.n:
                return segreader, offset, data
        raise IndexError(docnum)

    def _offset(self, data: SegmentData) -> int:
        return next(off for _, off, d in self.leaves if d is data)

    def _cat(self, get, dtype) -> np.ndarray:
        parts = [get(d) for _, _, d in self.leaves]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    # -- leaves -------------------------------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        ids, weights = [], []
        for segreader, offset, data in self.leaves:
            i, w, _ = data.postings(segreader, field, term)
            if len(i):
                ids.append(i + offset)
                weights.append(w)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def term_scores(self, fields, stem: str, score: np.ndarray) -> None:
        """Add BM25 scores of one stemmed term in the given fields into score (in place)."""
        for field in fields:
            ids, tf = self.postings(field, stem)
            if not len(ids):
                continue
            df = int(self.live[ids].sum())
            if not df:
                continue
            idf = math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))
            norm = K1 * (1.0 - B + B * self.lengths[field][ids] / self.avg_length[field])
            score[ids] += FIELD_BOOST[field] * idf * tf * (K1 + 1.0) / (tf + norm)

    def match_mask(self, node: Match) -> np.ndarray:
        key = (node.field, node.value)
        mask = self._match_cache.get(key)
        if mask is None:
            code = self.codes.lookup(node.field, node.value)
            mask = np.zeros(self.n, dtype=bool)
            if code is not None and node.field == "tag":
                mask[self.tag_docs[self.tag_codes == code]] = True
            elif code is not None:
                mask = self.facets[node.field] == code
            if len(self._match_cache) > 256:
                self._match_cache.clear()
            self._match_cache[key] = mask
        return mask

    def date_mask(self, start: date | None, end: date | None) -> np.ndarray:
        mask = self.delivered > 0
        if start:
            mask &= self.delivered >= day_number(start)
        if end:
            mask &= self.delivered <= day_number(end)
        return mask

    def expand_prefix(self, fields, prefix: str) -> list[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for segreader, _, _ in self.leaves:
            for field in fields:
                for term in segreader.expand_prefix(field, prefix):
                    found.add((field, term.decode("utf-8") if isinstance(term, bytes) else term))
                    if len(found) > MAX_PREFIX_TERMS:
                        raise QueryError(f"'{prefix}*' matches too many words: type more letters before the *.")
        return sorted(found)


def clustered_sample(docs: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """About `size` of the sorted `docs`, as runs of SAMPLE_RUN neighbours starting at random places."""
    if len(docs) <= size:
        return docs
    starts = rng.choice(len(docs) - SAMPLE_RUN + 1, max(size // SAMPLE_RUN, 1), replace=False)
    picked = (starts[:, None] + np.arange(SAMPLE_RUN)[None, :]).ravel()
    return docs[np.unique(picked)]


class Evaluation:
    """Evaluate one AST against a View; records whether any count had to be estimated.

    restrict is the mask of documents the query can return at all (live and inside the filters), so
    the bounded phrase check spends its budget on documents that can matter.
    """

    def __init__(self, view: View, restrict: np.ndarray, newest: bool, want: int = 20):
        self.view = view
        self.want = want  # how many hits the page needs; the phrase check stops there
        self.restrict = restrict
        self.newest = newest
        self.unverified = np.zeros(view.n, dtype=bool)
        self.verified_ratio = 1.0

    @property
    def estimated(self) -> bool:
        return bool(self.unverified.any())

    def total(self, mask: np.ndarray) -> int:
        """Count matches, scaling phrase candidates that were not position-checked by the checked ratio."""
        unchecked = int(np.count_nonzero(mask & self.unverified))
        return int(np.count_nonzero(mask)) - unchecked + round(unchecked * self.verified_ratio)

    def run(self, node) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (mask, scores) over all docnums."""
        n = self.view.n
        if isinstance(node, Term):
            score = np.zeros(n, dtype=np.float32)
            self.view.term_scores([node.field] if node.field else PROSE_FIELDS, node.stem, score)
            return score > 0, score
        if isinstance(node, Prefix):
            score = np.zeros(n, dtype=np.float32)
            for field, term in self.view.expand_prefix([node.field] if node.field else PROSE_FIELDS, node.prefix):
                self.view.term_scores([field], term, score)
            return score > 0, score
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Match):
            return self.view.match_mask(node), None
        if isinstance(node, DateRange):
            return self.view.date_mask(node.start, node.end), None
        if isinstance(node, Not):
            mask, _ = self.run(node.child)
            return ~mask, None
        return self._boolean(node)

    def _boolean(self, node) -> tuple[np.ndarray, np.ndarray]:
        is_and = isinstance(node, And)
        mask = np.ones(self.view.n, dtype=bool) if is_and else np.zeros(self.view.n, dtype=bool)
        score = np.zeros(self.view.n, dtype=np.float32)
        for child in node.children:
            child_mask, child_score = self.run(child)
            if is_and:
                mask &= child_mask
            else:
                mask |= child_mask
            if child_score is not None:
                score += child_score
        return mask, np.where(mask, score, 0).astype(np.float32)

    def _phrase(self, node: Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Candidates hold every word in one field; then word positions are checked, best first."""
        view = self.view
        fields = [node.field] if node.field else list(PROSE_FIELDS)
        score = np.zeros(view.n, dtype=np.float32)
        candidates = np.zeros(view.n, dtype=bool)
        in_fields = []
        for field in fields:
            in_field = np.ones(view.n, dtype=bool)
            for stem in node.stems:
                ids, _ = view.postings(field, stem)
                present = np.zeros(view.n, dtype=bool)
                present[ids] = True
                in_field &= present
            if in_field.any():
                in_fields.append((field, in_field))
                candidates |= in_field
        for stem in node.stems:
            view.term_scores(fields, stem, score)
        docs = np.flatnonzero(candidates & self.restrict)

        def check(docnum: int) -> bool:
            return any(self._has_phrase(docnum, field, node.stems, node.offsets)
                       for field, in_field in in_fields if in_field[docnum])

        mask = candidates.copy()
        if len(docs) <= PHRASE_VERIFY_LIMIT:
            mask[docs] = False
            mask[[d for d in docs.tolist() if check(d)]] = True
        else:
            self._check_sample(docs, score, check, mask)
        return mask, np.where(mask, score, 0).astype(np.float32)

    def _check_sample(self, docs: np.ndarray, score: np.ndarray, check, mask: np.ndarray) -> None:
        """Check the best-ranked candidates (they fill the page), then a random sample to estimate the rest."""
        key = self.view.newest_key[docs] if self.newest else score[docs]
        budget = min(max(PHRASE_VERIFY_LIMIT - PHRASE_SAMPLE, 1), len(docs))
        best = docs[np.argpartition(-key, budget - 1)[:budget]]
        best = best[np.argsort(-(self.view.newest_key[best] if self.newest else score[best]), kind="stable")]
        mask[docs] = False
        found = 0
        checked = []
        for d in best.tolist():
            checked.append(d)
            if check(d):
                mask[d] = True
                found += 1
                if found >= self.want:
                    break
        rest = np.setdiff1d(docs, np.array(checked, dtype=docs.dtype), assume_unique=True)
        sample = clustered_sample(rest, PHRASE_SAMPLE, np.random.default_rng(len(docs)))
        good = [d for d in sample.tolist() if check(d)]
        mask[good] = True
        unchecked = np.zeros_like(mask)
        unchecked[np.setdiff1d(rest, sample, assume_unique=True)] = True
        mask |= unchecked
        self.unverified |= unchecked
        self.verified_ratio = min(self.verified_ratio, len(good) / len(sample) if len(sample) else 1.0)

    def _has_phrase(self, docnum: int, field: str, stems: tuple[str, ...], offsets: tuple[int, ...]) -> bool:
        segreader, offset, data = self.view.locate(docnum)
        local = docnum - offset
        positions: list[Collection[int]] = []  # the first stem's list, then sets to look up in
        for stem in stems:
            found = data.positions(segreader, field, stem, local)
            if found is None:
                return False
            positions.append(found if not positions else set(found))
        return any(all(p + offsets[i] in positions[i] for i in range(1, len(stems))) for p in positions[0])
