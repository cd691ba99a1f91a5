"""Facet codes named from a per-process copy of the small reference tables (leaflets/services/code_names.py):
the same names as the database's, a code added since is named at once, a rename shows after NAMES_TTL_S."""

from __future__ import annotations

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, Party, Tag
from leaflets.services import code_names
from tests.support import both_databases


@both_databases
def test_names_are_the_tables_and_new_codes_are_named_at_once(app, monkeypatch):
    assert code_names.names(Party, Party.slug, {"labour", "green", "no-such-party"}) == {
        "labour": "Labour Party",
        "green": "Green Party",
    }
    gss = {"E14001063", "W07000089"}
    expected = dict(db.session.execute(select(Area.gss, Area.name).where(Area.gss.in_(gss))).all())
    assert code_names.names(Area, Area.gss, gss) == expected and len(expected) == 2
    assert code_names.names(Tag, Tag.slug, set()) == {}

    code_names.names(Tag, Tag.slug, {"anything"})  # the tag table is now kept
    db.session.add(Tag(slug="sewage-new", name="Sewage (new)"))
    db.session.commit()
    assert code_names.names(Tag, Tag.slug, {"sewage-new"}) == {"sewage-new": "Sewage (new)"}

    party = db.session.scalar(select(Party).where(Party.slug == "green"))
    party.name = "The Green Party"
    db.session.commit()
    assert code_names.names(Party, Party.slug, {"green"}) == {"green": "Green Party"}  # kept for a minute
    monkeypatch.setattr(code_names, "NAMES_TTL_S", 0.0)
    assert code_names.names(Party, Party.slug, {"green"}) == {"green": "The Green Party"}
