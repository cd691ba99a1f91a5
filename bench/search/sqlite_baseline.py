"""The baseline: SQLite FTS5 (porter stemming) plus a plain table for filters and facets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from search import SearchDocument

FACET_SQL = [
    "SELECT party, count(*) FROM doc WHERE rowid IN ({ids}) GROUP BY party ORDER BY 2 DESC",
    "SELECT area, count(*) FROM doc WHERE rowid IN ({ids}) GROUP BY area ORDER BY 2 DESC",
    "SELECT election, count(*) FROM doc WHERE rowid IN ({ids}) GROUP BY election ORDER BY 2 DESC",
    "SELECT substr(delivered_on, 1, 4), count(*) FROM doc WHERE rowid IN ({ids}) GROUP BY 1 ORDER BY 1 DESC",
    "SELECT t.tag, count(*) FROM doc_tag t WHERE t.leaflet_id IN ({ids}) GROUP BY t.tag ORDER BY 2 DESC",
]


class SqliteFts:
    def __init__(self, path: Path):
        path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE doc (rowid INTEGER PRIMARY KEY, party TEXT, area TEXT, region TEXT, election TEXT,
                              delivered_on TEXT, uploaded_at TEXT);
            CREATE TABLE doc_tag (leaflet_id INTEGER, tag TEXT);
            CREATE INDEX doc_party ON doc(party); CREATE INDEX doc_area ON doc(area);
            CREATE INDEX doc_election ON doc(election); CREATE INDEX doc_delivered ON doc(delivered_on);
            CREATE INDEX doc_tag_id ON doc_tag(leaflet_id);
            CREATE VIRTUAL TABLE fts USING fts5(
                title, description, text, claims, tokenize='porter unicode61'
            );
        """)

    def index(self, docs: list[SearchDocument]) -> None:
        with self.db:
            for d in docs:
                self.db.execute(
                    "INSERT OR REPLACE INTO doc VALUES (?,?,?,?,?,?,?)",
                    (
                        d.leaflet_id,
                        d.party,
                        d.area,
                        d.region,
                        d.election,
                        d.delivered_on.isoformat() if d.delivered_on else None,
                        d.uploaded_at.isoformat() if d.uploaded_at else None,
                    ),
                )
                self.db.execute("DELETE FROM fts WHERE rowid = ?", (d.leaflet_id,))
                self.db.execute(
                    "INSERT INTO fts(rowid, title, description, text, claims) VALUES (?,?,?,?,?)",
                    (d.leaflet_id, d.title, d.description, d.text, "\n".join(d.claims)),
                )
                self.db.executemany("INSERT INTO doc_tag VALUES (?,?)", [(d.leaflet_id, t) for t in d.tags])

    def size(self) -> int:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size

    def search(
        self,
        match: str | None,
        party: str | None = None,
        area: str | None = None,
        election: str | None = None,
        newest: bool = False,
        facets: bool = False,
    ) -> tuple[int, list]:
        """Top 20 with snippets and the exact total (plus facet counts when asked), like WhooshBackend."""
        where, args = [], []
        if match:
            where.append("fts MATCH ?")
            args.append(match)
        for col, value in (("party", party), ("area", area), ("election", election)):
            if value:
                where.append(f"doc.{col} = ?")
                args.append(value)
        cond = " AND ".join(where) or "1"
        source = "fts JOIN doc ON doc.rowid = fts.rowid" if match else "doc"
        order = (
            "doc.delivered_on DESC, doc.uploaded_at DESC"
            if newest or not match
            else "bm25(fts, 3.0, 1.5, 1.0, 2.0)"
        )
        snippet = "snippet(fts, 2, '<mark>', '</mark>', '…', 24)" if match else "''"
        hits = self.db.execute(
            f"SELECT doc.rowid, {snippet} FROM {source} WHERE {cond} ORDER BY {order} LIMIT 20", args
        ).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM {source} WHERE {cond}", args).fetchone()[0]
        if facets:
            ids = f"SELECT doc.rowid FROM {source} WHERE {cond}"
            for sql in FACET_SQL:
                self.db.execute(sql.format(ids=ids), args).fetchall()
        return total, hits

    def close(self) -> None:
        self.db.close()
