"""The same leaflet found twice: by its photos (perceptual fingerprints, checked print against print) and,
once OCR has read it, by its text (compare's MinHash of the words with names and figures masked).

`candidates_for(leaflet)` is the one question other parts ask (the moderators' merge tools): the leaflets that
may be this one, each with a score (0-1) and the kind of evidence, "image" or "text".
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from PIL import Image
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from leaflets import runtime
from leaflets.extensions import db, release_connection
from leaflets.models import (
    CompareBand,
    CompareText,
    ImageFingerprint,
    Leaflet,
    LeafletImage,
    LeafletSimilarity,
    LeafletStatus,
)
from leaflets.services import images as image_service
from leaflets.services import perceptual, photo_variants
from leaflets.services.compare import minhash
from leaflets.services.compare.clusters import TEMPLATE_THRESHOLD

log = logging.getLogger(__name__)

IMAGE, TEXT = "image", "text"
TEXT_SAME = TEMPLATE_THRESHOLD  # the estimated share of shingles in common at which compare joins a template
VERIFY = 4  # the nearest fingerprints per photo and turn that are compared print against print
TURNS = (0, 90, 180, 270)  # a new photo may lie sideways where the stored one was turned upright


@dataclass(frozen=True)
class Budget:
    """How much print matching one question may do (each match is about 0.1 s of CPU)."""

    comparisons: (
        int | None
    )  # print matches in all, over every photo and turn; None: VERIFY per photo and turn
    seconds: float | None  # no further match is started after this long (the first always runs)
    first_match: bool  # stop at the first photo found to be the same leaflet
    # the check writes nothing until it ends: its connection goes back to the pool during each match
    release_during_matches: bool = False


# An upload's background check (pending_uploads.check_next, in the variant workers, after the upload was
# published): the nearest look-alikes of any photo and any turn first (upright before turned at the same
# distance), three at most, for at most about half a second, stopping at the first that is the same leaflet
# (the uploader is asked about one). It shares the workers' CPU with OCR, hence the bound. Look-alikes left
# unchecked are not lost: the moderation page compares every one (MODERATION) and OCR links text copies.
UPLOAD = Budget(comparisons=3, seconds=0.5, first_match=True, release_during_matches=True)
MODERATION = Budget(comparisons=None, seconds=None, first_match=False)


@dataclass(frozen=True)
class Candidate:
    leaflet: Leaflet
    score: float
    kind: str


def open_display(key: str) -> Image.Image | None:
    """The stored display picture (upright, at most 1600 px) of a storage folder, opened lazily. A photo whose
    copies a background worker has not made yet is the small picture its upload's check decoded (kept with its
    held bytes), or else the same picture decoded from those bytes (a JPEG the request only walked)."""
    try:
        found = runtime.storage().read(key, "display")
        if found is not None:
            return Image.open(io.BytesIO(found[0]))
        look = photo_variants.held_look(key)  # kept by its upload's check: no decode of the original
        if look is not None:
            return look
        held = photo_variants.held_bytes(key)
        return None if held is None else image_service.look_of(held)
    except (OSError, Image.DecompressionBombError) as error:
        log.warning("display picture unreadable", extra={"key": key, "error": str(error)})
        return None


def _row(key: str, value: int) -> ImageFingerprint:
    return ImageFingerprint(
        key=key, hash=value, **{f"band{i}": band for i, band in enumerate(perceptual.bands(value))}
    )


def remember(keys: Iterable[str], pictures: dict[str, Image.Image | None] | None = None) -> int:
    """Fingerprint the stored pictures that have none yet, each committed on its own (a racing upload of the
    same photo may have written it first: that is the same row). Returns how many were added. `pictures`,
    when given, holds pictures already opened (the caller closes them)."""
    added = 0
    for key in dict.fromkeys(keys):
        if db.session.get(ImageFingerprint, key) is not None:
            continue
        picture = pictures.get(key) if pictures is not None else open_display(key)
        if picture is None:
            continue
        try:
            if pictures is not None:
                value = perceptual.page_hash(picture)
            else:
                with picture:
                    value = perceptual.page_hash(picture)
        except (OSError, ValueError) as error:
            log.warning("fingerprint failed", extra={"key": key, "error": str(error)})
            continue
        db.session.add(_row(key, value))
        try:
            db.session.commit()
            added += 1
        except IntegrityError:
            db.session.rollback()
        except (
            DBAPIError
        ) as error:  # derived data: an upload never fails for want of it (the backfill adds it)
            db.session.rollback()
            log.warning("fingerprint not saved", extra={"key": key, "error": str(error.orig)})
    return added


def forget(keys: Iterable[str]) -> None:
    """Drop the fingerprints of deleted storage folders (in the caller's transaction)."""
    db.session.execute(delete(ImageFingerprint).where(ImageFingerprint.key.in_(list(keys))))


def near_keys(value: int, exclude: set[str]) -> list[tuple[int, str]]:
    """(Hamming distance, key) of the fingerprints within MAX_DISTANCE bits, nearest first.

    Pigeonhole: a hash within 4r+3 bits shares a band within r bits, so four indexed IN lists of probes
    find every one without reading the rest of the table."""
    parts = perceptual.bands(value)
    columns = (ImageFingerprint.band0, ImageFingerprint.band1, ImageFingerprint.band2, ImageFingerprint.band3)
    query = select(ImageFingerprint.key, ImageFingerprint.hash).where(
        or_(
            *(
                column.in_(perceptual.probes(part, perceptual.BAND_RADIUS))
                for column, part in zip(columns, parts)
            )
        )
    )
    found = []
    for key, other in db.session.execute(query):
        gap = perceptual.distance(value, other)
        if gap <= perceptual.MAX_DISTANCE and key not in exclude:
            found.append((gap, key))
    return sorted(found)


def _root(leaflet: Leaflet) -> Leaflet | None:
    """The live original a leaflet is (or is a delivery of)."""
    original = leaflet.duplicate_of if leaflet.duplicate_of_id else leaflet
    return original if original is not None and original.status == LeafletStatus.LIVE else None


def _leaflets_showing(key: str) -> list[Leaflet]:
    """The live originals whose photos are the pictures in this storage folder."""
    query = (
        select(Leaflet)
        .join(LeafletImage, LeafletImage.leaflet_id == Leaflet.id)
        .where(LeafletImage.stored_sha256 == key)
        .distinct()
    )
    roots = {root.id: root for leaflet in db.session.scalars(query) if (root := _root(leaflet)) is not None}
    return list(roots.values())


def image_candidates(
    keys: Sequence[str],
    exclude: set[int] = frozenset(),  # type: ignore[assignment]
    budget: Budget = MODERATION,
    pictures: dict[str, Image.Image | None] | None = None,
    older_than: int | None = None,
) -> list[Candidate]:
    """Leaflets (live originals, none in `exclude`, and with an id below `older_than` when given) one of whose
    photos is one of these stored pictures photographed again; the score is how well the print matched
    (perceptual.print_match).

    Every photo is hashed in each of the four turns and looked up (cheap: indexed bands); the print matches,
    the costly part, then run nearest first within `budget`."""
    opened = {
        key: pictures[key] if pictures is not None and key in pictures else open_display(key) for key in keys
    }
    try:
        turned: dict[tuple[str, int], Image.Image] = {}
        near: list[tuple[int, int, str, str]] = []  # (distance, turn, key, look-alike's key)
        for key, picture in opened.items():
            if picture is None:
                continue
            picture.load()
            for turn in TURNS:
                turned[key, turn] = picture if turn == 0 else picture.rotate(-turn, expand=True)
                near += [
                    (gap, turn, key, other)
                    for gap, other in near_keys(perceptual.page_hash(turned[key, turn]), set())
                ]
        return _verify(sorted(near), turned, exclude, budget, older_than)
    finally:
        if pictures is None:
            for picture in opened.values():
                if picture is not None:
                    picture.close()


def upload_candidates(leaflet: Leaflet) -> list[Candidate]:
    """For a new upload's background check: fingerprint its photos (each opened once for both steps) and find
    the earlier leaflet it may repeat, within the UPLOAD budget. Only earlier leaflets: of two look-alikes
    uploaded at once, the later one is asked about the earlier, never both about each other."""
    keys = [image.stored_sha256 for image in leaflet.images if image.variants_error is None]
    pictures = {key: open_display(key) for key in dict.fromkeys(keys)}
    try:
        photo_variants.keep_looks(pictures)  # later checks compare with them without decoding them again
        remember(list(pictures), pictures)
        return image_candidates(
            list(pictures), family(leaflet), budget=UPLOAD, pictures=pictures, older_than=leaflet.id
        )
    finally:
        for picture in pictures.values():
            if picture is not None:
                picture.close()


def _verify(
    near: list[tuple[int, int, str, str]],
    turned: dict[tuple[str, int], Image.Image],
    exclude: set[int],
    budget: Budget,
    older_than: int | None = None,
) -> list[Candidate]:
    """Compare look-alikes that belong to other leaflets print against print, nearest first, within budget."""
    best: dict[int, Candidate] = {}
    per_turn: Counter[tuple[str, int]] = Counter()
    showing: dict[str, list[Leaflet]] = {}
    started, compared = time.monotonic(), 0
    for position, (gap, turn, key, other_key) in enumerate(near):
        if other_key not in showing:
            showing[other_key] = [
                leaflet
                for leaflet in _leaflets_showing(other_key)
                if leaflet.id not in exclude and (older_than is None or leaflet.id < older_than)
            ]
        leaflets = showing[other_key]
        if not leaflets or (budget.comparisons is None and per_turn[key, turn] == VERIFY):
            continue  # its own folder, a held upload's, or a leaflet already known to be this one
        spent = time.monotonic() - started
        if (budget.comparisons is not None and compared >= budget.comparisons) or (
            budget.seconds is not None and compared and spent > budget.seconds
        ):
            log.info(
                "near-duplicate budget spent",
                extra={"compared": compared, "seconds": round(spent, 3), "left": len(near) - position},
            )
            break
        other = open_display(other_key)
        if other is None:
            continue
        per_turn[key, turn] += 1
        compared += 1
        if budget.release_during_matches:
            release_connection()
        with other:
            match = perceptual.print_match(turned[key, turn], other)
        log.info(
            "photo compared",
            extra={
                "key": other_key,
                "distance": gap,
                "turn": turn,
                "score": round(match.score, 3),
                "same": match.same,
            },
        )
        if not match.same:
            continue
        for leaflet in leaflets:
            if leaflet.id not in best or best[leaflet.id].score < match.score:
                best[leaflet.id] = Candidate(leaflet, match.score, IMAGE)
        if budget.first_match:
            break
    return sorted(best.values(), key=lambda c: (-c.score, c.leaflet.id))


def family(leaflet: Leaflet) -> set[int]:
    """The leaflet, its original, and every delivery of either: already known to be the same leaflet."""
    root_id = leaflet.duplicate_of_id or leaflet.id
    copies = set(db.session.scalars(select(Leaflet.id).where(Leaflet.duplicate_of_id == root_id)))
    return {leaflet.id, root_id} | copies


def text_candidates(leaflet: Leaflet) -> list[Candidate]:
    """Leaflets whose text (names and figures masked) is probably this one's: compare's MinHash bands find
    them, the signatures' agreement scores them."""
    row = db.session.get(CompareText, leaflet.id)
    if row is None or row.signature is None:
        return []
    signature = minhash.from_bytes(row.signature)
    sharing = select(CompareBand.leaflet_id).where(CompareBand.band_hash.in_(minhash.bands(signature)))
    known = family(leaflet)
    found = []
    for other_id, other_signature in db.session.execute(
        select(CompareText.leaflet_id, CompareText.signature).where(CompareText.leaflet_id.in_(sharing))
    ):
        if other_id in known or other_signature is None:
            continue
        score = minhash.similarity(signature, minhash.from_bytes(other_signature))
        other = db.session.get(Leaflet, other_id)
        if score >= TEXT_SAME and other is not None and other.status == LeafletStatus.LIVE:
            found.append(Candidate(other, score, TEXT))
    return sorted(found, key=lambda c: (-c.score, c.leaflet.id))


def link(leaflet_id: int, other_id: int, kind: str, score: float) -> None:
    """Record "possibly the same as" (the later leaflet points at the earlier), or raise a kept score."""
    later, earlier = max(leaflet_id, other_id), min(leaflet_id, other_id)
    row = db.session.scalar(
        select(LeafletSimilarity).where(
            LeafletSimilarity.leaflet_id == later,
            LeafletSimilarity.other_id == earlier,
            LeafletSimilarity.kind == kind,
        )
    )
    if row is None:
        db.session.add(LeafletSimilarity(leaflet_id=later, other_id=earlier, kind=kind, score=score))
    else:
        row.score = max(row.score, score)


def leaflet_changed(leaflet_id: int) -> None:
    """After OCR or any change: fingerprint the leaflet's current pictures (a turn makes new ones) and link
    its likely text copies. Never raises into the caller (logged; `flask near-duplicates backfill`
    repairs)."""
    try:
        leaflet = db.session.get(Leaflet, leaflet_id)
        if leaflet is None:
            return
        # Photos still waiting for their copies are fingerprinted by the variant worker once it has made them
        # (a web request that saves a leaflet does no image work).
        remember(image.stored_sha256 for image in leaflet.images if image.variants_ready)
        for candidate in text_candidates(leaflet):
            link(leaflet.id, candidate.leaflet.id, TEXT, candidate.score)
        db.session.commit()
    except Exception:  # a side effect after the caller's commit: record it, never undo or fail the caller
        log.exception("near-duplicate linking failed", extra={"leaflet_id": leaflet_id})
        db.session.rollback()


def _linked(leaflet: Leaflet) -> list[Candidate]:
    rows = db.session.execute(
        select(
            LeafletSimilarity.leaflet_id,
            LeafletSimilarity.other_id,
            LeafletSimilarity.kind,
            LeafletSimilarity.score,
        ).where(or_(LeafletSimilarity.leaflet_id == leaflet.id, LeafletSimilarity.other_id == leaflet.id))
    )
    found = []
    for first, second, kind, score in rows:
        other = db.session.get(Leaflet, second if first == leaflet.id else first)
        if other is not None and other.status == LeafletStatus.LIVE:
            found.append(Candidate(other, score, kind))
    return found


def candidates_for(leaflet: Leaflet) -> list[tuple[Leaflet, float, str]]:
    """The live leaflets that may be this one: (other leaflet, score 0-1, "image" or "text"), best first.

    Links recorded after OCR and at upload, and the photos compared now (so leaflets fingerprinted by the
    backfill are found too). The leaflet's own original and deliveries are left out: they are known."""
    known = family(leaflet)
    best: dict[tuple[int, str], Candidate] = {}
    found = _linked(leaflet) + image_candidates([image.stored_sha256 for image in leaflet.images], known)
    for candidate in found:
        if candidate.leaflet.id in known:
            continue
        key = (candidate.leaflet.id, candidate.kind)
        if key not in best or best[key].score < candidate.score:
            best[key] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.leaflet.id))
    return [(c.leaflet, c.score, c.kind) for c in ranked]


def unfingerprinted(limit: int | None = None) -> list[str]:
    """Storage folders of leaflet photos that have no fingerprint yet (stored before this existed)."""
    query = (
        select(LeafletImage.stored_sha256)
        .distinct()
        .where(
            ~select(ImageFingerprint.key).where(ImageFingerprint.key == LeafletImage.stored_sha256).exists()
        )
        .order_by(LeafletImage.stored_sha256)
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def backfill(progress: Callable[[int], None] | None = None, chunk: int = 200) -> int:
    """Fingerprint every stored photo that has none; returns how many were added. Photos missing from
    storage are skipped (logged), so the count may be lower than the work."""
    keys, added = unfingerprinted(), 0
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        added += remember(part)
        db.session.expunge_all()
        if progress:
            progress(len(part))
    log.info("fingerprints backfilled", extra={"added": added, "folders": len(keys)})
    return added


def read_leaflet_ids() -> list[int]:
    """The leaflets compare has a text signature for."""
    return list(
        db.session.scalars(
            select(CompareText.leaflet_id)
            .where(CompareText.signature.is_not(None))
            .order_by(CompareText.leaflet_id)
        )
    )


def link_all_text(progress: Callable[[int], None] | None = None) -> int:
    """Link the likely text copies of every leaflet compare has read; returns how many leaflets had some."""
    linked = 0
    for leaflet_id in read_leaflet_ids():
        leaflet = db.session.get(Leaflet, leaflet_id)
        found = text_candidates(leaflet) if leaflet is not None else []
        for candidate in found:
            link(leaflet_id, candidate.leaflet.id, TEXT, candidate.score)
        db.session.commit()
        linked += bool(found)
        if progress:
            progress(1)
    return linked
