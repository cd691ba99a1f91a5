"""Decoding Whoosh's W3 posting lists: the pickled blocks of docnums, weights and positions.

This reads codec internals (`W3LeafMatcher` block offsets and tuples); search/README.md says why, and
tests/search pin the behaviour so an upgrade that changes them fails loudly.
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# Where a posting list's blocks are: the first posting of each block, and (offset, length, compression) per block;
# None for a list inlined in the term file.
Layout = tuple[np.ndarray, np.ndarray | list[tuple[int, int, int]]] | None


def decode_block(postfile, offset: int, length: int, compressed: int) -> tuple:
    """One block as Whoosh wrote it: (ids, weights, values), values holding each posting's positions."""
    raw = postfile.get(offset, length)
    return pickle.loads(zlib.decompress(raw) if compressed else raw)


def inline_positions(segreader, field: str, term: str, docnum: int) -> list[int] | None:
    """Positions of a posting Whoosh inlined in its term file (a word found in one document)."""
    matcher = segreader._terms.matcher(field, term.encode("utf-8"), segreader.schema[field].format)
    while matcher.is_active():
        if matcher.id() == docnum:
            return list(matcher.value_as("positions"))
        matcher.next()
    return None


def read_postings(segreader, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, Layout]:
    """Decode one posting list (deleted documents included) into (docnums, weights, layout)."""
    try:
        matcher = segreader._terms.matcher(field, btext, segreader.schema[field].format)
    except KeyError:
        return EMPTY_IDS, EMPTY_WEIGHTS, None
    except Exception as exc:  # TermNotFound and friends
        if type(exc).__name__ == "TermNotFound":
            return EMPTY_IDS, EMPTY_WEIGHTS, None
        raise
    if not isinstance(matcher, W3LeafMatcher):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32), None
    return _read_blocks(matcher)


def _read_blocks(m: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray, Layout]:
    id_parts, weight_parts, spans, starts = [], [], [], []
    count = 0
    while True:
        datalen = m._nextoffset - m._dataoffset
        spans.append((m._dataoffset, datalen, m._compression))
        starts.append(count)
        data = decode_block(m._postfile, m._dataoffset, datalen, m._compression)
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
