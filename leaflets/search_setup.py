"""Create the search backend the config names (SEARCH_BACKEND whoosh|postgres), without ever failing the app.

The backend is opened on first use, not in create_app (which touches no files or network beyond config). While
the index is missing, corrupt or unreachable, searches raise IndexUnavailable (the site answers 503 for search
and works everywhere else) and `flask search rebuild` repairs it.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from flask import Flask

from search import FACET_NAMES, IndexUnavailable, Results, SearchBackend, SearchDocument, SearchQuery
from search.types import Progress

log = logging.getLogger(__name__)
REBUILD_HINT = "run 'flask search rebuild'"
_OPEN: weakref.WeakSet[GuardedBackend] = weakref.WeakSet()


@atexit.register
def _close_open_backends() -> None:
    """Commit what short-lived processes (CLI commands, `flask ocr work`) queued for the index, at exit."""
    for backend in list(_OPEN):
        try:
            backend.close()
        except Exception:  # exiting anyway: record it, close the others
            log.exception("could not close the search index at exit", extra={"backend": backend.name})


class GuardedBackend(SearchBackend):
    """Opens the real backend lazily and turns any failure to open it into IndexUnavailable.

    When the index had to be created empty while the database holds live leaflets (the index files were
    deleted), searches answer IndexUnavailable until a rebuild, rather than quietly finding nothing.
    """

    def __init__(
        self,
        name: str,
        opener: Callable[[], SearchBackend],
        *,
        reset: Callable[[], None] | None = None,
        existed: Callable[[], bool] = lambda: True,
        live_count: Callable[[], int] | None = None,
        empty: Callable[[], bool] | None = None,
    ) -> None:
        self.name = name
        self._opener = opener
        self._reset = reset
        self._existed = existed
        self._live_count = live_count
        self._empty = empty
        self._inner: SearchBackend | None = None
        self._lock = threading.Lock()
        self._created_empty = False
        self._closed = False

    @property
    def inner(self) -> SearchBackend:
        with self._lock:
            if self._inner is None:
                if self._closed:
                    raise IndexUnavailable("The search service has been shut down.")
                existed = self._existed()
                try:
                    self._inner = self._opener()
                except IndexUnavailable:
                    raise
                except Exception as exc:
                    raise IndexUnavailable(
                        f"The {self.name} search index cannot be opened ({exc}); {REBUILD_HINT}."
                    ) from exc
                self._created_empty = not existed
                _OPEN.add(self)
            return self._inner

    def _check_not_lost(self) -> None:
        """After the index was created empty: refuse to answer while the database holds leaflets it lacks."""
        if not self._created_empty or self._live_count is None:
            return
        self.inner.flush()
        if len(self.versions()) >= self._live_count():
            self._created_empty = False
            return
        raise IndexUnavailable(
            f"The {self.name} search index was missing and has not been rebuilt yet; {REBUILD_HINT}."
        )

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self.inner.index(docs)

    def delete(self, leaflet_ids: Iterable[int]) -> None:
        self.inner.delete(leaflet_ids)

    def _is_empty(self) -> bool:
        try:
            return self._empty is not None and self._empty()
        except Exception:  # cannot even count: the index is broken, not empty
            return False

    def versions(self) -> dict[int, str]:
        try:
            return self.inner.versions()
        except IndexUnavailable:
            if self._is_empty():  # WhooshBackend cannot read an index without segments yet
                return {}
            raise

    def search(self, query: SearchQuery) -> Results:
        inner = self.inner
        self._check_not_lost()
        try:
            return inner.search(query)
        except IndexUnavailable:
            if not self._is_empty():
                raise
        query.validate()
        return Results(
            total=0,
            hits=[],
            facets={name: [] for name in FACET_NAMES},
            page=query.page,
            per_page=query.per_page,
        )

    def ids(self, query: SearchQuery) -> Iterator[int]:
        inner = self.inner
        self._check_not_lost()
        try:
            yield from inner.ids(query)
        except IndexUnavailable:
            if not self._is_empty():
                raise
            query.validate()

    def flush(self) -> None:
        self.inner.flush()

    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress = None) -> int:
        """Rebuild; an index too broken to open is first moved aside and made again from scratch."""
        try:
            inner = self.inner
        except IndexUnavailable:
            if self._reset is None:
                raise
            log.warning("search index unreadable: starting a new one", extra={"backend": self.name})
            self._reset()
            inner = self.inner
        count = inner.rebuild(docs, progress)
        self._created_empty = False
        return count

    def close(self) -> None:
        with self._lock:
            self._closed = True
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()


def _whoosh(app: Flask) -> GuardedBackend:
    from whoosh import index

    from search import WhooshBackend

    index_dir = Path(app.config["INDEX_DIR"])

    def existed() -> bool:
        try:
            return index_dir.is_dir() and index.exists_in(str(index_dir))
        except Exception:  # unreadable counts as present: opening it will report the real problem
            return True

    def reset() -> None:
        if index_dir.exists():
            broken = index_dir.with_name(f".{index_dir.name}.broken-{os.getpid()}-{int(time.time())}")
            index_dir.rename(broken)
            shutil.rmtree(broken, ignore_errors=True)

    def empty() -> bool:
        opened = index.open_dir(str(index_dir))
        try:
            return opened.doc_count() == 0
        finally:
            opened.close()

    return GuardedBackend(
        "Whoosh",
        lambda: WhooshBackend(index_dir),
        reset=reset,
        existed=existed,
        live_count=_live_count,
        empty=empty,
    )


def _postgres(app: Flask) -> GuardedBackend:
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])

    def opener() -> SearchBackend:
        if not url.startswith("postgresql"):
            raise IndexUnavailable(
                "SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL; "
                "use SEARCH_BACKEND=whoosh with SQLite."
            )
        from search import PostgresBackend

        return PostgresBackend(url)

    return GuardedBackend("PostgreSQL", opener)


def _live_count() -> int:
    from leaflets.services.indexing import live_count  # the app's services import this module

    return live_count()


def create_backend(app: Flask) -> SearchBackend:
    """The configured backend, wrapped so that a missing or broken index never stops the app."""
    kind = str(app.config["SEARCH_BACKEND"]).lower()
    if kind == "postgres":
        return _postgres(app)
    if kind == "whoosh":
        return _whoosh(app)

    def misconfigured() -> SearchBackend:
        raise IndexUnavailable(f"SEARCH_BACKEND must be 'whoosh' or 'postgres', not {kind!r}.")

    log.error("unknown SEARCH_BACKEND: search is unavailable", extra={"search_backend": kind})
    return GuardedBackend(kind, misconfigured)
