"""Descriptors: the labels each document puts on each actor, their polarity and voice, and the label matrix."""

from __future__ import annotations

import functools

import json
from pathlib import Path

import pytest

from newsgraph.lexicons.labels import polarity, polarity_words, stand_for_nouns


def _labels(analysis, name: str) -> list:
    """Descriptors of the actor whose resolved mention name contains `name`."""
    return [d for d in analysis.descriptors if name in analysis.mentions[d.mention].name]


# --- lexicon ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words,expected",
    [
        (["dictator"], "derogatory"),
        (["corrupt", "officials"], "derogatory"),
        (["Vice", "President"], "neutral"),
        (["respected", "statesman"], "honorific"),
        (["legitimate", "dictator"], "derogatory"),  # a derogatory word outweighs an honorific one
    ],
)
def test_polarity(words, expected):
    assert polarity(words) == expected


def test_lexicon_files_load():
    assert polarity_words()["regime"] == "derogatory"
    assert {"regime", "mafia", "officials"} <= stand_for_nouns()


# --- shapes of labels, in sentences written for this test ----------------------------------------

SHAPES = [
    # (shape, text, actor, label text, head, polarity, voice)
    ("title before the name", "Opposition leader Maria Olsen visited the port on Monday.",
     "Maria Olsen", "Opposition leader", "leader", "neutral", "outlet"),
    ("epithet and demonym before the name", "The Estonian dictator Arno Kask refused to leave.",
     "Arno Kask", "dictator", "dictator", "derogatory", "outlet"),
    ("apposition after the name", "The plan was attacked by Thomas Berger, the Interior Minister, on Sunday.",
     "Thomas Berger", "Interior Minister", "minister", "neutral", "outlet"),
    ("apposition before the name", "On Friday the Finance Minister, Eva Strand, resigned.",
     "Eva Strand", "Finance Minister", "minister", "neutral", "outlet"),
    ("dateline before a title", "MOSCOW - Vice President Delcy Rodriguez arrived on Monday.",
     "Delcy Rodriguez", "Vice President", "president", "neutral", "outlet"),
    ("copula", "Arno Kask is a ruthless tyrant.",
     "Arno Kask", "ruthless tyrant", "tyrant", "derogatory", "outlet"),
    ("group named after the actor", "President Arno Kask spoke to farmers on Monday. The Kask regime arrested three reporters.",
     "Arno Kask", "regime", "regime", "derogatory", "outlet"),
    ("possessed group", "Arno Kask's corrupt officials fled the city.",
     "Arno Kask", "corrupt officials", "officials", "derogatory", "outlet"),
    ("group of the actor", "The regime of Arno Kask arrested three reporters.",
     "Arno Kask", "regime", "regime", "derogatory", "outlet"),
    ("possessed group with coordinated modifiers", "Arno Kask's failing and cash-starved Marxist regime arrested three reporters.",
     "Arno Kask", "failing and cash-starved Marxist regime", "regime", "derogatory", "outlet"),
]


@pytest.mark.parametrize("shape,text,actor,label,head,pol,voice", SHAPES, ids=[row[0] for row in SHAPES])
def test_descriptor_shapes(analyze_text, shape, text, actor, label, head, pol, voice):
    analysis = analyze_text(text)
    found = [d for d in _labels(analysis, actor) if d.text == label]
    assert found, f"{label!r} not found for {actor}; got {[(d.text, analysis.mentions[d.mention].name) for d in analysis.descriptors]}"
    d = found[0]
    assert text[d.start:d.end] == d.text
    assert (d.head, d.polarity, d.voice) == (head, pol, voice)


def test_quoted_label_has_the_speaker(analyze_text):
    text = 'Lena Holm met voters on Monday. "Arno Kask is a dictator," Lena Holm said.'
    analysis = analyze_text(text)
    d = [d for d in _labels(analysis, "Arno Kask") if d.head == "dictator"][0]
    assert d.voice == "quoted"
    assert d.speaker is not None and d.speaker.text == "Lena Holm"


def test_negated_copula_is_not_a_label(analyze_text):
    analysis = analyze_text("Arno Kask is not a dictator.")
    assert [d.text for d in analysis.descriptors if d.head == "dictator"] == []


def test_premodifier_stops_at_a_coordination(analyze_text):
    analysis = analyze_text("The merger joins gas giant Gazprom and oil firm Rosneft.")
    assert [d.text for d in _labels(analysis, "Rosneft")] == ["oil firm"]


def test_names_are_not_labels(analyze_text):
    """A list of names or a possessor in front of a name is not a label on it."""
    analysis = analyze_text("Maria Olsen and Thomas Berger met Anna Lindqvist's lawyer in Oslo.")
    assert [d.text for d in analysis.descriptors if d.head in {"olsen", "berger", "maria", "thomas"}] == []


# --- the seeds, per document -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_analyses(seeds_dir, voices_of):
    paths = sorted(Path(seeds_dir).glob("*.txt"))
    return {p.name[:3]: a for p, a in zip(paths, voices_of(paths))}


SEED_LABELS = [
    # (file prefix, actor, label as written, head, polarity)
    ("000", "Maduro", "President", "president", "neutral"),
    ("000", "Guaido", "National Assembly Leader", "leader", "neutral"),
    ("000", "Rodriguez", "Vice President", "president", "neutral"),
    ("000", "Lavrov", "Foreign Minister", "minister", "neutral"),
    ("001", "Maduro", "dictator", "dictator", "derogatory"),
    ("001", "Peskov", "Kremlin spokesman", "spokesman", "neutral"),
    ("001", "Maduro", "regime", "regime", "derogatory"),
    ("002", "Maduro", "dictator of Venezuela", "dictator", "derogatory"),
    ("002", "Maduro", "corrupt officials", "officials", "derogatory"),
    ("002", "Kucukyavuz", "director of MUSIAD", "director", "neutral"),
    ("002", "Erdogan", "president of Turkey", "president", "neutral"),
    ("003", "Maduro", "socialist President", "president", "neutral"),
    ("003", "Chavez", "anti-U.S. populist leader", "leader", "neutral"),
    ("003", "Chavez", "late predecessor and political mentor", "predecessor", "neutral"),
    ("004", "Bolton", "White House National Security Adviser", "adviser", "neutral"),
    ("004", "Maduro", "mafia", "mafia", "derogatory"),
]


@pytest.mark.parametrize("prefix,actor,label,head,pol", SEED_LABELS, ids=[f"{p}-{a}-{l}" for p, a, l, _, _ in SEED_LABELS])
def test_seed_labels(seed_analyses, prefix, actor, label, head, pol):
    analysis = seed_analyses[prefix]
    found = [d for d in _labels(analysis, actor) if d.text == label]
    assert found, [(d.text, analysis.mentions[d.mention].name) for d in analysis.descriptors]
    assert (found[0].head, found[0].polarity) == (head, pol)


def test_seed_voice(seed_analyses):
    """Bolton's "Maduro mafia" is Bolton's word, inside his tweet; the outlet's own "regime" is the outlet's."""
    analysis = seed_analyses["004"]
    mafia = [d for d in _labels(analysis, "Maduro") if d.head == "mafia"][0]
    assert mafia.voice == "quoted" and analysis.mentions[mafia.speaker.mention].name == "John Bolton"
    assert {d.voice for d in _labels(analysis, "Maduro") if d.head == "regime"} == {"outlet"}


def test_what_kind_of_place_an_actor_is_is_no_label(analyze_text):
    """"the country" says only that Venezuela is a country; "the socialist country" says more."""
    a = analyze_text("Venezuela is broke. Nicolás Maduro has ruined the country, and the socialist country owes billions.")
    assert [d.text for d in a.descriptors if a.mentions[d.mention].name == "Venezuela"] == ["socialist country"]


def test_dictator_of_venezuela_is_not_putin(seed_analyses):
    analysis = seed_analyses["002"]
    assert [d.text for d in _labels(analysis, "Putin") if d.head == "dictator"] == []


def _provenance(analysis) -> None:
    text = analysis.article.text
    for d in analysis.descriptors:
        assert text[d.start:d.end] == d.text, (analysis.article.path, d)
        assert d.text and d.text.strip() == d.text
        assert d.head == d.head.lower() and d.head
        assert d.polarity in {"derogatory", "neutral", "honorific"}
        assert d.voice in {"outlet", "quoted"} and (d.voice == "quoted") == (d.speaker is not None or _in_unattributed_quote(analysis, d))
        assert 0 <= d.mention < len(analysis.mentions)
        if d.speaker is not None:
            assert text[d.speaker.start:d.speaker.end] == d.speaker.text


def _in_unattributed_quote(analysis, d) -> bool:
    return any(q.start <= d.start and d.end <= q.end and q.speaker is None for q in analysis.quotes)


def test_seed_descriptor_provenance(seed_analyses):
    for analysis in seed_analyses.values():
        _provenance(analysis)


@pytest.mark.slow
@pytest.mark.xdist_group("ptc-voices")
def test_descriptor_provenance_over_ptc_unlabeled(shared_corpus, voices_of):
    folder = shared_corpus / "ptc-unlabeled"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/ptc-unlabeled is not present")
    total = 0
    for analysis in voices_of(sorted(folder.glob("*.txt"))):
        _provenance(analysis)
        total += len(analysis.descriptors)
    assert total > 100


# --- the matrix, over a built knowledge base -------------------------------------------------------


def _cells(seeds_conn, name: str) -> dict[str, dict[str, dict]]:
    from newsgraph.store.queries import label_matrix

    rows = label_matrix(seeds_conn, entity=name)
    assert len(rows) == 1
    return {Path(c["outlet"]).name[:3]: {lab["label"]: lab for lab in c["labels"]} for c in rows[0]["outlets"]}


def test_matrix_maduro(seeds_conn):
    cells = _cells(seeds_conn, "Nicolás Maduro")
    assert "President" in cells["000"]
    assert "dictator" in cells["001"]
    assert any(lab["head"] == "dictator" for lab in cells["002"].values())
    assert "socialist President" in cells["003"]
    assert cells["001"]["dictator"]["polarity"] == "derogatory"
    assert cells["004"]["regime"]["count"] >= 3
    assert cells["004"]["mafia"]["quoted"] == 1 and cells["004"]["mafia"]["outlet_voice"] == 0


@pytest.mark.parametrize(
    "actor,label,docs",
    [
        ("Delcy Rodriguez", "Vice President", {"000", "002"}),
        ("Sergei Lavrov", "Foreign Minister", {"000", "001"}),
        ("Juan Guaido", "National Assembly Leader", {"000"}),
    ],
)
def test_matrix_titles(seeds_conn, actor, label, docs):
    cells = _cells(seeds_conn, actor)
    assert {doc for doc, labels in cells.items() if label in labels} >= docs


def test_export_descriptors(seeds_conn):
    from newsgraph.store.queries import export_descriptors

    rows = export_descriptors(seeds_conn)
    texts = dict(seeds_conn.execute("SELECT id, text FROM documents"))
    entities = {r[0] for r in seeds_conn.execute("SELECT id FROM entities")}
    assert len(rows) >= len(SEED_LABELS)
    for r in rows:
        assert {"id", "doc", "entity", "text", "start", "end", "head", "polarity", "voice", "speaker"} <= set(r)
        assert texts[r["doc"]][r["start"]:r["end"]] == r["text"]
        assert r["entity"] is None or r["entity"] in entities
        assert r["speaker"] is None or r["speaker"] in entities
    mafia = [r for r in rows if r["text"] == "mafia"]
    assert len(mafia) == 1 and mafia[0]["voice"] == "quoted" and mafia[0]["speaker"] is not None


def test_labels_cli(seeds_db):
    from click.testing import CliRunner

    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["labels", "--db", str(seeds_db), "--entity", "Maduro", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["name"] in {"Nicolás Maduro", "Nicolas Maduro"}
    result = CliRunner().invoke(main, ["labels", "--db", str(seeds_db)])
    assert result.exit_code == 0 and "dictator" in result.output


@pytest.fixture(scope="module")
def analyze_text(analyze_text):
    """Only the stages quotes and descriptors need, so these tests do not depend on the others."""
    return functools.partial(analyze_text, only={"mentions", "quotes", "descriptors"})


def test_a_state_written_in_capitals_is_read_in_the_tables_spelling(nlp):
    """ "the president of VENEZUELA", a dateline's "NUKU'ALOFA": capitals are looked up in the table's own spelling
    (`table_spelling`), also where title case is not it ("Nuku'alofa", not "Nuku'Alofa")."""
    from newsgraph.extract.label_roles import place_of
    from newsgraph.lexicons.places import gazetteer

    g = gazetteer()
    doc = nlp.make_doc("VENEZUELAN NUKU'ALOFA VENEZUELA Venezuela NATO")
    found = {tok.text: place_of(None, tok) for tok in doc}
    assert found["VENEZUELA"] == found["Venezuela"] == found["VENEZUELAN"] == g.names["Venezuela"]
    assert found["NUKU'ALOFA"] == g.capitals["Nuku'alofa"] is not None
