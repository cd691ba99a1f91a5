"""The /upload form's kept photos through the test client, as a browser without JavaScript sends them: a
refused photo refuses only itself, a kept photo is removed with its checkbox, new photos are added to the kept
ones (with a clear message past the limit), and the signed list cannot point at another voter's photos."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from leaflets.services import upload_staging, uploads
from tests.support import CSRF, SIZE, leaflet_image, multipart, upload_fields

STAGED = re.compile(r'name="staged" value="([^"]+)"')
ASK = "It was not added: choose it again or another photo."


def photo(word: str) -> bytes:
    return leaflet_image([word], size=SIZE)


def send(client: FlaskClient, fields: dict[str, Any], photos: list[tuple[bytes, str]] | None = None) -> Any:
    return client.post("/upload", data=multipart(fields, photos or []), content_type="multipart/form-data")


def staged(page: str) -> str:
    found = STAGED.search(page)
    assert found is not None, "the form holds no photos"
    return found.group(1)


def kept_list(page: str) -> list[tuple[str, str]]:
    """The kept photos as the page lists them: (file name, role chosen)."""
    items = re.findall(
        r'<li class="preview" data-position="\d+" data-name="([^"]*)" data-role="([a-z]+)">', page
    )
    return [(name, role) for name, role in items]


def published() -> list[tuple[str, str]]:
    leaflet = db.session.scalar(select(Leaflet))
    return [(image.sha256, image.role) for image in leaflet.images]


def sha(data: bytes) -> str:
    return uploads.image_service.sha256_of(data)


def test_a_refused_photo_is_named_and_the_others_are_kept(client):
    front, back = photo("FRONT"), photo("BACK")
    response = send(
        client, upload_fields(), [(front, "front.jpg"), (b"<svg/>", "IMG_7.jpg"), (back, "back.jpg")]
    )
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    refusal = re.search(r"Photo 2 of the 3 you chose \(IMG_7\.jpg\) looks like [^<]*", page)
    assert refusal is not None
    assert refusal.group(0).endswith("not a photo; send a JPEG, PNG, WebP or HEIC image. " + ASK)
    assert "We kept your 2 photos: photos you choose now are added to them." in page
    assert kept_list(page) == [("front.jpg", "front"), ("back.jpg", "back")]
    assert len(re.findall(r'src="/upload/staged/\d\?token=', page)) == 2
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0
    inside = photo("INSIDE")
    done = send(client, {**upload_fields(), "staged": staged(page)}, [(inside, "inside.jpg")])
    assert done.status_code == 302
    assert published() == [(sha(front), "front"), (sha(back), "back"), (sha(inside), "inside")]


def test_a_kept_photo_is_removed_and_a_new_one_takes_its_place(client):
    blurred, back, sharp = photo("BLURRED FRONT"), photo("BACK"), photo("SHARP FRONT")
    first = send(client, upload_fields(party=""), [(blurred, "front.jpg"), (back, "back.jpg")])
    page = first.get_data(as_text=True)
    assert first.status_code == 422 and kept_list(page) == [("front.jpg", "front"), ("back.jpg", "back")]
    for n in (0, 1):
        assert f'<input type="checkbox" id="remove-{n}" name="remove" value="{n}">' in page
        assert f'<label for="remove-{n}">Remove photo {n + 1}</label>' in page
    fields = {**upload_fields(), "staged": staged(page), "remove": ["0"], "kept_roles": ["front", "back"]}
    done = send(client, fields, [(sharp, "front-again.jpg")])
    assert done.status_code == 302
    assert published() == [(sha(sharp), "front"), (sha(back), "back")]


def test_removing_every_photo_asks_for_one(client):
    page = send(client, upload_fields(party=""), [(photo("ONLY"), "only.jpg")]).get_data(as_text=True)
    again = send(client, {**upload_fields(), "staged": staged(page), "remove": "0"})
    assert again.status_code == 422
    assert "Add at least one photo of the leaflet." in again.get_data(as_text=True)
    assert 'name="staged"' not in again.get_data(as_text=True)


def test_a_kept_photos_role_is_changed_on_the_form(client):
    one, two = photo("ONE"), photo("TWO")
    page = send(client, upload_fields(party=""), [(one, "one.jpg"), (two, "two.jpg")]).get_data(as_text=True)
    done = send(client, {**upload_fields(), "staged": staged(page), "kept_roles": ["inside", "imprint"]})
    assert done.status_code == 302
    assert published() == [(sha(one), "inside"), (sha(two), "imprint")]


def test_past_the_photo_limit_the_form_says_which_were_not_added(make_app):
    app = make_app(MAX_IMAGES=2)
    with app.app_context():
        client = app.test_client()
        page = send(client, upload_fields(party=""), [(photo("ONE"), "one.jpg")]).get_data(as_text=True)
        more = [(photo("TWO"), "two.jpg"), (photo("THREE"), "three.jpg")]
        response = send(client, {**upload_fields(), "staged": staged(page)}, more)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert (
            "Photo 2 of the 2 you chose (three.jpg) was not added: a leaflet can have at most 2 photos. "
            "Remove one to add it."
        ) in page
        assert kept_list(page) == [("one.jpg", "front"), ("two.jpg", "back")]


def test_a_list_signed_by_someone_else_keeps_nothing(client, make_app):
    """The signed list names photos by their hash: one signed with any other key is refused, so a voter
    cannot add another voter's held photo to their leaflet, nor see it."""
    theirs = send(client, upload_fields(party=""), [(photo("SOMEONE ELSE"), "theirs.jpg")])
    their_photos = upload_staging.verify(staged(theirs.get_data(as_text=True)))
    with make_app(SECRET_KEY="a guessed key").app_context():
        forged = upload_staging.sign(their_photos)
    response = send(client, {**upload_fields(), "staged": forged})
    assert response.status_code == 422 and "Your photos expired" in response.get_data(as_text=True)
    assert client.get(f"/upload/staged/0?token={forged}").status_code == 404
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0
    assert db.session.scalar(select(func.count(LeafletImage.id))) == 0


def test_removing_and_adding_needs_the_forms_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        form = client.get("/upload").get_data(as_text=True)
        token = CSRF.search(form).group(1)
        first = send(client, upload_fields(party="", csrf_token=token), [(photo("FRONT"), "front.jpg")])
        held = staged(first.get_data(as_text=True))
        forged = send(client, {**upload_fields(), "staged": held, "remove": "0"}, [(photo("NEW"), "new.jpg")])
        assert forged.status_code == 400
        assert db.session.scalar(select(func.count(Leaflet.id))) == 0
        done = send(client, {**upload_fields(csrf_token=token), "staged": held})
        assert done.status_code == 302


def test_a_busy_server_is_not_blamed_on_the_photo_and_the_kept_ones_stay(make_app):
    app = make_app(MAX_CONCURRENT_DECODES=1, DECODE_WAIT_S=0.05)
    with app.app_context():
        client = app.test_client()
        page = send(client, upload_fields(party=""), [(photo("FRONT"), "front.jpg")]).get_data(as_text=True)
        with runtime.decode_slots().held():  # another upload is decoding
            busy = send(client, {**upload_fields(), "staged": staged(page)}, [(photo("BACK"), "back.jpg")])
        assert busy.status_code == 503
        html = busy.get_data(as_text=True)
        assert "busy processing other photos" in html and ASK not in html
        assert kept_list(html) == [("front.jpg", "front")]
