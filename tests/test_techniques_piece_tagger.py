"""The word-window tagger over word-piece vectors (``techniques train --piece-tagger``): its numpy network against a
plain reading of the same layers, what a model trained with it records, reads and saves, that it applies without
torch, and (only with the optional extra installed) that the numpy network gives what the trained torch one does."""

from __future__ import annotations

from importlib.util import find_spec

import numpy as np
import pytest

from tests.test_techniques_eval import ARTICLES, _write_folder
from tests.test_techniques_pieces import _toy_pieces, applies_alike_without_network_packages, trained_with_toy_table


def _random_tagger(pieces, dims: int = 6, seed: int = 1):
    """A PieceTagger with seeded random weights over `pieces` (a trained one without torch)."""
    from newsgraph.techniques import piece_tagger as pt

    rng = np.random.default_rng(seed)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32) * 0.5

    per_piece = (pieces.table.astype(np.float32) @ r(pieces.dims, dims)).astype(np.float16)
    weights = {"flags": r(pt.FLAGS, dims), "b_in": r(dims), "c1": r(pt.WIDTH * dims, dims), "b1": r(dims),
               "c2": r(pt.WIDTH * dims, dims), "b2": r(dims), "ctx": r(dims, dims), "b_ctx": r(dims),
               "out": r(dims, 1), "b_out": r(1)}
    return pt.PieceTagger(pieces, per_piece, weights, {"dims": dims, "seed": seed})


def _plain_logits(tagger, doc, bounds):
    """The network read one sentence and one word at a time, straight from its definition: no sentences laid end
    to end, no matrix of shifted copies."""
    from newsgraph.techniques import piece_tagger as pt

    w = tagger.weights
    dims = tagger.per_piece.shape[1]
    flags = pt.flags(doc)
    out = np.full(len(doc), np.nan)

    def conv(h, kernel, bias, gap):
        got = np.zeros((len(h), kernel.shape[1]))
        for i in range(len(h)):
            got[i] = bias
            for k in range(pt.WIDTH):
                j = i + (k - pt.WIDTH // 2) * gap
                if 0 <= j < len(h):
                    got[i] += h[j] @ kernel[k * dims:(k + 1) * dims]
        return got

    for s, e in bounds:
        rows = []
        for i in range(s, e):
            pieces = tagger.pieces._pieces_of(doc[i].lower_)
            word = tagger.per_piece[list(pieces)].astype(np.float32).mean(axis=0) if pieces else np.zeros(dims)
            rows.append(np.maximum(word + flags[i] @ w["flags"] + w["b_in"], 0))
        h1 = np.maximum(conv(np.array(rows), w["c1"], w["b1"], 1), 0)
        h2 = np.maximum(conv(h1, w["c2"], w["b2"], pt.GAP), 0) + h1
        context = h2.max(axis=0) @ w["ctx"] + w["b_ctx"]
        out[s:e] = (np.maximum(h2 + context, 0) @ w["out"] + w["b_out"])[:, 0]
    out[[t.is_space for t in doc]] = np.nan
    return out


def test_the_network_reads_each_sentence_alone_as_its_definition_says(nlp):
    """Sentences laid end to end with zeros between them give each word what reading its sentence alone gives;
    the sentences `keep` leaves out, and whitespace, get no probability; flags read the word's spelling."""
    from newsgraph.techniques import piece_tagger as pt

    tagger = _random_tagger(_toy_pieces())
    doc = nlp(ARTICLES[0] + "\n" + ARTICLES[1])
    bounds = pt.sentence_bounds(doc)
    assert len(bounds) >= 6
    got = tagger.logits([t.lower_ for t in doc], np.array([t.is_space for t in doc]), pt.flags(doc), bounds)
    want = _plain_logits(tagger, doc, bounds)
    assert np.array_equal(np.isnan(got), np.isnan(want)) and (~np.isnan(got)).sum() > 40
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

    fits = []

    def fake_fit(table, docs, labels, progress=None):
        assert table.table is not None and not table.collapsed  # the network trains on the unfolded table
        fits.append(sorted(doc.text[:30] for doc in docs))
        return _random_tagger(table, seed=len(fits))

    model, path, articles = trained_with_toy_table(tmp_path_factory.mktemp("piece_tagger"),
                                                   [(piece_tagger, "fit", fake_fit)], piece_tagger=True)
    return model, path, articles, fits


def test_training_fits_the_network_on_halves_then_on_all_and_the_finder_reads_it(piece_tagger_model, nlp):
    """Two networks each fitted on the other half of the articles give the finder's training rows, as an unseen
    article's come from the network fitted on all of them; the model records it, gets word-piece vectors too, and
    its finder reads the tagger's columns after the piece columns."""
    from newsgraph.techniques import piece_tagger, statistical, tagger

    model, _, articles, fits = piece_tagger_model
    assert len(fits) == 3
    assert sorted(fits[0] + fits[1]) == fits[2] and not set(fits[0]) & set(fits[1]) and len(fits[2]) == len(articles)
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
