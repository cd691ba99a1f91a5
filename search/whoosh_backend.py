"""WhooshBackend: the embedded default index (a directory of Whoosh segment files)."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from rapidfuzz.distance import Levenshtein
from whoosh.filedb.filestore import FileStorage

from . import analysis, whoosh_build, whoosh_postings
from . import query as q
from . import whoosh_internals as internals
from .engine_common import finish_results, is_live, list_positive_stems
from .query_ast import Match
from .suggest import FEW_HITS, closest, suggest
from .types import IndexUnavailable, Progress, Results, SearchBackend, SearchDocument, SearchQuery
from .whoosh_engine import Evaluation, View
from .whoosh_schema import make_schema, to_fields
from .whoosh_segments import MULTI_FACETS, Codes
from .whoosh_writer import BatchWriter, WriteFailed

log = logging.getLogger(__name__)
REFRESH_EVERY_S = 0.25
BUILD_PROCS = max(2, min(os.cpu_count() or 1, 4))
LIVE_LOCK_WAIT_S = 60.0
IDS_CHUNK = 1000  # ids() turns this many int64s into Python ints at a time


class WhooshBackend(SearchBackend):
    """Search over a Whoosh index directory; all writes go through one batching writer thread."""

    def __init__(self, index_dir: str | os.PathLike):
        self.index_dir = Path(index_dir)
        self.schema = make_schema()
        self._ix = None
        self._ix_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._searcher = None
        self._view: View | None = None
        self._view_generation = -1
        self._checked_at = 0.0
        self._segments: dict = {}
        self._directory = -1  # inode of the index directory the searcher was opened on
        self._codes = Codes()
        internals.warn_if_untested()
        if not _index_exists(self.index_dir):
            self.index_dir.mkdir(parents=True, exist_ok=True)
            _storage(self.index_dir).create_index(self.schema)
        self._writer = BatchWriter(
            self._open_index, to_fields, self.index_dir.name, after_commit=self._write_posting_arrays
        )

    # -- writing ------------------------------------------------------------------------------

    def _open_index(self):
        with self._ix_lock:
            if self._ix is None:
                try:
                    self._ix = _storage(self.index_dir).open_index()
                except Exception as exc:
                    raise IndexUnavailable(
                        f"The search index at {self.index_dir} cannot be opened ({exc}); "
                        "run 'search rebuild'."
                    ) from exc
            return self._ix

    def _write_posting_arrays(self) -> None:
        written = whoosh_postings.build_for_index(self._open_index(), self.index_dir)
        if written:
            log.debug("search posting arrays written", extra={"segments": written})

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self._writer.put([(d.leaflet_id, d if is_live(d) else None) for d in docs])

    def delete(self, leaflet_ids: Iterable[int]) -> None:
        self._writer.put([(int(i), None) for i in leaflet_ids])

    def flush(self) -> None:
        try:
            self._writer.flush()
        except WriteFailed as exc:
            raise IndexUnavailable(str(exc)) from exc
        with self._read_lock:
            self._checked_at = 0.0

    def rebuild(
        self,
        docs: Iterable[SearchDocument],
        progress: Progress = None,
        procs: int | None = None,
        bulk: bool | None = None,
    ) -> int:
        """Build a fresh index beside the live one, replay what changed meanwhile, then swap it in.

        Searches and writes keep using the live index during the build. Before the swap, every document
        that was added, changed or removed in the live index since the build began (by this process or any
        other) is applied to the new one, under the live index's own write lock, so nothing is lost.
        Also repairs a corrupt index (there is then nothing to replay). procs: build processes (default
        BUILD_PROCS); 1 builds in this process. bulk: write segments with whoosh_build (the default where
        Whoosh's version is tested) or, if False, through Whoosh's own writer (the way before it, kept as the
        fallback and as the benchmark's baseline).
        """
        procs = procs or BUILD_PROCS
        tmp = self.index_dir.with_name(f".{self.index_dir.name}.rebuild-{os.getpid()}")
        old = self.index_dir.with_name(f".{self.index_dir.name}.old-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        before = self._live_versions()
        try:
            count, done = self._build(tmp, docs, progress, procs, bulk)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._writer.lock:  # in-process writes wait here and then land in the new index
            live_lock = self._lock_live_index()  # other processes' writers wait (they retry LockError)
            try:
                replayed = self._replay(tmp, before)
                with self._read_lock, self._ix_lock:
                    self._drop_searcher()
                    self._ix = None
                    if self.index_dir.exists():
                        self.index_dir.rename(old)
                    tmp.rename(self.index_dir)
            finally:
                if live_lock is not None:
                    live_lock.release()
            self._writer.clear_error()  # a write that failed before the rebuild is in the rebuilt index
            shutil.rmtree(old, ignore_errors=True)
        if progress:
            progress(done)
        log.info("search index rebuilt", extra={"documents": count, "replayed": replayed, "procs": procs})
        return count

    def _build(
        self, tmp: Path, docs: Iterable[SearchDocument], progress: Progress, procs: int, bulk: bool | None
    ) -> tuple[int, int]:
        fresh = _storage(tmp).create_index(self.schema)
        if bulk is None:
            bulk = internals.bulk_available()
        if bulk:
            return whoosh_build.build(fresh, tmp, docs, progress, procs)
        return _build_with_writer(fresh, tmp, docs, progress, procs)

    def _live_versions(self) -> dict[int, str] | None:
        """leaflet_id -> version of the live index, or None when it cannot be read (nothing to replay)."""
        try:
            with self._read_lock:
                self._checked_at = 0.0
                return self.versions()
        except IndexUnavailable:
            return None

    def _lock_live_index(self):
        """Hold the live index's Whoosh write lock (waiting for a writer in another process to finish)."""
        if not _index_exists(self.index_dir):
            return None
        try:
            lock = _storage(self.index_dir).lock("MAIN_WRITELOCK")
        except Exception:  # an unreadable directory: nothing to protect
            return None
        waited = 0.0
        while not lock.acquire():
            if waited > LIVE_LOCK_WAIT_S:
                raise IndexUnavailable("Another process held the search index lock for too long; try again.")
            time.sleep(0.05)
            waited += 0.05
        return lock

    def _replay(self, tmp: Path, before: dict[int, str] | None) -> int:
        """Apply to the new index what the live index gained or lost since `before` was taken."""
        if before is None:
            return 0
        with self._read_lock:
            self._checked_at = 0.0
            try:
                view = self._current_view()
            except IndexUnavailable:
                return 0
            now = self.versions()
            changed = [i for i, v in now.items() if before.get(i) != v]
            gone = [i for i in before if i not in now]
            docnum = (
                {
                    int(view.leaflet_ids[d]): int(d)
                    for d in np.flatnonzero(view.live)
                    if int(view.leaflet_ids[d]) in set(changed)
                }
                if changed
                else {}
            )
            payloads = [view.searcher.stored_fields(docnum[i])["payload"] for i in changed]
        if not payloads and not gone:
            return 0
        fresh = _storage(tmp).open_index()
        writer = fresh.writer()
        try:
            for payload in payloads:
                writer.update_document(**to_fields(SearchDocument(**payload)))
            for leaflet_id in gone:
                writer.delete_by_term("lid", str(leaflet_id))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        whoosh_postings.build_for_index(fresh, tmp)
        log.info(
            "search rebuild replayed live changes", extra={"changed": len(payloads), "removed": len(gone)}
        )
        return len(payloads) + len(gone)

    def versions(self) -> dict[int, str]:
        with self._read_lock:
            view = self._current_view()
            out = {}
            for segreader, offset, data in view.leaves:
                column = segreader.column_reader("ver")  # one column read, not 100,000 stored documents
                live = view.live[offset : offset + data.n]
                for local, (leaflet_id, version) in enumerate(zip(data.leaflet_ids.tolist(), column)):
                    if live[local]:
                        out[leaflet_id] = version.decode("utf-8")
            return out

    def close(self) -> None:
        self._writer.close()
        with self._read_lock:
            self._drop_searcher()

    # -- reading ------------------------------------------------------------------------------

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:  # closing a searcher over deleted files must not hide the real problem
                log.debug("closing an old searcher failed", exc_info=True)
        self._searcher, self._view = None, None

    def _current_view(self) -> View:
        now = time.monotonic()
        generation = self._writer.generation
        if (
            self._view is not None
            and generation == self._view_generation
            and now - self._checked_at < REFRESH_EVERY_S
        ):
            return self._view
        try:
            if not _index_exists(self.index_dir):
                raise FileNotFoundError(f"no index in {self.index_dir}")
            directory = self.index_dir.stat().st_ino
            if self._searcher is not None and directory != self._directory:
                self._drop_searcher()  # another process rebuilt the index and swapped the directory
            if self._searcher is None:
                with self._ix_lock:
                    self._ix = None
                self._searcher = self._open_index().searcher()
                self._directory = directory
                self._view = None
            elif not self._searcher.up_to_date():
                # A fresh searcher, not searcher.refresh(): refresh reuses segment readers whose deletion
                # sets are stale. Per-segment arrays survive anyway (cached by segment id).
                stale, self._searcher = self._searcher, self._open_index().searcher()
                stale.close()
                self._view = None
            if self._view is None:
                self._view = View(self._searcher, self._segments, self._codes, self.index_dir)
                live = {d.segid for _, _, d in self._view.leaves}
                for segid in [s for s in self._segments if s not in live]:
                    del self._segments[segid]
        except IndexUnavailable:
            self._drop_searcher()
            raise
        except Exception as exc:
            self._drop_searcher()
            raise IndexUnavailable(
                f"The search index at {self.index_dir} is missing or unreadable ({exc}); "
                "run 'search rebuild'."
            ) from exc
        self._view_generation = generation
        self._checked_at = now
        return self._view

    def search(self, query: SearchQuery) -> Results:
        query.validate()
        tree = self._parse(query)
        with self._read_lock:
            view = self._current_view()
            want = query.page * query.per_page
            evaluation, sure, possible, score = self._evaluate(view, query, tree, want)
            if evaluation.uncertain_phrases:
                # Settle, in rank order, just enough unchecked documents to fill this page and know
                # whether another follows; the total stays an estimate until every one is settled.
                matched, confirmed, exhausted = _walk(
                    view, evaluation, tree, sure, possible, score, query, want + 1
                )
                has_more = len(matched) > want
                docnums = matched[(query.page - 1) * query.per_page : want]
                known = len(matched) if exhausted else int(np.count_nonzero(sure)) + confirmed
                total = known if exhausted else max(evaluation.estimate(sure, possible), known)
                estimated = not exhausted
                scores = score[docnums].tolist() if score is not None else [0.0] * len(docnums)
            else:
                total, estimated = int(np.count_nonzero(sure)), False
                docnums, scores = _top(view, sure, score, query)
                known, has_more = total, total > want
            facets = self._facets(view, possible, query.facet_limit) if query.facets else {}
            stems, prefixes = list_positive_stems(tree)
            payloads = [view.searcher.stored_fields(int(d))["payload"] for d in docnums]
            suggestion = None
            words = q.positive_words(tree) if tree is not None else []
            if tree is not None and total < FEW_HITS and query.suggest:
                suggestion = suggest(query.text, words, _StemVocabulary(view))
        results = finish_results(
            query, total, estimated, payloads, scores, stems, prefixes, facets, suggestion, words
        )
        results.total_known, results.has_more = known, has_more
        return results

    def ids(self, query: SearchQuery) -> Iterator[int]:
        """Every matching leaflet id in the query's order, each phrase candidate checked by positions."""
        query.validate()
        tree = self._parse(query)
        with self._read_lock:
            view = self._current_view()
            evaluation, sure, possible, score = self._evaluate(view, query, tree, want=query.per_page)
            if evaluation.uncertain_phrases:
                possible = evaluation.settle_all(tree, sure, possible)
            # The order needs every match at once: kept as one int64 array (8 bytes a match); ids leave
            # it a chunk at a time, so no list of all of them is ever made.
            found = view.leaflet_ids[_ranked(view, possible, score, query.sort, len(view.live))]
        for start in range(0, len(found), IDS_CHUNK):
            yield from found[start : start + IDS_CHUNK].tolist()

    def _parse(self, query: SearchQuery):
        return q.parse(
            query.text, allow_negative_only=bool(query.filters() or query.date_from or query.date_to)
        )

    def _evaluate(self, view: View, query: SearchQuery, tree, want: int):
        restrict = self._filter_mask(view, query) & view.live
        evaluation = Evaluation(view, restrict, newest=query.sort == "newest", want=want)
        if tree is None:
            return evaluation, restrict, restrict, None
        sure, possible, score = evaluation.run(tree)
        return evaluation, sure & restrict, possible & restrict, score

    def _filter_mask(self, view: View, query: SearchQuery) -> np.ndarray:
        mask = np.ones(view.n, dtype=bool)
        for field, values in query.filters().items():
            any_of = np.zeros(view.n, dtype=bool)
            for value in values:
                any_of |= view.match_mask(Match(field, value))
            mask &= any_of
        if query.date_from or query.date_to:
            mask &= view.date_mask(query.date_from, query.date_to)
        return mask

    def _facets(self, view: View, mask: np.ndarray, limit: int) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        for field in ("party", "area", "region", "election"):
            codes = view.facets[field][mask]
            counts = np.bincount(codes[codes >= 0], minlength=self._codes.size(field))
            out[field] = _top_counts(counts, self._codes.values.get(field, []), limit)
        for field in MULTI_FACETS:  # documents with several values: (doc, code) pairs
            docs, codes = view.multi[field]
            counts = np.bincount(codes[mask[docs]], minlength=self._codes.size(field))
            out[field] = _top_counts(counts, self._codes.values.get(field, []), limit)
        years = view.years[mask]
        years = years[years > 0]
        if len(years):
            low = int(years.min())
            counts = np.bincount(years - low)
            out["year"] = sorted(
                ((str(low + i), int(c)) for i, c in enumerate(counts) if c),
                key=lambda kv: kv[0],
                reverse=True,
            )[:limit]
        else:
            out["year"] = []
        return out


def _build_with_writer(
    fresh, tmp: Path, docs: Iterable[SearchDocument], progress: Progress, procs: int
) -> tuple[int, int]:
    """Whoosh's own writer: one process, or its multi-process writer (a segment per worker, no merge)."""
    count = done = 0
    if procs > 1:
        writer = fresh.writer(procs=procs, multisegment=True, limitmb=256, batchsize=250, start_method="fork")
    else:
        writer = fresh.writer(limitmb=1024)
    try:  # leaflet ids are unique in the database, so add_document (no per-document delete) is safe
        for done, doc in enumerate(docs, 1):
            if is_live(doc):
                writer.add_document(**to_fields(doc))
                count += 1
            if progress and done % 1000 == 0:
                progress(done)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    whoosh_postings.build_for_index(fresh, tmp, procs=procs)
    return count, done


def _storage(index_dir: Path) -> FileStorage:
    """Plain file reads, not mmap: Whoosh copies an mmapped compound segment into a BytesIO whenever a reader
    opens it, ~0.2 s for every commit at 100,000 leaflets. Reads share one handle per segment reader, which is
    safe because searches run under the backend's read lock."""
    return FileStorage(str(index_dir), supports_mmap=False)


def _index_exists(index_dir: Path) -> bool:
    """True if the directory holds an index, readable or not (a corrupt one is never overwritten silently)."""
    return index_dir.is_dir() and any(
        p.name.startswith("_MAIN_") and p.suffix == ".toc" for p in index_dir.iterdir()
    )


class _StemVocabulary:
    """Stemmed index terms per segment (cached with the segment), and a real word for a stem."""

    def __init__(self, view: View):
        self.view = view
        self.segments = [data.stem_vocabulary(segreader) for segreader, _, data in view.leaves]

    def frequency(self, stem: str) -> int:
        return sum(df.get(stem, 0) for df, _ in self.segments)

    def near(self, stem: str, max_distance: int) -> list[tuple[str, int]]:
        found: dict[str, int] = {}
        for _, choices in self.segments:
            for cand, dist in closest(stem, choices, max_distance):
                found[cand] = min(dist, found.get(cand, dist))
        return list(found.items())

    def stem(self, word: str) -> str:
        return analysis.stem(word)

    def surface(self, stem: str, like: str) -> str | None:
        ids, _ = self.view.postings("text", stem)
        live = ids[self.view.live[ids]][:1]
        if not len(live):
            return None
        text = self.view.searcher.stored_fields(int(live[0]))["payload"].get("text", "")
        forms = {w for w in analysis.words(text) if analysis.stem(w) == stem}
        return min(forms, key=lambda w: (Levenshtein.distance(w, like), w)) if forms else None


def _top_counts(counts: np.ndarray, labels: list[str], limit: int) -> list[tuple[str, int]]:
    """Most first, ties by value (as PostgreSQL orders them), whatever order the codes were made in."""
    nonzero = np.flatnonzero(counts).tolist()
    order = sorted(nonzero, key=lambda i: (-int(counts[i]), labels[i]))[:limit]
    return [(labels[i], int(counts[i])) for i in order]


def _ranked(view: View, mask: np.ndarray, score, sort: str, upto: int) -> np.ndarray:
    """The first `upto` docnums of mask in result order: best (or newest) first, then newest, then id."""
    candidates = np.flatnonzero(mask)
    if score is None or sort == "newest":
        primary = view.newest_key[candidates].astype(np.float64)
        secondary = np.zeros(len(candidates))
    else:
        primary = score[candidates].astype(np.float64)
        secondary = view.newest_key[candidates].astype(np.float64)
    if len(candidates) > upto:
        threshold = np.partition(primary, len(primary) - upto)[len(primary) - upto]
        keep = primary >= threshold  # keeps every tie at the boundary, so pages never overlap
        candidates, primary, secondary = candidates[keep], primary[keep], secondary[keep]
    # Ties fall to the higher leaflet id, as in PostgreSQL, so both backends list the same order.
    return candidates[np.lexsort((-view.leaflet_ids[candidates], -secondary, -primary))][:upto]


def _top(view: View, mask: np.ndarray, score, query: SearchQuery) -> tuple[np.ndarray, list[float]]:
    """Return the docnums and scores of the requested page."""
    order = _ranked(view, mask, score, query.sort, query.page * query.per_page)[
        (query.page - 1) * query.per_page :
    ]
    return order, (score[order].tolist() if score is not None else [0.0] * len(order))


def _walk(
    view: View, evaluation: Evaluation, tree, sure, possible, score, query: SearchQuery, need: int
) -> tuple[np.ndarray, int, bool]:
    """The first `need` true matches in result order, settling unsure documents as they come.

    Returns (docnums, how many unsure documents proved to match, whether every match was seen).
    """
    upto = max(need * 2, 64)
    total_possible = int(np.count_nonzero(possible))
    while True:
        order = _ranked(view, possible, score, query.sort, upto)
        matched, confirmed = [], 0
        for d in order.tolist():
            if sure[d]:
                matched.append(d)
            elif evaluation.exact(tree, d):
                matched.append(d)
                confirmed += 1
            if len(matched) >= need:
                break
        seen_all = len(order) >= total_possible
        if len(matched) >= need or seen_all:
            return np.array(matched, dtype=np.int64), confirmed, seen_all and len(matched) < need
        upto *= 4
