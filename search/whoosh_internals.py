"""Every use of Whoosh's private internals, in one place, behind a check of the installed Whoosh version.

The engine reads Whoosh's W3 codec directly because its public matchers are 10-100x slower for what we do
(whole posting lists into numpy): the pickled block tuples and block offsets of `W3LeafMatcher`, the
fixed-width column files behind `SegmentReader._perdoc`, the deletion set, and the term file's posting file.
Those are not an API, so they are used only with a Whoosh version listed in TESTED (the suite, including
tests/search/test_differential.py, passed on it). With any other version every function here answers through
Whoosh's public reader API instead (matchers, column readers, `is_deleted`, `doc_field_length`): slower,
never wrong, and said once in the log when a backend opens.

To allow a new Whoosh release: install it, run `tests/search` (the differential test compares every answer
with a brute-force reference), then add its version below.
"""

from __future__ import annotations

import logging
import pickle
import zlib
from array import array
from typing import Any

import numpy as np
import whoosh
from whoosh.reading import TermNotFound
from whoosh.system import pack_int as _PACK_INT
from whoosh.system import pack_uint as _PACK_UINT
from whoosh.util.numeric import byte_to_length, length_to_byte

log = logging.getLogger(__name__)

# whoosh3 is the maintained line (PyPI `whoosh3`); 2.7.5 is whoosh-reloaded, which it replaced.
TESTED = frozenset({"3.54.0", "2.7.5"})
VERSION = ".".join(str(part) for part in whoosh.__version__[:3])
PRIVATE = VERSION in TESTED

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)

# A posting list's blocks: the index of each block's first posting, and each block's (offset, length,
# compressed) in the posting file (a list of tuples read from Whoosh, an (n, 3) array from the side files).
Layout = tuple[np.ndarray, Any]
Postings = tuple[np.ndarray, np.ndarray, Layout | None]

W3_MATCHER: type | None = None
if PRIVATE:
    from whoosh.codec.whoosh3 import W3LeafMatcher

    W3_MATCHER = W3LeafMatcher


def warn_if_untested() -> None:
    """Log (once per backend opened) that this Whoosh is read through the slower public API."""
    if not PRIVATE:
        log.warning(
            "search: Whoosh version not tested with the fast reader; using Whoosh's public API "
            "(correct, slower)",
            extra={"whoosh_version": VERSION, "tested": sorted(TESTED)},
        )


def read_postings(segreader, field: str, btext: bytes) -> Postings:
    """One posting list as (docnums, weights, block layout or None); deleted documents may be included
    (callers mask them with the live array)."""
    try:
        if not PRIVATE:
            return _public_postings(segreader, field, btext)
        matcher = segreader._terms.matcher(field, btext, segreader.schema[field].format)
    except (KeyError, TermNotFound):
        return EMPTY_IDS, EMPTY_WEIGHTS, None
    # W3 writes every posting list in blocks (inlinelimit=1); W3_MATCHER is set whenever PRIVATE is
    if W3_MATCHER is None or not isinstance(matcher, W3_MATCHER):
        raise TypeError(f"unexpected Whoosh matcher {type(matcher).__name__} for {field}:{btext!r}")
    return _read_blocks(matcher)


def _public_postings(segreader, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, None]:
    matcher = segreader.postings(field, btext)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32), None


def _read_blocks(m) -> Postings:
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    spans: list[tuple[int, int, bool]] = []  # (offset, length, compressed)
    starts: list[int] = []
    count = 0
    while True:
        datalen = m._nextoffset - m._dataoffset
        spans.append((m._dataoffset, datalen, m._compression))
        starts.append(count)
        data = _decode_block(m._postfile, m._dataoffset, datalen, m._compression)
        ids = np.array(data[0], dtype=np.int64)
        if not m._byteids:
            ids = np.cumsum(ids)
        id_parts.append(ids)
        count += len(ids)
        weights = data[1]
        if weights is None:
            weight_parts.append(np.ones(len(ids), dtype=np.float32))
        elif isinstance(weights, float):
            weight_parts.append(np.full(len(ids), weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float32))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    layout = (np.array(starts, dtype=np.int64), spans)
    if len(id_parts) == 1:
        return id_parts[0], weight_parts[0], layout
    return np.concatenate(id_parts), np.concatenate(weight_parts), layout


def _decode_block(postfile, offset: int, length: int, compressed: bool) -> tuple:
    """One block as Whoosh wrote it: (ids, weights, values), values holding each posting's positions."""
    raw = postfile.get(offset, length)
    return pickle.loads(zlib.decompress(raw) if compressed else raw)


def block_values(segreader, span) -> list | None:
    """The encoded positions of every posting in one block (from a layout), or None without the fast
    reader."""
    if not PRIVATE:
        return None
    offset, length, compressed = (int(v) for v in span)
    return _decode_block(segreader._terms._postfile, offset, length, bool(compressed))[2]


def decode_positions(segreader, field: str, encoded) -> list[int]:
    return segreader.schema[field].format.decode_positions(encoded)


def public_positions(segreader, field: str, term: str, docnum: int) -> list[int] | None:
    """A term's positions in one document through Whoosh's public matcher."""
    try:
        matcher = segreader.postings(field, term.encode("utf-8"))
    except TermNotFound:
        return None
    if matcher.is_active():
        matcher.skip_to(docnum)
    if matcher.is_active() and matcher.id() == docnum:
        return list(matcher.value_as("positions"))
    return None


def column(segreader, name: str, width: int, dtype: str, n: int) -> np.ndarray:
    """A fixed-width numeric column as one array of n values (0 where absent)."""
    out = np.zeros(n, dtype=dtype.replace(">", "="))
    if not PRIVATE:
        if not segreader.has_column(name):
            return out
        values = np.fromiter((v or 0 for v in segreader.column_reader(name)), dtype=out.dtype)[:n]
        out[: len(values)] = values
        return out
    perdoc = segreader._perdoc
    if not perdoc.has_column(name):  # also the per-field length columns, which are not schema fields
        return out
    colfile, offset, length = perdoc._get_column_file(name)
    raw = colfile.get(offset, length) if length else b""
    values = np.frombuffer(raw, dtype=dtype, count=min(len(raw) // width, n))
    out[: len(values)] = values
    return out


def field_lengths(segreader, field: str, n: int) -> np.ndarray:
    """Each document's length of a field (Whoosh stores it as one byte, hence LENGTH_TABLE)."""
    if PRIVATE:
        return LENGTH_TABLE[column(segreader, f"_{field}_len", 1, "u1", n)]
    return np.array([segreader.doc_field_length(d, field, 0) or 0 for d in range(n)], dtype=np.float32)


def deleted_docs(segreader) -> np.ndarray:
    """Segment-local docnums of deleted documents."""
    if PRIVATE:
        return np.fromiter(segreader._perdoc.deleted_docs(), dtype=np.int64)
    if not segreader.has_deletions():
        return EMPTY_IDS
    return np.array([d for d in range(segreader.doc_count_all()) if segreader.is_deleted(d)], dtype=np.int64)


# -- Writing: a whole segment in bulk (rebuilds) ------------------------------------------------------------


class _RecordingFile:
    """Wraps a segment's posting file to note where each write landed: the last write of a W3 block is
    its pickled (maybe zlib-compressed) data, which is what the posting arrays' block layout points at."""

    def __init__(self, structfile):
        self._file = structfile
        self.last: tuple[int, int, bool] = (0, 0, False)

    def write(self, data: bytes) -> None:
        # pickle protocol 2 starts with 0x80; anything else is a zlib stream (0x78)
        self.last = (self._file.tell(), len(data), bool(data) and data[0] != 0x80)
        self._file.write(data)

    def write_int(self, n: int) -> None:
        self.write(_PACK_INT(n))

    def __getattr__(self, name):
        return getattr(self._file, name)


class BulkSegment:
    """Write one Whoosh segment from many documents at once, for rebuilds.

    Whoosh's own writer sends every posting through a sorting pool as a tuple, reads each document's
    field length back from disk per posting, and adds postings to blocks one call at a time; the
    posting arrays (whoosh_postings.py) then decode every block again. Here postings are collected per
    term in arrays as documents are added (in docnum order, so already sorted), written block by block
    through Whoosh's own block writer, and the arrays are taken from what was written. The segment's
    files are byte-for-byte what Whoosh's writer makes for the same documents. Only on a TESTED version
    (`available()`); callers use Whoosh's writer otherwise.
    """

    def __init__(self, ix, prose: tuple[str, ...]):
        from whoosh.writing import SegmentWriter

        self.writer = SegmentWriter(ix, _lk=False)
        self.schema = ix.schema
        self.prose = prose
        # field -> term -> [docnum, weight, encoded value, docnum, ...]
        self.postings: dict[str, dict[str, list]] = {}
        self.lengths: dict[str, array] = {f: array("B") for f in self.schema.scorable_names()}
        self.docs = 0

    def add(self, fields: dict, analysed: dict[str, dict[str, list[int]]]) -> None:
        """fields: what to_fields gives; analysed: prose field -> stem -> positions (those fields' values in
        `fields` are not analysed again)."""
        w = self.writer
        perdoc, docnum, schema = w.perdocwriter, w.docnum, self.schema
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            terms = self.postings.get(name)
            if terms is None:
                terms = self.postings[name] = {}
            if name in analysed:
                # each term's postings as a flat list: docnum, frequency, encoded positions, ...
                for stem, where in analysed[name].items():
                    entry = terms.get(stem)
                    if entry is None:
                        entry = terms[stem] = []
                    n = len(where)
                    entry.extend((docnum, n, encode_positions(where)))
                    length += n
            elif field.indexed:
                for tbytes, freq, weight, vbytes in field.index(value):
                    term = tbytes.decode("utf-8")
                    entry = terms.get(term)
                    if entry is None:
                        entry = terms[term] = []
                    entry.extend((docnum, weight, vbytes or b""))
                    if field.scorable:
                        length += freq
            if name in self.lengths:
                self.lengths[name].append(length_to_byte(length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        for column in self.lengths.values():  # scorable fields this document lacks
            if len(column) <= docnum:
                column.append(0)
        perdoc.finish_doc()
        w.docnum += 1
        self.docs += 1

    def finish(self):
        """Write the postings and close the segment; returns (segment, posting arrays of the prose fields)."""
        w = self.writer
        w.perdocwriter.close()
        fw = w.fieldwriter
        arrays: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        recorder = _RecordingFile(fw._postfile)
        fw._postfile = recorder
        limit = w.codec._blocklimit
        for name in sorted(self.postings):
            field = self.schema[name]
            lengths = (
                LENGTH_TABLE[np.frombuffer(self.lengths[name], dtype=np.uint8)].astype(np.int64)
                if name in self.lengths
                else None
            )
            fw.start_field(name, field)
            terms = self.postings[name]
            for term in sorted(terms):  # code point order is UTF-8 byte order, Whoosh's term order
                flat = terms[term]
                ids, weights, values = array("I", flat[0::3]), array("f", flat[1::3]), flat[2::3]
                fw.start_term(term.encode("utf-8"))
                pw = fw._postwriter
                spans = []
                for start in range(0, len(ids), limit):
                    end = min(start + limit, len(ids))
                    block_ids = ids[start:end]
                    pw._ids, pw._weights, pw._values = block_ids, weights[start:end], values[start:end]
                    pw._maxweight = max(pw._weights)
                    if lengths is not None:
                        block_lengths = lengths[np.frombuffer(block_ids, dtype=np.uint32)]
                        pw._minlength, pw._maxlength = int(block_lengths.min()), int(block_lengths.max())
                        if pw._minlength == 0:  # Whoosh's writer skips zero lengths in its minimum
                            nonzero = block_lengths[block_lengths > 0]
                            pw._minlength = int(nonzero.min()) if len(nonzero) else None
                    if end < len(ids):
                        pw._write_block()
                    else:
                        fw.finish_term()  # writes the last block, marked last, and the term info
                    offset, size, compressed = recorder.last
                    spans.append((offset, size, pw._compression if compressed else 0))  # as the matcher says
                if name in self.prose:
                    arrays.append(
                        (
                            f"{name}\t{term}",
                            np.frombuffer(ids, dtype=np.uint32),
                            np.frombuffer(weights, dtype=np.float32),
                            np.arange(0, len(ids), limit, dtype=np.int32),
                            np.array(spans, dtype=np.int64).reshape(-1, 3),
                        )
                    )
            fw.finish_field()
        fw._postfile = recorder._file
        fw.close()
        w._close_segment()
        w._assemble_segment()
        # The writer's temporary folder is shared by every worker of the rebuild (Whoosh names it after the
        # index): removing it here would pull files from under another worker. add_segments removes it.
        return w.get_segment(), arrays


_ONE_POSITION: dict[int, bytes] = {}


def encode_positions(where: list[int]) -> bytes:
    """A posting's positions as Whoosh's Positions format encodes them (count, then pickled deltas); most
    terms occur once in a field, and those encodings are cached by position."""
    if len(where) == 1:
        p = where[0]
        encoded = _ONE_POSITION.get(p)
        if encoded is None:
            encoded = _ONE_POSITION[p] = _PACK_UINT(1) + pickle.dumps([p], 2)
        return encoded
    deltas, base = [], 0
    for p in where:
        deltas.append(p - base)
        base = p
    return _PACK_UINT(len(deltas)) + pickle.dumps(deltas, 2)


def bulk_available() -> bool:
    return PRIVATE


def add_segments(ix, segments: list) -> None:
    """Commit a new generation of the index holding its current segments plus these (written by
    BulkSegment), under the index's write lock."""
    writer = ix.writer()
    try:
        writer._close_segment()  # the writer's own (empty) segment files; the TOC commit deletes them
        writer._commit_toc(list(writer.segments) + list(segments))
    finally:
        writer._finish()
