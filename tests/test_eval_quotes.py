"""`eval quotes`: brat reading, gold kinds and source forms, one-to-one matching, and the quality gate on PolNeAR dev."""

from __future__ import annotations

import re

import pytest

from newsgraph.evaluation import quotes as ev

ANN = """T1\tSource 0 11\tMaria Olsen
T2\tCue 12 16\tsaid
T3\tContent 22 46\tthe harbour would reopen
T4\tAttribution 12 16\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tContent 48 63;74 89\t"We are ready," "Come and see."
T6\tCue 64 68\tsaid
T7\tSource 69 72\tshe
E2\tAttribution:T6 Content:T5 Cue:T6 Source:T7
"""
TEXT = 'Maria Olsen said that the harbour would reopen. "We are ready," said she. "Come and see."'


def test_parse_ann_spans_kinds_and_forms():
    gold = ev.parse_ann(TEXT, ANN)
    assert [g.content for g in gold] == [[(22, 46)], [(48, 63), (74, 89)]]
    assert [g.kind for g in gold] == ["indirect", "direct"]
    assert [g.form for g in gold] == ["name", "pronoun"]
    assert gold[1].antecedent == "Maria Olsen"


@pytest.mark.parametrize("content,kind", [
    ('"We will win."', "direct"),
    ("\u201cWe will win,\u201d", "direct"),
    ('the plan is "a gamble"', "partial"),
    ("the harbour would reopen", "indirect"),
    ("''We will win,''", "direct"),
    ("the plan is ``a gamble''", "partial"),
])
def test_kind_of(content, kind):
    assert ev.kind_of(content) == kind


@pytest.mark.parametrize("source,form", [
    ("Pat Caddell", "name"), ("longtime Democratic pollster Pat Caddell", "name"), ("the New York Times", "name"),
    ("a Coca-Cola spokesman", "nominal"), ("officials", "nominal"), ("he", "pronoun"), ("She", "pronoun"),
    ("I", "other"), ("which", "other"), ("Sen. Bernie Sanders (I-Vt.)", "name"),
])
def test_form_of(source, form):
    assert ev.form_of(source) == form


def test_matching_is_one_to_one():
    gold = ev.parse_ann(TEXT, ANN)
    # one prediction overlapping both gold contents can match only one of them
    pred = [ev.Predicted([(20, 80)])]
    assert len(ev.match(TEXT, gold, pred)) == 1
    # the >=50%-words rule rejects a prediction far longer than its gold
    assert ev.match(TEXT, gold[:1], [ev.Predicted([(0, 89)])], "half") == {}
    assert ev.match(TEXT, gold[:1], [ev.Predicted([(17, 46)])], "half") == {0: 0}


def test_baselines():
    assert [TEXT[a:b] for p in ev.baseline_quoted(TEXT) for a, b in p.parts] == ["We are ready,", "Come and see."]
    doubled = "''We are ready,'' she said. ``Come and see.''"
    assert [doubled[a:b] for p in ev.baseline_quoted(doubled) for a, b in p.parts] == ["We are ready,", "Come and see."]
    verbs = ev.baseline_speech_verbs(TEXT)
    assert verbs and verbs[0].source_text == "Maria Olsen"


def test_eval_quotes_cli_rejects_a_folder_without_the_layout(tmp_path):
    from click.testing import CliRunner

    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["eval", "quotes", str(tmp_path), "--split", "dev"])
    assert result.exit_code == 2 and "PolNeAR layout" in result.output


@pytest.mark.parametrize("a,b,same", [
    ("Trump", "Donald Trump", True), ("Mr. Obama", "Barack Obama", True), ("Bill Clinton", "Hillary Clinton", False),
    ("Ivanka Trump", "Donald Trump", False), (None, "Donald Trump", False),
])
def test_same_person(a, b, same):
    assert ev.same_person(a, b) is same


def test_pronoun_scored_against_the_hand_checked_antecedent():
    g = ev.GoldAttribution(content=[(0, 5)], source=[(10, 13)], source_text="she", form="pronoun", checked="Hillary Clinton")
    assert ev.pronoun_checked_correct(g, ev.Predicted([(0, 5)], source=(10, 13), speaker_name="Hillary Clinton"))
    assert not ev.pronoun_checked_correct(g, ev.Predicted([(0, 5)], source=(10, 13), speaker_name="Mitt Romney"))
    # the right person on another span is not this pronoun found
    assert not ev.pronoun_checked_correct(g, ev.Predicted([(0, 5)], source=(20, 23), speaker_name="Hillary Clinton"))
    # "my mother … she": right only when resolved to no named person
    g.checked = "-my mother"
    assert ev.pronoun_checked_correct(g, ev.Predicted([(0, 5)], source=(10, 13), speaker_name=None))
    assert not ev.pronoun_checked_correct(g, ev.Predicted([(0, 5)], source=(10, 13), speaker_name="Barack Obama"))


def test_hand_checked_pronouns_point_at_their_pronouns(shared_corpus):
    """Every row of the hand-checked sample names a he/she/his/her source that the dev annotation holds at that offset."""
    folder = shared_corpus / "polnear"
    if not (folder / "dev").is_dir():
        pytest.skip("../shared/corpus/polnear is not present")
    rows = ev._checked_pronouns()
    assert len(rows) == 119
    articles = {a.name: a for a in ev.read_folder(folder, "dev")}
    checked = [g for a in articles.values() for g in a.attributions if g.checked is not None]
    assert {(name, start) for name, start in rows} <= {(a.name, g.source[0][0]) for a in articles.values() for g in a.attributions if g.source}
    assert len(checked) == 128 and all(g.form == "pronoun" for g in checked)
    for (name, start), antecedent in rows.items():
        text = articles[name].text
        assert re.match(r"(?i)(he|she|his|her)\b", text[start:start + 4]), (name, start)
        assert antecedent.startswith("-") or antecedent.split()[-1] in text  # the surname, at least, is in the article


# --- the quality gate --------------------------------------------------------------------------------

GATE_ARTICLES = 12  # the first 12 dev articles in name order (breitbart, huff-post): 303 attributions, ~7,600 words
# Floors pinned just under the scores measured on this slice when they were set (round 3: content F1 0.841, indirect
# recall 0.747, direct F1 0.733 against 0.459 for every quoted span, sources 0.915 named / 0.878 he-she by the proxy /
# 0.872 nominal, cues 0.888; he/she pronoun found 0.976 (40/41) and right against the hand-checked antecedents 0.941
# (16/17)). Round 1 measured 0.823 / 0.683 / 0.718 / 0.911 / 0.780 / 0.878 / 0.886. Lower a floor only on purpose,
# saying why.
GATE = {"content_f1": 0.83, "indirect_recall": 0.74, "source_name": 0.91, "source_pronoun": 0.87,
        "source_nominal": 0.86, "cue": 0.88, "pronoun_found": 0.95, "pronoun_checked": 0.88}


@pytest.fixture(scope="module")
def gate_scores(shared_corpus, nlp):
    folder = shared_corpus / "polnear"
    if not (folder / "dev").is_dir():
        pytest.skip("../shared/corpus/polnear is not present")
    articles = ev.read_folder(folder, "dev", limit=GATE_ARTICLES)
    runs = ev.analyses(articles, nlp=nlp)
    return ev.score(articles, (ev.from_quotes(a) for a in runs)).as_dict(), ev.score(
        articles, (ev.baseline_quoted(a.text) for a in articles)).as_dict()


def test_quality_gate_polnear_dev_slice(gate_scores):
    ours, quoted = gate_scores
    assert ours["content_overlap"]["f1"] >= GATE["content_f1"]
    assert ours["recall_by_kind"]["indirect"]["accuracy"] >= GATE["indirect_recall"]
    assert ours["direct"]["f1"] > quoted["direct"]["f1"]
    assert ours["source_accuracy"]["name"]["accuracy"] >= GATE["source_name"]
    assert ours["source_accuracy"]["pronoun"]["accuracy"] >= GATE["source_pronoun"]
    assert ours["source_accuracy"]["nominal"]["accuracy"] >= GATE["source_nominal"]
    assert ours["cue_accuracy"]["accuracy"] >= GATE["cue"]
    assert ours["pronoun_sources"]["span"]["accuracy"] >= GATE["pronoun_found"]
    assert ours["pronoun_sources"]["checked"]["total"] >= 15
    assert ours["pronoun_sources"]["checked"]["accuracy"] >= GATE["pronoun_checked"]
