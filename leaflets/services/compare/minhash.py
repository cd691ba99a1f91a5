"""MinHash signatures of word shingles and their LSH bands (Broder 1997; Leskovec et al., Mining of Massive
Datasets ch. 3), in numpy.

A signature is NUM_PERM minima of universal hashes (a*x + b mod p) over the shingles' 32-bit hashes; the share
of positions where two signatures agree estimates the Jaccard similarity of their shingle sets. Cut into BANDS
bands of ROWS rows, two sets share at least one band with probability 1 - (1 - s^ROWS)^BANDS: about 0.5 at s =
0.42, 0.87 at s = 0.5 and 0.9996 at s = 0.7, so a template's copies meet in some band and unrelated leaflets
rarely do. Everything is seeded, so signatures stored today compare with signatures computed next year.
(datasketch's MinHash does the same with a scipy dependency; its LSH keeps the index in memory or Redis, while
ours is a database table, so it does not earn its place here.)
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Sequence

import numpy as np

NUM_PERM = 128
BANDS, ROWS = 32, 4
SHINGLE = 5
_PRIME = np.uint64(4294967311)  # the first prime above 2**32
_rng = np.random.default_rng(20240704)
_A = _rng.integers(1, 2**31, NUM_PERM, dtype=np.uint64)  # a*x < 2**63 for 32-bit x: no uint64 overflow
_B = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)


def shingle_hashes(tokens: Sequence[str], size: int = SHINGLE) -> np.ndarray:
    """32-bit hashes (crc32, stable across processes) of the token n-grams; a shorter text is one shingle."""
    grams = [" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))] if tokens else []
    return np.unique(
        np.fromiter((zlib.crc32(gram.encode("utf-8")) for gram in grams), dtype=np.uint64, count=len(grams))
    )


def signature(hashes: np.ndarray) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32) of a set of shingle hashes; None for an empty set."""
    if not len(hashes):
        return None
    values = (np.outer(hashes, _A) + _B) % _PRIME
    return (values.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two sets behind the signatures."""
    return float(np.count_nonzero(first == second)) / len(first)


def bands(sig: np.ndarray) -> list[int]:
    """One signed 64-bit hash per band (the band's number is hashed in, so equal rows in different bands
    differ)."""
    rows = sig.astype("<u4").reshape(BANDS, ROWS)
    return [
        int.from_bytes(
            hashlib.blake2b(bytes([band]) + rows[band].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    ]


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
