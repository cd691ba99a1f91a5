"""Check uploaded images by their content and turn them into clean, metadata-free variants.

Order matters: the format is sniffed from the bytes, the pixel count is read from the header and bounded
*before* anything is decoded (a PNG bomb is refused without inflating it), then the image is decoded once,
turned upright from its EXIF orientation, and re-encoded with no metadata at all (no EXIF, GPS, XMP, ICC).
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Callable

import pillow_heif
from PIL import Image, ImageOps

from leaflets.services import file_kinds, jpeg_structure
from leaflets.services.errors import UploadRejected

log = logging.getLogger(__name__)
pillow_heif.register_heif_opener()

ACCEPTED = "JPEG, PNG, WebP or HEIC"
# The fewest bytes per megapixel a real picture of a leaflet takes in each format. A header claiming far more
# pixels than that is a truncated or crafted file, and decoding it would cost memory and time out of all
# proportion to what was sent (a 3 KB JPEG claiming 8000x8000 is a 64-megapixel decode). Measured floors:
# docs/security.md ("Upload bounds"); real photos take 200-850 KB per megapixel, PNG screenshots ~350 KB.
MIN_BYTES_PER_MEGAPIXEL = {"JPEG": 2000, "PNG": 1000, "WEBP": 1000, "HEIF": 1000}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# Pillow names the containers it reads; phones often write MPO (a JPEG followed by a second, smaller picture).
_FAMILY = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF", "AVIF": "HEIF"}


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 64_000_000
    master_edge: int = 5000
    display_edge: int = 1600
    thumb_edge: int = 400


@dataclass
class ProcessedImage:
    sha256: str
    mime: str
    width: int
    height: int
    byte_size: int
    variants: dict[str, tuple[bytes, str]]  # variant -> (bytes, mime)
    # The master as decoded, before its JPEG encoding: an OCR worker that made the variants reads this
    # instead of decoding the stored master again (a 12 MP decode, about 43 ms of CPU).
    picture: Image.Image | None = field(default=None, repr=False, compare=False)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes, filename: str = "") -> str:
    """The format the bytes really are, whatever the file name or content type claims."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    raise UploadRejected(not_a_photo(data, filename), status=415, code="unsupported_media_type")


def not_a_photo(data: bytes, filename: str = "") -> str:
    """The refusal of a file that is no accepted image: what it is named, and what it looks like."""
    shown = "".join(ch for ch in filename[:100] if ch.isprintable())
    named = f"({shown}) " if shown else ""
    return f"{named}looks like {file_kinds.describe(data)}, not a photo; send a {ACCEPTED} image"


def accepted_format(image: Image.Image) -> str | None:
    """The accepted format an opened file belongs to (an MPO counts as JPEG: only its first, primary picture
    is ever decoded, and the variants made from it carry no second frame), or None."""
    return _FAMILY.get(image.format or "")


def _open_bounded(data: bytes, expected: str, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(
            f"has too many pixels (at most {limits.max_pixels / 1e6:g} megapixels)",
            status=413,
            code="too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UploadRejected(
            "could not be read as an image: it may be damaged or truncated", code="damaged_image"
        ) from error
    if accepted_format(image) != expected:
        raise UploadRejected(f"is not a {ACCEPTED} image", status=415, code="unsupported_media_type")
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise UploadRejected(
            f"has too many pixels ({width}×{height}; at most {limits.max_pixels / 1e6:g} megapixels)",
            status=413,
            code="too_many_pixels",
        )
    # The decoder gets every byte in one call instead of 64 kB at a time. Pillow lets go of the GIL for
    # each call and must take it back after; with many busy request threads each taking back can wait a
    # switch interval (5 ms), so a photo's ~60 calls made its decode several times slower than its CPU.
    image.decodermaxblock = max(image.decodermaxblock, len(data))
    return image


def check_bytes_can_hold(fmt: str, byte_size: int, size: tuple[int, int], what: str = "is only") -> None:
    """Refuse, before decoding, a header that claims far more pixels than the file's bytes could hold
    (`what` names the bytes counted: the file, or a JPEG's picture data)."""
    width, height = size
    needed = MIN_BYTES_PER_MEGAPIXEL[fmt] * width * height / 1_000_000
    if byte_size < needed:
        raise UploadRejected(
            f"{what} {byte_size / 1000:,.0f} KB but says it is {width}×{height} pixels, "
            "far more than its bytes can hold: the file is damaged or not a real photo",
            code="implausible_dimensions",
        )


def draft_to_largest_variant(image: Image.Image, limits: Limits) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that is still at least the largest variant we store."""
    draft_to_edge(image, limits.master_edge)


def draft_to_edge(image: Image.Image, long_edge: int) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that still gives at least `long_edge` pixels.

    Pillow ignores this for other formats. Each halving quarters the memory and time the decode takes.
    """
    width, height = image.size
    scale = long_edge / max(width, height)
    if scale < 0.5:
        image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))


def _decode_upright(image: Image.Image) -> Image.Image:
    try:
        image.load()
        # In place: a copy of a photo with no turn to make is a 36 MB memcpy on 12 megapixels (30 ms).
        ImageOps.exif_transpose(image, in_place=True)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise UploadRejected(
            "could not be read as an image: it may be damaged or truncated", code="damaged_image"
        ) from error
    if image.mode not in ("RGB", "L"):
        return _flatten(image)
    return image


def look_of(data: bytes) -> Image.Image:
    """The small upright grey picture the near-duplicate check compares, decoded from an upload's bytes: what
    `check` keeps when it decodes, made by the variant worker for a JPEG the request only walked. Raises
    OSError for a file that cannot be decoded."""
    try:
        return _look(Image.open(io.BytesIO(data)))
    except UploadRejected as error:
        raise OSError(str(error)) from error


def _flatten(image: Image.Image) -> Image.Image:
    """Put transparent images on white, as they would be printed."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _scaled(image: Image.Image, long_edge: int, reducing_gap: float = 2.0) -> Image.Image:
    """At most `long_edge` pixels on the longer side. Pillow first shrinks by a whole factor with a box
    filter (`reduce`) while that leaves at least `reducing_gap` times the size asked for, then LANCZOS."""
    if max(image.size) <= long_edge:
        return image
    copy = image.copy()
    copy.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS, reducing_gap=reducing_gap)
    return copy


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    image.info = {}  # nothing read from the upload (EXIF, XMP, ICC, comments) may ride along into the file
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@dataclass(frozen=True)
class CheckedImage:
    """An upload proven to be a whole picture of a sensible size, before any variant is made."""

    sha256: str
    format: str  # the sniffed family: JPEG, PNG, WEBP or HEIF
    mime: str  # of the master that will be stored
    width: int  # of that master, upright (the variant worker stores the exact figures)
    height: int
    byte_size: int
    # The picture the check decoded, upright and small (a JPEG's 1/8-scale decode, in grey; other formats
    # shrunk to LOOK_EDGE): what the near-duplicate check looks at. None when nothing was decoded (a JPEG
    # walked only): the variant worker then decodes it from the held bytes (look_of).
    look: Image.Image | None = field(default=None, compare=False, repr=False)


# A JPEG's whole scan is checked by decoding it at 1/8 scale: every byte is still entropy-decoded (a
# truncated or corrupt file fails), but the pixels made and the time taken are a sixty-fourth. A smaller
# photo is reduced less, so that the look keeps LOOK_MIN_EDGE pixels (a phone photo's 1/8 is 504).
_CHECK_SCALE = 8
LOOK_MIN_EDGE = 480  # the near-duplicate print match compares at up to 384 px inside a 4% margin
LOOK_EDGE = 800  # the largest look kept from a check (enough for the fingerprint and the print match)


def check(
    data: bytes,
    limits: Limits = Limits(),
    filename: str = "",
    sha256: str | None = None,
    *,
    decode: bool = True,
    decode_turn: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> CheckedImage:
    """What an upload request does before answering: sniff the content, bound the header's pixels by the
    bytes sent, and prove the picture whole as cheaply as the format allows: a JPEG by walking its markers
    (jpeg_structure), and with `decode` also by decoding it at 1/8 scale; other formats by one small decode.
    A decode runs inside `decode_turn` (the process's decode slots). The variants are made later (process).
    `sha256`, when the caller hashed the bytes already, saves hashing megabytes a second time."""
    if not data:
        raise UploadRejected("is empty (0 bytes)", code="empty_file")
    fmt = sniff(data, filename)
    # A JPEG's markers first: cut short, not a JPEG past its first bytes, a table or plane missing, or
    # thousands of empty segments (which Pillow's header reading would walk in Python) are refused here.
    structure = jpeg_structure.walk(data) if fmt == "JPEG" else None
    image = _open_bounded(data, fmt, limits)
    check_bytes_can_hold(fmt, len(data), image.size)
    if structure is not None:  # metadata segments cannot pad a tiny scan past the floor
        check_bytes_can_hold(fmt, structure.scan_bytes, image.size, what="holds only")
    width, height = image.size
    if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientations that turn the picture a quarter
        width, height = height, width
    look = None
    if decode or fmt != "JPEG":
        with decode_turn():
            look = _look(image)  # the decode: a damaged file is refused here
    scale = min(1.0, limits.master_edge / max(width, height))
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return CheckedImage(
        sha256=sha256 or sha256_of(data),
        format=fmt,
        mime=mime,
        width=max(1, round(width * scale)),
        height=max(1, round(height * scale)),
        byte_size=len(data),
        look=look,
    )


def _look(image: Image.Image) -> Image.Image:
    """Decode an opened upload small, upright and (a JPEG) in grey; UploadRejected if it cannot be decoded."""
    if accepted_format(image) == "JPEG":
        reduced = max(1 / _CHECK_SCALE, min(1.0, LOOK_MIN_EDGE / max(image.size)))
        # In grey: the near-duplicate check looks only at print, and libjpeg then skips upsampling and
        # converting the colour planes (every plane's bytes are still decoded, so damage is still found).
        image.draft("L", (max(1, round(image.size[0] * reduced)), max(1, round(image.size[1] * reduced))))
    return _scaled(_decode_upright(image), LOOK_EDGE)


def process(data: bytes, limits: Limits = Limits(), filename: str = "") -> ProcessedImage:
    """Validate one upload and make its master, display and thumbnail variants."""
    if not data:
        raise UploadRejected("is empty (0 bytes)", code="empty_file")
    fmt = sniff(data, filename)
    image = _open_bounded(data, fmt, limits)
    check_bytes_can_hold(fmt, len(data), image.size)
    draft_to_largest_variant(image, limits)
    upright = _decode_upright(image)
    master = _scaled(upright, limits.master_edge)
    variants = encode_variants(master, "image/png" if fmt == "PNG" else "image/jpeg", limits)
    return ProcessedImage(
        sha256=sha256_of(data),
        mime=variants["master"][1],
        width=master.width,
        height=master.height,
        byte_size=len(data),
        variants=variants,
        picture=master,
    )


def encode_variants(master: Image.Image, master_mime: str, limits: Limits) -> dict[str, tuple[bytes, str]]:
    """The stored files of one picture: the master as given, and smaller display and thumbnail JPEGs."""
    # PNG stays lossless (screenshots, scans); photos are stored as high-quality JPEG.
    if master_mime == "image/png":
        variants = {"master": (_encode(master, "PNG", optimize=False, compress_level=6), "image/png")}
    else:
        variants = {"master": (_encode(master, "JPEG", quality=92, subsampling=0), "image/jpeg")}
    # The display halves a 12 MP master with a box filter before LANCZOS (reducing_gap 1): 53 ms instead of
    # 118 ms of CPU, 45 dB PSNR against LANCZOS alone. The thumbnail is made from the display: 6 ms
    # instead of 13 ms from the master, 50 dB against it (docs/running.md, "Cheaper variants").
    display = _scaled(master, limits.display_edge, reducing_gap=1.0)
    thumb = _scaled(display, limits.thumb_edge)
    variants["display"] = (_encode(display, "JPEG", quality=85, optimize=True), "image/jpeg")
    variants["thumb"] = (_encode(thumb, "JPEG", quality=80, optimize=True), "image/jpeg")
    return variants
