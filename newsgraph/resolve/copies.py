"""Copies of one text: syndicated and edited versions of an article, and older versions of a followed page.

Exact duplicates never become two documents (the build skips them). What remains are
texts that differ a little: a wire story run by two outlets with their own first
paragraph, a story updated during the day, a page edited after it was fetched. They
are found with MinHash over word 5-shingles and locality-sensitive hashing
(datasketch): LSH proposes pairs whose estimated Jaccard similarity is above
``CANDIDATE`` and each pair is then checked on the shingle sets themselves: a copy
shares at least ``JACCARD`` of its shingles with the other text, or has at least
``CONTAINED`` of the shorter text inside the longer (an extended or cut version).

Linked documents form groups (a copy of a copy is a copy); each group has one
canonical document, the one counted in totals, conflicts and labels: the latest
version of a page, else the earliest report (publication date, then arrival). The
others are its copies. Signatures are cached in the store, so a later run hashes
only new documents.

Shape: load (``store.stories.copy_inputs``) -> signatures of new texts -> candidate
pairs -> load the candidates' texts -> check -> groups -> write.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from newsgraph.store import stories as store_stories
from newsgraph.store.stories import CopyInputs, DocInfo

SHINGLE = 5  # words
PERMUTATIONS = 128
CANDIDATE = 0.3  # LSH threshold: pairs estimated above this are checked
JACCARD = 0.5
CONTAINED = 0.8
MIN_SHINGLES = 20  # shorter texts (a caption, a line) are not compared
WORD = re.compile(r"\w+")


def resolve(store) -> None:
    inputs = store_stories.copy_inputs(store)
    new = signatures(inputs.texts)
    pairs = candidates({**inputs.signatures, **new})
    texts = store_stories.document_texts(store, {d for pair in pairs for d in pair})
    store_stories.write_copies(store, copies(inputs, verify(pairs, texts)), new)


def shingles(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


_PERMUTATIONS: list = []  # drawn once (seed 1, as datasketch does for every MinHash) and shared


def _minhash(hashes: np.ndarray):
    from datasketch import MinHash

    if not _PERMUTATIONS:
        _PERMUTATIONS.append(MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32, scheme="affine32").permutations)
    m = MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32, scheme="affine32", permutations=_PERMUTATIONS[0])
    m.update_batch(hashes)
    return m


def signatures(texts: dict[str, str]) -> dict[str, tuple[int, bytes]]:
    """doc -> (number of shingles, MinHash hash values as bytes) for each text."""
    out = {}
    for doc, text in texts.items():
        found = shingles(text)
        m = _minhash([s.encode("utf-8") for s in found]) if found else None
        out[doc] = (len(found), m.hashvalues.astype(np.uint64).tobytes() if m is not None else b"")
    return out


def candidates(sigs: dict[str, tuple[int, bytes]]) -> set[tuple[str, str]]:
    """Pairs of documents LSH puts in one bucket (estimated Jaccard similarity above CANDIDATE)."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE, num_perm=PERMUTATIONS)
    hashes = {}
    for doc, (n, raw) in sorted(sigs.items()):
        if n < MIN_SHINGLES or not raw:
            continue
        # LeanMinHash: only the stored hash values, without drawing the permutations again for each document
        m = LeanMinHash(seed=1, hashvalues=np.frombuffer(raw, dtype=np.uint64).copy(), scheme="affine32")
        hashes[doc] = m
        lsh.insert(doc, m)
    pairs = set()
    for doc, m in hashes.items():
        for other in lsh.query(m):
            if other != doc:
                pairs.add((min(doc, other), max(doc, other)))
    return pairs


def verify(pairs: set[tuple[str, str]], texts: dict[str, str]) -> list[tuple[str, str, float]]:
    """(a, b, Jaccard similarity) of the pairs whose texts really are copies of each other."""
    sets = {d: shingles(t) for d, t in texts.items()}
    out = []
    for a, b in sorted(pairs):
        sa, sb = sets.get(a), sets.get(b)
        if not sa or not sb:
            continue
        shared = len(sa & sb)
        jaccard = shared / len(sa | sb)
        if jaccard >= JACCARD or shared / min(len(sa), len(sb)) >= CONTAINED:
            out.append((a, b, round(jaccard, 4)))
    return out


def copies(inputs: CopyInputs, pairs: list[tuple[str, str, float]]) -> list[tuple[str, str, str, float | None]]:
    """(doc, canonical, kind, similarity) for every document that is a copy of another."""
    docs = inputs.documents
    parent = {d: d for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    similarity: dict[tuple[str, str], float] = {}
    for a, b, j in pairs:
        if a in docs and b in docs:
            union(a, b)
            similarity[(a, b)] = similarity[(b, a)] = j
    older: set[str] = set()
    for versions in inputs.versions.values():
        present = [d for _, d in versions if d in docs]
        for a, b in zip(present, present[1:]):
            union(a, b)
        older.update(present[:-1])
    groups: dict[str, list[str]] = {}
    for d in docs:
        groups.setdefault(find(d), []).append(d)
    rows = []
    for members in groups.values():
        if len(members) < 2:
            continue
        canonical = min((d for d in members if d not in older), key=lambda d: docs[d].order, default=None)
        if canonical is None:
            canonical = max(members, key=lambda d: docs[d].added_at)
        for d in sorted(members):
            if d == canonical:
                continue
            kind = "version" if d in older and _same_page(docs[d], docs[canonical]) else "near-duplicate"
            rows.append((d, canonical, kind, similarity.get((d, canonical))))
    return rows


def _same_page(a: DocInfo, b: DocInfo) -> bool:
    return a.path.rsplit("#v", 1)[0] == b.path
