"""MinHash signatures of cleaned text, for finding near-duplicate articles.

Two texts whose word-trigram sets overlap by Jaccard similarity ``J`` share each
of the 64 signature values with probability ``J``; grouping them into 16 bands of
4 lets the store find candidates by exact band match.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20171130)  # fixed: signatures must be stable across runs
_A = _rng.integers(1, PRIME, NUM_PERM, dtype=np.int64)
_B = _rng.integers(0, PRIME, NUM_PERM, dtype=np.int64)
NEAR_DUPLICATE = 0.5  # estimated Jaccard similarity at or above which two texts are one story


def shingles(text: str) -> np.ndarray:
    tokens = re.findall(r"\w+", text.casefold())
    if len(tokens) < SHINGLE:
        tokens = tokens + [""] * (SHINGLE - len(tokens))
    grams = {" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    return np.fromiter((zlib.crc32(g.encode()) % PRIME for g in grams), dtype=np.int64, count=len(grams))


def signature(text: str) -> list[int]:
    values = shingles(text)
    hashed = (np.outer(values, _A) + _B) % PRIME
    return hashed.min(axis=0).astype(int).tolist()


def bands(sig: list[int]) -> list[tuple[int, int]]:
    out = []
    for band in range(BANDS):
        chunk = ",".join(map(str, sig[band * ROWS:(band + 1) * ROWS]))
        out.append((band, zlib.crc32(chunk.encode())))
    return out


def similarity(a: list[int], b: list[int]) -> float:
    return sum(x == y for x, y in zip(a, b)) / NUM_PERM
