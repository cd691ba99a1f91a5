"""A JPEG's structure read without decoding it: what an upload request checks of a JPEG photo.

Decoding a 12-megapixel photo even at 1/8 scale entropy-decodes every byte of its scan (28-45 ms of CPU);
fifty voters sending two photos at the same instant made that the floor of the burst's answer time. Walking
the markers instead costs a few milliseconds and refuses what the decode refused in practice: a file cut
short (no end-of-image marker after its scan), one that is not a JPEG past its first bytes, a header naming a
table, component or frame type the decoder would not have, a scan far smaller than its pixels need. What it
cannot see, a scan whose bytes are corrupt inside, is found by the variant worker's full decode, and the photo
then ends visibly failed ("This photo could not be prepared", docs/running.md); libjpeg's 1/8 decode did not
refuse most of those either (it warns, and fills the damage with grey).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leaflets.services.errors import UploadRejected

# Frame types libjpeg decodes: baseline, extended, progressive (Huffman), and the arithmetic-coded pair.
_SOF_DECODED = {0xC0, 0xC1, 0xC2, 0xC9, 0xCA}
_SOF_OTHER = {0xC3, 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF}  # lossless and hierarchical: not decoded
_SOI, _EOI, _SOS, _DQT, _DHT = 0xD8, 0xD9, 0xDA, 0xDB, 0xC4
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length
# The end of a scan's entropy-coded bytes: a 0xFF that is neither a stuffed 0xFF00 nor a restart (RSTn); a
# second 0xFF is a fill byte before the marker (the walk skips it). Written without a repeat so that the
# regex engine searches for its first byte in C: 1 ms for a 4 MB scan, against 18 ms with "\xff+".
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")
_FILL = re.compile(rb"\xff+")  # a marker and the fill bytes before it, skipped in C
# A photo has a few dozen segments and at most a few dozen scans. The walk runs in Python, one turn a marker:
# without a bound, 50 MB of 4-byte comment segments would be twelve million turns (seconds of CPU for a
# few bytes' work each, on the request).
_MAX_MARKERS = 2000


@dataclass(frozen=True)
class JpegStructure:
    width: int
    height: int
    components: int
    scans: int
    scan_bytes: int  # the entropy-coded bytes of every scan: what the pixels are made from


def _damaged(why: str) -> UploadRejected:
    return UploadRejected(f"is damaged: {why}", code="damaged_image")


def _cut_short() -> UploadRejected:
    return _damaged("it stops before the end of its picture (the file may be cut short)")


@dataclass
class _Walk:
    """The tables and frame seen so far, in file order (a scan may use only what came before it)."""

    frame: tuple[int, int, int, int] | None = None  # marker, width, height, components
    component_ids: frozenset[int] = frozenset()
    component_quant: tuple[int, ...] = ()  # the quantisation table of each colour plane
    quant_tables: int = 0  # bit mask of the DQT tables defined
    scans: int = 0
    scan_bytes: int = 0

    def segment(self, marker: int, body: bytes) -> None:
        if marker in _SOF_OTHER:
            raise _damaged("it is a lossless or hierarchical JPEG, which cannot be displayed")
        if marker in _SOF_DECODED:
            self._frame(marker, body)
        elif marker == _DQT:
            self._quant(body)
        elif marker == _DHT:
            self._huffman(body)

    def _frame(self, marker: int, body: bytes) -> None:
        if self.frame is not None:
            raise _damaged("it has two picture headers")
        if len(body) < 6:
            raise _damaged("its picture header is too short")
        precision, count = body[0], body[5]
        height, width = int.from_bytes(body[1:3]), int.from_bytes(body[3:5])
        if precision != 8 or count not in (1, 3, 4) or len(body) != 6 + 3 * count:
            raise _damaged("its picture header is not one a photo has")
        if width == 0 or height == 0:
            raise _damaged("its picture header gives no size")
        ids = body[6::3]
        if len(set(ids)) != count:
            raise _damaged("its picture header names a colour plane twice")
        self.frame = (marker, width, height, count)
        self.component_ids = frozenset(ids)
        self.component_quant = tuple(body[8::3])
        if any(table > 3 for table in self.component_quant):
            raise _damaged("its picture header names a quantisation table that cannot exist")

    def _quant(self, body: bytes) -> None:
        at = 0
        while at < len(body):
            table = body[at]
            size = 64 * (2 if table >> 4 else 1)
            if table & 0x0F > 3 or table >> 4 > 1 or at + 1 + size > len(body):
                raise _damaged("a quantisation table is malformed")
            self.quant_tables |= 1 << (table & 0x0F)
            at += 1 + size

    def _huffman(self, body: bytes) -> None:
        at = 0
        while at < len(body):
            if at + 17 > len(body):
                raise _damaged("a Huffman table is malformed")
            table = body[at]
            codes = sum(body[at + 1 : at + 17])
            if table & 0x0F > 3 or table >> 4 > 1 or codes > 256 or at + 17 + codes > len(body):
                raise _damaged("a Huffman table is malformed")
            at += 17 + codes

    def scan_header(self, body: bytes) -> None:
        if self.frame is None:
            raise _damaged("its picture data comes before its header")
        count = body[0] if body else 0
        if not 1 <= count <= 4 or len(body) != 4 + 2 * count:
            raise _damaged("a scan header is malformed")
        if any(body[at] not in self.component_ids for at in range(1, 1 + 2 * count, 2)):
            raise _damaged("a scan names a colour plane the picture does not have")
        if any(not self.quant_tables & (1 << table) for table in self.component_quant):
            raise _damaged("a colour plane uses a quantisation table the file does not define")
        # Huffman tables are not required: libjpeg-turbo has the standard ones for files without (motion JPEG)


def walk(data: bytes) -> JpegStructure:
    """The frame and scans of a JPEG, found by its markers alone; raises UploadRejected (damaged_image) for a
    file a decoder would refuse by its structure. Bytes after the end-of-image marker are allowed (phones
    append a second, smaller picture: MPO)."""
    if data[:2] != b"\xff\xd8":
        raise _damaged("it does not start as a JPEG does")
    state = _Walk()
    at, size = 2, len(data)
    for _ in range(_MAX_MARKERS):
        if at >= size:
            raise _cut_short()
        if data[at] != 0xFF:
            raise _damaged(f"its structure breaks off at byte {at:,} (it is not a whole JPEG)")
        fill = _FILL.match(data, at)
        at = fill.end() if fill else at + 1
        if at >= size:
            raise _cut_short()
        marker, at = data[at], at + 1
        if marker == _EOI:
            break
        if marker == _SOI:
            raise _damaged("it starts again in the middle")
        if marker in _STANDALONE:
            continue
        if at + 2 > size:
            raise _cut_short()
        length = int.from_bytes(data[at : at + 2])
        if length < 2:
            raise _damaged(f"a segment at byte {at:,} has an impossible length")
        end = at + length
        if end > size:
            raise _cut_short()
        body = data[at + 2 : end]
        if marker != _SOS:
            state.segment(marker, body)
            at = end
            continue
        state.scan_header(body)
        found = _SCAN_END.search(data, end)
        if found is None:
            raise _cut_short()
        state.scans += 1
        state.scan_bytes += found.start() - end
        at = found.start()
    else:
        raise _damaged("it has far more parts than a photo has")
    if state.frame is None or not state.scans:
        raise _damaged("it holds no picture")
    _, width, height, components = state.frame
    return JpegStructure(width, height, components, state.scans, state.scan_bytes)
