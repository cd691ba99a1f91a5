"""Flat posting arrays beside each Whoosh segment, so a word's first search does not decode Whoosh's blocks.

Whoosh keeps postings in pickled blocks that hold word positions too; unpickling costs about 50 µs a
block, so the first search for a common word at 100,000 leaflets spent 50-150 ms decoding. A segment
never changes once written, so the writer decodes each new segment's prose fields once and saves
docnums, frequencies and the block layout (for phrase positions) as .npy files in
`<index>/.postings/<segment id>/` (Whoosh ignores names starting with a dot). Readers keep the offsets in
memory and read a term's run with one pread in microseconds; a segment without them falls back to decoding
blocks.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import uuid
import weakref
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .query import PROSE_FIELDS
from .whoosh_internals import Postings, read_postings

log = logging.getLogger(__name__)
DIRNAME = ".postings"
FORMAT = "1"
ARRAYS = ("term_offsets", "ids", "weights", "block_offsets", "block_starts", "block_spans")


def segment_dir(index_dir: Path, segid: str) -> Path:
    return Path(index_dir) / DIRNAME / segid


def build(segreader, index_dir: Path) -> bool:
    """Write the arrays of one segment, decoded from its blocks, unless they exist; True if written."""
    segid = segreader.segment().segment_id()
    target = segment_dir(index_dir, segid)
    if (target / "FORMAT").exists():
        return False
    entries = []
    for field in PROSE_FIELDS:
        if field not in segreader.indexed_field_names():
            continue
        for bterm in segreader.lexicon(field):
            term_ids, term_weights, layout = read_postings(segreader, field, bterm)
            if layout is not None:
                starts, spans = layout[0], np.array(layout[1], dtype=np.int64).reshape(-1, 3)
            else:  # Whoosh's public API (an untested version): positions come from its matcher
                starts, spans = np.zeros(0, dtype=np.int32), np.zeros((0, 3), dtype=np.int64)
            entries.append((f"{field}\t{bterm.decode('utf-8')}", term_ids, term_weights, starts, spans))
    return write(index_dir, segid, entries)


Entry = tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def write(index_dir: Path, segid: str, entries: list[Entry]) -> bool:
    """Save one segment's arrays from (field\tterm, docnums, weights, block starts, block spans) entries.
    Atomic: a temporary directory renamed into place, so a reader never maps a half-written file."""
    target = segment_dir(index_dir, segid)
    tmp = target.with_name(f".{segid}.tmp-{uuid.uuid4().hex}")
    tmp.mkdir(parents=True)
    try:
        term_offsets, block_offsets = [0], [0]
        for _, ids, _, starts, _ in entries:
            term_offsets.append(term_offsets[-1] + len(ids))
            block_offsets.append(block_offsets[-1] + len(starts))
        arrays = {
            "term_offsets": np.array(term_offsets, dtype=np.int64),
            "ids": _cat([e[1] for e in entries], np.int32),
            "weights": _cat([e[2] for e in entries], np.float32),
            "block_offsets": np.array(block_offsets, dtype=np.int64),
            "block_starts": _cat([e[3] for e in entries], np.int32),
            "block_spans": _cat([e[4] for e in entries], np.int64).reshape(-1, 3),
        }
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array)
        (tmp / "terms").write_text("\n".join(e[0] for e in entries), encoding="utf-8")
        (tmp / "FORMAT").write_text(FORMAT)
        try:
            tmp.rename(target)
        except OSError:  # another process wrote it first
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        return True
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def build_for_index(ix, index_dir: Path, procs: int = 1) -> int:
    """Write arrays for every segment of the index's current generation that lacks them, and delete
    those of segments that are gone; returns how many segments were written. With procs > 1 the
    segments are decoded in parallel worker processes (a parallel rebuild makes one per worker)."""
    with ix.reader() as reader:
        segments = [
            segreader.segment().segment_id()
            for segreader, _ in reader.leaf_readers()
            if segreader.segment() is not None
        ]
        todo = [s for s in segments if not (segment_dir(index_dir, s) / "FORMAT").exists()]
        if procs > 1 and len(todo) > 1:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(procs, len(todo)), mp_context=context) as pool:
                written = sum(pool.map(_build_one, [str(index_dir)] * len(todo), todo))
        else:
            written = sum(
                build(segreader, index_dir)
                for segreader, _ in reader.leaf_readers()
                if segreader.segment() is not None and segreader.segment().segment_id() in todo
            )
    root = Path(index_dir) / DIRNAME
    if root.is_dir():
        for entry in root.iterdir():
            if entry.name not in segments and not entry.name.startswith("."):
                shutil.rmtree(entry, ignore_errors=True)  # a reader that mapped them keeps its mapping
    return written


def _build_one(index_dir: str, segid: str) -> bool:
    """In a worker process: the arrays of one segment."""
    from whoosh.filedb.filestore import FileStorage

    with FileStorage(index_dir, supports_mmap=False).open_index().reader() as reader:
        for segreader, _ in reader.leaf_readers():
            if segreader.segment() is not None and segreader.segment().segment_id() == segid:
                return build(segreader, Path(index_dir))
    return False


class _Slices:
    """An .npy file whose slices are read with pread, not through a memory map: the kernel maps a touched
    map in large folios, so a map made a search's RSS grow by the size of the posting files (about 100 MB
    at 100,000 leaflets) whatever it read; a read copies only the slice asked for (as lookup did anyway)."""

    def __init__(self, path: Path):
        header = np.load(path, mmap_mode="r")
        self.dtype, self.shape, self._offset = header.dtype, header.shape, header.offset
        self._row = header.dtype.itemsize * int(np.prod(header.shape[1:], dtype=np.int64))
        del header
        # Held open for the life of the segment's reader, as a map would be: a merge deletes the folder of
        # a segment that searchers opened before it may still read, and an open file outlives its name.
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __getitem__(self, rows: slice) -> np.ndarray:
        start, stop = rows.start or 0, rows.stop
        raw = os.pread(self._fd, (stop - start) * self._row, self._offset + start * self._row)
        return np.frombuffer(raw, dtype=self.dtype).reshape((-1, *self.shape[1:]))


class SegmentPostings:
    """The arrays of one segment: offsets in memory, postings read a term at a time."""

    def __init__(self, directory: Path):
        if (directory / "FORMAT").read_text() != FORMAT:
            raise ValueError(f"unknown postings format in {directory}")
        self.term_offsets = np.load(directory / "term_offsets.npy")
        self.block_offsets = np.load(directory / "block_offsets.npy")
        self.ids, self.weights = _Slices(directory / "ids.npy"), _Slices(directory / "weights.npy")
        self.block_starts = _Slices(directory / "block_starts.npy")
        self.block_spans = _Slices(directory / "block_spans.npy")
        text = (directory / "terms").read_text(encoding="utf-8")
        self.index = {key: i for i, key in enumerate(text.split("\n"))} if text else {}

    @classmethod
    def open(cls, index_dir: Path | None, segid: str) -> "SegmentPostings | None":
        if index_dir is None:
            return None
        directory = segment_dir(index_dir, segid)
        if not (directory / "FORMAT").exists():
            return None
        try:
            return cls(directory)
        except (OSError, ValueError) as exc:  # unreadable: decode Whoosh's blocks instead
            log.warning("posting arrays unreadable", extra={"segment": segid, "error": str(exc)})
            return None

    def lookup(self, field: str, term: str) -> Postings | None:
        """(docnums, weights, block layout) of a term, or None if the segment does not hold it."""
        i = self.index.get(f"{field}\t{term}")
        if i is None:
            return None
        start, end = int(self.term_offsets[i]), int(self.term_offsets[i + 1])
        ids = np.asarray(self.ids[start:end], dtype=np.int64)
        weights = np.asarray(self.weights[start:end])
        b0, b1 = int(self.block_offsets[i]), int(self.block_offsets[i + 1])
        layout = (
            (np.asarray(self.block_starts[b0:b1], dtype=np.int64), np.asarray(self.block_spans[b0:b1]))
            if b1 > b0
            else None
        )
        return ids, weights, layout
