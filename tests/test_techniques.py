"""Loaded language and propaganda techniques: scorer, rule engine, store reads, CLI, model vs rules, provenance."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.techniques import TECHNIQUES, model_path, rules
from newsgraph.training.scorer import merge, span_identification, technique_classification

# --- the SemEval-2020 Task 11 measures on a fixture computed by hand ---------------------------------

DOC_A = "The mayor gave a brutal speech.\n\nCritics call him a liar.\n"
DOC_B = "Everyone knows the plan will fail.\n"


def _at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


GOLD = [
    ("1", "Loaded_Language", *_at(DOC_A, "brutal")),  # 6 chars
    ("1", "Name_Calling,Labeling", *_at(DOC_A, "a liar")),  # 6 chars
    ("2", "Bandwagon,Reductio_ad_hitlerum", *_at(DOC_B, "Everyone knows")),  # 14 chars
]
# SI predictions: "brutal speech" (13 chars, 6 of them gold), "liar" (4 chars, all inside the 6-char "a liar"),
# "the plan" (no overlap).
#   P = (6/13 + 4/4 + 0) / 3 = 19/39          R = (6/6 + 4/6 + 0) / 3 = 5/9
#   F1 = 2PR / (P + R) = 2 * (19/39) * (5/9) / (19/39 + 5/9) = (190/351) / (122/117) = 95/183
SI_PREDICTIONS = [
    ("1", "Loaded_Language", *_at(DOC_A, "brutal speech")),
    ("1", "Name_Calling,Labeling", *_at(DOC_A, "liar")),
    ("2", "Loaded_Language", *_at(DOC_B, "the plan")),
]
SI_EXPECTED = (Fraction(19, 39), Fraction(5, 9), Fraction(95, 183))
# TC predictions: one label per gold span, "a liar" wrongly called Loaded_Language: 2 of 3 right.
#   P = R = F1 = 2/3; SI on the same spans is exact: P = R = F1 = 1.
TC_PREDICTIONS = [GOLD[0], ("1", "Loaded_Language", *GOLD[1][2:]), GOLD[2]]


def _write_ptc(folder: Path) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "labels").mkdir()
    for aid, text in (("1", DOC_A), ("2", DOC_B)):
        (folder / "articles" / f"article{aid}.txt").write_text(text, encoding="utf-8")
        lines = [f"{d}\t{t}\t{s}\t{e}" for d, t, s, e in GOLD if d == aid]
        (folder / "labels" / f"article{aid}.task2-TC.labels").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _write_predictions(path: Path, rows) -> Path:
    path.write_text("".join(f"{d}\t{t}\t{s}\t{e}\n" for d, t, s, e in rows), encoding="utf-8")
    return path


def test_scorer_reproduces_hand_computed_si():
    score = span_identification([(d, s, e) for d, _, s, e in SI_PREDICTIONS], [(d, s, e) for d, _, s, e in GOLD])
    assert (score.precision, score.recall, score.f1) == pytest.approx(tuple(float(x) for x in SI_EXPECTED), abs=1e-12)
    assert (score.predicted, score.gold) == (3, 3)


def test_scorer_reproduces_hand_computed_tc():
    score = technique_classification([(d, s, e, t) for d, t, s, e in TC_PREDICTIONS], [(d, s, e, t) for d, t, s, e in GOLD])
    assert (score.precision, score.recall, score.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


def test_line_breakdown_tells_a_wrong_line_from_a_wrong_span():
    """A span in a line without gold costs precision that a perfect choice of lines would win back; a span too
    long in the right line costs what perfect spans there would win back. Computed by hand:
    SI P = (6/13 + 0) / 2, R = (6/6 + 0) / 2 (the gold "calm" line is not marked)."""
    from types import SimpleNamespace

    from newsgraph.training.evaluate import every_line
    from newsgraph.training.scorer import line_breakdown

    text = "Calm words here.\nA brutal speech.\nMore calm text.\n"
    lines = every_line([SimpleNamespace(id="1", text=text)])
    gold = [("1", *_at(text, "brutal")), ("1", *_at(text, "calm"))]
    predicted = [("1", *_at(text, "brutal speech")), ("1", *_at(text, "words"))]
    b = line_breakdown(predicted, gold, lines)
    assert (b.lines, b.loaded, b.marked, b.both) == (3, 2, 2, 1)
    si = span_identification(predicted, gold)
    assert (si.precision, si.recall) == pytest.approx((3 / 13, 1 / 2))
    # spans in the unloaded line dropped: precision rises, recall cannot change
    assert (b.perfect_lines.precision, b.perfect_lines.recall, b.perfect_lines.predicted) == pytest.approx((6 / 13, 1 / 2, 1))
    # inside the one line both marked and loaded: "brutal speech" against "brutal"
    assert (b.inside.precision, b.inside.recall, b.inside.gold) == pytest.approx((6 / 13, 1.0, 1))
    # "brutal" in place of "brutal speech"; "words" stays, wrong: P (0 + 1) / 2, R (1 + 0) / 2
    assert (b.perfect_spans.precision, b.perfect_spans.recall) == pytest.approx((1 / 2, 1 / 2))
    assert b.as_dict()["perfect_spans"]["f1"] == 0.5


@pytest.mark.parametrize(
    "spans, merged",
    [
        ([(0, 5), (3, 8), (10, 12)], [(0, 8), (10, 12)]),
        ([(5, 9), (0, 2), (1, 3)], [(0, 3), (5, 9)]),
        ([(4, 4), (2, 6), (6, 7)], [(2, 6), (6, 7)]),  # empty dropped; touching spans stay apart
    ],
)
def test_si_merges_overlapping_spans(spans, merged):
    assert merge(spans) == merged


def test_eval_command_reproduces_hand_computed_scores(tmp_path):
    from newsgraph.cli import main

    folder = _write_ptc(tmp_path / "ptc")
    runner = CliRunner()
    si_file = _write_predictions(tmp_path / "si.txt", SI_PREDICTIONS)
    out = runner.invoke(main, ["techniques", "eval", str(folder), "--predictions", str(si_file), "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert (result["si"]["precision"], result["si"]["recall"], result["si"]["f1"]) == (
        round(19 / 39, 4), round(5 / 9, 4), round(95 / 183, 4))
    assert result["tc"]["f1"] == 0.0  # no prediction has the offsets of a gold span
    # every line holds gold and a prediction: a perfect choice of lines changes nothing, perfect spans there are exact
    by_line = result["by_line"]
    assert (by_line["lines"], by_line["loaded"], by_line["marked"], by_line["both"]) == (3, 3, 3, 3)
    assert by_line["perfect_lines"]["f1"] == round(95 / 183, 4) and by_line["perfect_spans"]["f1"] == 1.0

    tc_file = _write_predictions(tmp_path / "tc.txt", TC_PREDICTIONS)
    out = runner.invoke(main, ["techniques", "eval", str(folder), "--predictions", str(tc_file), "--json"])
    result = json.loads(out.output)
    assert result["tc"]["f1"] == round(2 / 3, 4)
    assert result["si"]["f1"] == 1.0


def test_predictions_and_articles_left_out_are_named(tmp_path):
    """Nothing is dropped without a word: predictions for articles not scored, and articles without a labels file."""
    from newsgraph.cli import main

    folder = _write_ptc(tmp_path / "ptc")
    (folder / "articles" / "article3.txt").write_text(DOC_B, encoding="utf-8")  # its labels file was not copied
    runner = CliRunner()
    rows = SI_PREDICTIONS + [("77", "Doubt", 0, 4), ("78", "Doubt", 1, 3), ("78", "Slogans", 2, 5)]
    out = runner.invoke(main, ["techniques", "eval", str(folder), "--predictions", str(_write_predictions(tmp_path / "p.txt", rows)),
                               "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["not_scored"] == {"predictions": 3, "articles": ["77", "78"]}
    assert result["articles"] == 2 and result["si"]["f1"] == round(95 / 183, 4)  # the same scores as without them
    assert "note: 3 predictions in" in out.stderr and "(2: 77, 78); they are left out" in out.stderr
    assert f"note: 1 article in {folder} has no labels file and is left out: 3" in out.stderr
    # a file none of whose predictions names an article of the folder is the wrong file, or the wrong folder
    wrong = _write_predictions(tmp_path / "wrong.txt", rows[-3:])
    out = runner.invoke(main, ["techniques", "eval", str(folder), "--predictions", str(wrong)])
    assert out.exit_code == 2 and "none of its 3 predictions names an article of the folder scored (its ids: 77, 78)" in out.output


def test_ptc_reader_reads_both_layouts(tmp_path):
    from newsgraph.training import ptc

    nested = ptc.read_folder(_write_ptc(tmp_path / "nested"))
    flat = tmp_path / "flat"
    flat.mkdir()
    for p in (q for q in (tmp_path / "nested").rglob("article*") if q.is_file()):
        (flat / p.name).write_bytes(p.read_bytes())
    assert [(a.id, len(a.spans)) for a in nested] == [("1", 2), ("2", 1)]
    assert [(a.id, a.spans) for a in ptc.read_folder(flat)] == [(a.id, a.spans) for a in nested]
    assert ptc.split(nested, 0.5) == ([nested[0]], [nested[1]])


# --- the rule engine ---------------------------------------------------------------------------------

RULE_CASES = [
    # (sentence written for this test, technique, text of a span the rules must find)
    ("The governor gave a shocking and disgraceful speech on Monday.", "Loaded_Language", "shocking"),
    ("The governor gave a shocking and disgraceful speech on Monday.", "Loaded_Language", "disgraceful"),
    ("Protesters called the general a tyrant.", "Name_Calling,Labeling", "tyrant"),
    ("The paper said the corrupt regime would fall.", "Name_Calling,Labeling", "corrupt regime"),
    ("The so-called reforms changed nothing.", "Doubt", "so-called"),
    ("Why would anyone believe the ministry now?", "Doubt", "Why would anyone believe the ministry now?"),
    ("It was the worst harvest in history, farmers said.", "Exaggeration,Minimisation", "the worst"),
    ("We must defend our country and our values.", "Flag-Waving", "our country"),
    ("The crowd chanted America first at the rally.", "Slogans", "America first"),
    ("His critics compared the minister to Hitler.", "Bandwagon,Reductio_ad_hitlerum", "Hitler"),
    ("Either the council acts now or the town dies.", "Black-and-White_Fallacy", "Either the council acts now or the town dies"),
    ("Experts say the bridge is unsafe.", "Appeal_to_Authority", "Experts say the bridge is unsafe"),
    ("It is what it is, the coach shrugged.", "Thought-terminating_Cliches", "it is what it is"),
]


@pytest.mark.parametrize("sentence, technique, text", RULE_CASES)
def test_rules_find(nlp, sentence, technique, text):
    doc = nlp(sentence)
    found = {(doc[f.start : f.end].text.lower(), f.technique) for f in rules.find(doc)}
    assert (text.lower(), technique) in found


def test_rules_find_nothing_in_plain_reporting(nlp):
    doc = nlp("The council met on Tuesday and approved the budget for next year. The vote was seven to two.")
    assert rules.find(doc) == []


def test_rules_repetition(nlp):
    text = ("The tax plan helps families. Critics of the tax plan spoke. "
            "Supporters say the tax plan works. Nobody has read the tax plan yet.")
    doc = nlp(text)
    reps = [doc[f.start : f.end].text for f in rules.find(doc) if f.technique == "Repetition"]
    assert reps == ["tax plan", "tax plan", "tax plan"]


def test_every_lexicon_technique_is_a_ptc_class():
    assert {t for t, _ in rules.LEXICONS.values()} | {"Repetition"} == set(TECHNIQUES)
    assert all(p[0] in TECHNIQUES for p in rules.PATTERNS.values())


def test_model_path_follows_newsgraph_home(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSGRAPH_HOME", str(tmp_path))
    assert model_path() == tmp_path / "techniques-model.joblib"
    monkeypatch.delenv("NEWSGRAPH_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert model_path() == tmp_path / "xdg" / "newsgraph" / "techniques-model.joblib"


def test_model_scores_put_each_technique_threshold_at_the_default_min_score():
    from newsgraph.techniques import DEFAULT_MIN_SCORE
    from newsgraph.techniques.statistical import _score

    assert _score(0.6, 0.3, 0.6) == 0.5 and DEFAULT_MIN_SCORE == 0.55  # shown by default: a little above the threshold
    assert _score(0.3, 0.3, 0.6) == 0.0 and _score(1.0, 0.3, 0.6) == 1.0
    assert _score(0.45, 0.3, 0.6) == pytest.approx(0.25) and _score(0.8, 0.3, 0.6) == pytest.approx(0.75)


# --- the stage, through the real pipeline -----------------------------------------------------------

STAGE_TEXT = (
    "Opposition leader Maria Lopez called President Victor Kane a corrupt dictator on Sunday.\n\n"
    "Kane dismissed the shocking remarks as a disgraceful smear.\n"
)


def analyze_texts(items):
    """The pipeline's analysis of each (path, text), with the default options: the rules alone."""
    from newsgraph.pipeline import analyze_texts as analyze

    return analyze([t for _, t in items], path=[p for p, _ in items])


@pytest.fixture(scope="module")
def analysis():
    return next(analyze_texts([("stage.txt", STAGE_TEXT)]))


def test_stage_finds_loaded_language_with_original_offsets(analysis):
    found = {(t.technique, t.text) for t in analysis.techniques}
    assert {("Name_Calling,Labeling", "corrupt dictator"), ("Loaded_Language", "shocking"),
            ("Loaded_Language", "disgraceful"), ("Loaded_Language", "smear")} <= found
    for t in analysis.techniques:
        assert STAGE_TEXT[t.start : t.end] == t.text
        assert t.engine == "rules" and 0 < t.score <= 1
    assert [t.sentence for t in analysis.techniques if t.text == "smear"] == [1]


def test_stage_target_is_the_labelled_actor(analysis):
    (label,) = [t for t in analysis.techniques if t.text == "corrupt dictator"]
    assert label.target is not None
    assert "Kane" in analysis.mentions[label.target].name


TARGET_CASES = [
    # (sentence written for this test, label span, name of the mention it aims at)
    ("Opposition leader Maria Lopez called President Victor Kane a corrupt dictator on Sunday.", "corrupt dictator", "Kane"),
    ("Critics in the capital say the Kane regime is finished.", "Kane regime", "Kane"),
    ("Senator Ruth Alder is a liar, the columnist wrote.", "liar", "Alder"),
    ("The tyrant Victor Kane spoke for an hour.", "tyrant", "Kane"),
    ("Farmers booed the reckless Governor Tom Reyes in Dallas.", "reckless", "Reyes"),
]


@pytest.mark.parametrize("sentence, label, name", TARGET_CASES)
def test_target_table(sentence, label, name):
    analysis = next(analyze_texts([("target.txt", sentence)]))
    (found,) = [t for t in analysis.techniques if t.text == label]
    assert found.target is not None, found
    assert name in analysis.mentions[found.target].name


# --- store reads and CLI ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_db(tmp_path_factory, analysis):
    from dataclasses import replace

    from newsgraph.store.sqlite import Store

    db = tmp_path_factory.mktemp("techniques") / "t.db"
    store = Store(db)
    analysis.article = replace(analysis.article, outlet="Test Gazette")
    store.write_document(analysis, "test")
    plain = next(analyze_texts([("plain.txt", PLAIN_TEXT)]))
    plain.article = replace(plain.article, outlet="Wire Service")
    store.write_document(plain, "test")
    question = next(analyze_texts([("question.txt", QUESTION_TEXT)]))
    question.article = replace(question.article, outlet="Wire Service")
    store.write_document(question, "test")
    store.close()
    return db


# A question the writer asks: the rules mark it as Doubt with the score measured for questions, 0.19.
QUESTION_TEXT = "Is the county board ready to pay for the new road?\n\nThe board meets again in June.\n"


PLAIN_TEXT = (
    "The county board met on Tuesday and approved next year's road budget by a vote of five to two.\n\n"
    "The plan adds two bus routes and repaves the main bridge, a spokesman for the board said.\n"
)


def test_export_techniques_contract(small_db, analysis):
    from newsgraph.store.queries.techniques import export_techniques
    from newsgraph.store.sqlite import open_store

    store = open_store(small_db, readonly=True)
    rows = [r for r in export_techniques(store.conn) if r["doc"] == analysis.article.id]  # every score: export filters nothing
    store.close()
    assert len(rows) == len(analysis.techniques)
    assert all(set(r) == {"id", "doc", "start", "end", "technique", "target", "engine", "score"} for r in rows)
    assert sorted((r["start"], r["end"], r["technique"]) for r in rows) == sorted(
        (t.start, t.end, t.technique) for t in analysis.techniques)


def test_outlet_summary(small_db, analysis):
    from newsgraph.store.queries.techniques import outlet_summary
    from newsgraph.store.sqlite import open_store

    store = open_store(small_db, readonly=True)
    shown, wire = outlet_summary(store.conn)
    everything = {r["outlet"]: r for r in outlet_summary(store.conn, min_score=0)}
    store.close()
    assert (wire["outlet"], wire["techniques"], wire["loaded_sentence_share"], wire["guess"]) == ("Wire Service", 0, 0.0, "reporting")
    assert everything["Wire Service"]["technique_counts"] == {"Doubt": 1}  # the 0.19 question, below the default 0.5
    row = everything["Test Gazette"]
    # the default min-score hides rule spans whose rule is under 50% precise on PTC: all of this text's
    assert max(t.score for t in analysis.techniques) < 0.5 and (shown["outlet"], shown["techniques"]) == ("Test Gazette", 0)
    loaded = {t.sentence for t in analysis.techniques if t.technique in ("Loaded_Language", "Name_Calling,Labeling")}
    assert row["outlet"] == "Test Gazette"
    assert row["loaded_sentence_share"] == round(len(loaded) / len(analysis.sentences), 4) == 1.0
    assert row["techniques"] == len(analysis.techniques)
    assert row["techniques_per_1000_words"] == round(len(analysis.techniques) * 1000 / analysis.words, 2)
    assert row["guess"] == "opinion"
    assert row["technique_counts"]["Loaded_Language"] == sum(t.technique == "Loaded_Language" for t in analysis.techniques)


def test_cli_lists_techniques_of_a_document(small_db, analysis):
    from newsgraph.cli import main

    out = CliRunner().invoke(main, ["techniques", "stage.txt", "--db", str(small_db), "--min-score", "0", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["text"] for r in rows} == {t.text for t in analysis.techniques}
    out = CliRunner().invoke(main, ["techniques", "nosuchdoc", "--db", str(small_db)])
    assert out.exit_code == 2 and "no such document" in out.output


def test_min_score_hides_weak_spans_in_listing_document_view_and_summary(small_db):
    from newsgraph.cli import main
    from newsgraph.store.queries.pages import page_document
    from newsgraph.store.queries.techniques import techniques_for
    from newsgraph.store.sqlite import open_store

    out = CliRunner().invoke(main, ["techniques", "question.txt", "--db", str(small_db)])
    assert out.exit_code != 0 and "lower --min-score" in out.output
    out = CliRunner().invoke(main, ["techniques", "question.txt", "--db", str(small_db), "--min-score", "0.19", "--json"])
    assert out.exit_code == 0, out.output
    assert [(r["technique"], r["text"], r["score"]) for r in json.loads(out.output)] == [
        ("Doubt", "Is the county board ready to pay for the new road?", 0.19)]
    store = open_store(small_db, readonly=True)
    try:
        (doc,) = [r["doc"] for r in techniques_for(store.conn, doc="question.txt", min_score=0)]
        assert "technique" not in page_document(store.conn, doc)["layers"]
        assert page_document(store.conn, doc, min_score=0.19)["layers"]["technique"] == 1
        assert techniques_for(store.conn, min_score=0.2) == techniques_for(store.conn, min_score=0.2) and not any(r["doc"] == doc for r in techniques_for(store.conn, min_score=0.2))
    finally:
        store.close()
    out = CliRunner().invoke(main, ["techniques", "summary", "--db", str(small_db), "--min-score", "0", "--json"])
    assert {r["outlet"]: r["technique_counts"].get("Doubt", 0) for r in json.loads(out.output)}["Wire Service"] == 1


# --- provenance over the shared corpora ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["seeds", "ptc-unlabeled", "ptc-dev"])
def test_provenance_of_technique_spans(shared_corpus, name, monkeypatch):
    from newsgraph.ingest.readers import decode

    files = sorted(p for p in (shared_corpus / name).rglob("*.txt"))
    assert files
    items = [(str(p), decode(p.read_bytes())[0]) for p in files]
    total = 0
    for (path, text), analysis in zip(items, analyze_texts(items)):
        for t in analysis.techniques:
            assert text[t.start : t.end] == t.text, (path, t)
            assert t.technique in TECHNIQUES
            total += 1
    assert total > len(files)


def test_hash_rows_maps_features_as_sklearn_feature_hasher_does():
    from sklearn.feature_extraction import FeatureHasher

    from newsgraph.techniques.statistical import N_FEATURES, hash_rows

    rows = [["b", "w=naïve", "w=naïve", "p=ADJ", "b-1=the_€"], ["b"], ["x=" + chr(0x4E00 + i) for i in range(50)]]
    expected = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False).transform(rows)
    got = hash_rows(rows)
    assert got.shape == expected.shape and (got != expected).nnz == 0
    assert got[0].sum() == 5 and got[0].max() == 2  # the repeated feature counts twice


def _feature_strings(doc, rule_result, keep):
    """The model's token and sentence features spelled out token by token, as format 4 defines them: the
    reference the per-column computation in ``statistical.features`` must equal."""
    from collections import Counter

    from newsgraph.techniques import statistical as S

    hits, lexical = rule_result
    n = len(doc)
    low = [t.lower_ for t in doc]
    lem = [t.lemma_.lower() for t in doc]
    tag = [t.tag_ for t in doc]
    ent = [t.ent_type_ for t in doc]
    head = [t.head.i for t in doc]
    content = [t.is_alpha and not t.is_stop for t in doc]
    counts = Counter(lem[i] for i in range(n) if content[i])
    pairs = Counter((low[i], low[i + 1]) for i in range(n - 1) if content[i] and content[i + 1])
    child = [""] * n
    for i in range(n):
        if ent[i] in S._TARGET_TYPES and head[i] != i and not ent[head[i]]:
            child[head[i]] = ent[i]
    sents = list(doc.sents)
    title = {lem[i] for i in range(sents[0].start, sents[0].end) if content[i]} if len(sents) > 1 else set()
    loud = S.intensifiers()
    sentence_rows, token_rows = [], []
    for k, sent in enumerate(sents):
        s0, s1 = sent.start, sent.end
        last = low[s1 - 1] if not (low[s1 - 1] in ('"', "'") and s1 - s0 > 1) else low[s1 - 2]
        words = set(low[s0:s1])
        shared = ["sl=" + S._bucket(s1 - s0), "send=" + (last if last in ("?", "!") else "."),
                  "si=" + ("0" if k == 0 else S._bucket(k)), "sr=" + S._bucket(len(sents) - k)]
        shared += [name for name, on in (
            ("sq", any(t.is_quote for t in sent)), ("swe", bool(words & S._WE)), ("syou", bool(words & S._YOU)),
            ("smod", bool(words & S._MODALS)), ("sint", bool(words & loud)), ("ssup", any(t in ("JJS", "RBS") for t in tag[s0:s1])),
            ("sname", any(e == "PERSON" for e in ent[s0:s1]))) if on]
        # format 4 names a sentence's rule hits with the technique's first three letters cut off
        shared += ["srf=" + r for r in sorted({f.technique[3:] for f in hits if f.start < s1 and f.end > s0})]
        sentence_rows.append(shared + ["sw=" + lem[i] for i in range(s0, s1) if content[i]]
                             + ["sb=" + low[i] + "_" + low[i + 1] for i in range(s0, s1 - 1) if doc[i].is_alpha and doc[i + 1].is_alpha]
                             + ["srep=" + S._bucket(counts[lem[i]]) for i in range(s0, s1) if content[i] and counts[lem[i]] > 2])
        quoted = False
        for i in range(s0, s1):
            quoted = quoted != doc[i].is_quote
            row = list(shared)
            if keep[k]:
                t, pad = doc[i], lambda j, attr: getattr(doc[j], attr) if 0 <= j < n else ("<s>" if j < 0 else "</s>")
                row += ["b", "w=" + low[i], "l=" + lem[i], "p=" + t.pos_, "t=" + t.tag_, "d=" + t.dep_, "s=" + t.shape_,
                        "x=" + low[i][-3:], "h=" + lem[head[i]], "hd=" + t.dep_ + ">" + doc[head[i]].pos_,
                        "w-1=" + pad(i - 1, "lower_"), "w+1=" + pad(i + 1, "lower_"),
                        "b-1=" + pad(i - 1, "lower_") + "_" + low[i], "b+1=" + low[i] + "_" + pad(i + 1, "lower_"),
                        "p-1=" + pad(i - 1, "pos_"), "p+1=" + pad(i + 1, "pos_"), "p-2=" + pad(i - 2, "pos_"),
                        "p+2=" + pad(i + 2, "pos_"), "pos=" + S._bucket(i - s0 + 1), "e=" + ent[i]]
                row += ["inq"] if quoted else []
                if content[i]:
                    row += ["rep=" + S._bucket(counts[lem[i]])] + (["intitle"] if k and lem[i] in title else [])
                    row += ["rep2=" + S._bucket(pairs[(low[i], low[i + 1])])] if i + 1 < n and content[i + 1] else []
                row += (["int"] if low[i] in loud else []) + (["deg=" + tag[i]] if tag[i] in ("JJS", "RBS", "JJR", "RBR") else [])
                row += ["he=" + ent[head[i]]] if ent[head[i]] in S._TARGET_TYPES and not ent[i] else []
                row += ["ce=" + child[i]] if child[i] else []
                row += ["rf=" + f.technique for f in hits if f.start <= i < f.end]
                row += ["rl=" + x[2] for x in lexical if x[0] <= i < x[1]]
            token_rows.append(row)
    return sentence_rows, token_rows


def test_features_computed_per_column_equal_the_strings_hashed_token_by_token(nlp, shared_corpus):
    """``statistical.features`` looks feature columns up per kind of feature and per word id (``_Strings``):
    the matrices equal hashing every token's feature strings (format 4), with the sentence gate closed on every
    other sentence, on 12 BBC texts and 12 PTC articles; the word keys equal ``word_key`` / ``pair_key``."""
    import numpy as np

    from newsgraph.techniques import statistical as S

    texts = [p.read_text(encoding="utf-8") for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:12]]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared_corpus / "ptc-dev" / "articles").glob("*.txt"))[:12]]
    if len(texts) < 24:
        pytest.skip("../shared/corpus/bbc or ptc-dev is not present")
    S._STRINGS.clear()
    for j, doc in enumerate(nlp.pipe(texts)):
        result = rules.find_with_hits(doc)
        for gated in (False, True):
            keep = [not gated or k % 2 == j % 2 for k in range(len(list(doc.sents)))]
            feats = S.features(doc, result, (lambda X: np.array(keep)) if gated else None)
            sentence_rows, token_rows = _feature_strings(doc, result, keep)
            for got, rows in ((feats.sentences, sentence_rows), (feats.tokens, token_rows)):
                expected = S.hash_rows(rows)
                assert got.shape == expected.shape and got.has_canonical_format
                assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
                assert np.array_equal(got.data, expected.data)
            near = S._near(feats.scored)
            words = [S.word_key(t.lower_) if near[t.i] else 0 for t in doc]
            assert feats.word_keys.tolist() == words
            assert feats.pair_keys.tolist() == [S.pair_key(doc[i].lower_, doc[i + 1].lower_) if near[i] and near[i + 1] else 0
                                                for i in range(len(doc) - 1)]


# --- token patterns run on windows ----------------------------------------------------------------

def test_token_patterns_on_windows_equal_the_matcher_on_the_whole_doc(nlp, seeds_dir, shared_corpus):
    """``lexicon_hits`` runs the token Matcher only on windows where a pattern can start: the same matches as
    the Matcher over the whole Doc (LONGEST filter included), on the seeds, 20 BBC texts, 40 PTC articles and
    a text made to hold every pattern, at the start, at the end and overlapping."""
    from newsgraph.techniques import rules

    made = ("#Resign NOW: either we act, or they win. Experts say it; according to scientists, the UN AND NATO "
            "# tag, A BIG LIE, US FBI CIA. Economists warn # #twitter THE END")
    texts = [made] + [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:20]]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared_corpus / "ptc-dev" / "articles").glob("*.txt"))[:40]]
    _, tokens = rules.matchers(nlp.vocab)
    per_pattern: dict[str, int] = {}
    for doc in nlp.pipe(texts):
        whole = sorted((s, e, nlp.vocab.strings[k]) for k, s, e in tokens(doc))
        windowed = sorted((lo + s, lo + e, nlp.vocab.strings[k]) for lo, hi in rules._pattern_windows(doc)
                          for k, s, e in tokens(doc[lo:hi]))
        assert windowed == whole, doc.text[:80]
        for _, _, name in whole:
            per_pattern[name] = per_pattern.get(name, 0) + 1
    assert set(per_pattern) == set(rules.PATTERNS), per_pattern  # every pattern was exercised
