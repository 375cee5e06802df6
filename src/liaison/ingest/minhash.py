"""MinHash signatures of cleaned text, for finding near-duplicate articles.

Two texts whose word-trigram sets overlap by Jaccard similarity ``J`` share each
of the 64 signature values with probability ``J``; grouping them into 16 bands of
4 lets the store find candidates by exact band match.

A swarm of similar stories (a wire's templated reports, syndicated copies) can
put thousands of stored documents in the same buckets; comparing a new document
with every one of them would make storing slower and hungrier as the store
grows. So at most ``MAX_CANDIDATES`` candidates are compared per document: those
sharing the most bands with it (the likeliest to be similar: two texts share a
band with probability J⁴), ties broken by id. A near-duplicate then links to the
most similar of those, which in a swarm is still a document of the same story.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

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
MAX_CANDIDATES = 32  # stored documents compared with each new one, at most (see above)


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


def best_candidates(hits: Iterable[str], limit: int = MAX_CANDIDATES) -> list[str]:
    """The ``limit`` ids seen most often in ``hits`` (one entry per shared band), ties by id."""
    counts: dict[str, int] = {}
    for doc_id in hits:
        counts[doc_id] = counts.get(doc_id, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))[:limit]
