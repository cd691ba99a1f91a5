"""The upload request's check of a JPEG without decoding it (leaflets/services/jpeg_structure.py).

Every JPEG Pillow writes in the forms phones and scanners use is accepted; a file cut short anywhere, or whose
markers say it is not a whole picture, is refused as damaged; a scan far smaller than its pixels is refused
as implausible even when padding makes the file itself large.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from leaflets.services import images, jpeg_structure
from leaflets.services.errors import UploadRejected
from tests.support import leaflet_image


def _photo() -> Image.Image:
    with Image.open(io.BytesIO(leaflet_image(["VOTE FOR", "THE STRAIGHT CHOICE"]))) as image:
        return image.resize((620, 877))


def _jpeg(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _segments(data: bytes) -> list[int]:
    """The offsets where each marker segment before the first scan starts."""
    offsets, at = [], 2
    while data[at + 1] != 0xDA:
        offsets.append(at)
        at += 2 + int.from_bytes(data[at + 2 : at + 4])
    return [*offsets, at]


ACCEPTED = {
    "baseline": {},
    "progressive": {"progressive": True},
    "optimised tables": {"optimize": True},
    "restart markers": {"restart_marker_blocks": 4},
    "no chroma subsampling": {"subsampling": 0},
    "quality 1": {"quality": 1},
}


@pytest.mark.parametrize("options", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_every_kind_of_jpeg_a_camera_writes_is_accepted(options: dict[str, object]) -> None:
    data = _jpeg(_photo(), **options)
    found = jpeg_structure.walk(data)
    assert (found.width, found.height, found.components) == (620, 877, 3)
    assert found.scans >= (2 if options.get("progressive") else 1)
    assert 0 < found.scan_bytes < len(data)
    assert images.check(data, decode=False).look is None


def test_grey_cmyk_exif_and_a_second_picture_after_the_end_are_accepted() -> None:
    photo = _photo()
    exif = Image.Exif()
    exif[0x0112] = 6
    assert jpeg_structure.walk(_jpeg(photo.convert("L"))).components == 1
    assert jpeg_structure.walk(_jpeg(photo.convert("CMYK"))).components == 4
    turned = images.check(_jpeg(photo, exif=exif.tobytes()), decode=False)
    assert (turned.width, turned.height) == (877, 620)  # the header's orientation, without decoding
    # phones write MPO: a second, smaller picture after the first one's end
    assert jpeg_structure.walk(_jpeg(photo) + _jpeg(photo.resize((64, 90)))).width == 620


def test_a_jpeg_cut_short_anywhere_is_refused_as_damaged() -> None:
    data = _jpeg(_photo(), progressive=True)
    cuts = [*_segments(data), *(offset + 3 for offset in _segments(data)), len(data) // 2, len(data) - 2]
    for cut in cuts:
        with pytest.raises(UploadRejected) as refused:
            jpeg_structure.walk(data[:cut])
        assert refused.value.code == "damaged_image", cut
        assert "is damaged" in refused.value.message


def _with_segment(data: bytes, marker: int, body: bytes) -> bytes:
    """The JPEG with one more segment just after its start-of-image marker."""
    return data[:2] + bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body + data[2:]


def _replaced_byte(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + bytes([value]) + data[at + 1 :]


def _frame(data: bytes) -> int:
    return data.find(b"\xff\xc0")


def _frame_segment(data: bytes) -> bytes:
    start = _frame(data)
    return data[start : start + 2 + int.from_bytes(data[start + 2 : start + 4])]


REFUSED = {
    "not a JPEG after its first bytes": lambda data: data[:2] + b"\x00garbage" * 40 + data[2:],
    "two picture headers": lambda data: data[: _frame(data)] + _frame_segment(data) + data[_frame(data) :],
    "lossless frame": lambda data: _replaced_byte(data, _frame(data) + 1, 0xC3),
    "12-bit samples": lambda data: _replaced_byte(data, _frame(data) + 4, 12),
    "undefined quantisation table": lambda data: _replaced_byte(data, _frame(data) + 12, 2),
    "scan of a plane the frame lacks": lambda data: _replaced_byte(data, data.find(b"\xff\xda") + 5, 9),
    "no end-of-image marker": lambda data: data[:-2],
    "a second start-of-image": lambda data: data[:-2] + b"\xff\xd8\xff\xd9",
    "a malformed Huffman table": lambda data: _with_segment(data, 0xC4, b"\x00" + b"\xff" * 16),
}


@pytest.mark.parametrize("damage", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_whose_markers_say_it_is_not_a_whole_picture_is_refused(damage) -> None:
    with pytest.raises(UploadRejected) as refused:
        jpeg_structure.walk(damage(_jpeg(_photo())))
    assert refused.value.code == "damaged_image"


def test_padding_does_not_make_a_tiny_scan_pass_for_megapixels() -> None:
    """128 kB of comment segments before a scan of a few bytes: the file's size passes the floor (2,000 bytes
    a megapixel), the picture data behind the claimed 8000×8000 does not."""
    data = bytearray(_jpeg(Image.new("L", (64, 64), "white")))
    frame = data.find(b"\xff\xc0")
    data[frame + 5 : frame + 9] = (8000).to_bytes(2, "big") * 2
    padded = bytes(data[:2]) + (b"\xff\xfe\xff\xff" + b"x" * 65533) * 2 + bytes(data[2:])
    with pytest.raises(UploadRejected) as refused:
        images.check(padded, decode=False)
    assert refused.value.code == "implausible_dimensions"
    assert "holds only" in refused.value.message and "8000×8000" in refused.value.message


def test_the_look_decoded_later_is_the_one_the_check_would_have_kept() -> None:
    data = leaflet_image()
    kept = images.check(data).look
    assert kept is not None and kept.mode == "L"
    later = images.look_of(data)
    assert later.size == kept.size and later.tobytes() == kept.tobytes()


def test_a_file_of_thousands_of_empty_segments_is_refused_without_walking_them_all() -> None:
    """The walk (and Pillow's header reading, which comes after it) takes a Python turn per marker: a few
    bytes each must not buy seconds of CPU on the request."""
    data = _jpeg(_photo())
    with pytest.raises(UploadRejected) as refused:
        images.check(data[:2] + b"\xff\xfe\x00\x02" * 1_000_000 + data[2:], decode=False)
    assert refused.value.code == "damaged_image" and "far more parts" in refused.value.message
    # fill bytes before a marker are allowed, however many
    assert jpeg_structure.walk(data[:2] + b"\xff" * 1_000_000 + data[2:]).width == 620
