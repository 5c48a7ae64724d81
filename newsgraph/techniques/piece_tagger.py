"""A small word-window tagger over word-piece vectors, for the light model's span finder
(``techniques train --piece-tagger``).

The fine-tuned MiniLM tagger (``tagger``) lifts the finder most, but it runs a transformer on every sentence it
reads, several times the parse. This network reads the same word-piece table (``pieces``) without running the
transformer: each word's vector (the mean of its pieces' rows) and four spelling flags, two convolutions (five
words wide, the second with gaps of two, so each word sees six words each side), and the sentence's strongest
reading beside each word. It learns, from the training articles only, whether each word lies inside a span; the
finder reads its probability as the tagger's columns (``tagger.columns``).

Training uses torch (the optional extra). Applying is numpy: the first layer is linear in the piece rows, so it is
folded into one row of ``DIMS`` numbers per piece (kept per word, ``pieces.WordRows``), and the rest is a few
matrix products per document. No library offers a numpy-only sequence tagger that loads trained weights, and
running torch in a build would put the extra back on the default install.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
from spacy.attrs import IS_PUNCT, IS_SPACE, IS_TITLE, IS_UPPER, LENGTH, SENT_START

from newsgraph.techniques.pieces import PieceVectors, WordRows

DIMS = 128  # the folded first layer's width, and the convolutions'
WIDTH = 5
GAP = 2  # the second convolution's dilation
FLAGS = 4
EPOCHS = 3  # the held-out words' average precision was best at 2-3 passes and fell after (the network learns the training words)
DROPOUT = 0.2
LEARNING_RATE = 2e-3
BATCH = 32
_PAD = GAP * (WIDTH // 2)  # zeros between sentences, so that no convolution reads across one


def flags(doc) -> np.ndarray:
    """Per token: title case, all capitals (two letters or more), first of its sentence, punctuation; the piece
    vectors are lower case and know none of these."""
    a = doc.to_array([IS_TITLE, IS_UPPER, LENGTH, SENT_START, IS_PUNCT]).astype(np.int64)
    out = np.zeros((len(doc), FLAGS), dtype=np.float32)
    if len(doc):
        out[:, 0] = a[:, 0]
        out[:, 1] = a[:, 1] & (a[:, 2] > 1)
        out[:, 2] = a[:, 3] == 1
        out[:, 3] = a[:, 4]
    return out


def sentence_bounds(doc, keep: np.ndarray | None = None) -> np.ndarray:
    """(sentences, 2) token start and end of each sentence of `doc` that `keep` marks (all when None)."""
    bounds = np.array([(s.start, s.end) for s in doc.sents], dtype=np.int64).reshape(-1, 2)
    return bounds if keep is None else bounds[np.asarray(keep, dtype=bool)]


def _conv(h: np.ndarray, w: np.ndarray, b: np.ndarray, gap: int) -> np.ndarray:
    """A 1-D convolution of `h` (length, channels) with weights `w` (WIDTH * channels, out), zeros past its ends."""
    length, channels = h.shape
    reach = gap * (WIDTH // 2)
    padded = np.zeros((length + 2 * reach, channels), dtype=np.float32)
    padded[reach:reach + length] = h
    return np.hstack([padded[k * gap:k * gap + length] for k in range(WIDTH)]) @ w + b


class PieceTagger:
    """The trained network, its first layer folded per piece; `pieces` splits the words (and, while training,
    holds the table)."""

    def __init__(self, pieces: PieceVectors, per_piece: np.ndarray, weights: dict[str, np.ndarray], meta: dict):
        self.pieces, self.per_piece, self.weights, self.meta = pieces, per_piece, weights, meta
        self._rows: WordRows | None = None

    def __getstate__(self):
        return {"pieces": self.pieces, "per_piece": self.per_piece, "weights": self.weights, "meta": self.meta}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._rows = None

    def logits(self, words: list[str], space: np.ndarray, flag_rows: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """Per token, the network's logit; NaN for whitespace and for tokens outside `bounds`. The sentences are
        laid end to end with ``_PAD`` zeros between them, so one product per layer reads them all."""
        z = np.full(len(words), np.nan)
        if not len(bounds):
            return z
        if self._rows is None:
            self._rows = WordRows(self.per_piece, self.pieces._pieces_of)
        w = self.weights
        lengths = bounds[:, 1] - bounds[:, 0]
        tokens = np.concatenate([np.arange(s, e) for s, e in bounds])
        firsts = _PAD * np.arange(1, len(bounds) + 1) + np.cumsum(lengths) - lengths
        at = np.repeat(firsts - bounds[:, 0], lengths) + tokens
        total = int(firsts[-1] + lengths[-1] + _PAD)
        inside = np.zeros(total, dtype=bool)
        inside[at] = True
        h = np.zeros((total, self.per_piece.shape[1]), dtype=np.float32)
        h[at] = np.maximum(self._rows([words[i] for i in tokens]) + flag_rows[tokens] @ w["flags"] + w["b_in"], 0)
        h1 = np.maximum(_conv(h, w["c1"], w["b1"], 1), 0) * inside[:, None]
        h2 = (np.maximum(_conv(h1, w["c2"], w["b2"], GAP), 0) + h1)[at]
        context = np.maximum.reduceat(h2, np.cumsum(lengths) - lengths, axis=0) @ w["ctx"] + w["b_ctx"]
        z[tokens] = (np.maximum(h2 + np.repeat(context, lengths, axis=0), 0) @ w["out"] + w["b_out"])[:, 0]
        z[space] = np.nan
        return z

    def token_probabilities(self, doc, keep: np.ndarray | None = None) -> np.ndarray:
        """Per token of `doc`, the probability that it lies in a span (NaN for whitespace and the sentences `keep`
        leaves out), as ``tagger.TokenTagger`` gives it."""
        z = self.logits([t.lower_ for t in doc], doc.to_array([IS_SPACE]).astype(bool).reshape(-1), flags(doc),
                        sentence_bounds(doc, keep))
        return 1 / (1 + np.exp(-z))


def _network(torch, inputs: int, dims: int):
    class Network(torch.nn.Module):
        """The layers ``PieceTagger.logits`` computes in numpy (there with the first layer folded per piece)."""

        def __init__(self):
            super().__init__()
            self.inp = torch.nn.Linear(inputs, dims)
            self.flags = torch.nn.Linear(FLAGS, dims, bias=False)
            self.c1 = torch.nn.Conv1d(dims, dims, WIDTH, padding=WIDTH // 2)
            self.c2 = torch.nn.Conv1d(dims, dims, WIDTH, padding=_PAD, dilation=GAP)
            self.ctx = torch.nn.Linear(dims, dims)
            self.out = torch.nn.Linear(dims, 1)
            self.drop = torch.nn.Dropout(DROPOUT)

        def forward(self, x, f, m):
            mask = m[..., None]
            h = self.drop(torch.relu(self.inp(x) + self.flags(f)) * mask)
            h1 = torch.relu(self.c1(h.transpose(1, 2)).transpose(1, 2)) * mask
            h2 = (torch.relu(self.c2(h1.transpose(1, 2)).transpose(1, 2)) + h1) * mask
            context = self.ctx((h2 - 1e4 * (1 - mask)).max(dim=1).values)
            return self.out(self.drop(torch.relu(h2 + context[:, None, :]))).squeeze(-1)

    return Network()


def _sentences(pieces: PieceVectors, docs, labels) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per training sentence: its tokens' piece vectors, flags, and labels (-1 for whitespace: no loss)."""
    rows = []
    for doc, y in zip(docs, labels):
        vectors, flag_rows = pieces.token_vectors([t.lower_ for t in doc]), flags(doc)
        target = np.where(doc.to_array([IS_SPACE]).astype(bool).reshape(-1), -1, y).astype(np.float32)
        rows += [(vectors[s:e], flag_rows[s:e], target[s:e]) for s, e in sentence_bounds(doc)]
    return rows


def _conv_weights(w: np.ndarray) -> np.ndarray:
    """torch's (out, channels, WIDTH) as the (WIDTH * channels, out) matrix ``_conv`` multiplies by."""
    out, channels, width = w.shape
    return np.ascontiguousarray(w.transpose(2, 1, 0).reshape(width * channels, out))


def fit(pieces: PieceVectors, docs, labels: list[np.ndarray], seed: int = 0, epochs: int = EPOCHS,
        dims: int = DIMS, progress: Callable[[str], None] | None = None) -> PieceTagger:
    """Train the network on the tokens of `docs` (spaCy Docs; `labels` per doc the 0/1 label of each token), every
    sentence read once per epoch (AdamW, the rate falling linearly to 0, seeded); `pieces` must hold its table."""
    started = time.process_time()
    net, sentences = train_network(pieces, docs, labels, seed, epochs, dims, progress)
    meta = {"dims": dims, "width": WIDTH, "gap": GAP, "epochs": epochs, "sentences": sentences, "seed": seed,
            "cpu_seconds": round(time.process_time() - started, 1)}
    return folded(net, pieces, meta)


def train_network(pieces: PieceVectors, docs, labels: list[np.ndarray], seed: int = 0, epochs: int = EPOCHS,
                  dims: int = DIMS, progress: Callable[[str], None] | None = None):
    """The trained torch network (``fit``) and how many sentences it read."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rows = _sentences(pieces, docs, labels)
    net = _network(torch, pieces.dims, dims)
    opt = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    batches = [order[b:b + BATCH] for b in range(0, len(order), BATCH)]
    steps = max(1, epochs * len(batches))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: max(0.0, 1 - k / steps))
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    for epoch in range(epochs):
        net.train()
        total = 0.0
        for k in rng.permutation(len(batches)).tolist():
            batch = [rows[i] for i in batches[k]]
            width = max(len(r[0]) for r in batch)
            x = np.zeros((len(batch), width, pieces.dims), np.float32)
            f = np.zeros((len(batch), width, FLAGS), np.float32)
            t = np.full((len(batch), width), -1.0, np.float32)
            m = np.zeros((len(batch), width), np.float32)
            for r, (v, fl, y) in enumerate(batch):
                x[r, :len(v)], f[r, :len(v)], t[r, :len(v)], m[r, :len(v)] = v, fl, y, 1
            x, f, t, m = map(torch.from_numpy, (x, f, t, m))
            z = net(x, f, m)
            w = (t >= 0).float()
            loss = (loss_fn(z, t.clamp(min=0)) * w).sum() / w.sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        if progress:
            progress(f"piece tagger epoch {epoch + 1}/{epochs}: loss {total / max(1, len(batches)):.4f} on {len(rows)} sentences")
    net.eval()
    return net, len(rows)


def folded(net, pieces: PieceVectors, meta: dict) -> PieceTagger:
    """The trained network as ``PieceTagger`` applies it: the first layer folded into the piece rows."""
    s = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    per_piece = (pieces.table.astype(np.float32) @ s["inp.weight"].T).astype(np.float16)
    weights = {"flags": s["flags.weight"].T.copy(), "b_in": s["inp.bias"], "c1": _conv_weights(s["c1.weight"]),
               "b1": s["c1.bias"], "c2": _conv_weights(s["c2.weight"]), "b2": s["c2.bias"],
               "ctx": s["ctx.weight"].T.copy(), "b_ctx": s["ctx.bias"], "out": s["out.weight"].T.copy(),
               "b_out": s["out.bias"]}
    return PieceTagger(pieces, per_piece, weights, meta)
