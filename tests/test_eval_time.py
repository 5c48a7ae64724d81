"""`newsgraph eval time`: the TimeML reader, TempEval-3 scores, the command, and the quality gate (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.evaluation.time import Timex, TimeMLDocument, read_folder, read_timeml, score

FIXTURE = """<?xml version="1.0" ?>
<TimeML>
<DOCID>fixture</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" temporalFunction="false" functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>
The council <EVENT eid="e1">met</EVENT> <TIMEX3 tid="t1" type="DATE" value="2013-03-21">yesterday</TIMEX3> for <TIMEX3 tid="t2" type="DURATION" value="PT3H">three hours</TIMEX3> &amp; will meet <TIMEX3 tid="t3" type="SET" value="P1W">every week</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture()
def fixture_folder(tmp_path):
    (tmp_path / "a.tml").write_text(FIXTURE, encoding="utf-8")
    return tmp_path


def test_reader_gives_plain_text_offsets_and_the_creation_date(fixture_folder):
    doc = read_timeml(fixture_folder / "a.tml")
    assert doc.dct == "2013-03-22"
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("yesterday", "DATE", "2013-03-21"), ("three hours", "DURATION", "PT3H"), ("every week", "SET", "P1W"),
    ]
    assert all(doc.text[g.start : g.end] == g.text for g in doc.gold)
    assert "&amp;" not in doc.text and " & will meet" in doc.text


def test_unreadable_files_are_reported_not_raised(tmp_path):
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>unclosed", encoding="utf-8")
    (tmp_path / "good.tml").write_text(FIXTURE, encoding="utf-8")
    docs, problems = read_folder(tmp_path)
    assert [d.name for d in docs] == ["good.tml"]
    assert len(problems) == 1 and problems[0].startswith("bad.tml: not readable TimeML")
    dct = 'value="2013-03-22" temporalFunction="false" functionInDocument="CREATION_TIME"'
    assert dct in FIXTURE
    (tmp_path / "dct.tml").write_text(FIXTURE.replace(dct, dct.replace("2013-03-22", "garbage")), encoding="utf-8")
    docs, problems = read_folder(tmp_path)
    assert [d.name for d in docs] == ["good.tml"]
    assert "dct.tml: its creation time 'garbage' is not a date (YYYY-MM-DD)" in problems


def test_scores_follow_tempeval3():
    text = "On Friday and for two years, now."
    gold = [Timex(3, 9, "Friday", "DATE", "2013-03-22"), Timex(18, 27, "two years", "DURATION", "P2Y"),
            Timex(29, 32, "now", "DATE", "PRESENT_REF")]
    system = [Timex(0, 9, "On Friday", "DATE", "2013-03-22"),  # overlap, right value: relaxed and value, not strict
              Timex(18, 27, "two years", "DATE", "P1Y"),  # exact span, wrong value and type
              Timex(10, 13, "for", "DATE", "X")]  # spurious
    result = score([TimeMLDocument("d", text, "2013-03-22", gold)], [system])
    assert result["strict"] == {"precision": round(1 / 3, 4), "recall": round(1 / 3, 4), "f1": round(1 / 3, 4)}
    assert result["relaxed"] == {"precision": round(2 / 3, 4), "recall": round(2 / 3, 4), "f1": round(2 / 3, 4)}
    assert result["value"]["f1"] == round(1 / 3, 4)
    assert result["type_accuracy"] == 0.5
    assert result["per_type"]["DURATION"] == {"gold": 1, "span_recall": 1.0, "value_recall": 0.0, "type_accuracy": 0.0}
    kinds = sorted(e["kind"] for e in result["errors"])
    assert kinds == ["missed", "spurious", "value"]


def test_command_scores_a_folder_and_lists_misses(fixture_folder):
    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["eval", "time", str(fixture_folder), "--errors"])
    assert result.exit_code == 0, result.output
    assert "1 documents, 3 gold time expressions" in result.output
    assert "relaxed span" in result.output and "baseline" in result.output
    for kind in ("DATE", "DURATION", "SET"):
        assert f"  {kind}" in result.output


def test_command_says_so_when_a_folder_has_no_timeml(tmp_path):
    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["eval", "time", str(tmp_path)])
    assert result.exit_code != 0
    assert "nothing to score" in result.output and "Traceback" not in result.output


# Quality gate: every 8th document of TimeBank + AQUAINT (32 of 256), through the real pipeline.
# Floors pinned just under the scores measured when they were set; lower them only with a reason.
GATE_FLOORS = {"relaxed": 0.945, "value": 0.830}  # measured 0.9462 and 0.8308 (round 7: slice unchanged, floors tightened); round 6: 0.9405, 0.8253; round 5: 0.9405, 0.8177; round 4: 0.9387, 0.8046 (baseline value 0.5417); round 3: 0.9333, 0.8000; round 2: 0.7962; round 1: 0.9254, 0.7610


@pytest.fixture(scope="module")
def gate_result(nlp, shared_corpus):
    from newsgraph.evaluation.time import evaluate

    folder = shared_corpus / "timebank-aquaint"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/timebank-aquaint is not present")
    docs, problems = read_folder(folder)
    return evaluate(folder, nlp=nlp, read=(docs[::8], problems))


def test_quality_gate_on_a_slice_of_timebank(gate_result):
    assert gate_result["documents"] == 32
    assert gate_result["relaxed"]["f1"] >= GATE_FLOORS["relaxed"], gate_result["relaxed"]
    assert gate_result["value"]["f1"] >= GATE_FLOORS["value"], gate_result["value"]
    assert gate_result["value"]["f1"] > gate_result["baseline"]["value"]["f1"]
