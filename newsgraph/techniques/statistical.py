"""The statistical engine: linear models over hashed features of the spaCy parse (scikit-learn).

Three models, stacked:

- sentence scorer: a logistic regression says how likely a sentence holds a
  technique, from its words, its position in the article, its quotes, its
  intensifiers and superlatives, the people it names and the rule engine's hits;
- span finder: a logistic regression says, per token, whether it lies inside a
  propaganda span, from the token and its neighbours, what it modifies (a named
  target), whether its words recur in the article, the sentence score, and how
  often its word and word pairs lay inside spans in the training articles
  (``WordRates``); with the optional encoder (``techniques train --encoder``), also the token's
  all-MiniLM-L6-v2 vector, projected (``encoder.Projection``); with the optional fine-tuned tagger
  (``techniques train --tagger``), or the word-window tagger over word-piece vectors (``techniques train
  --piece-tagger``, ``piece_tagger``), its probability that the token lies in a span (``tagger.columns``);
- technique classifier: a multinomial logistic regression gives each span one
  of the 14 PTC classes.

Decoding: runs of tokens around a peak above the span threshold, inside one
sentence (hysteresis, see ``runs``), become candidate spans; each gets its
technique and keeps its peak token probability as its strength. Each
technique has its own threshold on that strength. Both thresholds are chosen by
cross-validation inside the training articles (the models that score a fold
never saw it), then the models are refitted on all of them. The span score maps
strength onto one scale for all techniques: 0.5 is the technique's threshold
(``DEFAULT_MIN_SCORE``), 1.0 certainty, 0 the span threshold; so one
``--min-score`` serves every technique.

This module applies a trained model; the training (and the cross-validation
that picks the thresholds) lives in ``newsgraph.training.techniques``, which a
build never imports. Features are plain strings hashed by ``FeatureHasher``, and the word rates are kept by
32-bit hashes of the words, so the model file holds coefficients and counts but none of the training text. Everything is computed from
the spaCy Doc alone, the same way at training and at prediction time.
"""

from __future__ import annotations

import bisect
import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.utils import murmurhash3_32
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, IS_PUNCT, IS_QUOTE, IS_SPACE, IS_STOP, LEMMA, LOWER, POS, SHAPE, TAG
from spacy.tokens import Doc

from newsgraph.techniques import Found, model_path, rules

FORMAT = 6  # 3: spans decoded by hysteresis, strength = peak probability; 4: the finder reads word rates;
# 5: the classifier reads the span's volume words, degree, numbers and the lexicons' entries; 6: the model carries the
# min-score its training chose (meta["min_score"]) and, when training chose one, a calm-article prior (meta["calm"])
# 7 (FORMAT_PIECES): format 6 with word-piece vectors (``pieces``) in the sentence scorer and the finder. Only such a
# model is written in it, so an older newsgraph, which would feed their wider sentence rows to its scorer, refuses it
# and the models it reads stay readable here.
FORMAT_PIECES = 7
# 8 (FORMAT_PIECE_TAGGER): format 7 whose finder also reads the word-window tagger over the piece vectors
# (``piece_tagger``), a class an older newsgraph cannot unpickle.
FORMAT_PIECE_TAGGER = 8
FORMATS = (FORMAT, FORMAT_PIECES, FORMAT_PIECE_TAGGER)
N_FEATURES = 2**20


def _column(feature: str) -> int:
    """The column ``FeatureHasher(n_features=N_FEATURES, alternate_sign=False)`` gives a feature string."""
    h = murmurhash3_32(feature.encode("utf-8"), seed=0)
    return (2147483647 - (N_FEATURES - 1)) % N_FEATURES if h == -2147483648 else abs(h) % N_FEATURES


class _Columns(dict):
    """Feature string -> column, as scikit-learn's ``FeatureHasher(alternate_sign=False)`` maps it, remembered.

    The same few thousand strings recur in every document; hashing each occurrence again was a third of the
    model's cost. Looked up through ``map(columns.__getitem__, row)``, a repeat costs one dict probe.
    """

    LIMIT = 2_000_000

    def __missing__(self, feature: str) -> int:
        column = _column(feature)
        if len(self) >= self.LIMIT:
            self.clear()
        self[feature] = column
        return column


_COLUMNS = _Columns()


def hash_rows(rows: list[list[str]]) -> sp.csr_matrix:
    """One row of hashed feature counts per list of feature strings: ``FeatureHasher.transform``, faster."""
    indices: list[int] = []
    indptr = [0]
    lookup = _COLUMNS.__getitem__
    for row in rows:
        indices.extend(map(lookup, row))
        indptr.append(len(indices))
    X = sp.csr_matrix((np.ones(len(indices)), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
                      shape=(len(rows), N_FEATURES))
    X.sum_duplicates()
    return X
_UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
         "SCONJ", "SYM", "VERB", "X", "SPACE")
_UPOS_INDEX = {p: i for i, p in enumerate(_UPOS)}
SENTENCE_BINS = 10
_TARGET_TYPES = {"PERSON", "ORG", "NORP", "GPE"}
_WE = {"we", "our", "us", "ours", "ourselves"}
_YOU = {"you", "your", "yours"}
_MODALS = {"must", "should", "need", "cannot", "ca"}


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n <= 2 else "3" if n <= 3 else "6" if n <= 6 else "12" if n <= 12 else "25" if n <= 25 else "L"


@lru_cache(maxsize=1)
def intensifiers() -> frozenset[str]:
    """Words that turn up the volume of a claim (``data/intensifiers.txt``)."""
    text = (resources.files("newsgraph.techniques") / "data" / "intensifiers.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass
class DocFeatures:
    """What the models read off one Doc, computed once."""

    tokens: sp.csr_matrix  # hashed token features, one row per token
    sentences: sp.csr_matrix  # hashed sentence features, one row per sentence
    sent_of: np.ndarray  # sentence index of every token
    upos: np.ndarray  # coarse part of speech of every token, as an index into _UPOS
    trim_left: np.ndarray  # tokens a span may not start with (punctuation, space; not "#")
    trim_right: np.ndarray  # tokens a span may not end with (punctuation, space; not "?" or "!")
    rule_hits: list[Found]
    counts: Counter
    scored: np.ndarray  # the tokens that have token features (their sentence was selected); the others score 0
    sentence_probs: np.ndarray | None = None  # the sentence scores, when the model computed them to select
    word_keys: np.ndarray | None = None  # per token, the key of its lower form (``word_key``)
    pair_keys: np.ndarray | None = None  # per token but the last, the key of it and the next token's lower forms
    word_index: tuple | None = None  # the words and where each occurs, built by the first span that asks (``_occurrences``)
    lexical: list | None = None  # the rule lexicons' entries found, (start, end, technique, entry) (``rules.find_with_hits``)
    dense: np.ndarray | None = None  # per token, the finder's dense columns from the optional encoder (``encoder.Projection``)


_BUCKET_EDGES = np.array([1, 2, 3, 6, 12, 25])
_BUCKETS = ("1", "2", "3", "6", "12", "25", "L")  # _bucket's names, in the order of _BUCKET_EDGES


class _Strings:
    """The strings of all documents read so far, as dense ids (from spaCy's string hashes), and per feature template
    the column of each id, or pair of ids, already named and hashed.

    A word's features (``w=<word>``, ``w-1=<word>``, ``x=<suffix>``, …) have the same columns in every document:
    looked up by id in an array, a word seen before costs no string building or hashing at all, and a document's
    tokens are looked up in one vectorised step per template."""

    LIMIT = 1_000_000  # ids kept before everything is forgotten (at a document's start, so ids never mix)
    START, END = 0, 1  # the ids of the padding before the first token and after the last
    PAIR_LIMIT = 2_000_000  # pairs of ids kept per template

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.ids: dict[int, int] = {}
        self.names: list[str] = ["<s>", "</s>"]
        self.unary: dict[str, np.ndarray] = {}
        self.pairs: dict[str, dict[int, int]] = {}

    def of(self, hashes: list[int], strings) -> np.ndarray:
        """The ids of spaCy string hashes (0, no string, is the empty string)."""
        if len(self.names) > self.LIMIT:
            self.clear()
        ids, names = self.ids, self.names
        out = []
        for h in hashes:
            i = ids.get(h)
            if i is None:
                i = ids[h] = len(names)
                names.append(strings[h] if h else "")
            out.append(i)
        return np.array(out, dtype=np.int64)

    def columns(self, prefix: str, ids: np.ndarray, name=None, value=None) -> np.ndarray:
        """The column of ``prefix + name(string)`` for every id (`value(string)` instead when given: what the
        table holds), computed once per id."""
        table = self.unary.get(prefix)
        top = int(ids.max()) + 1 if len(ids) else 0
        if table is None or len(table) < top:
            grown = np.full(max(top, 2 * len(table) if table is not None else 64), -1, dtype=np.int64)
            if table is not None:
                grown[:len(table)] = table
            table = self.unary[prefix] = grown
        out = table[ids]
        missing = out < 0
        if missing.any():
            new = np.unique(ids[missing])
            names = self.names
            if value is None:  # hashed here: the table remembers them, _COLUMNS need not
                table[new] = [_column(prefix + name(names[k])) for k in new.tolist()]
            else:
                table[new] = [value(names[k]) for k in new.tolist()]
            out = table[ids]
        return out

    def pair_columns(self, prefix: str, first: np.ndarray, second: np.ndarray, sep: str = "", value=None) -> np.ndarray:
        """The column of ``prefix + first + sep + second`` for every pair of ids (`value(first, second)` instead
        when given), computed once per pair."""
        table = self.pairs.setdefault(prefix, {})
        if len(table) > self.PAIR_LIMIT:  # most pairs of words are rare: forget them all now and then
            table.clear()
        codes = (first << 32) | second
        distinct, inverse = np.unique(codes, return_inverse=True)
        got = table.get
        out = [got(c, -1) for c in distinct.tolist()]
        if -1 in out:
            names = self.names
            for j, c in enumerate(distinct.tolist()):
                if out[j] < 0:
                    a, b = names[c >> 32], names[c & 0xFFFFFFFF]
                    out[j] = table[c] = _column(prefix + a + sep + b) if value is None else value(a, b)
        return np.array(out, dtype=np.int64)[inverse.reshape(-1)]


_STRINGS = _Strings()


def _same(x: str) -> str:
    return x


def _lower(x: str) -> str:
    return x.lower()


def _last3(x: str) -> str:
    return x[-3:]


_TOKEN_COLUMNS = 20


def _token_columns(ids: np.ndarray, head: np.ndarray, position: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The columns of the 20 features every read token carries, one row per token in `rows`, computed per
    column rather than per token (the same columns as the strings ``w=<word>``, ``b-1=<previous>_<word>``, …
    hashed one by one, at a fraction of the cost).

    `ids`: per token, the ids (``_Strings.of``) of its lower form, lemma, POS, tag, dependency, shape and entity
    type; `head`: the index of each token's head; `position`: the token's place in its sentence, from 1."""
    n = len(ids)
    if not len(rows):
        return np.zeros((0, _TOKEN_COLUMNS), dtype=np.int64)
    start, end = _Strings.START, _Strings.END
    low, lem, pos, tag, dep, shape, ent = (ids[:, k] for k in range(7))

    def shift(a, by, pad):  # a[i - by] (by > 0) or a[i + |by|], padded at the edges
        padding = np.full(abs(by), pad, dtype=a.dtype)
        return np.concatenate((padding, a))[:n] if by > 0 else np.concatenate((a, padding))[-by:][:n]

    prev, nxt = shift(low, 1, start), shift(low, -1, end)
    r = rows
    one, two = _STRINGS.columns, _STRINGS.pair_columns
    cols = [
        np.full(len(r), _COLUMNS["b"], dtype=np.int64),
        one("w=", low[r], _same), one("l=", lem[r], _lower), one("p=", pos[r], _same),
        one("t=", tag[r], _same), one("d=", dep[r], _same), one("s=", shape[r], _same),
        one("x=", low[r], _last3), one("h=", lem[head[r]], _lower),
        two("hd=", dep[r], pos[head[r]], ">"),
        one("w-1=", prev[r], _same), one("w+1=", nxt[r], _same),
        two("b-1=", prev[r], low[r], "_"), two("b+1=", low[r], nxt[r], "_"),
        one("p-1=", shift(pos, 1, start)[r], _same), one("p+1=", shift(pos, -1, end)[r], _same),
        one("p-2=", shift(pos, 2, start)[r], _same), one("p+2=", shift(pos, -2, end)[r], _same),
        _small_columns("pos=", _BUCKETS)[np.searchsorted(_BUCKET_EDGES, position[r])],
        one("e=", ent[r], _same),
    ]
    return np.stack(cols, axis=1)


def features(doc: Doc, rule_result: tuple | None = None, select=None, pieces=None) -> DocFeatures:
    """Token and sentence features of `doc`; `rule_result` is ``rules.find_with_hits(doc)`` when the caller has it.
    `pieces` (``pieces.PieceVectors``, fitted): the sentence rows also hold the sentence's word-piece columns, after
    the hashed ones, and ``dense`` the tokens' (the models of a ``--piece-vectors`` training read them).

    `select`, given the sentence feature matrix, says which sentences get token features (a boolean per
    sentence); the others' tokens are not scored (``scored``). Token features are most of the model's cost,
    and on plain reporting few sentences are worth reading closely.

    Each feature is a string (``rep=3``, ``sw=<lemma>``, …) whose hashed column the model weighs; the columns are
    computed per feature kind over arrays of the tokens (``_Strings``), the same matrices as hashing each token's
    strings one by one (``hash_rows``)."""
    hits, lexical = rule_result or rules.find_with_hits(doc)
    n = len(doc)
    if not n:
        empty = sp.csr_matrix((0, N_FEATURES))
        z = np.zeros(0, dtype=np.int64)
        no_sentences = sp.csr_matrix((0, N_FEATURES + (pieces.sentence_columns if pieces is not None else 0)))
        return DocFeatures(empty, no_sentences, z, z, z.astype(bool), z.astype(bool), hits, Counter(), z.astype(bool), None,
                           z, z, lexical=lexical, dense=None if pieces is None else np.zeros((0, pieces.projection.dims)))
    lookup = _COLUMNS.__getitem__
    # Token attributes read once as arrays: creating a Token object per access costs more than the rest.
    arr = doc.to_array([LOWER, LEMMA, POS, TAG, DEP, SHAPE, ENT_TYPE, IS_ALPHA, IS_STOP, IS_QUOTE, HEAD, IS_PUNCT, IS_SPACE])
    # each distinct string looked up once: a Doc repeats its tags and words many times
    hashes, inverse = np.unique(arr[:, :7], return_inverse=True)
    gids = _STRINGS.of(hashes.tolist(), doc.vocab.strings)
    ids = gids[inverse.reshape(n, 7)]
    all_names = _STRINGS.names
    names = np.array([all_names[g] for g in gids.tolist()], dtype=object)
    columns = names[inverse.reshape(n, 7)]
    lower = columns[:, 0].tolist()
    lemma = [x.lower() for x in columns[:, 1].tolist()]
    tag, ent = columns[:, 3].tolist(), columns[:, 6].tolist()
    alpha_a, stop_a, quote_a = arr[:, 7].astype(bool), arr[:, 8].astype(bool), arr[:, 9].astype(bool)
    head_a = arr[:, 10].astype(np.int64) + np.arange(n)  # HEAD is a relative offset, wrapped in uint64
    head = head_a.tolist()
    punct = arr[:, 11].astype(bool) | arr[:, 12].astype(bool)
    content_a = alpha_a & ~stop_a
    content = content_a.tolist()
    loud = intensifiers()
    counts = Counter(compress(lemma, content))
    both_content = content_a[:-1] & content_a[1:]
    pairs = Counter(compress(zip(lower, lower[1:]), both_content.tolist()))
    child_ent = [""] * n  # the entity type of a name this token governs ("the Maduro regime")
    targets = [i for i, e in enumerate(ent) if e in _TARGET_TYPES]
    for i in targets:
        if head[i] != i and not ent[head[i]]:
            child_ent[head[i]] = ent[i]
    sents = [(s.start, s.end) for s in doc.sents]
    starts = np.array([s0 for s0, _ in sents], dtype=np.int64)
    sent_of = np.repeat(np.arange(len(sents), dtype=np.int64), np.diff(np.append(starts, n)))
    title = {lemma[i] for i in range(sents[0][0], sents[0][1]) if content[i]} if len(sents) > 1 else set()
    rule_names: dict[int, set[str]] = {}
    for f in hits:
        for k in set(sent_of[f.start:f.end].tolist()):
            # named as trained: the first three letters of the technique cut off ("srf=ded_Language"), the way
            # format 4 spelled it (a slice of "rf=<technique>" too long by three). Spelled in full, the 40-article
            # gate slice fell from SI F1 0.2348 to 0.2184 (the finder's hashed columns move); kept until a
            # cross-validation over all of ptc-dev says whether that is more than the slice's noise.
            rule_names.setdefault(k, set()).add(f.technique[3:])
    quote, sup = quote_a.tolist(), [t in ("JJS", "RBS") for t in tag]
    person = [e == "PERSON" for e in ent]
    shared_cols: list[int] = []  # what every token of a sentence carries
    shared_ptr = [0]
    for k, (s0, s1) in enumerate(sents):
        last = lower[s1 - 1]
        if last in ('"', "'") and s1 - s0 > 1:
            last = lower[s1 - 2]
        sent_feats = ["sl=" + _bucket(s1 - s0), "send=" + (last if last in ("?", "!") else "."),
                      "si=" + ("0" if k == 0 else _bucket(k)), "sr=" + _bucket(len(sents) - k)]
        words = set(lower[s0:s1])
        flags = [("sq", any(quote[s0:s1])), ("swe", not words.isdisjoint(_WE)), ("syou", not words.isdisjoint(_YOU)),
                 ("smod", not words.isdisjoint(_MODALS)), ("sint", not words.isdisjoint(loud)),
                 ("ssup", any(sup[s0:s1])), ("sname", any(person[s0:s1]))]
        sent_feats += [name for name, on in flags if on]
        sent_feats += ["srf=" + r for r in sorted(rule_names.get(k, ()))]
        shared_cols.extend(map(lookup, sent_feats))
        shared_ptr.append(len(shared_cols))
    # the sentence rows: its shared features, its content lemmas, its pairs of words, its repeated lemmas
    count_of = np.array([counts.get(x, 0) for x in lemma], dtype=np.int64)
    one, two = _STRINGS.columns, _STRINGS.pair_columns
    shared_lens = np.diff(shared_ptr)
    at = np.flatnonzero(content_a)
    pair_at = np.flatnonzero(alpha_a[:-1] & alpha_a[1:] & (sent_of[:-1] == sent_of[1:]))
    rep_at = at[count_of[at] > 2]
    srep = _small_columns("srep=", _BUCKETS)
    sentence_matrix = _matrix(
        len(sents),
        [np.repeat(np.arange(len(sents)), shared_lens), sent_of[at], sent_of[pair_at], sent_of[rep_at]],
        [np.array(shared_cols, dtype=np.int64), one("sw=", ids[at, 1], _lower),
         two("sb=", ids[pair_at, 0], ids[pair_at + 1, 0], "_"), srep[_bucket_index(count_of[rep_at])]])
    dense = None
    if pieces is not None:
        sentence_cols, dense = pieces.columns(lower, arr[:, 12].astype(bool), sent_of, len(sents))
        sentence_matrix = sp.hstack([sentence_matrix, sp.csr_matrix(sentence_cols)], format="csr")
    keep = np.ones(len(sents), dtype=bool) if select is None else np.asarray(select(sentence_matrix), dtype=bool)
    scored = keep[sent_of]
    # the token rows: the features every read token carries, its sentence's shared ones (every token), and those
    # only some tokens carry (a quote, a repeated word, an intensifier, a named target, a rule's hit)
    r = np.flatnonzero(scored)
    rows = [np.repeat(r, _TOKEN_COLUMNS)]
    cols = [_token_columns(ids, head_a, np.arange(n) - starts[sent_of] + 1, r).ravel()]
    rows.append(np.repeat(np.arange(n), shared_lens[sent_of]))
    first = np.repeat(np.asarray(shared_ptr[:-1], dtype=np.int64)[sent_of], shared_lens[sent_of])
    offsets = np.arange(len(rows[-1])) - np.repeat(np.cumsum(shared_lens[sent_of]) - shared_lens[sent_of], shared_lens[sent_of])
    cols.append(np.array(shared_cols, dtype=np.int64)[first + offsets] if len(shared_cols) else np.zeros(0, dtype=np.int64))
    if len(r):
        sc = np.zeros(n, dtype=bool)
        sc[r] = True
        # inside quotes: an odd number of quote marks so far in the sentence, this one counted
        run = np.cumsum(quote_a) - np.repeat(np.concatenate(([0], np.cumsum(quote_a)[starts[1:] - 1])), np.diff(np.append(starts, n)))
        marks = [
            ("inq", sc & (run % 2 == 1)),
            ("intitle", sc & content_a & (sent_of > 0) & np.array([x in title for x in lemma])),
            ("int", sc & np.array([x in loud for x in lower])),
        ]
        for name, mask in marks:
            w = np.flatnonzero(mask)
            rows.append(w)
            cols.append(np.full(len(w), lookup(name), dtype=np.int64))
        w = np.flatnonzero(sc & content_a)
        rows.append(w)
        cols.append(_small_columns("rep=", _BUCKETS)[_bucket_index(count_of[w])])
        w = np.flatnonzero(sc[:-1] & both_content)
        rows.append(w)
        cols.append(_small_columns("rep2=", _BUCKETS)[_bucket_index(np.array([pairs[(lower[i], lower[i + 1])] for i in w.tolist()], dtype=np.int64))])
        labelled = [(i, "deg=" + tag[i]) for i in r.tolist() if tag[i] in ("JJS", "RBS", "JJR", "RBR")]
        labelled += [(i, "he=" + ent[head[i]]) for i in r.tolist() if ent[head[i]] in _TARGET_TYPES and not ent[i]]
        labelled += [(i, "ce=" + child_ent[i]) for i in r.tolist() if child_ent[i]]
        for f in hits:
            labelled += [(i, "rf=" + f.technique) for i in range(f.start, f.end) if scored[i]]
        for s, e, technique, _ in lexical:
            labelled += [(i, "rl=" + technique) for i in range(s, e) if scored[i]]
        rows.append(np.array([i for i, _ in labelled], dtype=np.int64))
        cols.append(np.array([lookup(x) for _, x in labelled], dtype=np.int64))
    token_matrix = _matrix(n, rows, cols)
    trim_left = punct & np.array([t != "#" for t in lower])
    trim_right = punct & np.array([t not in ("?", "!") for t in lower])
    upos = np.array([_UPOS_INDEX.get(p, len(_UPOS) - 2) for p in columns[:, 2].tolist()], dtype=np.int64)
    word_keys, pair_keys = _word_keys(ids[:, 0], _near(scored))
    return DocFeatures(token_matrix, sentence_matrix, sent_of, upos, trim_left, trim_right, hits, counts, scored,
                       None, word_keys, pair_keys, lexical=lexical, dense=dense)


def _matrix(n: int, rows: list[np.ndarray], cols: list[np.ndarray]) -> sp.csr_matrix:
    """n rows of hashed feature counts from (row, column) pairs, as ``hash_rows`` gives them (duplicates summed,
    columns sorted)."""
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    X = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, N_FEATURES))
    X.sum_duplicates()
    return X


_SMALL: dict[str, np.ndarray] = {}


def _small_columns(prefix: str, values) -> np.ndarray:
    """The columns of ``prefix + value`` for each of a few values, in their order."""
    got = _SMALL.get(prefix)
    if got is None:
        got = _SMALL[prefix] = np.array([_COLUMNS[prefix + v] for v in values], dtype=np.int64)
    return got


def _bucket_index(counts: np.ndarray) -> np.ndarray:
    """The index into _BUCKETS of ``_bucket(count)`` for every count."""
    return np.searchsorted(_BUCKET_EDGES, counts)


def _key(text: str) -> int:
    return int(murmurhash3_32(text.encode("utf-8"), seed=11, positive=True))


def word_key(word: str) -> int:
    """A word's 32-bit key in ``WordRates`` (documents' keys are remembered per word by ``_Strings``)."""
    return _key("u " + word)


def pair_key(first: str, second: str) -> int:
    """A pair of adjacent words' key in ``WordRates``."""
    return _key("b " + first + " " + second)


def _near(scored: np.ndarray) -> np.ndarray:
    """The tokens within two of a scored token: all that a scored token's rate features read."""
    if not len(scored):
        return scored
    padded = np.concatenate((np.zeros(2, dtype=bool), scored, np.zeros(2, dtype=bool)))
    return np.any(np.stack([padded[k:k + len(scored)] for k in range(5)]), axis=0)


def _word_keys(low: np.ndarray, near: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys of the lower forms (their ``_Strings`` ids in `low`) of the tokens `near` marks and of the pairs of
    adjacent ones both marked (0 for the others, which no scored token reads), each computed once per process."""
    n = len(low)
    words = np.zeros(n, dtype=np.int64)
    at = np.flatnonzero(near)
    if len(at):
        words[at] = _STRINGS.columns(" u", low[at], value=word_key)
    pairs = np.zeros(max(0, n - 1), dtype=np.int64)
    both = np.flatnonzero(near[:-1] & near[1:]) if n > 1 else at[:0]
    if len(both):
        pairs[both] = _STRINGS.pair_columns(" b", low[both], low[both + 1], value=pair_key)
    return words, pairs


class WordRates:
    """How often each word, and each pair of adjacent words, lay inside a technique span in the training
    articles: counts by key (32-bit hashes of the lower forms, so the model file holds no training text),
    read as log-odds smoothed towards the overall rate.

    The span finder reads these rates beside its word features: a word seen three times, each time inside a
    span, says more through its rate than through a weight that regularisation keeps small. A training
    article's rows read rates counted without that article (``excluding``), as an unseen article would;
    otherwise a word seen once carries its own label."""

    ALPHA = 3.0  # pseudo-counts at the overall rate

    def __init__(self, seen: dict[int, int], inside: dict[int, int], tokens: int, positive: int):
        self.seen, self.inside, self.tokens, self.positive = seen, inside, tokens, positive

    @classmethod
    def count(cls, items) -> "WordRates":
        """Counted over (word_keys, pair_keys, labels) per article; labels 1 for tokens inside a span."""
        seen: Counter = Counter()
        inside: Counter = Counter()
        tokens = positive = 0
        for words, pairs, y in items:
            y = np.asarray(y, dtype=bool)
            seen.update(words.tolist())
            inside.update(words[y].tolist())
            seen.update(pairs.tolist())
            inside.update(pairs[y[:-1] & y[1:]].tolist())
            tokens += len(y)
            positive += int(y.sum())
        return cls(dict(seen), dict(inside), tokens, positive)

    def minus(self, other: "WordRates") -> "WordRates":
        seen = {k: v - other.seen.get(k, 0) for k, v in self.seen.items()}
        inside = {k: v - other.inside.get(k, 0) for k, v in self.inside.items()}
        return WordRates({k: v for k, v in seen.items() if v > 0}, {k: v for k, v in inside.items() if v > 0},
                         self.tokens - other.tokens, self.positive - other.positive)

    def excluding(self, other: "WordRates") -> "WordRates":
        """These rates with `other`'s counts taken out when read: ``minus`` without copying the counts (for one
        article's rows, read once)."""
        return _Excluding(self, other)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The keys, sorted, with their seen and inside counts: the dicts as arrays, built once (a loaded model
        builds them at load, ``_load``)."""
        got = self.__dict__.get("_arrays")
        if got is None:
            keys = np.array(sorted(self.seen), dtype=np.int64)
            listed = keys.tolist()
            seen = np.array([self.seen[k] for k in listed], dtype=np.float64)
            inside = np.array([self.inside.get(k, 0) for k in listed], dtype=np.float64)
            got = self.__dict__["_arrays"] = (keys, seen, inside)
        return got

    def _counts(self, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
        keys, seen, inside = self.arrays()
        if not len(keys):
            z = np.zeros(len(distinct))
            return z, z.copy(), self.tokens, self.positive
        at = np.minimum(np.searchsorted(keys, distinct), len(keys) - 1)
        found = keys[at] == distinct
        return np.where(found, seen[at], 0.0), np.where(found, inside[at], 0.0), self.tokens, self.positive

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_arrays", None)  # rebuilt from the counts; the model file keeps only those
        return state

    def log_odds(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Smoothed log-odds of being inside a span, and how often the key was seen, per key."""
        distinct, inverse = np.unique(keys, return_inverse=True)
        seen, inside, tokens, positive = self._counts(distinct)
        prior = positive / max(1, tokens)
        rate = (inside + self.ALPHA * prior) / (seen + self.ALPHA)
        lo = np.log(rate + 1e-9) - np.log(1 - rate + 1e-9)
        return lo[inverse.reshape(-1)], seen[inverse.reshape(-1)]


class _Excluding(WordRates):
    """`base`'s rates read as if `other`'s articles had not been counted."""

    def __init__(self, base: WordRates, other: WordRates):
        self.base, self.other = base, other
        self.tokens, self.positive = base.tokens - other.tokens, base.positive - other.positive

    def _counts(self, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
        seen, inside, tokens, positive = self.base._counts(distinct)
        o_seen, o_inside, o_tokens, o_positive = self.other._counts(distinct)
        return seen - o_seen, inside - o_inside, tokens - o_tokens, positive - o_positive


_RATE_BINS = 17  # log-odds in half units, from -6 (and below) to 2 (and above)
_SEEN_EDGES = np.array([1, 2, 4, 10])  # seen 0, 1, 2-3, 4-9, 10 or more times
_RATE_COLUMNS = _RATE_BINS * (len(_SEEN_EDGES) + 1) + 4 * _RATE_BINS


def _rate_bin(lo: np.ndarray) -> np.ndarray:
    return (np.clip(np.floor(lo * 2), -12, 4) + 12).astype(np.int64)


def _rate_blocks(feats: DocFeatures, rates: WordRates) -> list[np.ndarray]:
    """The word-rate columns of every token, one array per block in column order (-1 where a token has none):
    its word's rate (binned, crossed with how often the word was seen), the rates of the pairs it begins and
    ends, the highest word rate within two tokens, and its sentence's (the mean of its two highest)."""
    n = len(feats.sent_of)
    # only the tokens near a scored one are looked up: the rows of the others are never read
    near = _near(feats.scored)
    lo, seen = np.zeros(n), np.zeros(n)
    at = np.flatnonzero(near)
    lo[at], seen[at] = rates.log_odds(feats.word_keys[at])
    R = _RATE_BINS
    o = np.cumsum([0, R * (len(_SEEN_EDGES) + 1), R, R, R])
    blocks = [o[0] + _rate_bin(lo) * (len(_SEEN_EDGES) + 1) + np.searchsorted(_SEEN_EDGES, seen, side="right")]
    begins, ends = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    if n > 1:
        both = np.flatnonzero(near[:-1] & near[1:])
        plo, pseen = np.zeros(n - 1), np.zeros(n - 1)
        plo[both], pseen[both] = rates.log_odds(feats.pair_keys[both])
        known = np.flatnonzero(pseen > 0)
        begins[known] = o[1] + _rate_bin(plo[known])
        ends[known + 1] = o[2] + _rate_bin(plo[known])
    blocks += [begins, ends]
    padded = np.concatenate((np.full(2, -np.inf), lo, np.full(2, -np.inf)))
    window = np.max(np.stack([padded[k:k + n] for k in range(5)]), axis=0)
    blocks.append(o[3] + _rate_bin(window))
    # the mean of each sentence's two highest word rates (its only one's, for a one-token sentence)
    order = np.lexsort((lo, feats.sent_of))
    last = np.flatnonzero(np.append(feats.sent_of[order][1:] != feats.sent_of[order][:-1], True))
    first = np.concatenate(([0], last[:-1] + 1))
    high = lo[order[last]]
    pair = last > first
    top = high.copy()
    top[pair] = (lo[order[last[pair] - 1]] + high[pair]) / 2
    blocks.append(o[4] + _rate_bin(top)[feats.sent_of])  # sentences are numbered 0, 1, … in order
    return blocks


def _rate_columns(feats: DocFeatures, rates: WordRates, keep: np.ndarray | None = None) -> sp.csr_matrix:
    """The word-rate features of every token (``_rate_blocks``) as a matrix; `keep`: the rows to return (token
    indices, increasing), all by default."""
    n = len(feats.sent_of)
    if not n:
        return sp.csr_matrix((0 if keep is None else len(keep), _RATE_COLUMNS))
    blocks = _rate_blocks(feats, rates)
    if keep is not None:
        blocks = [c[keep] for c in blocks]
    m = len(blocks[0])
    rows = [np.flatnonzero(c >= 0) for c in blocks]
    cols = [c[r] for c, r in zip(blocks, rows)]
    return sp.csr_matrix((np.ones(sum(map(len, rows))), (np.concatenate(rows), np.concatenate(cols))), shape=(m, _RATE_COLUMNS))


def _stacked(feats: DocFeatures, sentence_probs: np.ndarray, rates: WordRates | None = None,
             keep: np.ndarray | None = None) -> sp.csr_matrix:
    """Token features plus the sentence scores: the token's sentence (its bin, the bin with the token's part of
    speech, its value), its neighbour sentences, and the article's mean (its bin, crossed with the sentence's).
    `keep`: the rows to return (token indices, increasing; the rows of the others are not built); all by default."""
    n = feats.tokens.shape[0]
    dense = feats.dense
    if not n:
        return sp.csr_matrix((0, N_FEATURES + _STACK_COLUMNS + (_RATE_COLUMNS if rates is not None else 0)
                              + (dense.shape[1] if dense is not None else 0)))
    if keep is not None and len(keep) == n:
        keep = None
    cols, vals = _sentence_blocks(feats, sentence_probs, keep)
    m = len(cols)
    extra = sp.csr_matrix((vals.ravel(), (np.repeat(np.arange(m), cols.shape[1]), cols.ravel())), shape=(m, _STACK_COLUMNS))
    tokens = feats.tokens if keep is None else feats.tokens[keep]
    blocks = [tokens, extra]
    if rates is not None:
        blocks.append(_rate_columns(feats, rates, keep))
    if dense is not None:  # the encoder's columns come last
        blocks.append(sp.csr_matrix(dense if keep is None else dense[keep]))
    return sp.hstack(blocks, format="csr")


_STACK_COLUMNS = SENTENCE_BINS * (4 + len(_UPOS) + SENTENCE_BINS) + 2


def _sentence_blocks(feats: DocFeatures, sentence_probs: np.ndarray, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sentence-score columns of the tokens in `keep` (all by default) and their values, one row per token, in
    column order (``_stacked``)."""
    B, U = SENTENCE_BINS, len(_UPOS)

    def bins(x):
        return np.minimum((np.asarray(x) * B).astype(np.int64), B - 1)

    sent_of = feats.sent_of if keep is None else feats.sent_of[keep]
    upos = feats.upos if keep is None else feats.upos[keep]
    m = len(sent_of)
    q = sentence_probs[sent_of]
    padded = np.concatenate(([0.0], sentence_probs, [0.0]))
    before, after = padded[sent_of], padded[sent_of + 2]
    mean = float(sentence_probs.mean())
    b, a = bins(q), int(bins(mean))
    o = np.cumsum([0, B, B * U, B, B, B, B * B, 1])  # column offsets of the blocks below
    cols = np.stack([o[0] + b, o[1] + b * U + upos, o[2] + bins(before), o[3] + bins(after),
                     np.full(m, o[4] + a), o[5] + b * B + a, np.full(m, o[6]), np.full(m, o[7])], axis=1)
    vals = np.stack([np.ones(m)] * 6 + [q, np.full(m, mean)], axis=1)
    return cols, vals


def _finder_scores(finder, feats: DocFeatures, sentence_probs: np.ndarray, rates: WordRates | None,
                   rows: np.ndarray) -> np.ndarray | None:
    """The finder's probabilities of the tokens in `rows`, as ``_positive(finder, _stacked(..., rows))`` computes
    them (the same products added in the same order: a row's token columns, then its sentence-score columns,
    then its word-rate columns), without building the stacked matrix; None when the finder is not a plain
    binary linear model."""
    coef = getattr(finder, "coef_", None)
    dims = feats.dense.shape[1] if feats.dense is not None else 0
    width = N_FEATURES + _STACK_COLUMNS + (_RATE_COLUMNS if rates is not None else 0) + dims
    if coef is None or coef.shape != (1, width) or not hasattr(finder, "intercept_"):
        return None
    w = coef[0]
    z = (feats.tokens @ w[:N_FEATURES])[rows]
    cols, vals = _sentence_blocks(feats, sentence_probs, rows)
    extra = w[N_FEATURES:N_FEATURES + _STACK_COLUMNS]
    for j in range(cols.shape[1]):
        z = z + vals[:, j] * extra[cols[:, j]]
    if dims:
        z = z + feats.dense[rows] @ w[width - dims:]
    if rates is not None:
        weights = w[N_FEATURES + _STACK_COLUMNS:N_FEATURES + _STACK_COLUMNS + _RATE_COLUMNS]
        for block in _rate_blocks(feats, rates):
            c = block[rows]
            present = c >= 0
            if present.all():
                z = z + weights[c]
            elif present.any():
                z = z + np.where(present, weights[np.where(present, c, 0)], 0.0)
    return expit(z + finder.intercept_[0])


def span_features(doc: Doc, feats: DocFeatures, start: int, end: int) -> list[str]:
    span = doc[start:end]
    f = ["len=" + _bucket(end - start), "first=" + doc[start].lower_, "last=" + doc[end - 1].lower_,
         "root=" + span.root.lemma_.lower(), "rootpos=" + span.root.pos_, "rootdep=" + span.root.dep_]
    f += ["w=" + t.lower_ for t in span if not t.is_space]
    f += ["l=" + t.lemma_.lower() for t in span if t.is_alpha]
    f += ["pos=" + t.pos_ for t in span[:4]]
    f += ["ent=" + t.ent_type_ for t in span if t.ent_type_]
    if any(t.text == "?" for t in span) or (end < len(doc) and doc[end].text == "?"):
        f.append("question")
    if any(t.text == "!" for t in span):
        f.append("exclaim")
    lemmas = [t.lemma_.lower() for t in span if t.is_alpha and not t.is_stop]
    if lemmas:
        f.append("rep=" + _bucket(min(feats.counts[l] for l in lemmas)))
    sent = doc[start].sent
    f += ["c=" + t.lemma_.lower() for t in sent if t.is_alpha and not t.is_stop and not (start <= t.i < end)]
    for h in feats.rule_hits:
        overlap = min(end, h.end) - max(start, h.start)
        if overlap > 0:
            f.append("rule=" + h.technique)
            if overlap * 2 >= end - start:
                f.append("rulemost=" + h.technique)
    # Repetition is a phrase said again: how often the span's words recur in the article, and whether this is
    # a later occurrence; then the span's shape in its sentence and its neighbours.
    occurrences = _occurrences(doc, feats, start, end)
    if occurrences:
        count = len(occurrences)
        f.append("occ=" + ("1" if count <= 1 else "2" if count == 2 else "3" if count <= 4 else "5"))
        if count > 1:
            f.append("occlater" if occurrences[0] < start else "occfirst")
            f.append(f"occ{min(count, 5)}len{min(len(_span_words(doc, start, end)), 4)}")
    if end - start >= 0.8 * (sent.end - sent.start):
        f.append("wholesent")
    f.append("slen=" + str(min(end - start, 12)))
    if any(t.is_quote for t in doc[max(start - 1, 0):min(end + 1, len(doc))]):
        f.append("quoted")
    f += ["entl=" + t.ent_type_ + "_" + t.lemma_.lower() for t in span if t.ent_type_]
    if start > 0:
        f.append("prev=" + doc[start - 1].lower_)
    if end < len(doc):
        f.append("next=" + doc[end].lower_)
    f.append("shape=" + "_".join(t.shape_ for t in span[:3]))
    f.append("rootocc=" + str(min(feats.counts[span.root.lemma_.lower()], 6)))
    for t in span:
        if t.is_alpha and len(t) > 4:
            f += ["suf=" + t.lower_[-4:], "pre=" + t.lower_[:4]]
    f.append("hd=" + span.root.dep_ + ">" + span.root.head.lemma_.lower())
    # What tells an exaggeration from loaded language (a large confusion after name calling): the volume words,
    # degree and numbers inside the span, and which rule lexicons' entries it holds.
    loud = intensifiers()
    if any(t.lower_ in loud for t in span):
        f.append("sint")
    f += ["sdeg=" + t.tag_ for t in span if t.tag_ in ("JJS", "RBS", "JJR", "RBR")]
    if any(t.pos_ == "NUM" for t in span):
        f.append("num")
    f += ["lex=" + technique for s, e, technique, _ in feats.lexical or () if min(end, e) > max(start, s)]
    return f


def _span_words(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    return tuple(t.lower_ for t in doc[start:end] if not t.is_punct and not t.is_space)


def _occurrences(doc: Doc, feats: DocFeatures, start: int, end: int) -> list[int]:
    """Where the span's words (punctuation aside) occur in the Doc, as token indices of their first word."""
    key = _span_words(doc, start, end)
    if not key:
        return []
    if feats.word_index is None:
        arr = doc.to_array([LOWER, IS_PUNCT, IS_SPACE])
        strings = doc.vocab.strings
        words = [(i, strings[h]) for i, (h, punct, space) in enumerate(arr.tolist()) if not punct and not space]
        index: dict[str, list[int]] = {}
        for j, (_, w) in enumerate(words):
            index.setdefault(w, []).append(j)
        feats.word_index = ([w for _, w in words], [i for i, _ in words], index)
    seq, at, index = feats.word_index
    n = len(key)
    return [at[j] for j in index.get(key[0], ()) if tuple(seq[j:j + n]) == key]


def token_char_spans(doc: Doc, norm) -> list[tuple[int, int]]:
    """Original (start, end) of every token of `doc`, parsed from `norm.text`."""
    return [norm.to_original(t.idx, t.idx + len(t.text)) for t in doc]


def char_to_tokens(char_spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Token range [s, e) of the tokens overlapping an original character span."""
    starts = [s for s, _ in char_spans]
    lo = bisect.bisect_right(starts, start) - 1
    lo = max(lo, 0)
    while lo < len(char_spans) and char_spans[lo][1] <= start:
        lo += 1
    hi = bisect.bisect_left(starts, end)
    if lo >= hi:
        return None
    return lo, hi


HYSTERESIS = 0.65  # a span grows over tokens down to this share of the threshold its peak must reach


def runs(feats: DocFeatures, probs: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """(start, end, peak probability) of the spans whose peak token reaches `threshold`.

    Hysteresis: a span is a run of tokens at or above ``HYSTERESIS * threshold``
    inside one sentence (one-token gaps bridged, punctuation trimmed from the
    edges), kept when its most likely token reaches `threshold`. A phrase's edge
    words score lower than its core; a single cut either clips the phrase or, set
    low enough to keep it whole, lets long runs of weak tokens through.
    """
    n = len(probs)
    if not n:
        return []
    on = probs >= HYSTERESIS * threshold
    same = feats.sent_of[1:] == feats.sent_of[:-1]
    if n > 2:
        gap = ~on[1:-1] & on[:-2] & on[2:] & same[:-1] & same[1:]
        on[1:-1] |= gap
    key = np.where(on, feats.sent_of + 1, 0)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], key, [0]))))
    out = []
    for s, e in zip(edges[:-1].tolist(), edges[1:].tolist()):
        if not key[s]:
            continue
        while s < e and feats.trim_left[s]:
            s += 1
        while e > s and feats.trim_right[e - 1]:
            e -= 1
        if e > s:
            peak = float(probs[s:e].max())
            if peak >= threshold:
                out.append((s, e, peak))
    return out


def widen(feats: DocFeatures, spans: list[tuple[int, int, float, str]], kinds) -> list[tuple[int, int, float, str]]:
    """(start, end, strength, technique) spans, those of the techniques in `kinds` stretched over their sentence
    (punctuation trimmed from its edges, as ``runs`` trims).

    Some techniques are mostly said by a whole sentence (in ptc-dev 62% of the Doubt spans cover at least 80% of
    their line, 61% of Causal_Oversimplification), while the finder marks the few words that give it away; the
    spans of such a technique are widened to the sentence when cross-validation inside the training articles
    says that helps (``meta["sentence_wide"]``). Spans widened to the same sentence with the same technique are
    kept once, the strongest."""
    if not kinds or not spans:
        return spans
    so = feats.sent_of
    out: dict[tuple[int, int, str], float] = {}
    for s, e, m, k in spans:
        if k in kinds:
            a, b = int(np.searchsorted(so, so[s], "left")), int(np.searchsorted(so, so[s], "right"))
            while a < b and feats.trim_left[a]:
                a += 1
            while b > a and feats.trim_right[b - 1]:
                b -= 1
            s, e = min(s, a), max(e, b)
        if out.get((s, e, k), -1.0) < m:
            out[(s, e, k)] = m
    return sorted((s, e, m, k) for (s, e, k), m in out.items())


CALM_TOP = 3  # the article's level: the mean of its this many highest sentence scores


def article_level(sentence_probs: np.ndarray) -> float:
    """How loaded an article reads as a whole: the mean of its ``CALM_TOP`` highest sentence scores (the sentence
    scorer's probability that a sentence holds a technique). Partisan articles have a few sentences that score
    high; plain reporting rarely does (ptc-dev articles: median 0.68 on held-out folds; BBC news: 0.41)."""
    q = np.sort(np.asarray(sentence_probs, dtype=float))[::-1][:CALM_TOP]
    return float(q.mean()) if len(q) else 0.0


def calm_penalty(prior: dict | None, level: float) -> float:
    """What a calm article's spans lose from their score: ``weight * (below - level)`` when the article's level
    (``article_level``) is under `below`, else nothing. `prior` is ``meta["calm"]`` (None: no prior)."""
    if not prior:
        return 0.0
    return float(prior["weight"]) * max(0.0, float(prior["below"]) - level)


def reading_mask(sentence_probs: np.ndarray, gate: float, encoder_gate: float | None, calm: dict | None) -> np.ndarray:
    """The sentences a model reads token by token: those whose score reaches `gate`, and, when `encoder_gate` is
    set, whose score less their article's calm penalty (``calm_penalty``) reaches it too. A span's shown score
    loses that penalty, so in a calm article only the sentences that score highest can hold a span a reader sees;
    the encoder is not run on the others. Their spans under the default min-score are lost with them."""
    q = np.asarray(sentence_probs, dtype=float)
    keep = q >= gate
    if encoder_gate is not None and len(q):
        keep &= q - calm_penalty(calm, article_level(q)) >= encoder_gate
    return keep


def _score(strength: float, span_threshold: float, technique_threshold: float) -> float:
    """Strength mapped so that the technique's threshold is 0.5, certainty 1 and the span threshold 0."""
    if strength >= technique_threshold:
        return 0.5 + 0.5 * (strength - technique_threshold) / max(1e-9, 1 - technique_threshold)
    return 0.5 * max(0.0, strength - span_threshold) / max(1e-9, technique_threshold - span_threshold)


def _positive(model, X) -> np.ndarray:
    """P(class 1) from a binary linear model: what ``predict_proba(X)[:, 1]`` gives, without scikit-learn's
    per-call input checks (they cost more than the product itself on one document's rows)."""
    coef = getattr(model, "coef_", None)
    if coef is None or coef.shape[0] != 1 or not hasattr(model, "intercept_"):
        return model.predict_proba(X)[:, 1]
    return expit(np.asarray(X @ coef[0]).ravel() + model.intercept_[0])


def _probabilities(model, X) -> np.ndarray:
    """``predict_proba(X)`` of a multinomial linear model, computed as scikit-learn computes it (the softmax of
    ``X @ coef_.T + intercept_``) without its per-call input checks; other models are asked."""
    coef = getattr(model, "coef_", None)
    if coef is None or coef.shape[0] < 3 or not hasattr(model, "intercept_") or len(model.classes_) != coef.shape[0]:
        return model.predict_proba(X)
    from sklearn.utils.extmath import safe_sparse_dot, softmax

    return softmax(safe_sparse_dot(X, coef.T, dense_output=True) + model.intercept_, copy=False)


class TechniqueModel:
    """The trained sentence scorer, span finder and technique classifier, with their thresholds."""

    def __init__(self, sentence, finder, classifier,
                 threshold: float, thresholds: dict[str, float], meta: dict, rates: WordRates | None = None,
                 projection=None, tagger=None, pieces=None):
        self.pieces = pieces  # pieces.PieceVectors when the scorer and the finder read word-piece vectors
        self.rates = rates
        # tagger.TokenTagger or piece_tagger.PieceTagger when the finder reads a tagger's columns
        self.tagger = tagger
        self.projection = projection  # encoder.Projection when the finder reads the optional encoder's vectors
        self.sentence = sentence
        self.finder = finder
        self.classifier = classifier
        self.threshold = threshold
        self.thresholds = thresholds
        self.meta = meta

    def sentence_probabilities(self, sentences: sp.csr_matrix) -> np.ndarray:
        return _positive(self.sentence, sentences) if sentences.shape[0] else np.zeros(0)

    def token_probabilities(self, feats: DocFeatures) -> np.ndarray:
        """The finder's probability per token; 0 for the tokens of sentences not selected (``feats.scored``)."""
        n = feats.tokens.shape[0]
        if not n:
            return np.zeros(0)
        probs = np.zeros(n)
        rows = np.flatnonzero(feats.scored)
        if len(rows):
            q = feats.sentence_probs if feats.sentence_probs is not None else self.sentence_probabilities(feats.sentences)
            fast = _finder_scores(self.finder, feats, q, self.rates, rows)
            probs[rows] = fast if fast is not None else _positive(self.finder, _stacked(feats, q, self.rates, rows))
        return probs

    def features(self, doc: Doc, rule_result: tuple | None = None, gated: bool = False) -> DocFeatures:
        """The Doc's features; `gated`: token features only for the sentences whose score reaches the model's
        gate (the sentence scores are kept in the result)."""
        if not gated or (self.gate <= 0 and self.encoder_gate is None):
            return self._encoded(doc, features(doc, rule_result, pieces=self.pieces))
        kept = {}

        def select(sentences):
            kept["q"] = self.sentence_probabilities(sentences)
            kept["keep"] = reading_mask(kept["q"], self.gate, self.encoder_gate, self.calm)
            return kept["keep"]

        feats = features(doc, rule_result, select, pieces=self.pieces)
        feats.sentence_probs = kept.get("q")
        return self._encoded(doc, feats, kept.get("keep"))

    def _encoded(self, doc: Doc, feats: DocFeatures, keep: np.ndarray | None = None) -> DocFeatures:
        """`feats` with the encoder's columns, when the finder reads them: only the sentences `keep` marks are
        encoded (their tokens alone are scored)."""
        if self.projection is not None:
            from newsgraph.techniques import encoder

            feats.dense = self.projection(encoder.token_vectors(doc, keep))
        if self.tagger is not None:
            from newsgraph.techniques import tagger

            cols = tagger.columns(self.tagger.token_probabilities(doc, keep), feats.sent_of)
            feats.dense = cols if feats.dense is None else np.hstack([feats.dense, cols])
        return feats

    @property
    def gate(self) -> float:
        return float(self.meta.get("sentence_gate", 0.0))

    @property
    def encoder_gate(self) -> float | None:
        """The bar of ``reading_mask`` on score less calm penalty, for a model that reads the encoder or a tagger
        (None otherwise: a light model's finder costs little, and its spans under the default min-score stay). A
        tagger model's spans under its default min-score in the sentences the bar skips are not found, so a lower
        ``--min-score`` shows none there."""
        if self.tagger is None and self.projection is None:
            return None
        bar = self.meta.get("encoder_gate")
        return None if bar is None else float(bar)

    def classify(self, doc: Doc, feats: DocFeatures, spans: list[tuple[int, int]]) -> list[tuple[str, float]]:
        if not spans:
            return []
        X = hash_rows([span_features(doc, feats, s, e) for s, e in spans])
        proba = _probabilities(self.classifier, X)
        classes = self.classifier.classes_
        best = proba.argmax(axis=1)
        # A span given twice holds two techniques (the PTC lists such a span once per technique): each later copy
        # gets the next most likely technique, not the same one again. ``find`` never asks twice, so the spans it
        # marks and their scores do not change.
        asked: dict[tuple[int, int], int] = {}
        for r, span in enumerate(spans):
            k = asked[span] = asked.get(span, -1) + 1
            if k:
                best[r] = np.argsort(-proba[r], kind="stable")[min(k, len(classes) - 1)]
        return [(str(classes[k]), float(proba[r, k])) for r, k in enumerate(best)]

    def find(self, doc: Doc, rule_result: tuple | None = None) -> list[Found]:
        """Every candidate span with its technique and score; callers keep those at or above a min-score.

        With a calm-article prior (``meta["calm"]``, chosen in training), the spans of an article whose level
        (``article_level``) is low lose ``calm_penalty`` from their score: a reader of plain reporting should see
        few marks, and on held-out ptc-dev folds the spans of such articles are the least often right."""
        feats = self.features(doc, rule_result, gated=True)
        spans = runs(feats, self.token_probabilities(feats), self.threshold)
        labels = self.classify(doc, feats, [(s, e) for s, e, _ in spans])
        spans = widen(feats, [(s, e, p, technique) for (s, e, p), (technique, _) in zip(spans, labels)], self.sentence_wide)
        penalty = 0.0
        if spans and self.calm:
            q = feats.sentence_probs if feats.sentence_probs is not None else self.sentence_probabilities(feats.sentences)
            penalty = calm_penalty(self.calm, article_level(q))
        return [Found(s, e, technique, "model",
                      round(max(0.0, _score(p, self.threshold, self.thresholds.get(technique, self.threshold)) - penalty), 4))
                for s, e, p, technique in spans]

    @property
    def calm(self) -> dict | None:
        """The calm-article prior training chose (``calm_penalty``), or None."""
        return self.meta.get("calm") or None

    @property
    def default_min_score(self) -> float:
        """The min-score the outputs use for this model when the user gives none: chosen by cross-validation
        inside the training articles (``training.techniques.choose_default``)."""
        from newsgraph.techniques import DEFAULT_MIN_SCORE

        return float(self.meta.get("min_score", DEFAULT_MIN_SCORE))

    @property
    def sentence_wide(self) -> frozenset[str]:
        """The techniques whose spans are widened to their sentence (``widen``), as training chose them."""
        return frozenset(self.meta.get("sentence_wide", ()))

    def save(self, path: Path) -> None:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        form = FORMAT if self.pieces is None else FORMAT_PIECE_TAGGER if "piece_tagger" in self.meta else FORMAT_PIECES
        joblib.dump({"format": form, "pieces": self.pieces,
                     "sentence": self.sentence, "finder": self.finder, "classifier": self.classifier,
                     "threshold": self.threshold, "thresholds": self.thresholds, "meta": self.meta,
                     "rates": self.rates, "projection": self.projection,
                     "tagger": self.tagger}, tmp, compress=3)
        os.replace(tmp, path)


def _wrong_field(data: dict) -> str | None:
    """The first field of a model file (of a known format) that is missing or of the wrong kind: a hand-made or
    damaged file is refused at load with its name, not mid-build."""
    for name in ("sentence", "finder", "classifier"):
        if not hasattr(data.get(name), "predict_proba"):
            return f"'{name}'"
    if not isinstance(data.get("threshold"), (int, float)) or isinstance(data.get("threshold"), bool):
        return "'threshold'"
    if not isinstance(data.get("thresholds"), dict):
        return "'thresholds'"
    if not isinstance(data.get("meta", {}), dict):
        return "'meta'"
    if data.get("rates") is not None and not isinstance(data["rates"], WordRates):
        return "'rates'"
    return None


@lru_cache(maxsize=2)
def _load(path: str, mtime_ns: int) -> TechniqueModel | str:
    import joblib

    try:
        data = joblib.load(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same message
        return f"it cannot be read ({type(e).__name__})"
    if not isinstance(data, dict) or data.get("format") not in FORMATS:
        found = data.get("format") if isinstance(data, dict) else None
        return (f"it was written in model format {found} and this version reads formats {', '.join(map(str, FORMATS))}"
                if found is not None else "it is not a techniques model")
    wrong = _wrong_field(data)
    if wrong:
        return f"its {wrong} is not what a trained model holds (a file written by `newsgraph techniques train` is)"
    rates = data.get("rates")
    if rates is not None:
        rates.arrays()  # built with the model, not by the first document
    return TechniqueModel(data["sentence"], data["finder"], data["classifier"], data["threshold"], data["thresholds"],
                          data.get("meta", {}), rates, data.get("projection"), data.get("tagger"),
                          data.get("pieces"))


def load(path: Path | None = None) -> TechniqueModel | None:
    """The trained model at `path` (default ``model_path()``), or None when there is none; cached per file version.
    A file of another format (an older newsgraph's) or not a model raises ``InputError`` saying so."""
    path = path or model_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    got = _load(str(path), mtime)
    if isinstance(got, str):
        from newsgraph.errors import InputError

        raise InputError(f"the techniques model at {path} cannot be used: {got}; train it again with "
                         "`newsgraph techniques train DIR`")
    return got
