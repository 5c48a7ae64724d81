"""The word-window tagger over word-piece vectors (``techniques train --piece-tagger``): its numpy network against a
plain reading of the same layers, what a model trained with it records, reads and saves, that it applies without
torch, and (only with the optional extra installed) that the numpy network gives what the trained torch one does."""

from __future__ import annotations

from importlib.util import find_spec

import numpy as np
import pytest

from tests.test_techniques_eval import ARTICLES, _write_folder
from tests.test_techniques_pieces import _toy_pieces, applies_alike_without_network_packages, trained_with_toy_table


class _Weights:
    """Stands in for a trained torch network: ``folded`` reads only its ``state_dict()``."""

    def __init__(self, state: dict[str, np.ndarray]):
        self.state = state

    def state_dict(self):
        return {k: _Tensor(v) for k, v in self.state.items()}


class _Tensor:
    def __init__(self, value):
        self.value = value

    def detach(self):
        return self

    def numpy(self):
        return self.value


def _random_state(inputs: int, dims: int = 6, seed: int = 1) -> dict[str, np.ndarray]:
    """Seeded random weights named and shaped as torch keeps the network's (a convolution's weight is
    (out, in, width))."""
    from newsgraph.techniques import piece_tagger as pt

    rng = np.random.default_rng(seed)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32) * 0.5

    return {"inp.weight": r(dims, inputs), "inp.bias": r(dims), "flags.weight": r(dims, pt.FLAGS),
            "c1.weight": r(dims, dims, pt.WIDTH), "c1.bias": r(dims), "c2.weight": r(dims, dims, pt.WIDTH),
            "c2.bias": r(dims), "ctx.weight": r(dims, dims), "ctx.bias": r(dims), "out.weight": r(1, dims),
            "out.bias": r(1)}


def _random_tagger(pieces, dims: int = 6, seed: int = 1):
    """A PieceTagger folded from seeded random weights over `pieces` (a trained one, without torch)."""
    from newsgraph.techniques import piece_tagger as pt

    return pt.folded(_Weights(_random_state(pieces.dims, dims, seed)), pieces, {"dims": dims, "seed": seed})


def _plain_logits(state, pieces, doc, bounds):
    """The network as torch defines it, read one sentence and one word at a time from its torch-shaped weights
    (`state`): a convolution sums weight[out, in, k] times the input k - 2 steps (times the gap) away, zeros past
    the sentence's ends. Only the first layer's piece rows are rounded to float16 as the model keeps them."""
    from newsgraph.techniques import piece_tagger as pt

    dims = state["inp.bias"].shape[0]
    flags = pt.flags(doc)
    out = np.full(len(doc), np.nan)
    per_piece = (pieces.table.astype(np.float32) @ state["inp.weight"].T).astype(np.float16).astype(np.float64)

    def conv(h, name, gap):
        weight, got = state[name + ".weight"], np.zeros((len(h), dims))
        for i in range(len(h)):
            got[i] = state[name + ".bias"]
            for k in range(pt.WIDTH):
                j = i + (k - pt.WIDTH // 2) * gap
                if 0 <= j < len(h):
                    got[i] += weight[:, :, k] @ h[j]
        return got

    for s, e in bounds:
        rows = []
        for i in range(s, e):
            found = pieces._pieces_of(doc[i].lower_)
            word = per_piece[list(found)].mean(axis=0) if found else np.zeros(dims)
            rows.append(np.maximum(word + state["flags.weight"] @ flags[i] + state["inp.bias"], 0))
        h1 = np.maximum(conv(np.array(rows), "c1", 1), 0)
        h2 = np.maximum(conv(h1, "c2", pt.GAP), 0) + h1
        context = state["ctx.weight"] @ h2.max(axis=0) + state["ctx.bias"]
        out[s:e] = np.maximum(h2 + context, 0) @ state["out.weight"][0] + state["out.bias"][0]
    out[[t.is_space for t in doc]] = np.nan
    return out


def test_the_network_reads_each_sentence_alone_as_its_definition_says(nlp):
    """Sentences laid end to end with zeros between them give each word what reading its sentence alone gives;
    the sentences `keep` leaves out, and whitespace, get no probability; flags read the word's spelling."""
    from newsgraph.techniques import piece_tagger as pt

    pieces = _toy_pieces()
    tagger = _random_tagger(pieces)
    doc = nlp(ARTICLES[0] + "\n" + ARTICLES[1])
    bounds = pt.sentence_bounds(doc)
    assert len(bounds) >= 6
    got = tagger.logits([t.lower_ for t in doc], np.array([t.is_space for t in doc]), pt.flags(doc), bounds)
    want = _plain_logits(_random_state(pieces.dims), pieces, doc, bounds)
    assert np.array_equal(np.isnan(got), np.isnan(want)) and (~np.isnan(got)).sum() > 40
    assert np.nanstd(want) > 1  # the words' logits differ: a wrong layer would show
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    keep = np.zeros(len(bounds), dtype=bool)
    keep[[1, 4]] = True
    probs = tagger.token_probabilities(doc, keep)
    for k, (s, e) in enumerate(bounds):
        words = [i for i in range(s, e) if not doc[i].is_space]
        if keep[k]:  # a sentence read with others left out reads as it does among them all
            np.testing.assert_allclose(probs[words], 1 / (1 + np.exp(-want[words])), rtol=1e-4, atol=1e-5)
        else:
            assert np.isnan(probs[s:e]).all()
    assert np.isnan(tagger.token_probabilities(doc, np.zeros(len(bounds), dtype=bool))).all()
    flags = pt.flags(nlp("The USA said A thing."))
    assert flags[:, 0].tolist() == [1, 0, 0, 1, 0, 0]  # title case ("A" is both)
    assert flags[:, 1].tolist() == [0, 1, 0, 0, 0, 0]  # capitals, two letters or more
    assert flags[:, 2].tolist() == [1, 0, 0, 0, 0, 0] and flags[:, 3].tolist() == [0, 0, 0, 0, 0, 1]
    assert pt.flags(nlp("")).shape == (0, pt.FLAGS)


@pytest.fixture(scope="module")
def piece_tagger_model(tmp_path_factory):
    """A model trained with --piece-tagger on the stand-in table, the network's training replaced by a seeded
    random one (no torch here): what training does around it is the real thing. The fits are recorded."""
    from newsgraph.techniques import piece_tagger
    from newsgraph.training import techniques as training

    fits, rows = [], []
    append = training._append_tagger_columns

    def fake_fit(table, docs, labels, progress=None):
        assert table.table is not None and not table.collapsed  # the network trains on the unfolded table
        fits.append((sorted(doc.text[:30] for doc in docs), _random_tagger(table, seed=len(fits) + 1)))
        return fits[-1][1]

    def recording_append(examples, probs):
        rows.extend((ex.doc, p.copy()) for ex, p in zip(examples, probs))
        return append(examples, probs)

    patches = [(piece_tagger, "fit", fake_fit), (training, "_append_tagger_columns", recording_append)]
    model, path, articles = trained_with_toy_table(tmp_path_factory.mktemp("piece_tagger"), patches, piece_tagger=True)
    return model, path, articles, (fits, rows)


def test_training_fits_the_network_on_halves_then_on_all_and_the_finder_reads_it(piece_tagger_model, nlp):
    """Two networks each fitted on the other half of the articles give the finder's training rows, as an unseen
    article's come from the network fitted on all of them; the model records it, gets word-piece vectors too, and
    its finder reads the tagger's columns after the piece columns."""
    from newsgraph.techniques import piece_tagger, statistical, tagger

    model, _, articles, (fits, rows) = piece_tagger_model
    texts = [f[0] for f in fits]
    assert len(fits) == 3
    assert sorted(texts[0] + texts[1]) == texts[2] and not set(texts[0]) & set(texts[1]) and len(texts[2]) == len(articles)
    assert len(rows) == len(articles)
    for doc, probs in rows:  # each article's training row reads the network fitted on the other half
        (blind,) = [tagger for seen, tagger in fits[:2] if doc.text[:30] not in seen]
        (saw,) = [tagger for seen, tagger in fits[:2] if doc.text[:30] in seen]
        np.testing.assert_array_equal(probs, blind.token_probabilities(doc))
        assert not np.allclose(probs, saw.token_probabilities(doc), equal_nan=True)
    assert isinstance(model.tagger, piece_tagger.PieceTagger) and model.tagger.meta == {"dims": 6, "seed": 3}
    assert model.meta["piece_tagger"] == {"dims": 6, "seed": 3} and "tagger" not in model.meta
    assert model.pieces is not None and model.pieces.collapsed and model.tagger.pieces is model.pieces
    assert model.encoder_gate is not None and model.encoder_gate == model.meta["encoder_gate"]
    dims = model.pieces.projection.dims
    assert model.finder.coef_.shape == (1, statistical.N_FEATURES + statistical._STACK_COLUMNS
                                        + statistical._RATE_COLUMNS + dims + tagger.COLUMNS)
    assert np.abs(model.finder.coef_[0, -tagger.COLUMNS:]).sum() > 0
    doc = nlp(ARTICLES[0])
    feats = model.features(doc)
    assert feats.dense.shape == (len(doc), dims + tagger.COLUMNS)
    expected = tagger.columns(model.tagger.token_probabilities(doc), feats.sent_of)
    np.testing.assert_array_equal(feats.dense[:, dims:], expected)


def test_a_saved_piece_tagger_model_applies_alike_without_torch(piece_tagger_model, nlp):
    """Format 8, the network's first layer folded into the piece rows (float16), the table left out: the loaded
    model finds the same spans, shares one vocabulary between the tagger and the piece vectors, and applying it
    imports neither torch nor transformers."""
    import joblib

    from newsgraph.techniques import statistical

    model, path, _, _ = piece_tagger_model
    data = joblib.load(path)
    assert data["format"] == statistical.FORMAT_PIECE_TAGGER == 8 and data["pieces"].table is None
    assert data["tagger"].pieces is data["pieces"] and data["tagger"].per_piece.dtype == np.float16
    applies_alike_without_network_packages(model, path, nlp)
    loaded = statistical.load(path)
    for text in ("", "  ", "\n\nHello.\n\n"):
        assert isinstance(loaded.find(nlp(text)), list)


def test_the_piece_tagger_goes_without_the_encoder_and_the_tagger(monkeypatch, tmp_path):
    """(The command line's checks, and the extra it needs to train, are tested with --piece-vectors'.)"""
    from newsgraph.errors import InputError
    from newsgraph.techniques import encoder, pieces
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    monkeypatch.setattr(pieces, "from_wheel", _toy_pieces)
    monkeypatch.setattr(encoder, "available", lambda: True)
    articles = ptc.read_folder(_write_folder(tmp_path / "ptc"))
    for clash in ({"tagger": True}, {"encoder_dims": 8}):
        with pytest.raises(InputError, match="without --encoder and --tagger"):
            training.train(articles, folds=3, piece_tagger=True, **clash)


@pytest.mark.skipif(find_spec("torch") is None, reason="torch (the optional extra, pip install newsgraph[encoder]) is not installed")
def test_the_numpy_network_gives_what_the_trained_torch_network_gives(nlp):
    """Trained on the example articles (the stand-in table), the torch network and the folded numpy one give the
    same logit for every word, the first layer folded into float16 piece rows."""
    import torch

    from newsgraph.techniques import piece_tagger as pt

    table = _toy_pieces()
    docs = [nlp(text) for text in ARTICLES]
    labels = [np.array([t.lower_ in ("disgraceful", "shameful", "corrupt", "robs") for t in d], dtype=np.int8) for d in docs]
    net, sentences = pt.train_network(table, docs, labels, epochs=2, dims=16)
    assert sentences == sum(len(list(d.sents)) for d in docs)
    folded = pt.folded(net, table, {})
    for doc, y in zip(docs, labels):
        got = folded.logits([t.lower_ for t in doc], np.array([t.is_space for t in doc]), pt.flags(doc), pt.sentence_bounds(doc))
        want = []
        with torch.inference_mode():
            for v, f, target in pt._sentences(table, [doc], [y]):
                z = net(torch.from_numpy(v[None]), torch.from_numpy(f[None]), torch.ones(1, len(v))).numpy()[0]
                want.append(np.where(target < 0, np.nan, z))
        want = np.concatenate(want)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, atol=2e-3)
        # as training reads them: the sentences padded into one batch, the padding masked
        rows = pt._sentences(table, [doc], [y])
        width = max(len(v) for v, _, _ in rows)
        x, f, m = (np.zeros((len(rows), width, n), np.float32) for n in (table.dims, pt.FLAGS, 1))
        for r, (v, fl, _) in enumerate(rows):
            x[r, :len(v)], f[r, :len(v)], m[r, :len(v)] = v, fl, 1
        with torch.inference_mode():
            batched = net(torch.from_numpy(x), torch.from_numpy(f), torch.from_numpy(m[..., 0])).numpy()
        batched = np.concatenate([np.where(t < 0, np.nan, batched[r, :len(t)]) for r, (_, _, t) in enumerate(rows)])
        np.testing.assert_allclose(batched, want, atol=1e-4)
