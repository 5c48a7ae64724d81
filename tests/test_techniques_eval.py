"""The statistical engine: cross-validation over articles, the quality gate on a fixed slice of ptc-dev,
explicit engine options, and the model's spans through the real pipeline."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

# --- cross-validation on a small labelled folder written for this test ------------------------------

# Six short articles in the PTC layout (title, blank line, one sentence a line), written for this test;
# each phrase in LABELLED is a gold span of the given technique wherever it occurs.
ARTICLES = [
    "Council passes budget\n\nThe council approved the budget on Monday.\nThe disgraceful plan robs every family, critics said.\n"
    "The vote was six to three.\n",
    "Bridge repairs begin\n\nWork on the old bridge started this week.\nOfficials said the repairs will take a year.\n"
    "Only a corrupt mayor would waste our money on this shameful project.\n",
    "School opens new library\n\nThe library holds twelve thousand books.\nParents praised the staff.\n"
    "The so-called experts who opposed it were disgraceful liars.\n",
    "Storm closes roads\n\nHeavy rain closed two roads on Tuesday.\nThe shameful neglect of our drains is a disgrace.\n"
    "Crews reopened one road by the evening.\n",
    "Market hours change\n\nThe market will open an hour earlier from May.\nTraders welcomed the change.\n"
    "A corrupt council of liars forced this disgraceful rule on us.\n",
    "Park gets new trees\n\nVolunteers planted forty trees in the park.\nThe work took two days.\n"
    "Only shameful cowards would vote against it.\n",
]
LABELLED = {"disgraceful": "Loaded_Language", "shameful": "Loaded_Language", "corrupt mayor": "Name_Calling,Labeling",
            "liars": "Name_Calling,Labeling", "so-called": "Doubt", "cowards": "Name_Calling,Labeling",
            "a disgrace": "Loaded_Language", "corrupt council": "Name_Calling,Labeling"}


def _write_folder(folder: Path) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "labels").mkdir()
    for n, text in enumerate(ARTICLES, 1):
        (folder / "articles" / f"article{n}.txt").write_text(text, encoding="utf-8")
        rows = []
        for phrase, technique in LABELLED.items():
            start = text.find(phrase)
            while start >= 0:
                rows.append(f"{n}\t{technique}\t{start}\t{start + len(phrase)}")
                start = text.find(phrase, start + 1)
        (folder / "labels" / f"article{n}.task2-TC.labels").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_folds_are_disjoint_and_cover_the_articles():
    from newsgraph.training.evaluate import folds
    from newsgraph.training.ptc import LabelledArticle

    articles = [LabelledArticle(id=str(i), path="", text="") for i in (5, 1, 4, 2, 3)]
    parts = folds(articles, 2)
    assert [[a.id for a in p] for p in parts] == [["1", "3", "5"], ["2", "4"]]


def test_eval_folds_command_reports_every_fold_pooled_and_the_baseline(tmp_path):
    from newsgraph.cli import main
    from newsgraph.training import ptc
    from newsgraph.training.evaluate import every_line
    from newsgraph.training.scorer import span_identification

    folder = _write_folder(tmp_path / "ptc")
    articles = ptc.read_folder(folder)
    gold = sum(len(a.spans) for a in articles)
    out = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--folds", "3", "--json", "--quiet",
                                    "--cache", str(tmp_path / "cache")])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert [r["fold"] for r in result["per_fold"]] == [1, 2, 3]
    assert [r["articles"] for r in result["per_fold"]] == [2, 2, 2]
    assert all(r["train_articles"] == 4 for r in result["per_fold"])
    assert result["si"]["gold"] == result["tc"]["gold"] == gold == 13
    assert sum(r["tc"]["gold"] for r in result["per_fold"]) == gold
    expected = span_identification(every_line(articles), [(a.id, g.start, g.end) for a in articles for g in a.spans])
    assert result["baseline_si"]["f1"] == round(expected.f1, 4)
    # where the pooled spans lose, by line: dropping the spans of lines without gold never changes recall
    by_line = result["by_line"]
    assert by_line["lines"] == len(every_line(articles)) and by_line["loaded"] <= by_line["lines"]
    assert by_line["both"] <= min(by_line["loaded"], by_line["marked"])
    assert by_line["perfect_lines"]["recall"] == result["si"]["recall"]
    assert by_line["perfect_lines"]["precision"] >= result["si"]["precision"]
    # no --min-score: each fold is scored at its own model's default, chosen inside its training articles
    assert result["min_score"] is None and all(0 < r["min_score"] <= 1 for r in result["per_fold"])
    assert {"0.5", "0.6"} | {str(r["min_score"]) for r in result["per_fold"]} <= set(result["by_min_score"])
    fixed = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--folds", "3", "--json", "--quiet", "--min-score",
                                      "0.55", "--cache", str(tmp_path / "cache")])
    assert fixed.exit_code == 0 and json.loads(fixed.output)["min_score"] == 0.55
    assert all(r["min_score"] == 0.55 for r in json.loads(fixed.output)["per_fold"])
    assert len(list((tmp_path / "cache").glob("*.spacy"))) == len(ARTICLES)

    text = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--folds", "2", "--quiet", "--cache", str(tmp_path / "cache")])
    assert text.exit_code == 0, text.output
    assert "2-fold cross-validation over 6 articles (min-score each fold model's own" in text.output
    assert "baseline" in text.output and "pooled" in text.output
    assert "by line: 24 lines, " in text.output and "gold spans in place of those" in text.output
    bad = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--folds", "7"])
    assert bad.exit_code != 0 and "--folds must be between 2 and the number of articles (6)" in bad.output
    two = tmp_path / "two"
    (two / "articles").mkdir(parents=True)
    (two / "labels").mkdir()
    for n in (1, 2):
        shutil.copy(folder / "articles" / f"article{n}.txt", two / "articles")
        shutil.copy(folder / "labels" / f"article{n}.task2-TC.labels", two / "labels")
    few = CliRunner().invoke(main, ["techniques", "eval", str(two), "--folds", "2"])
    assert few.exit_code == 2 and "--folds 2 over 2 articles leaves a fold only 1 to train on" in few.output
    shutil.copy(folder / "articles" / "article3.txt", two / "articles")
    shutil.copy(folder / "labels" / "article3.task2-TC.labels", two / "labels")
    few = CliRunner().invoke(main, ["techniques", "eval", str(two), "--folds", "2"])  # folds of 2 and 1: one trains on 1
    assert few.exit_code == 2 and "--folds 2 over 3 articles leaves a fold only 1 to train on" in few.output


def test_cross_validation_never_shows_a_held_out_article_to_threshold_selection(tmp_path, monkeypatch):
    """Each fold's thresholds (span and per technique) and its sentence gate are chosen on its training
    articles alone: the articles that fold scores never reach them."""
    from newsgraph.training import evaluate, ptc
    from newsgraph.training import techniques as training

    seen: list[set[str]] = []
    tune, gate = training.tune_thresholds, training.sentence_gate

    def recording_tune(examples, *args, **kwargs):
        seen.append({ex.id for ex in examples})
        return tune(examples, *args, **kwargs)

    def recording_gate(examples, *args, **kwargs):
        assert {ex.id for ex in examples} == seen[-1]
        return gate(examples, *args, **kwargs)

    monkeypatch.setattr(training, "tune_thresholds", recording_tune)
    monkeypatch.setattr(training, "sentence_gate", recording_gate)
    articles = ptc.read_folder(_write_folder(tmp_path / "ptc"))
    result = evaluate.cross_validate(articles, 3, cache=tmp_path / "cache")
    parts = evaluate.folds(articles, 3)
    assert len(seen) == 3 and [r["articles"] for r in result["per_fold"]] == [2, 2, 2]
    for chosen_on, held in zip(seen, parts):
        assert chosen_on == {a.id for a in articles} - {a.id for a in held}, (chosen_on, [a.id for a in held])


def test_kept_fold_models_resume_a_cross_validation_and_are_trained_again_when_their_articles_change(tmp_path, monkeypatch):
    """With ``keep``, a rerun loads each fold's kept model instead of training it and gives the same scores; a
    changed article is trained again only in the folds that train on it; a damaged model file is trained again."""
    from newsgraph.training import evaluate, ptc
    from newsgraph.training import techniques as training

    trained: list[set[str]] = []
    train = training.train

    def counting_train(articles, *args, **kwargs):
        trained.append({a.id for a in articles})
        return train(articles, *args, **kwargs)

    monkeypatch.setattr(training, "train", counting_train)
    folder, keep, cache = _write_folder(tmp_path / "ptc"), tmp_path / "kept", tmp_path / "cache"
    first = evaluate.cross_validate(ptc.read_folder(folder), 3, cache=cache, keep=keep)
    assert len(trained) == 3 and sorted(p.name for p in keep.iterdir()) == [
        "fold1.joblib", "fold1.json", "fold2.joblib", "fold2.json", "fold3.joblib", "fold3.json"]

    again = evaluate.cross_validate(ptc.read_folder(folder), 3, cache=cache, keep=keep)
    assert len(trained) == 3  # nothing trained: every fold's model was kept for these articles
    assert again == first

    # a gold span fewer in article 2: the two folds that train on it train again, the fold holding it out does not
    labels = folder / "labels" / "article2.task2-TC.labels"
    labels.write_text("".join(labels.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    changed = ptc.read_folder(folder)
    evaluate.cross_validate(changed, 3, cache=cache, keep=keep)
    held = [{a.id for a in part} for part in evaluate.folds(changed, 3)]
    assert len(trained) == 5 and all("2" in ids for ids in trained[3:])
    assert sorted(trained[3:], key=sorted) == sorted((set().union(*held) - h for h in held if "2" not in h), key=sorted)

    (keep / "fold1.joblib").write_bytes(b"not a model")
    evaluate.cross_validate(changed, 3, cache=cache, keep=keep)
    assert len(trained) == 6 and trained[5] == set().union(*held) - held[0]

    # options are part of what a model is: another min-precision trains every fold again
    evaluate.cross_validate(changed, 3, cache=cache, keep=keep, min_precision=0.5)
    assert len(trained) == 9


def test_eval_keep_models_goes_with_folds(tmp_path):
    from newsgraph.cli import main

    folder = _write_folder(tmp_path / "ptc")
    out = CliRunner().invoke(main, ["techniques", "eval", str(folder), "--keep-models", str(tmp_path / "kept")])
    assert out.exit_code != 0 and "--keep-models keeps the models --folds trains; it goes with --folds" in out.output


def test_word_rates_count_inside_spans_and_leave_out_what_they_are_told():
    import numpy as np

    from newsgraph.techniques.statistical import WordRates

    # two articles as (word keys, pair keys, labels): word 7 lies inside a span 3 times of 4, word 9 never
    a = (np.array([7, 9, 7, 7]), np.array([70, 79, 77]), np.array([1, 0, 1, 1]))
    b = (np.array([9, 7, 5]), np.array([97, 75]), np.array([0, 0, 1]))
    both, only_b = WordRates.count([a, b]), WordRates.count([b])
    assert both.seen[7] == 4 and both.inside[7] == 3 and both.seen[9] == 2 and 9 not in both.inside
    assert both.inside.get(77) == 1 and 79 not in both.inside  # a pair is inside when both its words are
    assert (both.tokens, both.positive) == (7, 4)
    rest = both.minus(only_b)
    assert (rest.seen, rest.inside, rest.tokens, rest.positive) == (WordRates.count([a]).seen, WordRates.count([a]).inside, 4, 3)
    lo, seen = rest.log_odds(np.array([7, 5, 1234]))
    assert list(seen) == [3, 0, 0]
    assert lo[0] > 0 and lo[1] == lo[2]  # a word the rates never saw reads the overall rate, 3/4 here
    assert abs(lo[2] - np.log(3)) < 1e-6


def test_finder_rows_read_word_rates_that_never_counted_their_own_article(tmp_path, monkeypatch):
    """Every finder row reads rates that never counted its article: a training row (of an inner finder or the
    final one) the rates without that article, a row an inner finder scores the rates without its inner fold.
    The model keeps the rates of every training article."""
    from collections import defaultdict

    import numpy as np

    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    articles = ptc.read_folder(_write_folder(tmp_path / "ptc"))
    read: dict[int, list] = defaultdict(list)
    stacked = training._stacked

    def recording(feats, probs, rates=None):
        read[id(feats)].append(rates)
        return stacked(feats, probs, rates)

    monkeypatch.setattr(training, "_stacked", recording)
    made = []
    example = training._example
    monkeypatch.setattr(training, "_example", lambda *a: made.append(example(*a)) or made[-1])
    model = training.train(articles, folds=3)
    total = sum(len(ex.y_tokens) for ex in made)
    assert model.rates.tokens == total
    def tokens(part):
        return sum(len(x.y_tokens) for x in part)

    for j, ex in enumerate(made):
        size = len(ex.y_tokens)
        # the final finder and the two inner finders of the other folds train on it; its own fold's finder scores it
        expected = sorted([total - size, total - tokens(made[j % 3::3])]
                          + [total - size - tokens(made[k::3]) for k in range(3) if k != j % 3])
        got = read[id(ex.feats)]
        assert sorted(r.tokens for r in got) == expected, ex.id
        own = set(ex.feats.word_keys.tolist()) - {k for x in made if x is not ex for k in x.feats.word_keys.tolist()}
        assert own, ex.id
        for rates in got:  # the words only this article has are unseen in every rate it reads
            assert not rates.log_odds(np.array(sorted(own)))[1].any(), ex.id


def test_widen_stretches_the_chosen_techniques_over_their_sentence(nlp):
    from newsgraph.techniques.statistical import features, widen

    doc = nlp("The vote was close. Is this really what they promised, or another lie? Nobody knows.")
    feats = features(doc)
    second = [s for s in doc.sents][1]
    words = {t.lower_: t.i for t in doc}
    spans = [(words["really"], words["really"] + 1, 0.6, "Doubt"), (words["lie"], words["lie"] + 1, 0.7, "Doubt"),
             (words["close"], words["close"] + 1, 0.9, "Loaded_Language")]
    got = widen(feats, spans, {"Doubt"})
    # both Doubt spans become the second sentence, question mark kept (a span may end with "?"), kept once,
    # with the stronger strength; the Loaded_Language span is left as it was
    assert got == [(words["close"], words["close"] + 1, 0.9, "Loaded_Language"), (second.start, second.end, 0.7, "Doubt")]
    assert doc[second.start:second.end].text == "Is this really what they promised, or another lie?"
    assert widen(feats, spans, set()) == spans


def test_classifier_sees_a_phrase_said_again(nlp):
    from newsgraph.techniques.statistical import features, span_features

    doc = nlp("Lock her up, the crowd shouted. Then they shouted lock her up again.")
    feats = features(doc)
    starts = [t.i for t in doc if t.lower_ == "lock"]
    first, later = (span_features(doc, feats, s, s + 3) for s in starts)
    assert "occ=2" in first and "occfirst" in first and "occ2len3" in first
    assert "occ=2" in later and "occlater" in later
    once = span_features(doc, feats, 4, 6)  # "the crowd"
    assert "occ=1" in once and "occlater" not in once


def test_classifier_reads_volume_words_degree_numbers_and_lexicon_hits(nlp):
    from newsgraph.techniques import rules
    from newsgraph.techniques.statistical import features, span_features

    doc = nlp("The mayor gave a totally insane speech to 3,000 people, the worst ever.")
    feats = features(doc)
    words = {t.lower_: t.i for t in doc}
    lexical = {(s, e, technique) for s, e, technique, _ in rules.find_with_hits(doc)[1]}
    insane = span_features(doc, feats, words["totally"], words["speech"] + 1)  # "totally insane speech"
    assert "sint" in insane and "num" not in insane
    # the lexicons' entries inside the span are features, each with its technique
    inside = {t for s, e, t in lexical if s < words["speech"] + 1 and e > words["totally"]}
    assert inside and {"lex=" + t for t in inside} <= set(insane)
    assert "num" in span_features(doc, feats, words["3,000"], words["people"] + 1)
    worst = span_features(doc, feats, words["worst"], words["ever"] + 1)
    assert "sdeg=JJS" in worst and "sint" in worst  # "ever" turns up the volume
    plain = span_features(doc, feats, words["mayor"], words["mayor"] + 1)
    assert not any(f == "sint" or f == "num" or f.startswith(("sdeg=", "lex=")) for f in plain)


def test_a_span_asked_twice_gets_its_two_most_likely_techniques(nlp):
    """The PTC lists a span holding two techniques once per technique: the classifier's second answer for the
    same span is its next most likely technique, the third its third; other spans keep their best."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from newsgraph.techniques.statistical import TechniqueModel, _probabilities, features, hash_rows, span_features

    doc = nlp("They are traitors and cowards. We will win, believe me. Nobody can doubt it now.")
    feats = features(doc)
    spans = [(2, 3), (4, 5), (7, 9), (11, 13), (14, 16)]
    labels = ["Name_Calling,Labeling", "Name_Calling,Labeling", "Flag-Waving", "Slogans", "Doubt"]
    classifier = LogisticRegression(C=1.0, max_iter=200).fit(hash_rows([span_features(doc, feats, s, e) for s, e in spans]), labels)
    model = TechniqueModel(None, None, classifier, 0.5, {}, {})
    asked = [(2, 3), (7, 9), (2, 3), (14, 16), (2, 3)]
    proba = _probabilities(classifier, hash_rows([span_features(doc, feats, s, e) for s, e in asked]))
    ranked = [list(classifier.classes_[np.argsort(-p, kind="stable")]) for p in proba]
    got = model.classify(doc, feats, asked)
    assert [g[0] for g in got] == [ranked[0][0], ranked[1][0], ranked[2][1], ranked[3][0], ranked[4][2]]
    assert got[0][0] == "Name_Calling,Labeling" and len({got[0][0], got[2][0], got[4][0]}) == 3
    assert got[2][1] == float(proba[2][list(classifier.classes_).index(got[2][0])])
    # asked once each, as ``find`` asks, every span gets its most likely technique
    assert [g[0] for g in model.classify(doc, feats, spans)] == [r[0] for r in (
        classifier.classes_[np.argsort(-p, kind="stable")] for p in _probabilities(classifier, hash_rows(
            [span_features(doc, feats, s, e) for s, e in spans])))]


# --- explicit engine options ----------------------------------------------------------------------------

def test_options_from_env_are_read_only_where_asked(monkeypatch, tmp_path):
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.techniques import TechniqueOptions, model_path

    monkeypatch.setenv("NEWSGRAPH_HOME", str(tmp_path))
    monkeypatch.delenv("NEWSGRAPH_TECHNIQUES", raising=False)
    assert AnalysisOptions.from_environment().techniques_model is None  # no model file yet
    model_path().write_bytes(b"not a model")
    assert AnalysisOptions.from_environment().techniques_model == str(model_path())
    assert AnalysisOptions.from_environment(techniques_model="other.joblib").techniques_model == "other.joblib"
    monkeypatch.setenv("NEWSGRAPH_TECHNIQUES", "rules")
    assert AnalysisOptions.from_environment().techniques_model is None
    assert AnalysisOptions().techniques_model is None  # a library call's default: the rules alone, whatever the environment
    assert TechniqueOptions() == TechniqueOptions("auto", None)
    with pytest.raises(ValueError):
        TechniqueOptions("everything")


def test_stage_default_ignores_a_model_left_in_the_data_folder(monkeypatch, tmp_path, nlp):
    """A file in $NEWSGRAPH_HOME must not change what a library call finds: only explicit options do."""
    from newsgraph.pipeline import analyze_texts

    monkeypatch.setenv("NEWSGRAPH_HOME", str(tmp_path))
    (tmp_path / "techniques-model.joblib").write_bytes(b"not a model")
    analysis = next(analyze_texts(["The shocking plan is a disgraceful smear."], nlp))
    assert {t.engine for t in analysis.techniques} == {"rules"}


# --- the quality gate: a fixed slice of ptc-dev ----------------------------------------------------------

TRAIN_ARTICLES = 120  # the first 120 articles by id train the model (thresholds cross-validated inside them)
HELD_ARTICLES = 40  # the last 40 by id are scored; none of them is seen in training


@pytest.fixture(scope="module")
def gate(shared_corpus, tmp_path_factory):
    from newsgraph.techniques import DEFAULT_MIN_SCORE
    from newsgraph.training import ptc
    from newsgraph.training.evaluate import evaluate
    from newsgraph.training.parse import parse
    from newsgraph.training.techniques import train as train_model

    folder = shared_corpus / "ptc-dev"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/ptc-dev is not present")
    articles = sorted(ptc.read_folder(folder), key=lambda a: a.id)
    train, held = articles[:TRAIN_ARTICLES], articles[-HELD_ARTICLES:]
    assert not {a.id for a in train} & {a.id for a in held}
    parsed = list(parse(a.text for a in train + held))
    model = train_model(train, parsed=parsed[:TRAIN_ARTICLES])
    path = tmp_path_factory.mktemp("model") / "techniques-model.joblib"
    model.save(path)
    held_parsed = parsed[TRAIN_ARTICLES:]
    return {
        "held": held, "path": path, "model": model,
        "model_scores": evaluate(held, "model", model=path, parsed=held_parsed, min_score=DEFAULT_MIN_SCORE),
        "own_scores": evaluate(held, "model", model=path, parsed=held_parsed),  # at the model's own min-score
        "rules_scores": evaluate(held, "rules", parsed=held_parsed),
    }


@pytest.mark.slow
def test_model_quality_gate_on_held_out_ptc(gate):
    from newsgraph.techniques import DEFAULT_MIN_SCORE

    model, rules = gate["model_scores"], gate["rules_scores"]
    si, tc, baseline = model["si"], model["tc"], model["baseline_si"]
    # Floors pinned just under the scores measured on this slice at the default min-score (2026-12-03: word rates
    # read without the row's own article, sentence-wide techniques chosen inside the training articles; span
    # threshold 0.45, sentence gate 0.137: SI P 0.394 R 0.189 F1 0.255, TC 0.542; before them SI P 0.366 R 0.121
    # F1 0.182, TC 0.540 (the saga classifier varies by a few thousandths between fits); rules SI F1 0.249,
    # TC 0.454; every line SI F1 0.242). In 5-fold cross-validation over all 248 articles: SI P 0.373 R 0.323
    # F1 0.346 (before: P 0.400 R 0.266 F1 0.319), TC 0.596. Training is seeded since (the same model every run):
    # on this slice at the default 0.55 SI P 0.3945 R 0.1668 F1 0.2345, TC 0.542 (at 0.52 SI F1 0.2537); rules SI
    # F1 0.249, TC 0.454. Format 5 (the classifier reads volume words, degree, numbers and lexicon entries in the
    # span; a span asked twice gets its second technique): SI P 0.3953 R 0.167 F1 0.2348, TC 0.5401.
    # Format 6 (the model's own min-score and a calm-article prior, both chosen inside the training articles): this
    # model chose min-score 0.46 and the prior below 0.5505, weight 1.0; at 0.46 SI P 0.3832 R 0.1917 F1 0.2556; at
    # 0.55 SI P 0.4106 R 0.1575 F1 0.2276 (the prior lowers the scores of the slice's calm articles).
    own = gate["own_scores"]["si"]
    assert gate["own_scores"]["min_score"] == gate["model"].default_min_score != DEFAULT_MIN_SCORE
    assert own["f1"] >= 0.25 and own["precision"] >= 0.375, own
    assert si["f1"] >= 0.225 and si["precision"] >= 0.40, si
    assert tc["f1"] >= 0.53, tc
    assert baseline["recall"] > 0.99 and baseline["f1"] >= 0.24, baseline
    assert tc["f1"] > rules["tc"]["f1"] + 0.05, (model, rules)
    assert tc["gold"] == rules["tc"]["gold"] == sum(len(a.spans) for a in gate["held"])


@pytest.mark.slow
def test_thresholds_come_from_cross_validation_inside_the_training_articles(gate):
    model = gate["model"]
    meta = model.meta
    assert meta["articles"] == TRAIN_ARTICLES and meta["folds"] == 5
    assert 0 < model.threshold < 1
    assert all(model.threshold <= t < 1 for t in model.thresholds.values())
    assert meta["cross_validated"]["tuned_si"]["f1"] > 0
    # the techniques widened to their sentence were chosen on the inner folds; on this slice some are
    from newsgraph.techniques import TECHNIQUES

    assert model.sentence_wide and model.sentence_wide <= set(TECHNIQUES)
    assert sorted(model.sentence_wide) == meta["cross_validated"]["sentence_wide"]


@pytest.mark.slow
def test_build_uses_the_model_it_is_given(gate, nlp):
    from newsgraph.pipeline import AnalysisOptions, analyze_texts

    items = gate["held"][:8]  # the tuned model marks few spans: one article alone may get none of its own
    before = dict(os.environ)
    analyses = list(analyze_texts([i.text for i in items], nlp, options=AnalysisOptions(techniques_model=str(gate["path"]))))
    assert dict(os.environ) == before
    engines = {t.engine for a in analyses for t in a.techniques}
    assert engines == {"rules", "model"}
    for item, analysis in zip(items, analyses):
        for t in analysis.techniques:
            assert item.text[t.start : t.end] == t.text
            assert 0 <= t.score <= 1


@pytest.mark.slow
def test_sentence_gate_skips_only_the_sentences_below_it(gate):
    """The model reads closely only sentences whose sentence score reaches its gate (chosen on the inner folds):
    the spans it finds are exactly the ungated model's spans that lie in those sentences."""
    import bisect

    from newsgraph.techniques.statistical import TechniqueModel, features
    from newsgraph.training.parse import parse

    model = gate["model"]
    assert 0 < model.gate < 1 and model.meta["sentence_gate"] == model.gate
    ungated = TechniqueModel(model.sentence, model.finder, model.classifier, model.threshold, model.thresholds,
                             {k: v for k, v in model.meta.items() if k != "sentence_gate"}, model.rates)
    assert ungated.gate == 0
    skipped = found = 0
    for _, doc in parse(a.text for a in gate["held"][:10]):
        q = model.sentence_probabilities(features(doc).sentences)
        starts = [s.start for s in doc.sents]
        kept = [f for f in ungated.find(doc) if q[bisect.bisect_right(starts, f.start) - 1] >= model.gate]
        assert model.find(doc) == kept
        for f in kept:  # a span of a sentence-wide technique covers its sentence, bar edge punctuation
            if f.technique in model.sentence_wide:
                sent = doc[f.start].sent
                assert sent.start <= f.start and f.end <= sent.end
                assert all(t.is_punct or t.is_space for t in doc[sent.start:f.start]), doc[sent.start:f.end].text
                assert all(t.is_punct or t.is_space for t in doc[f.end:sent.end]), doc[f.start:sent.end].text
        skipped += int((q < model.gate).sum())
        found += len(kept)
    assert skipped > 0 and found > 0, (skipped, found)


def test_reading_mask_takes_the_calm_penalty_off_a_sentence_score_only_for_the_encoder_gate():
    import numpy as np

    from newsgraph.techniques.statistical import reading_mask

    q = np.array([0.9, 0.5, 0.35, 0.1])  # level (mean of the top three, CALM_TOP) 0.5833
    calm = {"below": 0.7, "weight": 1.0}  # penalty 0.1167
    assert reading_mask(q, 0.2, None, calm).tolist() == [True, True, True, False]
    assert reading_mask(q, 0.2, 0.3, calm).tolist() == [True, True, False, False]  # 0.35 - 0.1167 < 0.3
    assert reading_mask(q, 0.2, 0.3, None).tolist() == [True, True, True, False]  # no prior, no penalty
    assert reading_mask(q, 0.0, 0.8, calm).tolist() == [False, False, False, False]  # 0.9 - 0.1167 < 0.8
    loud = np.array([0.95, 0.9, 0.85, 0.35])  # level 0.9, above the prior's bar: no penalty
    assert reading_mask(loud, 0.2, 0.3, calm).tolist() == [True, True, True, True]
    assert reading_mask(np.zeros(0), 0.2, 0.3, calm).tolist() == []


def test_the_encoder_gate_keeps_all_but_a_sliver_of_the_spans_shown_at_the_default():
    """The bar is chosen on the spans a reader would see at the default min-score once the calm penalty is
    taken off: spans under it, however low their sentence, do not move it; an article's penalty lowers what its
    sentences bring."""
    from types import SimpleNamespace

    import numpy as np

    from newsgraph.training import techniques as training

    rng = np.random.default_rng(7)
    examples, scored, oof = [], [], {}
    for n in range(40):
        q = rng.uniform(0.05, 0.95, size=12)
        ex = SimpleNamespace(id=f"a{n}", feats=SimpleNamespace(sent_of=np.repeat(np.arange(12), 3)))
        examples.append(ex)
        oof[ex.id] = q
        scored.append([(3 * s, 3 * s + 2, float(0.3 + 0.6 * q[s])) for s in range(12)])
    bar = training.encoder_gate(examples, scored, oof, None, 0.5)
    shown = [oof[ex.id][ex.feats.sent_of[s]] for ex, found in zip(examples, scored) for s, _, sc in found if sc >= 0.5]
    assert len(shown) > 100
    below = sum(1 for x in shown if x < bar)
    assert below <= training.GATE_LOSS * len(shown) + 1 and bar > min(shown)
    # a span that would not be shown, in a sentence scored near zero, changes nothing
    examples.append(SimpleNamespace(id="low", feats=SimpleNamespace(sent_of=np.zeros(3, dtype=int))))
    oof["low"] = np.array([0.01])
    scored.append([(0, 2, 0.49)])
    assert training.encoder_gate(examples, scored, oof, None, 0.5) == bar
    # with a calm prior every article here is calm (its level is under 0.99): a span is shown when its score less
    # its article's penalty reaches the default, and the bar is on its sentence's score less that penalty
    from newsgraph.techniques.statistical import article_level, calm_penalty

    calm = {"below": 0.99, "weight": 1.0}
    penalty = {ex.id: calm_penalty(calm, article_level(oof[ex.id])) for ex in examples}
    assert all(0 < penalty[ex.id] < 0.35 for ex in examples[:40])
    calm_bar = training.encoder_gate(examples, scored, oof, calm, 0.5)
    shown_calm = [oof[ex.id][ex.feats.sent_of[s]] - penalty[ex.id] for ex, found in zip(examples, scored)
                  for s, _, sc in found if sc - penalty[ex.id] >= 0.5]
    assert 100 < len(shown_calm) < len(shown)
    assert sum(1 for x in shown_calm if x < calm_bar) <= training.GATE_LOSS * len(shown_calm) + 1
    assert calm_bar > min(shown_calm) and calm_bar != bar
    assert training.encoder_gate(examples[:0], [], oof, calm, 0.5) is None  # nothing shown: no bar


@pytest.mark.slow
def test_a_model_that_reads_the_encoder_encodes_only_the_sentences_its_encoder_gate_keeps(gate):
    """The stage asks the tagger for the tokens of the sentences ``reading_mask`` keeps and no others, and scores
    only those; a light model (no encoder) ignores the bar."""
    import numpy as np

    from newsgraph.techniques.statistical import TechniqueModel, article_level, calm_penalty, features, reading_mask
    from newsgraph.training.parse import parse

    model = gate["model"]
    asked = []

    class RecordingTagger:
        def token_probabilities(self, doc, keep):
            asked.append(None if keep is None else np.asarray(keep).copy())
            return np.full(len(doc), np.nan)

    meta = dict(model.meta, encoder_gate=0.3, calm={"below": 0.9, "weight": 1.0})
    reading = TechniqueModel(model.sentence, model.finder, model.classifier, model.threshold, model.thresholds, meta,
                             model.rates, None, RecordingTagger())
    light = TechniqueModel(model.sentence, model.finder, model.classifier, model.threshold, model.thresholds, meta,
                           model.rates)
    assert reading.encoder_gate == 0.3 and light.encoder_gate is None
    skipped = 0
    for _, doc in parse(a.text for a in gate["held"][:6]):
        q = model.sentence_probabilities(features(doc).sentences)
        want = reading_mask(q, model.gate, 0.3, meta["calm"])
        assert want.tolist() == ((q >= model.gate) & (q - calm_penalty(meta["calm"], article_level(q)) >= 0.3)).tolist()
        feats = reading.features(doc, gated=True)
        assert asked[-1].tolist() == want.tolist()
        scored_sents = set(feats.sent_of[np.flatnonzero(feats.scored)].tolist())
        assert scored_sents <= set(np.flatnonzero(want).tolist())
        assert light.features(doc, gated=True).scored.tolist() == model.features(doc, gated=True).scored.tolist()
        skipped += int(((q >= model.gate) & ~want).sum())
    assert skipped > 0, "the bar must leave out sentences the old gate kept"


def test_training_is_a_function_of_its_articles(tmp_path):
    """The solvers are seeded: two trainings on the same articles give the same weights and thresholds (an unseeded
    saga, stopped short of convergence, moved the gate's SI F1 by 0.013 between two runs of one commit)."""
    import numpy as np

    from newsgraph.training import ptc
    from newsgraph.training import techniques as training

    articles = ptc.read_folder(_write_folder(tmp_path / "ptc"))
    first, second = training.train(articles, folds=3), training.train(articles, folds=3)
    for part in ("sentence", "finder", "classifier"):  # on these articles all three are fitted, none constant
        a, b = getattr(first, part), getattr(second, part)
        assert a.random_state == b.random_state == training.SEED, part
        assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_), part
    assert (first.threshold, first.thresholds) == (second.threshold, second.thresholds)
