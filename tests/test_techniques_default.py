"""A techniques model's own default min-score and its calm-article prior (issue 11): chosen in training, saved in
the model file, applied by ``find``, recorded by a build and read back by the CLI, the report and the web pages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsgraph.techniques import DEFAULT_MIN_SCORE, MIN_SCORE_META, TechniqueOptions, default_min_score
from newsgraph.techniques import statistical
from newsgraph.techniques.statistical import TechniqueModel, article_level, calm_penalty
from newsgraph.training.techniques import _Constant, _Example, choose_default
from newsgraph.training.ptc import GoldSpan

TEXT = "They are corrupt liars and traitors.\n\nThe vote is on Monday.\n"


class _FixedScorer:
    """A sentence scorer that gives every sentence the same probability."""

    classes_ = np.array([0, 1])

    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, X):
        return np.tile([1 - self.p, self.p], (X.shape[0], 1))


def _model(sentence_p: float, calm: dict | None, min_score: float | None = None) -> TechniqueModel:
    """A model whose finder marks every token (so each sentence is one span of strength 1) and whose sentence scorer
    gives every sentence `sentence_p`: the article's level is `sentence_p`."""
    meta = {"calm": calm}
    if min_score is not None:
        meta["min_score"] = min_score
    return TechniqueModel(_FixedScorer(sentence_p), _Constant(1, binary=True), _Constant("Loaded_Language"), 0.3,
                          {}, meta)


def test_article_level_and_the_calm_penalty():
    assert article_level(np.array([0.9, 0.1, 0.8, 0.7, 0.2])) == pytest.approx(0.8)  # the mean of the top three
    assert article_level(np.array([0.4])) == pytest.approx(0.4) and article_level(np.zeros(0)) == 0.0
    prior = {"below": 0.6, "weight": 0.5}
    assert calm_penalty(None, 0.1) == 0.0 and calm_penalty(prior, 0.6) == 0.0 and calm_penalty(prior, 0.9) == 0.0
    assert calm_penalty(prior, 0.4) == pytest.approx(0.1)
    assert calm_penalty(prior, 0.2) == pytest.approx(0.2) and calm_penalty(prior, 0.2) > calm_penalty(prior, 0.4)


def test_the_prior_lowers_the_spans_of_a_calm_article_and_leaves_a_loaded_one(nlp):
    doc = nlp(TEXT)
    prior = {"below": 0.6, "weight": 1.0}
    loaded_plain, loaded_prior = _model(0.9, None).find(doc), _model(0.9, prior).find(doc)
    calm_plain, calm_prior = _model(0.2, None).find(doc), _model(0.2, prior).find(doc)
    assert loaded_plain and [(f.start, f.end) for f in calm_prior] == [(f.start, f.end) for f in calm_plain]
    assert loaded_prior == loaded_plain == calm_plain  # no prior, or a loaded article: the same spans and scores
    for plain, lowered in zip(calm_plain, calm_prior):
        assert lowered.score == pytest.approx(max(0.0, plain.score - 0.4), abs=1e-4)  # 1.0 * (0.6 - 0.2)
    half = _model(0.2, {"below": 0.6, "weight": 0.5}).find(doc)
    assert all(a.score > b.score for a, b in zip(half, calm_prior))  # a lighter weight, a smaller cut


def _examples(calm_right: bool):
    """Ten one-line articles, each with one scored span of its first two words (score 0.7): five loaded (level
    0.9) whose span is right, five calm (level 0.2) whose span is right only when `calm_right`."""
    examples, scored, levels = [], [], []
    for i in range(10):
        calm = i % 2 == 1
        chars = [(0, 4), (5, 9), (10, 14), (15, 19)]
        start, end = (10, 19) if calm and not calm_right else (0, 9)
        gold = [GoldSpan(f"a{i}", "Loaded_Language", start, end)]
        examples.append(_Example(f"a{i}", None, None, chars, gold, np.zeros(4), np.zeros(1), []))
        scored.append([(0, 2, 0.7)])
        levels.append(0.2 if calm else 0.9)
    parts = [[2 * k, 2 * k + 1] for k in range(5)]
    return examples, scored, levels, parts


def test_training_chooses_a_prior_that_hides_calm_articles_only_when_their_spans_are_wrong():
    prior, cut, info = choose_default(*_examples(calm_right=False))
    assert prior is not None and info["min_score"] == cut
    assert 0.7 - calm_penalty(prior, 0.2) < cut <= 0.7 - calm_penalty(prior, 0.9)  # calm hidden, loaded shown
    prior, cut, info = choose_default(*_examples(calm_right=True))
    assert 0.7 - calm_penalty(prior, 0.2) >= cut and 0.7 >= cut  # every span is right: all are shown


def test_a_model_carries_its_default_min_score_and_an_older_file_says_to_train_again(tmp_path):
    import joblib

    from newsgraph.errors import InputError

    path = tmp_path / "model.joblib"
    _model(0.5, {"below": 0.7, "weight": 1.0}, min_score=0.61).save(path)
    back = statistical.load(path)
    assert back.default_min_score == 0.61 and back.calm == {"below": 0.7, "weight": 1.0}
    assert default_min_score(TechniqueOptions("model", path)) == 0.61
    assert default_min_score(TechniqueOptions("rules", path)) == DEFAULT_MIN_SCORE == default_min_score()
    assert _model(0.5, None).default_min_score == DEFAULT_MIN_SCORE  # a model whose training chose none
    old = tmp_path / "old.joblib"
    joblib.dump({"format": statistical.FORMAT - 1, "sentence": None}, old)
    with pytest.raises(InputError, match=f"format {statistical.FORMAT - 1} and this version reads formats "
                                         f"{statistical.FORMAT}, {statistical.FORMAT_PIECES}, "
                                         f"{statistical.FORMAT_PIECE_TAGGER}.*train it again"):
        TechniqueOptions("model", old).load_model()
    # a file of a known format whose fields are not a trained model's is refused at load, naming the field
    good = {"format": statistical.FORMAT, "sentence": _FixedScorer(0.5), "finder": _Constant(1, binary=True),
            "classifier": _Constant("Loaded_Language"), "threshold": 0.3, "thresholds": {}, "meta": {}}
    for field, value in (("sentence", None), ("threshold", "high"), ("meta", "str"), ("rates", 5)):
        made = tmp_path / f"made-{field}.joblib"
        joblib.dump({**good, field: value}, made)
        with pytest.raises(InputError, match=f"its '{field}' is not what a trained model holds"):
            TechniqueOptions("model", made).load_model()
    joblib.dump(good, tmp_path / "made.joblib")
    assert TechniqueOptions("model", tmp_path / "made.joblib").load_model() is not None
    from newsgraph.cli import main

    folder = tmp_path / "ptc"
    (folder / "articles").mkdir(parents=True)
    (folder / "labels").mkdir()
    (folder / "articles" / "article1.txt").write_text("A line.\n", encoding="utf-8")
    (folder / "labels" / "article1.task2-TC.labels").write_text("1\tLoaded_Language\t0\t6\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--engine", "model", "--model", str(old)])
    assert out.exit_code == 2 and "train it again" in out.output and "Traceback" not in out.output


def test_a_build_records_its_model_default_and_the_outputs_use_it(tmp_path):
    from newsgraph.cli import main
    from newsgraph.outputs.report import report_data
    from newsgraph.store.queries.pages import page_document, page_voices
    from newsgraph.store.queries.techniques import default_min_score as store_default
    from newsgraph.store.queries.techniques import techniques_for
    from newsgraph.store.sqlite import open_store

    model = tmp_path / "model.joblib"
    _model(0.9, None, min_score=0.97).save(model)  # every span scores 1.0: shown at 0.97
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    db = tmp_path / "kb.db"
    out = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--db", str(db), "--techniques-model", str(model), "--quiet"])
    assert out.exit_code == 0, out.output
    store = open_store(db, readonly=True)
    try:
        assert store.get_meta(MIN_SCORE_META) == "0.97"
        assert store_default(store.conn) == 0.97 and store_default(store.conn, 0.2) == 0.2
        spans = techniques_for(store.conn, engine="model")
        assert spans and techniques_for(store.conn, engine="model", min_score=1.0) == spans
        doc = spans[0]["doc"]
        assert page_document(store.conn, doc)["layers"]["technique"] >= 1
        assert page_voices(store.conn)["techniques"]["min_score"] == 0.97
        assert report_data(store.conn)["voices"]["techniques"]["min_score"] == 0.97
    finally:
        store.close()
    out = CliRunner().invoke(main, ["techniques", "--db", str(db), "--engine", "model", "--json"])
    assert out.exit_code == 0 and len(json.loads(out.output)) == len(spans)
    # --technique reads as the store's query does (any case, "_" any one character); a name no technique has is named
    from newsgraph.cli.techniques import _names_matching
    from newsgraph.techniques import TECHNIQUES

    assert _names_matching("name_calling", TECHNIQUES) == ["Name_Calling,Labeling"]
    assert _names_matching("LOADED language", TECHNIQUES) == []  # "_" stands for a character, a space for a space
    assert _names_matching("fear%prej", TECHNIQUES) == ["Appeal_to_fear-prejudice"]
    assert _names_matching("to_", TECHNIQUES) == ["Appeal_to_Authority", "Appeal_to_fear-prejudice"]
    found = {r["technique"] for r in json.loads(CliRunner().invoke(main, ["techniques", "--db", str(db), "--json"]).output)}
    assert found
    for name in found:  # each stored technique is selected by its own name, in any case
        rows = json.loads(CliRunner().invoke(main, ["techniques", "--db", str(db), "--technique", name.upper(), "--json"]).output)
        assert rows and {r["technique"] for r in rows} <= set(_names_matching(name, TECHNIQUES))
    bogus = CliRunner().invoke(main, ["techniques", "--db", str(db), "--technique", "Bogus"])
    assert bogus.exit_code == 2 and "no technique's name contains 'Bogus'; the techniques are Appeal_to_Authority" in bogus.output
    store = open_store(db)
    try:
        store.set_meta(MIN_SCORE_META, None)  # a store written before models carried a default reads as 0.55
    finally:
        store.close()
    store = open_store(db, readonly=True)
    try:
        assert store_default(store.conn) == DEFAULT_MIN_SCORE
    finally:
        store.close()


def test_a_model_copied_or_touched_reprocesses_nothing_and_a_changed_one_reprocesses_all(tmp_path):
    """The build's pipeline version names the model by its bytes, not its path, size and time: the same model
    under a new name, or touched, is the same model; a model with other weights makes every document stale."""
    import os
    import shutil

    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions, build

    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"{n}.txt").write_text(f"Story {n}. " + TEXT, encoding="utf-8")
    model = tmp_path / "model.joblib"
    _model(0.9, None, min_score=0.97).save(model)
    db = str(tmp_path / "kb.db")

    def with_model(path) -> BuildOptions:
        return BuildOptions(analysis=AnalysisOptions(techniques_model=str(path)))

    assert build([str(tmp_path / "in")], db, options=with_model(model)).processed == 3
    os.utime(model, ns=(1, 1))
    assert build([str(tmp_path / "in")], db, options=with_model(model)).processed == 0
    copy = tmp_path / "elsewhere" / "copy.joblib"
    copy.parent.mkdir()
    shutil.copy(model, copy)
    assert build([str(tmp_path / "in")], db, options=with_model(copy)).processed == 0
    _model(0.9, None, min_score=0.5).save(copy)
    assert build([str(tmp_path / "in")], db, options=with_model(copy)).processed == 3
