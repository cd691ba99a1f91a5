"""The Whoosh schema and how a SearchDocument becomes field values.

Prose is analysed by search.analysis (the same code the query parser and snippets use) inside StemsField,
which turns the stems into postings with positions directly: that skips Whoosh's per-token analyser
objects (about a third of the indexing time), and runs in the worker processes of a parallel rebuild.
"""

from __future__ import annotations

from whoosh import columns, fields, formats

from . import analysis
from .types import SearchDocument
from .whoosh_engine import day_number


class StemsField(fields.TEXT):
    """A TEXT field (positions, lengths) whose value is an already analysed list of stems."""

    def __init__(self):
        super().__init__(analyzer=None, phrase=True)

    def index(self, value, **kwargs):
        """value: the field's text; analysed here, so a multi-process build analyses in its workers."""
        positions = stem_positions(value)
        if not isinstance(self.format, formats.Positions):  # phrase=True gives it one; a guard for the type
            raise TypeError(f"{type(self).__name__} needs a Positions format, not {self.format!r}")
        encode = self.format.encode
        for stem, where in positions.items():
            yield stem.encode("utf-8"), len(where), float(len(where)), encode(where)


def stem_positions(text: str) -> dict[str, list[int]]:
    """stem -> its positions in the text, as indexed."""
    positions: dict[str, list[int]] = {}
    for i, stem in enumerate(analysis.position_stems(text)):
        if not stem:
            continue
        where = positions.get(stem)
        if where is None:
            positions[stem] = [i]
        else:
            where.append(i)
    return positions


def make_schema() -> fields.Schema:
    return fields.Schema(
        lid=fields.ID(unique=True),
        lidc=fields.COLUMN(columns.NumericColumn("i")),
        ver=fields.COLUMN(columns.VarBytesColumn()),
        title=StemsField(),
        description=StemsField(),
        text=StemsField(),
        claims=StemsField(),
        party=fields.ID(),
        area=fields.ID(),
        region=fields.ID(),
        nation=fields.ID(),
        election=fields.ID(),
        tag=fields.KEYWORD(commas=True),
        verdict=fields.KEYWORD(commas=True),
        bias=fields.KEYWORD(commas=True),
        delivered=fields.COLUMN(columns.NumericColumn("i")),
        uploaded=fields.COLUMN(columns.NumericColumn("q")),
        payload=fields.STORED(),
    )


def to_fields(doc: SearchDocument) -> dict:
    """Turn a live SearchDocument into Whoosh field values."""
    out: dict = {
        "lid": str(doc.leaflet_id),
        "lidc": int(doc.leaflet_id),
        "ver": (doc.version or "").encode("utf-8"),
        "title": doc.title or "",
        "description": doc.description or "",
        "text": doc.text or "",
        "claims": "\n".join(doc.claims or ()),
    }
    for name in ("party", "area", "region", "nation", "election"):
        if getattr(doc, name):
            out[name] = getattr(doc, name)
    for name, values in (("tag", doc.tags), ("verdict", doc.verdicts), ("bias", doc.bias)):
        if values:
            out[name] = ",".join(v.replace(",", " ") for v in values)
    out["delivered"] = day_number(doc.delivered_on)
    out["uploaded"] = int(doc.uploaded_at.timestamp()) if doc.uploaded_at else 0
    payload = doc.display_fields()
    payload["text"] = doc.text or ""
    out["payload"] = payload
    return out
