"""Entity and coreference evaluation: metrics on the worked example of Pradhan et al. (2014), readers, commands."""

from __future__ import annotations

from fractions import Fraction

import pytest
from click.testing import CliRunner

from newsgraph.evaluation import coref, ner
from tests.conftest import corpus

# The example of Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions":
# key {a b c} {d e f g}; response {a b} {c d} {f g h i} (h and i are not in the key, e is not in the response).
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def close(x: float, y: Fraction) -> bool:
    return abs(x - float(y)) < 1e-9


def test_muc_on_the_worked_example():
    s = coref.muc(KEY, RESPONSE)
    # recall: {a b c} falls into 2 parts (3-2), {d e f g} into 3 ({d}, {e} missing, {f g}) (4-3): 2 of 2+3 links
    assert close(s.recall, Fraction(2, 5))
    # precision: {a b} 1 part (1 of 1), {c d} 2 parts (0 of 1), {f g h i} 3 parts ({f g}, h, i) (1 of 3): 2 of 5
    assert close(s.precision, Fraction(2, 5))
    assert close(s.f1, Fraction(2, 5))


def test_b_cubed_on_the_worked_example():
    s = coref.b_cubed(KEY, RESPONSE)
    # recall: (2²+1²)/3 + (1²+2²)/4 over 7 key mentions = (5/3 + 5/4)/7 = 5/12
    assert close(s.recall, Fraction(5, 12))
    # precision: 2²/2 + (1²+1²)/2 + 2²/4 over 8 response mentions = 4/8
    assert close(s.precision, Fraction(1, 2))
    assert close(s.f1, Fraction(5, 11))


def test_ceaf_e_on_the_worked_example():
    s = coref.ceaf_e(KEY, RESPONSE)
    # phi4 = 2|K∩R|/(|K|+|R|); best alignment {a b c}-{a b} (4/5) and {d e f g}-{f g h i} (4/8): 13/10
    assert close(s.recall, Fraction(13, 10) / 2)
    assert close(s.precision, Fraction(13, 10) / 3)
    assert close(s.f1, Fraction(13, 25))


def test_conll_is_the_mean_of_the_three_f1():
    s = coref.conll(KEY, RESPONSE)
    assert close(s.conll, (Fraction(2, 5) + Fraction(5, 11) + Fraction(13, 25)) / 3)


def test_identical_partitions_score_one_and_singletons_leave_muc_alone():
    s = coref.conll(KEY, KEY)
    assert s.muc.f1 == s.b_cubed.f1 == s.ceaf_e.f1 == 1.0
    single = coref.muc([{"a"}, {"b"}], [{"a"}, {"b"}])
    assert single.recall == 0.0 and single.precision == 0.0


def test_join_tokens_writes_tokens_as_text():
    text, spans = coref.join_tokens(
        [["Lohan", "’", "s", "attorney", ",", "Shawn", "Holley", ",", "said", "``", "no", "''", "."],
         ["The", "U", ".", "S", ".", "co", "-", "workers", "ca", "n't", "pay", "$", "5", "(", "Reuters", ")"]],
        join_hyphens=True,
    )
    assert text == 'Lohan’s attorney, Shawn Holley, said "no".\nThe U.S. co-workers can\'t pay $5 (Reuters)'
    assert [text[s:e] for s, e in spans[0][5:7]] == ["Shawn", "Holley"]
    assert text[spans[1][1][0]:spans[1][4][1]] == "U.S."
    plain, _ = coref.join_tokens([["CRICKET", "-", "LEICESTERSHIRE", "TAKE", "OVER"], ["Cup", "Winners", "'", "Cup"]])
    assert plain == "CRICKET - LEICESTERSHIRE TAKE OVER\nCup Winners' Cup"
    quoted, _ = coref.join_tokens([["for", "'", "courageous", "achievement", "'", "on", "Tuesday"]])
    assert quoted == "for 'courageous achievement' on Tuesday"


def test_ecbplus_reader_keeps_validated_sentences_and_chains():
    folder = corpus("ecbplus")
    docs = {d.id: d for d in coref.read_ecbplus(folder, topics=[1])}
    assert len(docs) == len(list((folder / "ECB+" / "1").glob("*.xml"))) == 39 and "1_10ecbplus" in docs
    doc = docs["1_10ecbplus"]
    assert not doc.text.startswith("http")  # the source URL is not part of the article
    assert doc.text.startswith("Lindsay Lohan checks into Betty Ford Center\n")
    # sentences 1 and 3 are the validated ones: two scored ranges, every mention inside one of them
    assert len(doc.scored) == 2 and all(doc.in_scored(m.start, m.end) for m in doc.mentions)
    lohan = [m for m in doc.mentions if doc.text[m.start:m.end] == "Lindsay Lohan"]
    assert lohan and lohan[0].cluster == "HUM15732980283919140" and lohan[0].kind == "HUMAN_PART_PER"
    # the same person in another document of the topic carries the same cross-document chain
    other = [m for m in docs["1_1ecbplus"].mentions if m.cluster == "HUM15732980283919140"]
    assert other
    assert all(not m.kind.startswith(("ACTION", "TIME")) for d in docs.values() for m in d.mentions)


def test_gum_reader_reads_the_dev_partition():
    folder = corpus("gum-coref")
    names = coref.gum_split(folder, "dev")
    assert len(names) == 32 and "GUM_news_iodine" in names
    docs = coref.read_gum(folder, "dev", genres=["news"], types=None)
    assert [d.id for d in docs] == ["GUM_news_homeopathic", "GUM_news_iodine"]
    doc = docs[0]
    chain = {doc.text[m.start:m.end] for m in doc.mentions if m.cluster == "GUM_news_homeopathic#7"}
    assert chain >= {"Thomas Sam", "his"}
    typed = coref.read_gum(folder, "dev", genres=["news"])
    assert {m.kind for d in typed for m in d.mentions} <= {"person", "organization", "place"}


def test_conll2003_reader_counts_every_entity():
    docs = ner.read_conll2003(corpus("conll2003") / "eng.testa")
    assert len(docs) == 216
    assert sum(len(d.mentions) for d in docs) == 5942
    first = docs[0]
    assert first.text.startswith("CRICKET - LEICESTERSHIRE TAKE OVER AT TOP AFTER INNINGS VICTORY.\nLONDON 1996-08-30\n")
    assert [(first.text[m.start:m.end], m.kind) for m in first.mentions[:4]] == [
        ("LEICESTERSHIRE", "ORG"), ("LONDON", "LOC"), ("West Indian", "MISC"), ("Phil Simmons", "PER")]


def test_iob_chunks():
    assert ner._chunks(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_ner_scores_compare_exact_spans():
    gold = {("d", 0, 5, "PER"), ("d", 10, 15, "ORG"), ("d", 20, 25, "LOC")}
    predicted = {("d", 0, 5, "PER"), ("d", 10, 15, "PER"), ("d", 30, 35, "LOC")}
    typed, untyped, per_type = ner.compare(gold, predicted)
    assert (typed.tp, typed.predicted, typed.gold) == (1, 3, 3)
    assert (untyped.tp, untyped.predicted, untyped.gold) == (2, 3, 3)
    assert per_type["PER"].precision == 0.5 and per_type["PER"].recall == 1.0 and per_type["ORG"].f1 == 0.0


CONLL_SAMPLE = """-DOCSTART- -X- O O

Mikhail NNP I-NP I-PER
Gorbachev NNP I-NP I-PER
visited VBD I-VP O
Lisbon NNP I-NP I-LOC
on IN I-PP O
Monday NNP I-NP O
. . O O

-DOCSTART- -X- O O

Shares NNS I-NP O
of IN I-PP O
Dutch JJ I-NP I-MISC
retailer NN I-NP O
Ahold NNP I-NP I-ORG
rose VBD I-VP O
. . O O
"""


def test_eval_ner_command_prints_both_systems(tmp_path):
    from newsgraph.cli import main

    path = tmp_path / "sample.conll"
    path.write_text(CONLL_SAMPLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(path), "--json"])
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.output)
    assert out["documents"] == 2
    assert set(out["systems"]) == {"newsgraph", "bare en_core_web_sm"}
    assert out["systems"]["newsgraph"]["typed"]["gold"] == 4


def test_eval_commands_reject_what_they_cannot_read(tmp_path):
    from newsgraph.cli import main

    bad = tmp_path / "notes.txt"
    bad.write_text("nothing annotated here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(bad)])
    assert result.exit_code == 2 and "is not a CoNLL-2003 row" in result.output
    result = CliRunner().invoke(main, ["eval", "coref", str(tmp_path)])
    assert result.exit_code == 2 and "cannot tell the format" in result.output
    assert "Traceback" not in result.output


# --- quality gate: a fixed slice of the development sets, floors pinned just under the measured scores ----------
# Measured with this slice (see README "Evaluating entities"); lower a floor only with a reason in the commit.
ECB_GATE_TOPICS = ["1", "3"]
# measured (with the coreference stage): named-mention recall 0.890 (202/227), CoNLL F1 0.816 vs same head lemma 0.690
ECB_FLOORS = {"name_recall": 0.87, "conll_f1": 0.80, "margin_over_lemma": 0.10}
CONLL_GATE_DOCS = 30
# measured: typed F1 0.721 (bare en_core_web_sm 0.607), ORG F1 0.468 (names in capitals meet the table of states;
# before: 0.708, 0.458)
CONLL_FLOORS = {"typed_f1": 0.71, "org_f1": 0.45, "margin_over_bare": 0.10}


@pytest.fixture(scope="module")
def ecb_gate(nlp):
    docs = coref.read_ecbplus(corpus("ecbplus"), topics=ECB_GATE_TOPICS)
    # cross-document resolution is scored on entity mentions: chains no name heads never cross documents
    return coref.score_coref(coref.without_local(coref.run_pipeline(docs, nlp=nlp)), scope="cross")


def test_ecbplus_gate(ecb_gate):
    found, gold = ecb_gate.recall_by_form["name"]
    ours, lemma = ecb_gate.found["newsgraph"].conll, ecb_gate.found["same head lemma"].conll
    assert found / gold >= ECB_FLOORS["name_recall"], (found, gold)
    assert ours >= ECB_FLOORS["conll_f1"], ours
    assert ours - lemma >= ECB_FLOORS["margin_over_lemma"], (ours, lemma)


def test_conll2003_gate(nlp):
    docs = ner.read_conll2003(corpus("conll2003") / "eng.testa", limit=CONLL_GATE_DOCS)
    report = ner.score_ner(docs, nlp=nlp)
    typed, bare = report.typed["newsgraph"].f1, report.typed["bare en_core_web_sm"].f1
    assert typed >= CONLL_FLOORS["typed_f1"], typed
    assert report.per_type["newsgraph"]["ORG"].f1 >= CONLL_FLOORS["org_f1"], report.per_type["newsgraph"]["ORG"]
    assert typed - bare >= CONLL_FLOORS["margin_over_bare"], (typed, bare)


def test_link_scores_count_right_links_by_form():
    """A link is right when the nearest earlier mention of its system chain is in its gold chain."""
    def row(i, start, cluster, form):
        return coref.Aligned("d", i, coref.GoldMention(start, start + 1, cluster, "person"), form, "x", i)

    rows = [row(0, 0, "A", "name"), row(1, 10, "A", "pronoun"), row(2, 20, "B", "pronoun"), row(3, 30, "A", "pronoun")]
    entity_of = {("d", 0): "e1", ("d", 1): "e1", ("d", 2): "e1", ("d", 3): "e2"}
    scores = coref.link_scores(rows, entity_of)
    # "A" pronoun after its name: right; the "B" pronoun joined to e1: wrong; the last "A" opens e2: no link
    assert scores["pronoun"] == (1, 2, 2)
    assert scores["name"] == (0, 0, 0)


@pytest.mark.parametrize("value, names", [("1-3", ["1", "2", "3"]), ("1,5-6", ["1", "5", "6"]), ("07", ["7"]), ("", None)])
def test_topics_option_reads_numbers_and_ranges(value, names):
    from newsgraph.cli.eval_entities import _topics

    assert _topics(value) == names


@pytest.mark.parametrize("value, message", [("abc", "'abc' is not a topic number"), ("99-3", "'99-3' is not a topic range"),
                                            ("1-x", "'1-x' is not a topic range")])
def test_a_bad_topics_option_is_named(tmp_path, value, message):
    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["eval", "coref", str(tmp_path), "--format", "ecbplus", "--topics", value])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
