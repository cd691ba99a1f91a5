"""PostgresBackend: the same contract on PostgreSQL full text search (tsvector 'english' + GIN)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from typing import Callable, Iterable, Iterator

import psycopg
from rapidfuzz.distance import Levenshtein

from . import query as q
from .engine_common import is_live, list_positive_stems, snippet_for
from .postgres_sql import CONFIG, KEY_PREFIXES, ORDERED_COLUMNS, Translation
from .query_ast import And, Not, Or, Phrase, Prefix, Term
from .suggest import FEW_HITS, closest, suggest
from .types import Hit, IndexUnavailable, Progress, Results, SearchBackend, SearchDocument, SearchQuery

log = logging.getLogger(__name__)
START, STOP = "\ue000", "\ue001"  # private-use marks around matches; stripped from documents
VOCABULARY_TTL_S = 300.0
LEXEMES = "search.lexeme"  # each lexeme of the index and its document count (migration 0020), for suggestions
# index() and delete() hold this advisory lock for their transaction: each reads a leaflet's old lexemes and
# writes the counts' change, which must not interleave with another writer's (the counts of common lexemes
# serialise the writers anyway). A rebuild takes it to recount the table from the documents.
LEXEME_LOCK = 0x5C_1E_0020
# scale: facet counts of a search are kept this long (bounded to FACET_CACHE_SIZE searches), and dropped
# whenever this process writes to the index; another process's writes show within the TTL. Counting every
# match's facets costs more than finding the page of hits once a word matches tens of thousands of leaflets.
FACET_TTL_S = 30.0
# How many documents hold a search's words (search.lexeme), and how many leaflets a small filter keeps, are
# kept as long, and dropped alike: each was a round trip of its own for most searches, and on a loaded machine
# each round trip may wait for a core (the lookups themselves take 20-200 us). Another process's writes show
# within the TTL.
LEXEME_TTL_S = FACET_TTL_S
FACET_CACHE_SIZE = 256
EXPORT_BATCH = 2000
# scale: a search matching at most RANK_LIMIT leaflets is counted exactly and ranked by ts_rank, which reads
# every match's tsvector. Past that (a common word at 100,000 leaflets matches most of them), pages and
# exports list the matches newest first, walking the index in that order (migration 0017), so a page reads
# about a page of tsvectors; the total is the planner's estimate ("about N") until the last page, and the
# facet counts are scaled from a sample of FACET_SAMPLE matches. The choice depends only on the data, so
# every page and the export of one search agree.
RANK_LIMIT = 1000
ESTIMATE_MARGIN = 2.0  # a word within filters is estimated past this many times RANK_LIMIT, not counted
# Words within filters estimated at most this many matches are counted by the page's statement (which then
# ranks them, as it would after a count of their own). Above it they are counted to RANK_LIMIT + 1 first:
# most are past RANK_LIMIT, and a large search's walked page and facet sample cost less than visiting every
# match (a word within a party estimated at 1,900: all of them, against 1,001 and a 500-match sample).
COUNTED_ESTIMATE = RANK_LIMIT
# a search counted by its page's statement reads at most this many matches: past it the estimate was far
# off, and the search is paged as a large one
COUNTED_CAP = int(2 * ESTIMATE_MARGIN * RANK_LIMIT)
# Words within filters that keep at most this many leaflets (a big area) are counted by the page's statement
# up to ESTIMATE_MARGIN x RANK_LIMIT too: a count to RANK_LIMIT + 1, a window and a facet sample cost more
# than reading them all once (word + area p95 48 -> 38 ms at 100,000 leaflets, load 8-9). Not within a
# big party: there a topic word's 1,700-2,000 matches cost more to read than the sample (62 -> 67 ms).
COUNTED_FILTER = COUNTED_CAP
FACET_SAMPLE = 500
# A facet sample of words that each more than this share of the leaflets hold reads the sampled rows'
# tsvectors instead of the words' GIN bitmap (at 100,000 leaflets: 97,000 entries, about 20 ms, against
# 3-8 ms for the sample of a word and a party). Below it the bitmap is the cheaper (a word a sixth hold).
COMMON_SHARE = 0.5
# The planner prices `tsv @@ query` as cheap, but each call reads and decompresses a TOASTed tsvector
# (about 16 µs at 100,000 leaflets, against about 8 µs to visit a row the GIN index found and 0.2 µs to put a
# candidate in its bitmap). So the backend picks the plan of a large search's page itself (_page_plan):
# - WALK down the newest-order index, checking rows until the page is full (a page's worth of rows, for a
#   word most leaflets hold);
# - WINDOW: the matches among the newest leaflets that should hold enough of them, found by ANDing the GIN
#   bitmap with a range of the newest-order index, then sorted (deep pages: the walk would read every row
#   down to the page, the bitmap every match). If the window holds too few, the page is read again by BITMAP;
# - BITMAP: every match through the GIN index's bitmap, sorted.
BITMAP = ("enable_indexscan", "enable_seqscan")  # switched off to leave the bitmap scan
WALK = ("enable_bitmapscan", "enable_seqscan")  # switched off to leave the ordered index walk
# Set for the session, and only when a statement needs others than the last one did: one round trip at most
# (BEGIN, SET LOCAL twice and COMMIT around each statement were four more, about a dozen per search).
SWITCHES = ("enable_bitmapscan", "enable_indexscan", "enable_seqscan")
# Each connection: no JIT or parallel workers (they cost more than these statements run), and a plan made
# for each statement's own values. psycopg prepares a statement run five times, and PostgreSQL then
# switches to one generic plan for any values: for a word within a party that plan ANDed the party's whole
# index with the word's and took 13-40 ms, against 2-4 ms planned for the values.
SESSION_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_custom_plan"
READ_TSV_US, VISIT_ROW_US, BITMAP_ENTRY_US = 16.0, 8.0, 0.2  # measured at 100,000 leaflets
WINDOW_MARGIN = 1.5  # the window is this much wider than the rows the page needs, by the estimated share
# The table's size and leaflet id range, for plan choices and facet samples: re-read this often.
TABLE_STATS_TTL_S = 60.0
SAMPLE_STRATA = 8  # a facet sample takes the same share of leaflets from each of this many id ranges
# Within filters that keep at most RANK_LIMIT leaflets every match is ranked, and `tsv @@` and ts_rank each
# read and detoast the row's tsvector: a copy made once per row (OFFSET 0 keeps it a subquery of its own,
# evaluated once) serves both, when that costs less than the GIN bitmap (_read_once).
READ_ONCE_TSV = "once.tsv"
READ_ONCE = "(SELECT d.tsv || ''::tsvector AS tsv OFFSET 0) AS once"
MISSING = "The search table is missing (run 'flask db upgrade') or the database is down ({})."
COLUMNS = (
    "leaflet_id",
    "version",
    "title",
    "description",
    "body",
    "claims",
    "party",
    "party_name",
    "area",
    "area_name",
    "region",
    "nation",
    "election",
    "tags",
    "verdicts",
    "bias",
    "delivered_on",
    "uploaded_at",
    "image_count",
)
TABLE = "search.document"  # made by migration 0011; the app's `flask db upgrade` creates it
REMOVED = "search.removed"  # when each leaflet left the index (migration 0017), for rebuilds
# The delivery date of the last leaflet in the window, in newest order: the index's own order, so it is read
# from the index alone (a statement of its own: under BITMAP's settings the planner sorted the table instead).
WINDOW_START = (
    f"SELECT delivered_on FROM {TABLE} WHERE delivered_on IS NOT NULL "
    "ORDER BY delivered_on DESC NULLS LAST, uploaded_at DESC NULLS LAST, leaflet_id DESC OFFSET %s LIMIT 1"
)
# each word's one lexeme and how many documents hold it (none for a stop word or a compound)
LEXEME_COUNTS = (
    f"SELECT (SELECT ndoc FROM {LEXEMES} WHERE word = a[1]) FROM unnest(%s::text[]) AS w, "
    f"tsvector_to_array(to_tsvector('{CONFIG}', w)) AS a "
    f"WHERE cardinality(a) = 1 AND numnode(to_tsquery('{CONFIG}', w)) = 1"
)
UPSERT = f"""
INSERT INTO {TABLE} AS d ({", ".join(COLUMNS)}, tsv, updated_at) VALUES ({", ".join(["%s"] * len(COLUMNS))},
    setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')
    || setweight(to_tsvector('{CONFIG}', %s), 'C') || setweight(to_tsvector('{CONFIG}', %s), 'D'),
    clock_timestamp())
ON CONFLICT (leaflet_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])},
    tsv = EXCLUDED.tsv, updated_at = EXCLUDED.updated_at
"""
# A rebuild never overwrites a row written after it began: that write came from a later look at the database.
REBUILD_UPSERT = UPSERT.rstrip() + " WHERE d.updated_at < %s\n"
ORDER = {
    "newest": "delivered_on DESC NULLS LAST, uploaded_at DESC NULLS LAST, leaflet_id DESC",
    "relevance": "score DESC, delivered_on DESC NULLS LAST, uploaded_at DESC NULLS LAST, leaflet_id DESC",
}
PAGE_ORDER = {  # ORDER over the page's keys (`page`) joined to its rows
    sort: ", ".join("page." + key for key in keys.split(", ")) for sort, keys in ORDER.items()
}
FACET_SQL = {
    "party": "SELECT party, count(*) FROM m WHERE party IS NOT NULL GROUP BY 1",
    "area": "SELECT area, count(*) FROM m WHERE area IS NOT NULL GROUP BY 1",
    "region": "SELECT region, count(*) FROM m WHERE region IS NOT NULL GROUP BY 1",
    "election": "SELECT election, count(*) FROM m WHERE election IS NOT NULL GROUP BY 1",
    "tag": "SELECT t, count(*) FROM m, unnest(m.tags) AS t GROUP BY 1",
    "verdict": "SELECT t, count(*) FROM m, unnest(m.verdicts) AS t GROUP BY 1",
    "bias": "SELECT t, count(*) FROM m, unnest(m.bias) AS t GROUP BY 1",
    "year": "SELECT extract(year FROM delivered_on)::int::text, count(*) FROM m "
    "WHERE delivered_on IS NOT NULL GROUP BY 1",
}

# every facet's counts over the matches `m`, as rows (facet, value, count)
FACET_PARTS = " UNION ALL ".join(
    f"SELECT '{name}', * FROM ({sql}) AS f{i}" for i, (name, sql) in enumerate(FACET_SQL.items())
)
FACET_COLUMNS = "party, area, region, election, tags, verdicts, bias, delivered_on"
FACETS_JSON = (
    f"(SELECT json_agg(json_build_array(f.name, f.value, f.n)) FROM ({FACET_PARTS}) AS f(name, value, n))"
)


def _rechecks(tree) -> bool:
    """True if matching reads each candidate's tsvector: phrases (positions), field restrictions."""
    if isinstance(tree, Phrase):
        return True
    if isinstance(tree, (Term, Prefix)):
        return tree.field is not None
    if isinstance(tree, Not):
        return _rechecks(tree.child)
    if isinstance(tree, (And, Or)):
        return any(_rechecks(child) for child in tree.children)
    return False  # facets, dates, nothing


def _plain_words(tree) -> list[str] | None:
    """The words of a word, or of words that must all be present, in any prose field; else None."""
    children = tree.children if isinstance(tree, And) else (tree,)
    if all(isinstance(child, Term) and child.field is None for child in children):
        return [child.word for child in children]
    return None


def _sample_where(query: SearchQuery, tree, filters_indexed: bool, words_indexed: bool) -> str:
    """The search's condition, with the same parameters, for a facet sample. Filters holding more leaflets
    than the sample's id ranges are written so that their indexes are not read (a party's index bitmap of
    24,000 entries at 100,000 leaflets, and a visit to each of its matches, cost more than the sample's
    rows; an area's few thousand entries are the smaller bitmap, and without them every sampled match of
    the word was visited). Words most leaflets hold are written so that the GIN index is not read: its
    bitmap of nearly every leaflet cost more than reading the tsvectors of the sampled rows."""
    sql = Translation(words_indexed=words_indexed)
    return " AND ".join(
        sql.filters(query, indexed=filters_indexed, keyed=tree is not None)
        + ([sql.condition(tree)] if tree is not None else [])
    )


def _filtered(query: SearchQuery) -> bool:
    return bool(query.filters() or query.date_from or query.date_to)


def _lexeme_result(rows: list[tuple], words: list[str]) -> list[int] | None:
    """Each word's document count from the rows of LEXEME_COUNTS, or None unless every word has one."""
    counts = [int(n) for (n,) in rows if n is not None]
    return counts if len(counts) == len(words) else None


def _filter_estimate_sql(where: str) -> str:
    return f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {where}"


def _filter_count_sql(where: str) -> str:
    """How many leaflets the filters keep, to the limit given: their own indexes alone, no heap."""
    return f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) AS f"


def _keyed(query: SearchQuery) -> bool:
    """Whether every filter of the query is a key of the words' GIN index (migration 0022): no dates,
    tags, verdicts or bias."""
    return not (query.date_from or query.date_to) and all(field in KEY_PREFIXES for field in query.filters())


def _filters_only(query: SearchQuery) -> tuple[str, list]:
    """The query's filters alone (no words) as a condition and its parameters; "true" when there are none."""
    sql = Translation()
    return " AND ".join(sql.filters(query)) or "true", list(sql.params)


def _facet_key(where: str, params: list, limit: int, exact: bool) -> tuple:
    """What a search's facet counts are kept under: exact counts and scaled samples are kept apart."""
    return (where, tuple(map(str, params)), limit, exact)


def _remove(cur, leaflet_ids: list[int]) -> None:
    """Drop these leaflets' rows and record when, so a rebuild that read them earlier drops them too."""
    if not leaflet_ids:
        return
    cur.execute(f"DELETE FROM {TABLE} WHERE leaflet_id = ANY(%s)", (leaflet_ids,))
    cur.execute(
        f"INSERT INTO {REMOVED} (leaflet_id) SELECT unnest(%s::bigint[]) "
        "ON CONFLICT (leaflet_id) DO UPDATE SET removed_at = clock_timestamp()",
        (leaflet_ids,),
    )


def _dsn(target) -> str:
    if isinstance(target, str):
        return target.replace("postgresql+psycopg://", "postgresql://")
    url = target.url.set(drivername="postgresql")  # a SQLAlchemy engine
    return url.render_as_string(hide_password=False)


def _clean(text: str | None) -> str:
    return (text or "").replace(START, "").replace(STOP, "").replace("\x00", "")


def _row(doc: SearchDocument) -> tuple:
    claims = [_clean(c) for c in doc.claims or ()]
    title, description, body = _clean(doc.title), _clean(doc.description), _clean(doc.text)
    return (
        doc.leaflet_id,
        doc.version or "",
        title,
        description,
        body,
        claims,
        doc.party,
        doc.party_name,
        doc.area,
        doc.area_name,
        doc.region,
        doc.nation,
        doc.election,
        list(doc.tags or ()),
        list(doc.verdicts or ()),
        list(doc.bias or ()),
        doc.delivered_on,
        doc.uploaded_at,
        doc.image_count or 0,
        title,
        " ".join(claims),
        description,
        body,
    )


class PostgresBackend(SearchBackend):
    """Full text search in the table `search.document` (migration 0011)."""

    def __init__(self, dsn_or_engine):
        self.dsn = _dsn(dsn_or_engine)
        self._local = threading.local()
        self._connections: list[psycopg.Connection] = []
        self._lock = threading.RLock()  # explain() holds it while a search may open the connection
        self._vocabulary: tuple[float, tuple[dict[str, int], list[str]]] | None = None
        self._facet_cache = _Kept(self._lock)  # facet key -> {facet: [(value, count)]}
        # words -> (each word's document count, or None,); ("filters", sql, params) -> leaflets, to 1,001;
        # ("window", size) -> WINDOW_START's row
        self._kept_counts = _Kept(self._lock)
        self._explaining: list[str] | None = None
        self._table_stats: tuple[float, tuple[float, int, int]] | None = None
        self._shares = _Kept(self._lock)  # (filters' sql, params) -> share of the leaflets they keep

    def _conn(self, off: tuple[str, ...] = ()) -> psycopg.Connection:
        """This thread's connection, with the planner methods `off` switched off and every other one on."""
        conn = self._connection()
        if self._local.off != off:
            self._local.off = None  # unknown until the SETs succeed
            conn.execute("; ".join(f"SET {s} = {'off' if s in off else 'on'}" for s in SWITCHES))
            self._local.off = off
        return conn

    def _connection(self) -> psycopg.Connection:
        """This thread's connection, whatever its planner switches."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                conn = psycopg.connect(self.dsn, autocommit=True, options=SESSION_OPTIONS)
            except psycopg.OperationalError as exc:
                raise IndexUnavailable(f"The search database cannot be reached ({exc}).") from exc
            self._local.conn, self._local.off = conn, ()
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _writing(self):
        try:
            yield
        except (psycopg.errors.UndefinedTable, psycopg.OperationalError) as exc:
            raise IndexUnavailable(MISSING.format(exc)) from exc

    def _written(self) -> None:
        """Forget what this process keeps of the index (facet and word counts, the vocabulary): read again
        after its own writes (milliseconds)."""
        self._facet_cache.clear()
        self._kept_counts.clear()
        self._vocabulary = None

    def index(self, docs: Iterable[SearchDocument]) -> None:
        self._written()
        with self._writing():
            self._index(docs)

    def _index(self, docs: Iterable[SearchDocument]) -> None:
        docs = sorted(
            docs, key=lambda d: d.leaflet_id
        )  # one lock order, so concurrent batches never deadlock
        live = [_row(d) for d in docs if is_live(d)]
        gone = [d.leaflet_id for d in docs if not is_live(d)]
        with self._conn().transaction(), self._conn().cursor() as cur:
            counts = _LexemeCounts(cur, [d.leaflet_id for d in docs])
            if live:
                cur.executemany(UPSERT, live)
                cur.execute(f"DELETE FROM {REMOVED} WHERE leaflet_id = ANY(%s)", ([r[0] for r in live],))
            if gone:
                _remove(cur, gone)
            counts.write()

    def delete(self, leaflet_ids: Iterable[int]) -> None:
        self._written()
        ids = sorted(int(i) for i in leaflet_ids)
        with self._writing(), self._conn().transaction(), self._conn().cursor() as cur:
            counts = _LexemeCounts(cur, ids)
            _remove(cur, ids)
            counts.write()

    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress = None) -> int:
        """Rewrite every row in short committed batches beside the live table: searches keep reading it, and
        a row that index() or delete() wrote after the rebuild began is never overwritten or removed."""
        started = self._execute(
            f"SELECT clock_timestamp() FROM (SELECT 1 FROM {TABLE} LIMIT 1) AS t "
            "RIGHT JOIN (SELECT 1) AS one ON true",
            [],
        )[0][0]  # fails early without the table
        count = done = 0
        seen: list[int] = []
        batch: list[tuple] = []

        def write() -> None:
            with self._conn().transaction(), self._conn().cursor() as cur:
                cur.executemany(REBUILD_UPSERT, [row + (started,) for row in batch])
                # a leaflet removed since the rebuild began was read before its removal: not live any more
                cur.execute(
                    f"DELETE FROM {TABLE} AS d USING {REMOVED} AS r WHERE d.leaflet_id = r.leaflet_id "
                    "AND r.removed_at >= %s AND d.leaflet_id = ANY(%s)",
                    (started, [row[0] for row in batch]),
                )
            batch.clear()

        for done, doc in enumerate(docs, 1):
            if is_live(doc):
                batch.append(_row(doc))
                seen.append(doc.leaflet_id)
                count += 1
            if len(batch) >= 500:
                write()
            if progress and done % 1000 == 0:
                progress(done)
        if batch:
            write()
        self._conn().execute(
            f"DELETE FROM {TABLE} WHERE updated_at < %s AND NOT (leaflet_id = ANY(%s))", (started, seen)
        )
        # records of removals older than a day can no longer matter to a rebuild
        self._conn().execute(f"DELETE FROM {REMOVED} WHERE removed_at < %s - interval '1 day'", (started,))
        self._conn().execute(f"VACUUM (ANALYZE) {TABLE}")  # the newest-order index read without the heap
        with self._conn().transaction():  # its own writes left the lexeme counts behind: recount them
            self._conn().execute("SELECT pg_advisory_xact_lock(%s)", (LEXEME_LOCK,))
            self._conn().execute(f"DELETE FROM {LEXEMES}")
            self._conn().execute(
                f"INSERT INTO {LEXEMES} (word, ndoc) "
                f"SELECT word, ndoc FROM ts_stat('SELECT tsv FROM {TABLE}')"
            )
        if progress:
            progress(done)
        self._written()
        return count

    def versions(self) -> dict[int, str]:
        return dict(self._execute(f"SELECT leaflet_id, version FROM {TABLE}", []))

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def _execute(self, sql: str, params: list, off: tuple[str, ...] = ()) -> list[tuple]:
        """Rows of one statement; `off`: planner methods switched off for it (BITMAP, WALK)."""
        try:
            conn = self._connection()
            if self._local.off != off and self._explaining is None:
                # the switches and the statement sent together: one round trip, where the SETs were one more
                self._local.off = None  # unknown until the SETs succeed
                with conn.pipeline():
                    for switch in SWITCHES:
                        conn.execute(f"SET {switch} = {'off' if switch in off else 'on'}")
                    cursor = conn.execute(sql, params)
                self._local.off = off
                return cursor.fetchall()
            conn = self._conn(off)
            if self._explaining is not None and sql.startswith(("SELECT", "WITH")):
                plan = conn.execute(f"EXPLAIN {sql}", params).fetchall()
                self._explaining.append("\n".join(line for (line,) in plan))
            return conn.execute(sql, params).fetchall()
        except (psycopg.errors.UndefinedTable, psycopg.OperationalError) as exc:
            raise IndexUnavailable(MISSING.format(exc)) from exc

    def _execute_together(self, statements: list[tuple[str, list, tuple[str, ...]]]) -> list[list[tuple]]:
        """Rows of each statement (sql, params, planner methods off), sent in one pipeline: one round trip,
        each statement's switches set before it (explain() runs them one by one)."""
        if self._explaining is not None:
            return [self._execute(*statement) for statement in statements]
        try:
            conn = self._connection()
            current, cursors = self._local.off, []
            self._local.off = None  # unknown until every statement succeeds
            with conn.pipeline():
                for sql, params, off in statements:
                    if current != off:
                        for switch in SWITCHES:
                            conn.execute(f"SET {switch} = {'off' if switch in off else 'on'}")
                        current = off
                    cursors.append(conn.execute(sql, params))
            self._local.off = current
            return [cursor.fetchall() for cursor in cursors]
        except (psycopg.errors.UndefinedTable, psycopg.OperationalError) as exc:
            raise IndexUnavailable(MISSING.format(exc)) from exc

    def _plan(self, query: SearchQuery, tsv: str = "tsv"):
        """(tree, where, where params, score sql, score params, sort) of a validated query; `tsv`: the
        tsvector its words are matched against and ranked by."""
        query.validate()
        tree = q.parse(
            query.text, allow_negative_only=bool(query.filters() or query.date_from or query.date_to)
        )
        sql = Translation(tsv=tsv)
        # filters first: PostgreSQL checks conditions of equal cost in the order written, and a filter costs
        # far less than `tsv @@` (a TOASTed tsvector read), which it prices the same
        # the filters as keys too where the words are found through the GIN index (not on a read-once copy)
        conditions = sql.filters(query, keyed=tree is not None and tsv == "tsv")
        conditions += [sql.condition(tree)] if tree is not None else []
        where, where_params = " AND ".join(conditions) or "true", list(sql.params)
        rank_q, rank_params = sql.combined_tsquery()
        score = f"ts_rank({tsv}, {rank_q})" if rank_q else "0::real"
        sort = "newest" if query.sort == "newest" or not rank_q else "relevance"
        return tree, where, where_params, rank_q, rank_params, score, sort

    def search(self, query: SearchQuery) -> Results:
        tree, where, where_params, rank_q, rank_params, score, sort = self._plan(query)
        self._prefetch(query, tree)
        offset = (query.page - 1) * query.per_page
        # words within filters holding at most RANK_LIMIT leaflets, or a word that few leaflets hold, or
        # words within filters whose matches are estimated at most COUNTED_ESTIMATE: counted by the page's
        # statement, which reads every match anyway (a count of their own built the GIN bitmap of the word,
        # or read the area's rows, a second time)
        few_rows = self._few_filtered(query) if tree is not None else None
        few = few_rows is not None
        count, estimate = (None, 0) if few else self._measure(where, where_params, tree, query, in_page=True)
        facet_key = _facet_key(where, where_params, query.facet_limit, exact=True)
        facets = None
        counted = None
        sample: tuple[tuple, str, list] | None = None
        sampled = None
        if count is None:
            facets = self._kept_facets(facet_key) if query.facets else None
            wanted = replace(query, facets=query.facets and facets is None)  # counted in the same statement
            if few_rows is not None and sort == "relevance" and self._read_once(tree, few_rows):
                _, once, once_params, _, _, once_score, _ = self._plan(query, tsv=READ_ONCE_TSV)
                counted = self._counted_page(wanted, once, once_params, rank_q, rank_params, once_score, sort)
            else:
                counted = self._counted_page(wanted, where, where_params, rank_q, rank_params, score, sort)
            if counted is None:  # far more matches than estimated: counted alone
                count, estimate = self._count_upto(where, where_params, tree, query)
        large = False
        if counted is not None:
            rows, count, facet_rows = counted
            estimated = False
            if facets is None and query.facets:
                facets = self._keep_facets(facet_key, _facet_lists(facet_rows, query.facet_limit))
        else:
            assert count is not None  # counted by _count_upto
            estimated = large = count > RANK_LIMIT
            # a large search's facet sample is sent with its page: sized by the estimate, scaled below to
            # the total (the same, but on a last page)
            if large and query.facets:
                facets, sample = self._facet_request(query, tree, where, where_params, estimate)
            beside = (*sample[1:], BITMAP) if sample else None
            rows, page_facets, sampled = self._page(
                query, tree, where, where_params, rank_q, rank_params, score, sort, count, estimate, beside
            )
            facets = facets or page_facets
        has_more = len(rows) > query.per_page
        rows = rows[: query.per_page]
        if not estimated:
            total = known = count
        elif has_more:  # at least this page and one more; the planner says how many in all
            known = offset + len(rows)
            total = max(estimate, known + 1)
        else:  # the last page: now exact
            total, known, estimated = offset + len(rows), offset + len(rows), False
        if sampled is not None and sample is not None:
            facets = self._keep_facets(sample[0], _facet_result(sampled, query.facet_limit, total))
        # counting the facets of tens of thousands of matches costs more than the page: a sample
        if facets is None and query.facets:
            facets = self._facets(query, tree, where, where_params, total if large else None)
        words = q.positive_words(tree) if tree is not None else []
        stems, prefixes = list_positive_stems(tree)
        suggestion = (
            suggest(query.text, words, _PgVocabulary(self))
            if tree is not None and total < FEW_HITS and query.suggest
            else None
        )
        return Results(
            total=total,
            hits=[_hit(r, stems, prefixes) for r in rows],
            facets=facets or {},
            total_is_estimate=estimated,
            suggestion=suggestion,
            terms=words,
            page=query.page,
            per_page=query.per_page,
            total_known=known,
            has_more=has_more,
        )

    def _counted_page(self, query: SearchQuery, where, where_params, rank_q, rank_params, score, sort):
        """(rows, exact count, facet rows) of a search whose matches are counted by its page's statement:
        every match (up to COUNTED_CAP) is materialised once with its facet columns and a pointer to its
        tsvector; the count decides whether they are ranked (at most RANK_LIMIT) or listed newest first,
        as every other page and the export decide it. None past COUNTED_CAP matches (the estimate was far
        off: the search is paged as a large one)."""
        offset = (query.page - 1) * query.per_page
        # ranked when at most RANK_LIMIT match, and not at all past the last page (no row to show)
        ranked = (
            f"CASE WHEN (SELECT n FROM c) <= {RANK_LIMIT} AND (SELECT n FROM c) > {int(offset)} "
            "THEN {} ELSE 0::real END"
        )
        page_score, page_params = "page.score", []
        if sort == "newest" and rank_params:  # only the page's rows are ranked
            page_score, page_params = ranked.format(f"ts_rank(d.tsv, {rank_q})"), rank_params
            score, rank_params = "0::real", []
        order = ORDER["newest"] if sort == "newest" else f"score DESC, {ORDER['newest']}"
        source, read, m_params = TABLE, "tsv", []
        if READ_ONCE_TSV in where:  # the where names the copy: each match is ranked as it is matched
            source = f"{TABLE} AS d CROSS JOIN LATERAL {READ_ONCE}"
            read, m_params, rank_params = f"{score} AS score", rank_params, []
            score = "score"
        rows = self._execute(
            f"WITH m AS MATERIALIZED (SELECT leaflet_id, uploaded_at, {read}, {FACET_COLUMNS} "
            f"FROM {source} WHERE {where} LIMIT %s), c AS MATERIALIZED (SELECT count(*) AS n FROM m) "
            f"SELECT {', '.join('d.' + c for c in COLUMNS)}, {page_score}, c.n, "
            f"{FACETS_JSON if query.facets else 'NULL'} FROM c LEFT JOIN ("
            f"SELECT leaflet_id, delivered_on, uploaded_at, {ranked.format(score)} AS score FROM m "
            f"ORDER BY {order} LIMIT %s OFFSET %s) AS page ON true "
            f"LEFT JOIN {TABLE} AS d ON d.leaflet_id = page.leaflet_id ORDER BY {PAGE_ORDER[sort]}",
            m_params
            + where_params
            + [COUNTED_CAP + 1]
            + page_params
            + rank_params
            + [query.per_page + 1, offset],
            BITMAP,
        )
        count = int(rows[0][-2])  # past the last page, one row without a leaflet carries the count
        if count > COUNTED_CAP:
            return None
        return [row for row in rows if row[0] is not None], count, rows[0][-1] or []

    def _page(
        self, query, tree, where, where_params, rank_q, rank_params, score, sort, count, estimate, beside=None
    ):
        """(rows, exact facets if known here, rows of `beside`) of a search already counted (or estimated);
        `beside` (sql, params, planner methods off): a statement sent with the page's first (one round trip
        for both), the facet sample of a large search."""
        offset = (query.page - 1) * query.per_page
        large = count > RANK_LIMIT
        plan: tuple[str, ...] = BITMAP if tree is not None else ()
        window = None
        if large:  # newest first, one row more than the page to know whether another page follows
            sort, score, rank_params = "newest", "0::real", []
            plan, window = self._page_plan(estimate, offset + query.per_page + 1, tree, query)
        # newest first, only the page's rows are ranked: ts_rank reads a match's tsvector, and counting the
        # matches through the GIN bitmap reads none
        page_score, page_params = "page.score", []
        if sort == "newest" and rank_params:
            page_score, page_params = f"ts_rank(d.tsv, {rank_q})", rank_params
            score, rank_params = "0::real", []
        # only the keys are sorted; the page's rows are read (and their text detoasted) after
        page = (
            f"SELECT {', '.join('d.' + c for c in COLUMNS)}, {page_score} FROM ("
            f"SELECT leaflet_id, delivered_on, uploaded_at, {score} AS score FROM {TABLE} "
            f"WHERE {where}{{window}} ORDER BY {ORDER[sort]} LIMIT %s OFFSET %s) AS page "
            f"JOIN {TABLE} AS d USING (leaflet_id) ORDER BY {PAGE_ORDER[sort]}"
        )
        rows: list[tuple] = []
        facet_key = _facet_key(where, where_params, query.facet_limit, exact=True)
        facets, inline = None, False
        if query.facets and not large:
            facets = self._kept_facets(facet_key)
            inline = facets is None
        if inline:  # the page's statement counts them over the same matches: one pass, one GIN bitmap
            rows = self._execute(
                f"WITH m AS MATERIALIZED (SELECT leaflet_id, uploaded_at, {score} AS score, {FACET_COLUMNS} "
                f"FROM {TABLE} WHERE {where}) "
                f"SELECT {', '.join('d.' + c for c in COLUMNS)}, {page_score}, {FACETS_JSON} FROM ("
                f"SELECT leaflet_id, delivered_on, uploaded_at, score FROM m "
                f"ORDER BY {ORDER[sort]} LIMIT %s OFFSET %s) AS page "
                f"JOIN {TABLE} AS d USING (leaflet_id) ORDER BY {PAGE_ORDER[sort]}",
                rank_params + where_params + page_params + [query.per_page + 1, offset],
                plan,
            )
            if rows:
                facets = self._keep_facets(facet_key, _facet_lists(rows[0][-1] or [], query.facet_limit))
            rows = [row[:-1] for row in rows]
        beside_rows = None

        def read(sql: str, params: list, off: tuple[str, ...]) -> list[tuple]:
            nonlocal beside_rows
            if beside is None or beside_rows is not None:
                return self._execute(sql, params, off)
            rows, beside_rows = self._execute_together([(sql, params, off), beside])
            return rows

        start = self._window_start(window) if window is not None else []
        if start:  # every match delivered since then comes before every other match
            rows = read(
                page.format(window=" AND delivered_on >= %s"),
                page_params + rank_params + where_params + [start[0][0], query.per_page + 1, offset],
                BITMAP,
            )
        if len(rows) <= query.per_page and not inline:  # the window held too few: they may not be all
            rows = read(
                page.format(window=""),
                page_params + rank_params + where_params + [query.per_page + 1, offset],
                plan,
            )
        return rows, facets, beside_rows

    def explain(self, query: SearchQuery, facets: bool = False) -> list[str]:
        """PostgreSQL's plan of each statement a search for this query runs (for operators and tests), with
        nothing kept used (word and filter counts, window starts); with `facets`, their counts too."""
        with self._lock:
            self._explaining = []
            self._kept_counts.clear()
            if facets:
                self._facet_cache.clear()
            try:
                self.search(replace(query, facets=facets, suggest=False))
                return self._explaining
            finally:
                self._explaining = None

    def _lexeme_documents(self, words: list[str]) -> list[int] | None:
        """How many documents hold each word's one lexeme (search.lexeme keeps it exact), or None when a
        word is no single lexeme (a stop word, a compound) or none holds it. Kept LEXEME_TTL_S (a search
        asks up to three times; searches of the same words are frequent)."""
        key = tuple(words)
        kept = self._kept_counts.get(key, LEXEME_TTL_S)
        if kept is None:
            kept = (self._lexeme_counts(words),)
            self._kept_counts.put(key, kept)
        return kept[0]

    def _lexeme_counts(self, words: list[str]) -> list[int] | None:
        return _lexeme_result(self._execute(LEXEME_COUNTS, [words]), words)

    def _common_words(self, tree) -> bool:
        """Whether the search is plain words that each more than COMMON_SHARE of the leaflets hold."""
        counts = self._word_documents(tree)
        return counts is not None and min(counts) > COMMON_SHARE * self._table()[0]

    def _word_documents(self, tree) -> list[int] | None:
        """How many leaflets hold each word of a search of plain words (_plain_words); else None."""
        words = _plain_words(tree)
        return self._lexeme_documents(words) if words else None

    def _few_filtered(self, query: SearchQuery) -> int | None:
        """How many leaflets the query's filters keep, if at most RANK_LIMIT (an area, most often), else
        None: counted to RANK_LIMIT + 1 through their indexes alone, when the planner thinks they might,
        and kept as the words' counts are (LEXEME_TTL_S; dropped by this process's writes)."""
        if (
            not _filtered(query)
            or self._filter_share(query) * self._table()[0] > ESTIMATE_MARGIN * RANK_LIMIT
        ):
            return None
        where, params = _filters_only(query)
        key = ("filters", where, tuple(map(str, params)))
        count = self._kept_counts.get(key, LEXEME_TTL_S)
        if count is None:
            count = int(self._execute(_filter_count_sql(where), params + [RANK_LIMIT + 1])[0][0])
            self._kept_counts.put(key, count)
        return count if count <= RANK_LIMIT else None

    def _read_once(self, tree, filtered: int) -> bool:
        """Whether plain words ranked within `filtered` leaflets cost less checked and ranked on one copy of
        each filtered row's tsvector (READ_ONCE: every row's read once, no GIN bitmap) than found through
        the words' GIN bitmaps ANDed with the filters' (each match's tsvector read twice, for `@@` and
        ts_rank). Words most leaflets hold, or a small area: the copy; a rarer word in a big area: the
        bitmap (the copy read every leaflet of the area: slower by a third over the benchmark's areas)."""
        counts = self._word_documents(tree)
        if not counts:
            return False
        rows = self._table()[0]
        share = 1.0
        for count in counts:  # as if the words fell independently
            share *= min(1.0, count / rows)
        once = filtered * (VISIT_ROW_US + READ_TSV_US)
        indexed = sum(counts) * BITMAP_ENTRY_US + filtered * share * (VISIT_ROW_US + 2 * READ_TSV_US)
        return once < indexed

    def _filter_share(self, query: SearchQuery) -> float:
        """The planner's estimate of the share of leaflets the query's filters keep."""
        where, params = _filters_only(query)
        key = (where, tuple(map(str, params)))
        kept = self._shares.get(key, TABLE_STATS_TTL_S)  # a search asks up to three times
        if kept is not None:
            return kept
        share = self._share_of(self._execute(_filter_estimate_sql(where), params))
        self._shares.put(key, share)
        return share

    def _share_of(self, rows: list[tuple]) -> float:
        """The share of the leaflets in the planner's estimate (rows of _filter_estimate_sql)."""
        return min(1.0, float(rows[0][0][0]["Plan"]["Plan Rows"]) / self._table()[0])

    def _prefetch(self, query: SearchQuery, tree) -> None:
        """Reads, in one round trip (a pipeline), what the search will ask and this process does not keep:
        its words' document counts, the planner's estimate of its filters and their count to 1,001. They
        do not depend on each other, and each was a round trip of its own: on a loaded machine each may
        wait for a core, longer than the lookups take (20-300 us). explain() reads them one by one."""
        wanted: list[tuple[str, list, Callable[[list[tuple]], None]]] = []
        words = _plain_words(tree) if tree is not None else None
        if words and self._kept_counts.get(tuple(words), LEXEME_TTL_S) is None:
            key = tuple(words)
            wanted.append(
                (
                    LEXEME_COUNTS,
                    [words],
                    lambda rows: self._kept_counts.put(key, (_lexeme_result(rows, words),)),
                )
            )
        if tree is not None and _filtered(query):
            where, params = _filters_only(query)
            share_key, count_key = (
                (where, tuple(map(str, params))),
                ("filters", where, tuple(map(str, params))),
            )
            if self._shares.get(share_key, TABLE_STATS_TTL_S) is None:
                wanted.append(
                    (
                        _filter_estimate_sql(where),
                        params,
                        lambda rows: self._shares.put(share_key, self._share_of(rows)),
                    )
                )
            if self._kept_counts.get(count_key, LEXEME_TTL_S) is None:
                wanted.append(
                    (
                        _filter_count_sql(where),
                        params + [RANK_LIMIT + 1],
                        lambda rows: self._kept_counts.put(count_key, int(rows[0][0])),
                    )
                )
        if len(wanted) < 2 or self._explaining is not None:
            return  # nothing to save: each is read when asked
        self._table()  # a statement of its own when not kept, read before the others need it
        try:
            conn = self._conn(getattr(self._local, "off", None) or ())  # none of them needs a switch
            with conn.pipeline():
                cursors = [conn.execute(sql, params) for sql, params, _ in wanted]
            for cursor, (_, _, keep) in zip(cursors, wanted):
                keep(cursor.fetchall())
        except (psycopg.errors.UndefinedTable, psycopg.OperationalError) as exc:
            raise IndexUnavailable(MISSING.format(exc)) from exc

    def _count_upto(self, where: str, params: list, tree, query: SearchQuery) -> tuple[int, int]:
        count, estimate = self._measure(where, params, tree, query, in_page=False)
        assert count is not None  # only in_page leaves the count to the page's statement
        return count, estimate

    def _measure(
        self, where: str, params: list, tree, query: SearchQuery, in_page: bool
    ) -> tuple[int | None, int]:
        """(matches counted no further than RANK_LIMIT + 1, an estimate of all of them).

        One statement, run under EXPLAIN ANALYZE so that besides the capped count (the Limit's rows) it
        tells how many candidates the index's bitmap held, which no row read reveals: for plain words that
        is the exact number of matches, and for phrases and filters it is scaled by the share of the rows
        read that matched. An AND of bitmaps (a word within a party) is estimated by the planner, as are
        filters alone, counted through whichever index the planner likes (a value's newest-order index,
        without the heap). A word alone that more than RANK_LIMIT documents hold is counted from the
        lexeme table instead: the GIN bitmap of most of the leaflets took longer than the rest of a page.
        For several words that must all be present, or within filters, the estimate is the leaflets times
        the share holding each word times the share the filters keep (the planner's estimate), as if
        independent, when it is past ESTIMATE_MARGIN x RANK_LIMIT: counting to RANK_LIMIT + 1 read
        that many tsvectors or built that GIN bitmap (15-20 ms at 100,000 leaflets, for a word 80 % hold).
        Nearer the limit the matches are counted, so the choice between ranking and newest first stays
        exact where an estimate could err: with `in_page`, (None, estimate) says instead that the page's
        statement counts them (_counted_page), when the estimate is at most COUNTED_ESTIMATE or a word is
        held by at most RANK_LIMIT leaflets."""
        counts = self._word_documents(tree)
        if counts and min(counts) > RANK_LIMIT:
            if len(counts) == 1 and not _filtered(query):
                return RANK_LIMIT + 1, counts[0]  # exact
            rows = self._table()[0]
            share = self._filter_share(query) if _filtered(query) else 1.0
            estimate = rows * share
            for count in counts:  # as if the words and filters fell independently
                estimate *= min(1.0, count / rows)
            far = estimate > ESTIMATE_MARGIN * RANK_LIMIT
            small_filter = share * rows <= COUNTED_FILTER
            page_counts = in_page and not far and (estimate <= COUNTED_ESTIMATE or small_filter)
            # counted below, within filters that are all keys through one scan of the GIN index (its
            # bitmap's size the estimate, its first RANK_LIMIT + 1 rows the count), not the filters' own
            # indexes too (the planner, counting a filter twice, ANDed a party's btree in)
            if _keyed(query) and not (page_counts or far):
                where = _sample_where(query, tree, filters_indexed=False, words_indexed=True)
            elif far:
                return RANK_LIMIT + 1, round(estimate)
            elif page_counts:
                return None, round(estimate)
        elif counts and in_page:  # no more matches than the rarest word's leaflets
            return None, min(counts)
        sql = f"SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s"
        args, plan_off = params + [RANK_LIMIT + 1], BITMAP if tree is not None else ()
        if self._explaining is not None:
            self._execute(sql, args, plan_off)  # records the plan
        plan = self._execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}", args, plan_off)[0][0]
        limit = plan[0]["Plan"]
        count = int(limit["Actual Rows"])
        scan = limit["Plans"][0]
        candidates = _bitmap_rows(scan["Plans"][0]) if scan["Node Type"] == "Bitmap Heap Scan" else None
        if candidates is None:
            return count, max(count, int(scan["Plan Rows"]))
        read = (
            count
            + int(scan.get("Rows Removed by Index Recheck", 0))
            + int(scan.get("Rows Removed by Filter", 0))
        )
        return count, max(count, round(candidates * count / read) if read else 0)

    def _table(self) -> tuple[float, int, int]:
        """(rows, lowest and highest leaflet id), re-read every TABLE_STATS_TTL_S."""
        now = time.monotonic()
        if self._table_stats is None or now - self._table_stats[0] > TABLE_STATS_TTL_S:
            rows = self._execute(
                f"SELECT reltuples, (SELECT min(leaflet_id) FROM {TABLE}), "
                f"(SELECT max(leaflet_id) FROM {TABLE}) FROM pg_class WHERE oid = '{TABLE}'::regclass",
                [],
            )[0]
            self._table_stats = (now, (max(float(rows[0]), 1.0), int(rows[1] or 0), int(rows[2] or 0)))
        return self._table_stats[1]

    def _window_start(self, newest: int) -> list[tuple]:
        """WINDOW_START's row for about the `newest` leaflets: rounded up to 8-15 times a power of two (at
        most an eighth wider) and kept TABLE_STATS_TTL_S, so that searches whose windows are alike share one
        read (a round trip fewer). Any date is a right start: whatever was delivered since then comes
        before the rest, and a window left too narrow by writes since is read again in full."""
        shift = max(0, newest.bit_length() - 4)
        size = -(-newest >> shift) << shift  # the top four bits of `newest`, rounded up
        key = ("window", size)
        kept = self._kept_counts.get(key, TABLE_STATS_TTL_S)
        if kept is None:
            kept = self._execute(WINDOW_START, [size])
            self._kept_counts.put(key, kept)
        return kept

    def _page_plan(
        self, estimate: int, rows: int, tree, query: SearchQuery
    ) -> tuple[tuple[str, ...], int | None]:
        """(WALK or BITMAP, and the newest leaflets to window the page in first, or None): whichever reads
        least to find the first `rows` matches of about `estimate`, newest first."""
        filters = query.filters()
        if tree is None and any(len(filters.get(column, ())) == 1 for column in ORDERED_COLUMNS):
            return WALK, None  # that value's leaflets in order (migration 0019): `rows` rows read
        share = min(max(estimate / self._table()[0], 1e-6), 1.0)
        check = READ_TSV_US if tree is not None else VISIT_ROW_US  # a filter alone reads no tsvector
        visit = VISIT_ROW_US + (READ_TSV_US if _rechecks(tree) else 0.0)
        walk = rows / share * check
        window = estimate * BITMAP_ENTRY_US + rows * WINDOW_MARGIN * visit
        bitmap = estimate * (BITMAP_ENTRY_US + visit)
        if walk <= min(window, bitmap):
            return WALK, None
        if window < bitmap:
            return BITMAP, int(rows / share * WINDOW_MARGIN) + 100
        return BITMAP, None

    def ids(self, query: SearchQuery) -> Iterator[int]:
        """A server-side cursor on its own connection: ids arrive in batches, never all in memory."""
        tree, where, where_params, _, rank_params, score, sort = self._plan(query)
        if self._count_upto(where, where_params, tree, query)[0] > RANK_LIMIT:
            sort, score, rank_params = "newest", "0::real", []  # as search() pages it
        try:
            conn = psycopg.connect(self.dsn)
        except psycopg.OperationalError as exc:
            raise IndexUnavailable(f"The search database cannot be reached ({exc}).") from exc
        try:
            with conn.cursor(name="search_ids") as cur:
                cur.itersize = EXPORT_BATCH
                cur.execute(
                    f"SELECT leaflet_id FROM (SELECT leaflet_id, delivered_on, uploaded_at, {score} AS score "
                    f"FROM {TABLE} WHERE {where}) AS m ORDER BY {ORDER[sort]}",
                    rank_params + where_params,
                )
                for (leaflet_id,) in cur:
                    yield int(leaflet_id)
        finally:
            conn.close()

    def _facets(
        self, query: SearchQuery, tree, where: str, params: list, scale_to: int | None = None
    ) -> dict[str, list[tuple[str, int]]]:
        """Every match's facets counted (kept FACET_TTL_S), or (scale_to: about that many match) a sample's
        scaled up."""
        kept, request = self._facet_request(query, tree, where, params, scale_to)
        if request is None:
            return kept or {}
        key, sql, sql_params = request
        return self._keep_facets(
            key, _facet_result(self._execute(sql, sql_params, BITMAP), query.facet_limit, scale_to)
        )

    def _facet_request(
        self, query: SearchQuery, tree, where: str, params: list, scale_to: int | None
    ) -> tuple[dict | None, tuple[tuple, str, list] | None]:
        """(the facets kept, None), or (None, (key to keep them under, statement, its parameters))."""
        key = _facet_key(where, params, query.facet_limit, exact=scale_to is None)
        kept = self._kept_facets(key)
        if kept is not None:
            return kept, None
        if scale_to:
            # the sample's ids as the bitmap, not the filters' indexes, when those hold more entries
            wide = _filtered(query) and self._filter_share(query) * scale_to > FACET_SAMPLE
            common = self._common_words(tree)
            # words found through the GIN index find the filters' keys there too (migration 0022): a filter's
            # own index beside them only adds entries (the planner, counting the filter twice, ANDed a
            # party's 14,000 with them and left the sample's ids out: 16.7 ms against 8.3)
            keyed = _filtered(query) and _keyed(query) and tree is not None and not common
            if wide or common or keyed:
                where = _sample_where(query, tree, not (wide or keyed), not common)
        return None, (key, *self._facet_statement(where, params, scale_to))

    def _kept_facets(self, key: tuple) -> dict[str, list[tuple[str, int]]] | None:
        kept = self._facet_cache.get(key, FACET_TTL_S)
        return None if kept is None else {name: list(values) for name, values in kept.items()}

    def _keep_facets(self, key: tuple, facets: dict) -> dict[str, list[tuple[str, int]]]:
        self._facet_cache.put(key, facets)
        return {name: list(values) for name, values in facets.items()}

    def _facet_statement(self, where: str, params: list, scale_to: int | None) -> tuple[str, list]:
        """The statement counting the facets over every match, or (scale_to: about that many match) over a
        sample holding about FACET_SAMPLE matches (_facet_result scales it up). The sample is the same share
        of leaflet ids at the start of each of SAMPLE_STRATA id ranges: the primary key's bitmap ANDed with
        the search's, so only sampled matches are visited (a TABLESAMPLE read every sampled row's tsvector
        to test it)."""
        sample, sample_params = "", []
        if scale_to:
            _, low, high = self._table()
            width = (high - low + 1) / SAMPLE_STRATA
            taken = max(1, int(width * min(1.0, FACET_SAMPLE / scale_to)))
            starts = [low + int(i * width) for i in range(SAMPLE_STRATA)]
            bounds = [bound for start in starts for bound in (start, start + taken)]
            ranges = "{" + ",".join(f"[{start},{start + taken})" for start in starts) + "}"
            # the ranges twice: ORed, for the primary key's bitmap; as one multirange, costed as `tsv @@` and
            # so checked before it (the planner checks costlier conditions last: it read every match's tsv)
            sample = "leaflet_id <@ %s::int8multirange AND "
            sample_params = [ranges]
            ored = " OR ".join(["(leaflet_id >= %s AND leaflet_id < %s)"] * len(starts))
            where = f"{where} AND ({ored})"
            params = params + bounds
        return (
            f"WITH m AS MATERIALIZED (SELECT {FACET_COLUMNS} FROM {TABLE} WHERE {sample}{where}) "
            f"SELECT 'all', NULL, count(*) FROM m UNION ALL {FACET_PARTS}",
            sample_params + params,
        )

    def vocabulary(self) -> tuple[dict[str, int], list[str]]:
        now = time.monotonic()
        if self._vocabulary is None or now - self._vocabulary[0] > VOCABULARY_TTL_S:
            rows = self._execute(f"SELECT word, ndoc FROM {LEXEMES}", [])
            df = {w: int(n) for w, n in rows}
            self._vocabulary = (now, (df, list(df)))
        return self._vocabulary[1]


class _Kept:
    """Values kept for a while, by key: at most FACET_CACHE_SIZE of them, the oldest dropped first."""

    def __init__(self, lock: threading.RLock):
        self._lock = lock
        self._items: dict = {}  # key -> (when kept, value), oldest first

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key, ttl_s: float):
        """The value kept under `key` within the last `ttl_s` seconds, or None."""
        kept = self._items.get(key)
        return kept[1] if kept is not None and time.monotonic() - kept[0] < ttl_s else None

    def put(self, key, value) -> None:
        with self._lock:
            self._items.pop(key, None)  # kept again: now the newest
            if len(self._items) >= FACET_CACHE_SIZE:
                self._items.pop(next(iter(self._items)))
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class _LexemeCounts:
    """The change a write makes to the lexeme counts: made with the leaflets' old lexemes (read, and the
    rows locked, before the write), then write() adds their new ones and applies the difference."""

    def __init__(self, cur, leaflet_ids: list[int]):
        self.cur, self.ids = cur, sorted(set(leaflet_ids))
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LEXEME_LOCK,))
        self.change: Counter[str] = Counter()
        self.change.subtract(self._lexemes(lock=True))

    def _lexemes(self, lock: bool = False) -> list[str]:
        self.cur.execute(
            f"SELECT tsvector_to_array(tsv) FROM {TABLE} WHERE leaflet_id = ANY(%s) ORDER BY leaflet_id"
            + (" FOR UPDATE" if lock else ""),
            (self.ids,),
        )
        return [word for (words,) in self.cur.fetchall() for word in words]

    def write(self) -> None:
        self.change.update(self._lexemes())
        words = sorted(word for word, n in self.change.items() if n)
        if not words:
            return
        self.cur.execute(
            f"INSERT INTO {LEXEMES} AS l (word, ndoc) SELECT * FROM unnest(%s::text[], %s::int[]) "
            "ON CONFLICT (word) DO UPDATE SET ndoc = l.ndoc + EXCLUDED.ndoc",
            (words, [self.change[word] for word in words]),
        )
        self.cur.execute(f"DELETE FROM {LEXEMES} WHERE word = ANY(%s) AND ndoc <= 0", (words,))


class _PgVocabulary:
    def __init__(self, backend: PostgresBackend):
        self.backend = backend
        self.df, self.choices = backend.vocabulary()

    def frequency(self, stem: str) -> int:
        return self.df.get(stem, 0)

    def near(self, stem: str, max_distance: int) -> list[tuple[str, int]]:
        return closest(stem, self.choices, max_distance)

    def stem(self, word: str) -> str:
        rows = self.backend._execute("SELECT (ts_lexize('english_stem', %s))[1]", [word])
        return rows[0][0] or word

    def surface(self, stem: str, like: str) -> str | None:
        rows = self.backend._execute(
            f"SELECT DISTINCT w FROM (SELECT body FROM {TABLE} WHERE tsv @@ %s::tsquery LIMIT 1) AS d, "
            "regexp_split_to_table(lower(d.body), '[^[:alnum:]]+') AS w "
            "WHERE w <> '' AND to_tsvector('english', w) @@ %s::tsquery",
            ["'" + stem + "'", "'" + stem + "'"],
        )
        forms = [r[0] for r in rows]
        return min(forms, key=lambda w: (Levenshtein.distance(w, like), w)) if forms else None


def _facet_lists(rows, limit: int, factor: float = 1.0) -> dict[str, list[tuple[str, int]]]:
    """Rows (facet, value, count) as each facet's values, commonest first (years newest first)."""
    out: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_SQL}
    for name, value, count in rows:
        out[name].append((value, max(1, round(int(count) * factor))))
    for name, values in out.items():
        key = (lambda kv: kv[0]) if name == "year" else (lambda kv: (-kv[1], kv[0]))
        out[name] = sorted(values, key=key, reverse=name == "year")[:limit]
    return out


def _facet_result(rows, limit: int, scale_to: int | None) -> dict[str, list[tuple[str, int]]]:
    """The facets from the rows of _facet_statement: a sample's scaled to `scale_to` matches."""
    sampled = next((int(count) for name, _, count in rows if name == "all"), 0)
    factor = scale_to / sampled if scale_to and sampled else 1.0
    return _facet_lists([row for row in rows if row[0] != "all"], limit, factor)


def _bitmap_rows(node: dict) -> int | None:
    """How many rows a bitmap holds (at most, for an OR of bitmaps), from EXPLAIN ANALYZE's JSON; None
    for an AND of bitmaps (a word and a party), whose estimate is left to the planner."""
    if node["Node Type"] == "Bitmap Index Scan":
        return int(node["Actual Rows"])
    if node["Node Type"] != "BitmapOr":  # an AND's size is not reported: its smallest part says little
        return None
    children = [_bitmap_rows(child) for child in node.get("Plans", [])]
    counts = [count for count in children if count is not None]
    return sum(counts) if counts and len(counts) == len(children) else None


def _hit(row: tuple, stems: set[str], prefixes: tuple[str, ...]) -> Hit:
    """Snippets are made in Python from the row, as the Whoosh backend makes them (ts_headline cost about
    3 ms a hit on a 600-word leaflet, most of a page's time)."""
    fields = dict(zip(COLUMNS, row))
    payload = {**fields, "text": fields.pop("body")}
    return Hit(
        int(fields["leaflet_id"]), float(row[len(COLUMNS)]), snippet_for(payload, stems, prefixes), fields
    )
