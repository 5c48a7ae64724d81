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
others are its copies.

The step keeps nothing of the corpus in memory: each signature's LSH bands go to the
store as 64-bit keys (``copy_bands``), so a document is compared only with those
sharing a key, once, when the later of the two arrives; the pairs found stay in the
store (``copy_pairs``) and the groups are made from them. A corpus step hashes and
compares only the documents it has not seen, a few thousand at a time.

Shape: per chunk of unseen documents: load texts -> signatures -> band keys -> write;
then candidate pairs (SQL) -> load their texts -> check -> write pairs; then all pairs
and page versions -> groups -> write.
"""

from __future__ import annotations

import re
import zlib
from hashlib import blake2b

import numpy as np

from newsgraph.store import stories as store_stories
from newsgraph.store.stories import DocInfo

SHINGLE = 5  # words
PERMUTATIONS = 128
CANDIDATE = 0.3  # LSH threshold: pairs estimated above this are checked
JACCARD = 0.5
CONTAINED = 0.8
MIN_SHINGLES = 20  # shorter texts (a caption, a line) are not compared
WORD = re.compile(r"\w+")


CHUNK = 2_000  # unseen documents hashed per round: the texts in memory at once
# LSH banding as datasketch's MinHashLSH chooses it for CANDIDATE and PERMUTATIONS (37 bands of 3 values; a test
# checks both the choice and that the candidates are the same): written out so that bands can live in the store.
BANDS, ROWS = 37, 3


def find_pairs(store) -> None:
    """Hash, band and check the documents not compared yet, and keep the pairs of copies found; `resolve` makes the
    groups. It runs before the dates step too, which counts a text and its copies as one report."""
    gone = store_stories.gone_signatures(store)
    if gone:
        store_stories.drop_gone(store, {d: band_keys(raw) for d, (n, raw) in gone.items() if _comparable(n, raw)})
    fresh: set[str] = set()
    unsigned = store_stories.unsigned_documents(store)
    while cached := store_stories.unbanded_signatures(store, CHUNK):  # kept by a store made before the bands
        fresh.update(_write_bands(store, cached))
    for i in range(0, len(unsigned), CHUNK):
        fresh.update(_write_bands(store, signatures(store_stories.document_texts(store, unsigned[i:i + CHUNK]))))
    pairs = sorted(store_stories.band_candidates(store, fresh))
    for i in range(0, len(pairs), CHUNK):
        chunk = pairs[i:i + CHUNK]
        store_stories.add_copy_pairs(store, verify(chunk, store_stories.document_texts(store, {d for p in chunk for d in p})))


def resolve(store) -> None:
    find_pairs(store)  # nothing left to compare when the corpus step ran it before the dates
    links = store_stories.copy_links(store)
    store_stories.write_copies(store, copies(links.documents, links.versions, links.pairs))


def _write_bands(store, sigs: dict[str, tuple[int, bytes]]) -> list[str]:
    """Store the signatures and their bands; the documents that have bands (long enough to compare)."""
    bands = {d: band_keys(raw) for d, (n, raw) in sigs.items() if _comparable(n, raw)}
    store_stories.write_bands(store, sigs, bands)
    return list(bands)


def _comparable(n: int, raw: bytes) -> bool:
    return n >= MIN_SHINGLES and bool(raw)


def band_keys(raw: bytes) -> list[int]:
    """The signature's LSH bands as signed 64-bit keys: two signatures share a key when they agree on all ROWS
    values of one band (a hash of the band's number and values; two different bands meeting on one key would only
    add a pair for `verify` to reject)."""
    width = ROWS * 8
    return [int.from_bytes(blake2b(bytes((b,)) + raw[b * width:(b + 1) * width], digest_size=8).digest(), "little", signed=True)
            for b in range(BANDS)]


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
    """Pairs of documents that share an LSH band (estimated Jaccard similarity above CANDIDATE), in memory:
    what the step finds through the store's band keys, for a set of signatures at hand."""
    by_key: dict[int, list[str]] = {}
    for doc, (n, raw) in sorted(sigs.items()):
        if _comparable(n, raw):
            for key in band_keys(raw):
                by_key.setdefault(key, []).append(doc)
    return {(a, b) for docs in by_key.values() for n, a in enumerate(docs) for b in docs[n + 1:]}


def _shingle_keys(text: str) -> np.ndarray:
    """The text's distinct shingles as sorted 64-bit hashes: 8 bytes a shingle where its set of strings took about
    90, so a chunk of a few thousand texts to check stays small (two shingles meet on one hash with a chance of
    about one in 10^14 per pair of texts: far below what the rounded similarity can show)."""
    return np.unique(np.fromiter((hash(s) for s in shingles(text)), dtype=np.int64))


def verify(pairs, texts: dict[str, str]) -> list[tuple[str, str, float]]:
    """(a, b, Jaccard similarity) of the pairs whose texts really are copies of each other."""
    keys = {d: _shingle_keys(t) for d, t in texts.items()}
    out = []
    for a, b in sorted(pairs):
        ka, kb = keys.get(a), keys.get(b)
        if ka is None or kb is None or not ka.size or not kb.size:
            continue
        shared = int(np.intersect1d(ka, kb, assume_unique=True).size)
        jaccard = shared / (ka.size + kb.size - shared)
        if jaccard >= JACCARD or shared / min(ka.size, kb.size) >= CONTAINED:
            out.append((a, b, round(jaccard, 4)))
    return out


def groups(pairs: list[tuple[str, str, float]], versions: dict[str, list[tuple[int, str]]]) -> dict[str, str]:
    """doc -> the least document id of its group, for every document that a pair of copies or a page's versions link
    to another: the groups `copies` chooses canonical documents in, and the dates step's reports."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = [(a, b) for a, b, _ in pairs] + [(a, b) for chain in versions.values() for (_, a), (_, b) in zip(chain, chain[1:])]
    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in list(parent)}


def copies(docs: dict[str, DocInfo], versions: dict[str, list[tuple[int, str]]],
           pairs: list[tuple[str, str, float]]) -> list[tuple[str, str, str, float | None]]:
    """(doc, canonical, kind, similarity) for every document that is a copy of another, from the pairs of copies
    and the page versions; `docs` holds (at least) the documents these name."""
    pairs = [(a, b, j) for a, b, j in pairs if a in docs and b in docs]
    similarity: dict[tuple[str, str], float] = {}
    for a, b, j in pairs:
        similarity[(a, b)] = similarity[(b, a)] = j
    present = {page: [(n, d) for n, d in chain if d in docs] for page, chain in versions.items()}
    older = {d for chain in present.values() for _, d in chain[:-1]}
    root = groups(pairs, present)
    by_root: dict[str, list[str]] = {}
    for d in sorted(docs):  # the groups in the order of their least id, not of `docs` (a dict made from a set)
        if d in root:
            by_root.setdefault(root[d], []).append(d)
    rows = []
    for members in by_root.values():
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
