"""Evaluate a parsed query over a Whoosh searcher with numpy: masks for matching, BM25 for ranking.

A View is built once per searcher generation from cached per-segment arrays; every query then costs a
few vectorised operations over the index size, whatever the filters, facets or sort.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date

import numpy as np

from . import whoosh_internals as internals
from .query import PROSE_FIELDS
from .query_ast import And, DateRange, Match, Not, Phrase, Prefix, Term
from .types import QueryError
from .whoosh_segments import MULTI_FACETS, SINGLE_FACETS, Codes, SegmentData

FIELD_BOOST = {"title": 3.0, "claims": 2.0, "description": 1.5, "text": 1.0}
K1, B = 1.2, 0.75
MAX_PREFIX_TERMS = 64
PHRASE_VERIFY_LIMIT = 240  # phrase candidates checked at once; past this, the rest are checked as pages need
PHRASE_SAMPLE = 80  # random candidates checked to estimate the share of the rest that hold the phrase
PHRASE_CHECKS_KEPT = 64  # phrases whose checks a view remembers (each costs two bools a document)
SETTLE_CHUNK = 4096  # settle_all turns this many docnums into Python ints at a time
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
            deleted = internals.deleted_docs(segreader)
            self.live[deleted + offset] = False
        self.doc_count = int(self.live.sum())
        self.delivered = self._cat(lambda d: d.delivered, np.int32)
        self.newest_key = self._cat(lambda d: d.newest_key, np.int64)
        self.years = self._cat(lambda d: d.years, np.int32)
        self.facets = {f: self._cat(lambda d, f=f: d.facets[f], np.int32) for f in SINGLE_FACETS}
        self.multi = {
            f: (
                self._cat(lambda d, f=f: d.multi[f][0] + self._offset(d), np.int64),
                self._cat(lambda d, f=f: d.multi[f][1], np.int32),
            )
            for f in MULTI_FACETS
        }
        self.tag_docs, self.tag_codes = self.multi["tag"]
        self.lengths = {f: self._cat(lambda d, f=f: d.lengths[f], np.float32) for f in PROSE_FIELDS}
        total_docs = max(self.n, 1)
        self.avg_length = {
            f: max(sum(d.field_totals[f] for _, _, d in self.leaves) / total_docs, 1.0) for f in PROSE_FIELDS
        }
        self._match_cache: dict = {}
        self.phrase_checks: dict = {}  # phrase -> PhraseChecks, shared by every query on this view
        self.leaflet_ids = self._cat(lambda d: d.leaflet_ids.astype(np.int64), np.int64)

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
            if code is not None and node.field in self.multi:
                docs, codes = self.multi[node.field]
                mask[docs[codes == code]] = True
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
                        raise QueryError(
                            f"'{prefix}*' matches too many words: type more letters before the *."
                        )
        return sorted(found)


def clustered_sample(docs: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """About `size` of the sorted `docs`, as runs of SAMPLE_RUN neighbours starting at random places."""
    if len(docs) <= size:
        return docs
    starts = rng.choice(len(docs) - SAMPLE_RUN + 1, max(size // SAMPLE_RUN, 1), replace=False)
    picked = (starts[:, None] + np.arange(SAMPLE_RUN)[None, :]).ravel()
    return docs[np.unique(picked)]


class PhraseChecks:
    """Which candidates of one phrase have been checked by word positions, and which hold it.

    Kept on the View (segments never change, deletions only hide documents), so paging deeper or
    exporting checks only documents no earlier page checked.
    """

    def __init__(self, n: int, in_fields: list[tuple[str, np.ndarray]]):
        self.in_fields = in_fields
        self.checked = np.zeros(n, dtype=bool)
        self.holds = np.zeros(n, dtype=bool)


class Evaluation:
    """Evaluate one AST against a View as two masks: `sure` (certainly matches) and `possible`.

    They differ only where a phrase with many candidates was not position-checked yet. `exact(doc)`
    settles one such document; the backend asks it only for the documents a page (or an export) needs,
    so a first page stays fast and every shown page, count of pages and export is exact.
    restrict is the mask of documents the query can return at all (live and inside the filters).
    """

    def __init__(self, view: View, restrict: np.ndarray, newest: bool, want: int = 20):
        self.view = view
        self.want = want  # how many hits the page needs; the eager phrase check stops there
        self.restrict = restrict
        self.newest = newest
        self.verified_ratio = 1.0
        self.uncertain_phrases = False
        self._bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._phrases: dict[int, PhraseChecks] = {}
        self._window: dict | None = None  # set by settle_all: blocks of a pass in docnum order

    def run(self, node) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (sure, possible, scores) over all docnums."""
        sure, possible, _, score = self._node(node)
        return sure, possible, score

    def _node(self, node):
        """(sure, possible, reach, score). reach is `possible` before any phrase check: scores are masked by
        it, so a document's score, and so its place in the order, never depends on which pages were looked
        at."""
        sure, possible, reach, score = self._run(node)
        self._bounds[id(node)] = (sure, possible)
        return sure, possible, reach, score

    def estimate(self, sure: np.ndarray, possible: np.ndarray) -> int:
        """The number of matches, scaling the unchecked phrase candidates by the share the sample held."""
        unchecked = int(np.count_nonzero(possible & ~sure))
        return int(np.count_nonzero(sure)) + round(unchecked * self.verified_ratio)

    def exact(self, node, doc: int) -> bool:
        """Whether one document matches, checking phrase positions only where the masks disagree."""
        sure, possible = self._bounds[id(node)]
        if sure[doc]:
            return True
        if not possible[doc]:
            return False
        if isinstance(node, Phrase):
            return self._check(node, doc)
        if isinstance(node, Not):
            return not self.exact(node.child, doc)
        if isinstance(node, And):
            return all(self.exact(child, doc) for child in node.children)
        return any(self.exact(child, doc) for child in node.children)

    def settle_all(self, node, sure: np.ndarray, possible: np.ndarray) -> np.ndarray:
        """The exact match mask: every unsure document checked, in docnum order, so each posting block
        is decoded once and only the current block of each word is held (memory does not grow with the
        number of candidates, as it would through the segment's block cache)."""
        matches = sure.copy()
        unsure = np.flatnonzero(possible & ~sure)
        self._window = {}
        try:
            for start in range(0, len(unsure), SETTLE_CHUNK):  # Python ints a chunk at a time
                for d in unsure[start : start + SETTLE_CHUNK].tolist():
                    matches[d] = self.exact(node, d)
        finally:
            self._window = None
        return matches

    def _run(self, node):
        n = self.view.n
        if isinstance(node, Term):
            score = np.zeros(n, dtype=np.float32)
            self.view.term_scores([node.field] if node.field else PROSE_FIELDS, node.stem, score)
            return score > 0, score > 0, score > 0, score
        if isinstance(node, Prefix):
            score = np.zeros(n, dtype=np.float32)
            for field, term in self.view.expand_prefix(
                [node.field] if node.field else PROSE_FIELDS, node.prefix
            ):
                self.view.term_scores([field], term, score)
            return score > 0, score > 0, score > 0, score
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Match):
            mask = self.view.match_mask(node)
            return mask, mask, mask, None
        if isinstance(node, DateRange):
            mask = self.view.date_mask(node.start, node.end)
            return mask, mask, mask, None
        if isinstance(node, Not):
            sure, possible, _, _ = self._node(node.child)
            return ~possible, ~sure, np.ones(n, dtype=bool), None  # scores come from the other clauses
        return self._boolean(node)

    def _boolean(self, node):
        is_and = isinstance(node, And)
        start = np.ones if is_and else np.zeros
        sure, possible, reach = (start(self.view.n, dtype=bool) for _ in range(3))
        score = np.zeros(self.view.n, dtype=np.float32)
        for child in node.children:
            child_sure, child_possible, child_reach, child_score = self._node(child)
            if is_and:
                sure &= child_sure
                possible &= child_possible
                reach &= child_reach
            else:
                sure |= child_sure
                possible |= child_possible
                reach |= child_reach
            if child_score is not None:
                score += child_score
        return sure, possible, reach, np.where(reach, score, 0).astype(np.float32)

    def _phrase(self, node: Phrase):
        """Candidates hold every word in one field; word positions are checked, best first, as needed."""
        view = self.view
        fields = [node.field] if node.field else list(PROSE_FIELDS)
        key = (tuple(fields), node.stems, node.offsets)
        checks = view.phrase_checks.get(key)
        if checks is None and len(view.phrase_checks) >= PHRASE_CHECKS_KEPT:
            view.phrase_checks.clear()
        score = np.zeros(view.n, dtype=np.float32)
        if checks is None:
            candidates_by_field = []
            for field in fields:
                in_field = np.ones(view.n, dtype=bool)
                for stem in node.stems:
                    ids, _ = view.postings(field, stem)
                    present = np.zeros(view.n, dtype=bool)
                    present[ids] = True
                    in_field &= present
                if in_field.any():
                    candidates_by_field.append((field, in_field))
            checks = view.phrase_checks[key] = PhraseChecks(view.n, candidates_by_field)
        self._phrases[id(node)] = checks
        candidates = np.zeros(view.n, dtype=bool)
        for _, in_field in checks.in_fields:
            candidates |= in_field
        for stem in node.stems:
            view.term_scores(fields, stem, score)
        docs = np.flatnonzero(candidates & self.restrict & ~checks.checked)
        if len(docs) <= PHRASE_VERIFY_LIMIT:
            for d in docs.tolist():
                self._check(node, d)
        else:
            self._check_best(node, docs, score)
        sure = checks.holds & candidates
        possible = sure | (candidates & ~checks.checked)
        if (possible & self.restrict & ~sure).any():
            self.uncertain_phrases = True
        # The score does not depend on which documents were checked, so every page ranks alike.
        return sure, possible, candidates, np.where(candidates, score, 0).astype(np.float32)

    def _check_best(self, node: Phrase, docs: np.ndarray, score: np.ndarray) -> None:
        """Check the best-ranked candidates (they fill the first page), then a sample to estimate the rest."""
        key = self.view.newest_key[docs] if self.newest else score[docs]
        budget = min(max(PHRASE_VERIFY_LIMIT - PHRASE_SAMPLE, 1), len(docs))
        best = docs[np.argpartition(-key, budget - 1)[:budget]]
        best = best[np.argsort(-(self.view.newest_key[best] if self.newest else score[best]), kind="stable")]
        found = 0
        for d in best.tolist():
            if self._check(node, d):
                found += 1
                if found >= self.want:
                    break
        rest = docs[~self._phrases[id(node)].checked[docs]]
        sample = clustered_sample(rest, PHRASE_SAMPLE, np.random.default_rng(len(docs)))
        good = sum(self._check(node, d) for d in sample.tolist())
        self.verified_ratio = min(self.verified_ratio, good / len(sample) if len(sample) else 1.0)

    def _check(self, node: Phrase, doc: int) -> bool:
        checks = self._phrases[id(node)]
        if not checks.checked[doc]:
            checks.holds[doc] = any(
                self._has_phrase(doc, field, node.stems, node.offsets)
                for field, in_field in checks.in_fields
                if in_field[doc]
            )
            checks.checked[doc] = True
        return bool(checks.holds[doc])

    def _has_phrase(self, docnum: int, field: str, stems: tuple[str, ...], offsets: tuple[int, ...]) -> bool:
        segreader, offset, data = self.view.locate(docnum)
        local = docnum - offset
        positions: list[Collection[int]] = []  # the first stem's in order, the others' as sets
        for stem in stems:
            found = data.positions(segreader, field, stem, local, self._window)
            if found is None:
                return False
            positions.append(found if not positions else set(found))
        return any(all(p + offsets[i] in positions[i] for i in range(1, len(stems))) for p in positions[0])
