"""The upload form's photos across submissions, without HTTP: a refused photo refuses only itself, new photos
are added to the kept ones (up to the limit, front first), a kept photo can be removed or given another role,
a photo the variant worker finds damaged is dropped alone, and a token that is not ours points at nothing."""

from __future__ import annotations

from typing import Callable

import pytest
from flask import Flask

from leaflets.services import form_photos, upload_staging, uploads
from leaflets.services.errors import DomainError
from leaflets.services.form_photos import PhotoChoice
from leaflets.services.uploads import IncomingImage, StagedImage
from tests.support import (
    BACKGROUND,
    SIZE,
    both_databases,
    leaflet_image,
    make_variants,
    undecodable_jpeg,
    upload_photos,
)

ASK = "It was not added: choose it again or another photo."


def photo(word: str) -> bytes:
    return leaflet_image([word], size=SIZE)


def gather(
    choice: PhotoChoice, *photos: tuple[bytes, str], need_one: bool = True
) -> tuple[list[StagedImage], list[DomainError]]:
    """As the page does it: gather, then commit the held photos' rows before signing the list."""
    staged, errors = form_photos.gather(
        choice, [IncomingImage(data, name) for data, name in photos], need_one=need_one
    )
    uploads.keep_held(staged)
    return staged, errors


def kept(*photos: tuple[bytes, str]) -> str:
    """The signed list of a form that holds these photos."""
    staged, errors = gather(PhotoChoice(), *photos)
    assert errors == [] and len(staged) == len(photos)
    return upload_staging.sign(staged)


def sha(data: bytes) -> str:
    return uploads.image_service.sha256_of(data)


@pytest.fixture
def small_pixels(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(MAX_IMAGE_PIXELS=1_000_000)
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    ("refused", "why", "status"),
    [
        (
            b"%PDF-1.4 notes",
            "looks like a PDF document, not a photo; send a JPEG, PNG, WebP or HEIC image.",
            415,
        ),
        (b"", "is empty (0 bytes).", 422),
        (leaflet_image(["CUT"], size=SIZE)[:700], "is damaged: it stops before the end of its picture", 422),
        (
            leaflet_image(["HUGE"], size=(1240, 1754)),
            "has too many pixels (1240×1754; at most 1 megapixels)",
            413,
        ),
    ],
    ids=["not-an-image", "empty", "damaged", "too-big"],
)
def test_a_refused_photo_refuses_only_itself(small_pixels, refused, why, status):
    front, back = photo("FRONT"), photo("BACK")
    staged, errors = gather(PhotoChoice(), (front, "front.jpg"), (refused, "IMG_2.jpg"), (back, "back.jpg"))
    assert [(item.sha256, item.role) for item in staged] == [(sha(front), "front"), (sha(back), "back")]
    assert len(errors) == 1 and errors[0].field == "images" and errors[0].status == status
    assert errors[0].message.startswith(f"Photo 2 of the 3 you chose (IMG_2.jpg) {why}")
    assert errors[0].message.endswith(ASK) and errors[0].message.count("IMG_2.jpg") == 1
    assert upload_staging.verify(upload_staging.sign(staged)) == staged  # the others are held and signed


def test_new_photos_are_added_to_the_kept_ones_in_order(app):
    front, back, inside = photo("FRONT"), photo("BACK"), photo("INSIDE")
    token = kept((front, "front.jpg"), (back, "back.jpg"))
    staged, errors = gather(PhotoChoice(token), (inside, "inside.jpg"))
    assert errors == []
    assert [(item.sha256, item.role, item.filename) for item in staged] == [
        (sha(front), "front", "front.jpg"),
        (sha(back), "back", "back.jpg"),
        (sha(inside), "inside", "inside.jpg"),
    ]


def test_a_removed_front_is_replaced_by_a_new_front_that_comes_first(app):
    blurred, back, sharp = photo("BLURRED"), photo("BACK"), photo("SHARP FRONT")
    token = kept((blurred, "front.jpg"), (back, "back.jpg"))
    staged, errors = gather(PhotoChoice(token, remove=frozenset({0})), (sharp, "front-again.jpg"))
    assert errors == []
    assert [(item.sha256, item.role) for item in staged] == [(sha(sharp), "front"), (sha(back), "back")]


def test_kept_photos_take_the_roles_chosen_and_a_bad_role_is_named(app):
    one, two = photo("ONE"), photo("TWO")
    token = kept((one, "one.jpg"), (two, "two.jpg"))
    staged, errors = gather(PhotoChoice(token, roles=("imprint", "front")))
    assert errors == [] and [(item.sha256, item.role) for item in staged] == [
        (sha(two), "front"),
        (sha(one), "imprint"),
    ]
    staged, errors = gather(PhotoChoice(token, roles=("poster", "")))
    assert [error.message for error in errors] == [
        "Photo 1: the role must be front, back, inside or imprint."
    ]
    assert [item.role for item in staged] == ["front", "back"]  # kept as they were


def test_past_the_photo_limit_each_photo_not_added_is_named(make_app):
    app = make_app(MAX_IMAGES=3)
    with app.app_context():
        token = kept((photo("ONE"), "one.jpg"), (photo("TWO"), "two.jpg"))
        staged, errors = gather(PhotoChoice(token), *[(photo(f"NEW {n}"), f"new{n}.jpg") for n in (1, 2, 3)])
        assert [item.filename for item in staged] == ["one.jpg", "two.jpg", "new1.jpg"]
        assert [(error.code, error.message) for error in errors] == [
            (
                "too_many_images",
                f"Photo {n} of the 3 you chose (new{n}.jpg) was not added: a leaflet can have at most 3 "
                "photos. Remove one to add it.",
            )
            for n in (2, 3)
        ]


def test_no_photo_left_is_a_problem_for_an_upload_not_for_a_question(app):
    token = kept((photo("ONLY"), "only.jpg"))
    staged, errors = gather(PhotoChoice(token, remove=frozenset({0})))
    assert staged == [] and [error.code for error in errors] == ["no_images"]
    assert gather(PhotoChoice(token, remove=frozenset({0})), need_one=False) == ([], [])


def test_a_token_that_is_not_ours_points_at_no_photo(app, make_app):
    """A voter cannot point the form at another voter's held photo: a list signed with any other key, or a
    signed one changed by one character, holds nothing; only the photos sent with it are kept."""
    theirs = kept((photo("SOMEONE ELSE'S"), "theirs.jpg"))
    their_photos = upload_staging.verify(theirs)
    with make_app(SECRET_KEY="a guessed key").app_context():
        forged = upload_staging.sign(their_photos)  # their photo, signed with another key
    mine = photo("MINE")
    middle = len(theirs) // 3
    tampered = theirs[:middle] + ("A" if theirs[middle] != "A" else "B") + theirs[middle + 1 :]
    for token in (forged, tampered, theirs + "x"):
        staged, errors = gather(PhotoChoice(token, remove=frozenset({5})), (mine, "mine.jpg"))
        assert [item.sha256 for item in staged] == [sha(mine)]
        assert [error.message for error in errors] == ["Your photos expired: please add them again."]


@both_databases
def test_a_kept_photo_found_damaged_later_is_dropped_alone(make_app):
    app = make_app(**BACKGROUND)
    with app.app_context():
        good = photo("GOOD FRONT")
        token = kept((good, "front.jpg"), (undecodable_jpeg(), "IMG_0042.jpg"), (photo("BACK"), "back.jpg"))
        make_variants(app)  # the worker gives photo 2 up
        replacement = photo("INSIDE AGAIN")
        staged, errors = gather(PhotoChoice(token), (replacement, "IMG_0043.jpg"))
        assert [item.filename for item in staged] == ["front.jpg", "back.jpg", "IMG_0043.jpg"]
        assert [(error.code, error.message) for error in errors] == [
            (
                "damaged_image",
                "Photo 2 (IMG_0042.jpg) could not be read: the file is damaged. "
                "Choose it again or another photo.",
            )
        ]
        removed, no_errors = gather(PhotoChoice(token, remove=frozenset({1})))  # removed: nothing to say
        assert no_errors == [] and [item.filename for item in removed] == ["front.jpg", "back.jpg"]


def test_a_photo_the_archive_has_already_is_kept_under_the_name_it_was_sent_with(app):
    known = photo("ALREADY PUBLISHED")
    upload_photos(app, known)
    staged, errors = gather(PhotoChoice(), (known, "IMG_0099.jpg"))
    assert errors == [] and [(item.sha256, item.filename) for item in staged] == [
        (sha(known), "IMG_0099.jpg")
    ]
