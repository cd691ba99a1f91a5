"""Kept counts (archive_count, maintained by the database's triggers) stay equal to a recount through every
way leaflets and photos change; the pager's keyset links walk every leaflet exactly once."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, insert, select, update

from leaflets.extensions import db
from leaflets.models import ArchiveCount, Area, Election, Leaflet, LeafletImage, Party
from leaflets.services import browse, live_counts
from tests.factories import T0, add_leaflet, add_many
from tests.support import both_databases, leaflet_image, multipart, upload_fields


def assert_kept_counts_exact() -> None:
    db.session.expire_all()
    assert live_counts.kept() == live_counts.recount()


def first_id(model: type, column, value: str) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(model.id).where(column == value))


@both_databases
def test_counts_follow_every_change(app: Flask, client: FlaskClient) -> None:
    assert live_counts.count() == 0 and live_counts.totals() == (0, 0, 0, 0)
    first = add_leaflet("labour", images=2)
    hidden = add_leaflet("reform-uk", status="hidden", images=1)
    no_place = add_leaflet(None, images=1)
    assert_kept_counts_exact()
    assert (live_counts.count(), live_counts.live_images()) == (2, 3)
    # the home page's figures: leaflets, parties and places with any ("none yet" is not one), photos
    assert browse.totals() == browse.Totals(leaflets=2, parties=1, areas=1, images=3)
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image(["UP"]), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert_kept_counts_exact()

    hidden.status = "live"  # restored: it and its photo count again
    first.status = "hidden"
    db.session.commit()
    assert_kept_counts_exact()
    no_place.area = db.session.scalar(select(Area).where(Area.gss == "E14001064"))
    no_place.party = db.session.scalar(select(Party).where(Party.slug == "green"))
    db.session.commit()
    assert_kept_counts_exact()

    extra = LeafletImage(
        position=5, sha256=hashlib.sha256(b"x").hexdigest(), width=1, height=1, mime="image/jpeg"
    )
    no_place.images.append(extra)
    db.session.commit()
    assert_kept_counts_exact()
    extra.leaflet_id = first.id  # moved onto a hidden leaflet: no longer a live photo
    db.session.commit()
    assert_kept_counts_exact()
    db.session.delete(no_place)
    db.session.commit()
    assert_kept_counts_exact()

    # bulk statements bypass the ORM: the triggers still see them
    election = first_id(Election, Election.slug, "ge-2024")
    db.session.execute(
        insert(Leaflet),
        [
            {
                "title": f"bulk {n}",
                "description": "",
                "party_id": first_id(Party, Party.slug, "snp"),
                "area_id": None,
                "election_id": election,
                "delivered_on": date(2024, 6, 1),
                "uploaded_at": T0,
                "updated_at": T0,
                "status": "live" if n % 3 else "hidden",
            }
            for n in range(9)
        ],
    )
    db.session.execute(update(Leaflet).where(Leaflet.title == "bulk 1").values(status="removed"))
    db.session.execute(delete(Leaflet).where(Leaflet.title == "bulk 2"))
    db.session.commit()
    assert_kept_counts_exact()

    totals = browse.totals()
    expected = live_counts.recount()
    assert totals.leaflets == expected[("all", 0)][0] and totals.images == expected[("all", 0)][1]
    page = client.get("/").get_data(as_text=True)
    assert f"<strong>{totals.leaflets}</strong> leaflets" in page
    assert f"<strong>{totals.parties}</strong> parties" in page


@both_databases
def test_repair_replaces_wrong_counts(app: Flask) -> None:
    add_many(3, party="labour")
    db.session.execute(update(ArchiveCount).values(leaflets=999))
    db.session.commit()
    assert live_counts.count() == 999
    assert live_counts.repair() > 0
    assert_kept_counts_exact()
    assert live_counts.count() == 3 and live_counts.repair() == 0


def page_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/leaflets/(\d+)"', html)]


def walk_older(client: FlaskClient, start: str) -> tuple[list[int], list[str]]:
    """Follow the "Older" links from `start` to the last page: every leaflet id seen, and the links taken."""
    seen, links, url = [], [], start
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += page_ids(html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
        if url:
            links.append(url)
    return seen, links


@both_databases
def test_the_pager_walks_every_leaflet_once_with_keyset_links(app: Flask, client: FlaskClient) -> None:
    app.config["PAGE_SIZE"] = 4
    made = add_many(10, party="labour") + add_many(3, party="labour", start=T0)  # ties on uploaded_at
    add_leaflet("labour", status="hidden", uploaded_at=T0 + timedelta(minutes=3), images=0)
    newest_first = [
        leaflet.id
        for leaflet in sorted(made, key=lambda leaflet: (leaflet.uploaded_at, leaflet.id), reverse=True)
    ]
    for start in ("/leaflets", "/parties/labour"):
        seen, links = walk_older(client, start)
        assert seen == newest_first, start
        assert len(links) == 3 and all("after=" in link for link in links)
        # a typed page number lands on the same leaflets as the links
        assert page_ids(client.get(f"{start}?page=3").get_data(as_text=True)) == newest_first[8:12]
        assert "Page 3 of 4" in client.get(links[1]).get_data(as_text=True)


@both_databases
def test_new_leaflets_arriving_while_paging_do_not_repeat_old_ones(app: Flask, client: FlaskClient) -> None:
    app.config["PAGE_SIZE"] = 3
    made = add_many(7)
    first = client.get("/leaflets").get_data(as_text=True)
    older = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    add_many(2, start=T0 + timedelta(days=1))  # newer than everything: an offset would shift by two
    second = page_ids(client.get(older).get_data(as_text=True))
    assert page_ids(first) + second == [leaflet.id for leaflet in reversed(made)][:6]


def test_an_unusable_cursor_falls_back_to_the_page_number(app: Flask, client: FlaskClient) -> None:
    app.config["PAGE_SIZE"] = 2
    made = add_many(5)
    for junk in ("nonsense", "2024-06-20T09:00:00_x", "_", "9999-99-99_1"):
        response = client.get(f"/leaflets?page=2&after={junk}")
        assert response.status_code == 200
        assert page_ids(response.get_data(as_text=True)) == [made[2].id, made[1].id]


def test_flask_counts_check_finds_and_repairs_wrong_counts(app: Flask) -> None:
    add_many(2)
    runner = app.test_cli_runner()
    assert "exact" in runner.invoke(args=["counts", "check"]).output
    db.session.execute(update(ArchiveCount).values(leaflets=7))
    db.session.commit()
    wrong = runner.invoke(args=["counts", "check"])
    assert wrong.exit_code == 1 and "differ" in wrong.output
    assert runner.invoke(args=["counts", "check", "--repair"]).exit_code == 0
    db.session.expire_all()
    assert live_counts.count() == 2 and "exact" in runner.invoke(args=["counts", "check"]).output
