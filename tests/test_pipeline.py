"""The per-document pipeline: declared stages, fingerprint, isolation of each document, long and pathological texts."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from newsgraph import pipeline
from newsgraph.extract import stages
from newsgraph.model import Article, DocumentAnalysis, Skipped
from newsgraph.run import build
from newsgraph.store.sqlite import open_store

PACKAGE = Path(pipeline.__file__).resolve().parent


def _article(text: str, path: str = "a.txt") -> Article:
    from newsgraph.ingest import content_id

    return Article(id=content_id(text), text=text, path=path)


def test_stage_order_is_checked():
    bad = (
        stages.Stage("sentences", "newsgraph.extract:sentences", (), ("sentences",), ()),
        stages.Stage("events", "x:y", ("sentences", "mentions"), ("events",), ()),
        stages.Stage("mentions", "x:y", ("sentences",), ("mentions",), ()),
    )
    with pytest.raises(stages.StageOrderError, match="'events' reads \\['mentions'\\]"):
        stages.check_order(bad)
    stages.check_order(stages.STAGES)


def test_plan_pulls_in_what_a_stage_needs():
    assert [s.name for s in stages.plan({"events"})] == ["sentences", "mentions", "coref", "amounts", "times", "quotes", "events"]
    assert [s.name for s in stages.plan({"amounts"})] == ["sentences", "amounts"]
    assert [s.name for s in stages.plan(None)] == [s.name for s in stages.STAGES]
    with pytest.raises(ValueError, match="unknown stage"):
        stages.plan({"nonsense"})


def test_every_per_document_module_and_data_file_is_declared():
    """The fingerprint covers a file only if a stage (or the shared list) declares it: nothing may be left out."""
    declared = set(stages.SHARED_CODE) | {m for s in stages.STAGES for m in s.code}
    for folder in ("extract", "lexicons"):
        for py in (PACKAGE / folder).glob("*.py"):
            module = f"newsgraph.{folder}" + ("" if py.stem == "__init__" else f".{py.stem}")
            assert module in declared, f"{module} is used by the per-document pipeline but hashed by no stage"
    data = set(stages.SHARED_DATA) | {d for s in stages.STAGES for d in s.data}
    for folder in ("lexicons/data", "techniques/data"):
        for f in (PACKAGE / folder).iterdir():
            if f.suffix in (".csv", ".tsv", ".txt"):
                assert f"{folder}/{f.name}" in data, f"{folder}/{f.name} is read by a stage but hashed by none"


def _imported(module: str) -> set[str]:
    """The newsgraph modules `module`'s source imports (at any depth of its code)."""
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsgraph"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("newsgraph"))
    return out


def test_a_stage_declares_the_per_document_modules_its_code_imports():
    """A stage's code list names what it runs: each extract, lexicon or techniques module its modules import is in its
    own list, the shared list, or the list of a stage it needs (``plan``)."""
    kinds = ("newsgraph.extract", "newsgraph.lexicons", "newsgraph.techniques")
    missing = []
    for stage in stages.STAGES:
        known = set(stages.SHARED_CODE) | {m for s in stages.plan([stage.name]) for m in s.code}
        for module in stage.code:
            for used in _imported(module):
                if used.startswith(kinds) and used not in known:
                    missing.append(f"{stage.name}: {module} imports {used}")
    assert not missing, missing


def test_no_import_circles_and_nothing_points_up_a_floor():
    """Imports between newsgraph's modules, read from the source: no cycle, and the ground floor imports nothing of ours."""
    graph: dict[str, set[str]] = {}
    for py in PACKAGE.rglob("*.py"):
        rel = py.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        deps = set()
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsgraph"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("newsgraph"))
        graph[name] = deps
    modules = set(graph)
    edges = {m: {d for d in deps if d in modules and d != m and not m.startswith(d + ".")} for m, deps in graph.items()}
    ground = {"newsgraph.errors", "newsgraph.model"}  # the lexicons' neighbours on the ground floor, importing nothing of ours
    assert not {d for m in ground for d in edges[m]}
    for lexicon in (m for m in modules if m.startswith("newsgraph.lexicons")):
        assert not {d for d in edges[lexicon] if not d.startswith("newsgraph.lexicons") and d not in ground}, \
            f"{lexicon} imports above its floor"
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycle = path[path.index(d):] + [d] if d in path else [m, d]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(modules):
        if m not in state:
            visit(m, [m])


def test_no_statement_runs_outside_the_store():
    """Every read and write of the database goes through `newsgraph.store`: no module outside it runs SQL itself."""
    found = []
    for py in PACKAGE.rglob("*.py"):
        if py.relative_to(PACKAGE).parts[0] == "store":
            continue
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("execute", "executemany", "executescript"):
                found.append(f"{py.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found, found


def test_an_upgraded_data_file_reprocesses_and_an_unchanged_rebuild_does_nothing(examples_dir, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    first = build([str(examples_dir / "articles")], str(db))
    assert first.processed > 0
    assert build([str(examples_dir / "articles")], str(db)).processed == 0
    real = stages._data

    def upgraded(path: str) -> bytes:
        data = real(path)
        return data + b"\n# one more line in a new release\n" if path == "lexicons/data/events.tsv" else data

    monkeypatch.setattr(stages, "_data", upgraded)
    stages.code_fingerprint.cache_clear()
    try:
        again = build([str(examples_dir / "articles")], str(db))
        assert again.processed == first.processed
        assert build([str(examples_dir / "articles")], str(db)).processed == 0
    finally:
        monkeypatch.undo()
        stages.code_fingerprint.cache_clear()


def test_one_failing_document_costs_only_itself(monkeypatch):
    from newsgraph import extract

    real = extract.stage_functions

    def with_a_trap(only=None):
        def trap(ctx):
            if "TRAP" in ctx.article.text:
                raise ValueError("boom")

        return real(only) + [trap]

    monkeypatch.setattr(extract, "stage_functions", with_a_trap)
    good, bad = _article("Russia sent two bombers to Venezuela."), _article("TRAP: China lent money.", "b.txt")
    results = pipeline.analyze_batch([bad, good])
    assert isinstance(results[0], Skipped) and results[0].code == "error" and "ValueError: boom" in results[0].reason
    assert isinstance(results[1], DocumentAnalysis) and results[1].events


def test_a_document_over_its_time_budget_is_skipped_with_a_reason(monkeypatch):
    from newsgraph import extract

    real = extract.stage_functions

    def with_a_slow_stage(only=None):
        def slow(ctx):
            if "SLOW" in ctx.article.text:
                time.sleep(5)

        return real(only) + [slow]

    monkeypatch.setattr(extract, "stage_functions", with_a_slow_stage)
    options = pipeline.AnalysisOptions(budget_seconds=0.5, budget_per_kword=0)
    t0 = time.time()
    results = pipeline.analyze_batch([_article("SLOW words here."), _article("Cuba sent doctors.", "c.txt")], options)
    assert time.time() - t0 < 4.5
    assert isinstance(results[0], Skipped) and results[0].code == "too-slow"
    assert isinstance(results[1], DocumentAnalysis)


def test_a_text_longer_than_a_piece_is_parsed_in_pieces_with_exact_offsets(monkeypatch):
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 3000)
    # about 11,000 characters: four pieces (each line its own: a line repeated word for word is page furniture)
    text = "".join(f"Vladimir Putin met Nicolas Maduro in Moscow on Monday. Russia sent {n + 2} bombers to Caracas.\n\n"
                   for n in range(120))
    (analysis,) = pipeline.analyze_batch([_article(text)])
    assert isinstance(analysis, DocumentAnalysis)
    assert len(analysis.sentences) == 240
    assert analysis.sentences[-1].end > 10_000
    putins = [m for m in analysis.mentions if text[m.start:m.end] == "Vladimir Putin"]
    assert len(putins) == 120 and putins[-1].start > 10_000
    for record in [*analysis.mentions, *analysis.times, *(p for e in analysis.events for p in e.participants)]:
        assert text[record.start:record.end] == record.text
    assert all(text[e.start:e.end] == e.trigger for e in analysis.events) and len(analysis.events) >= 200


def test_long_runs_without_spaces_are_cut_for_the_parser_only():
    """spaCy's tokenizer is quadratic in an unsplittable run; the canonical copy breaks such runs, the text stays as read."""
    text = "Rosneft advanced six billion dollars. " + "&" * 20_000 + " Venezuela paid in oil."
    (analysis,) = pipeline.analyze_batch([_article(text)])
    assert isinstance(analysis, DocumentAnalysis)
    assert analysis.article.text == text
    assert any(text[m.start:m.end] == "Venezuela" for m in analysis.mentions)
    from newsgraph.normalize import RUN_PIECE, normalize

    assert max(len(w) for w in normalize(text).text.split()) <= RUN_PIECE


def test_options_are_validated():
    from newsgraph.errors import InputError

    with pytest.raises(InputError, match="techniques engine"):
        pipeline.AnalysisOptions(techniques="bogus")
    with pytest.raises(InputError, match="places table"):
        pipeline.AnalysisOptions(places="/nonexistent/places.csv")


def test_a_run_of_symbols_is_one_space_for_the_parser_and_a_huge_text_is_skipped(monkeypatch):
    from newsgraph.normalize import normalize

    text = "Cuba sent doctors to Caracas. " + "&" * 200_000 + " Russia sent bombers."
    norm = normalize(text)
    assert "&" not in norm.text and len(norm.text) < 80
    (analysis,) = pipeline.analyze_batch([_article(text)])
    assert isinstance(analysis, DocumentAnalysis)
    assert [text[m.start:m.end] for m in analysis.mentions if m.form == "name"][:2] == ["Cuba", "Caracas"]
    huge = "Venezuela borrowed money, " * 50_000  # 150,000 words over a limit of 100,000
    options = pipeline.AnalysisOptions(max_words=100_000)
    (skipped,) = pipeline.analyze_batch([_article(huge)], options)
    assert isinstance(skipped, Skipped) and skipped.code == "too-large" and "100,000 words" in skipped.reason


def test_the_canonical_text_is_the_parsed_doc_text(nlp, seeds_dir, shared_corpus, monkeypatch):
    """Stages read ``norm.text`` where they need the parsed text (``Doc.text`` joins every token again):
    it equals ``Doc.text`` for the seeds, 20 BBC texts and a text parsed in pieces."""
    from newsgraph.lexicons import places
    from newsgraph.normalize import normalize

    monkeypatch.setattr(pipeline, "PIECE_CHARS", 3000)
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:20]
    texts = [p.read_text(encoding="utf-8") for p in paths] + ["Putin met Maduro in Moscow. “We agree,” he said.\n\n" * 150]
    norms = [normalize(t, places.known_words()) for t in texts]
    docs = pipeline._parse_all(nlp, [n.text for n in norms])
    assert len(norms[-1].text) > 3000  # the last one was cut in pieces and joined
    for norm, doc in zip(norms, docs):
        assert doc.text == norm.text


def test_the_collector_runs_less_often_while_a_batch_is_analyzed_and_as_before_after_it(monkeypatch):
    """Per-document work raises the youngest generation's threshold (fewer collections of the many small objects
    the stages make and drop); the caller's thresholds come back after a batch, after an error that escapes it, and
    after overlapping batches (threads of a Dask worker) only when the last one ends; collection turned off stays off."""
    import gc
    import threading

    from newsgraph import extract

    real = extract.stage_functions
    seen = []
    inside = {k: threading.Event() for k in ("WAIT1", "WAIT2")}
    release = {k: threading.Event() for k in ("WAIT1", "WAIT2")}

    def watching(only=None):
        def watch(ctx):
            seen.append(gc.get_threshold())
            for key in inside:
                if key in ctx.article.text:
                    inside[key].set()
                    assert release[key].wait(60)

        return real(only) + [watch]

    monkeypatch.setattr(extract, "stage_functions", watching)
    before = gc.get_threshold()
    try:
        gc.set_threshold(900, 11, 12)
        results = pipeline.analyze_batch([_article("Cuba sent doctors.", "c.txt")])
        assert isinstance(results[0], DocumentAnalysis) and seen == [(pipeline.YOUNG_OBJECTS, 11, 12)]
        assert gc.get_threshold() == (900, 11, 12)

        def broken(text, limit):
            raise RuntimeError("escapes the batch")

        with monkeypatch.context() as m:
            m.setattr(pipeline, "_count_words", broken)
            with pytest.raises(RuntimeError):
                pipeline.analyze_batch([_article("Cuba sent doctors.", "c.txt")])
        assert gc.get_threshold() == (900, 11, 12)

        threads = {k: threading.Thread(target=pipeline.analyze_batch, args=([_article(f"{k}: Russia lent money.")],))
                   for k in ("WAIT1", "WAIT2")}
        for key, thread in threads.items():  # the second opens while the first is open
            thread.start()
            assert inside[key].wait(60)
        release["WAIT1"].set()  # the first ends while the second is still open
        threads["WAIT1"].join(60)
        assert gc.get_threshold() == (pipeline.YOUNG_OBJECTS, 11, 12)
        release["WAIT2"].set()
        threads["WAIT2"].join(60)
        assert gc.get_threshold() == (900, 11, 12)

        gc.set_threshold(0, 11, 12)
        pipeline.analyze_batch([_article("Cuba sent doctors.", "c.txt")])
        assert seen[-1] == (0, 11, 12) and gc.get_threshold() == (0, 11, 12)
    finally:
        for event in release.values():
            event.set()
        gc.set_threshold(*before)



def test_a_second_places_table_in_one_process_is_the_one_matched(nlp, tmp_path):
    """What is built from the table of states (the mention pass's surfaces, names in capitals, the resolver's keys)
    follows the table in use: a run with another table finds its states, and a later run with the shipped one no
    longer does."""
    from newsgraph.extract import mentions
    from newsgraph.lexicons import places
    from newsgraph.resolve import entities

    shipped = Path(places.table_path()).read_text(encoding="utf-8")
    custom = tmp_path / "places.csv"
    custom.write_text(shipped + "ZZ,Freedonia,,Freedonian|Freedonians,Fredville,,country,\n", encoding="utf-8")
    text = "FREDVILLE 2001-05-02\n\nFreedonia and Sylvania signed the treaty on Tuesday.\n"

    def known(options):
        doc = next(pipeline.analyze_texts([text], nlp, only={"mentions"}, options=options))
        found = {m.text: m.place for m in doc.mentions if m.place}
        return (found.get("Freedonia"), "FREDVILLE" in mentions._gazetteer_index(), places.table_spelling("FREDVILLE"),
                "freedonia" in entities.gazetteer_keys())

    try:
        assert known(pipeline.AnalysisOptions()) == (None, False, "FREDVILLE", False)
        assert known(pipeline.AnalysisOptions(places=str(custom))) == ("ZZ", True, "Fredville", True)
    finally:
        places.use_table(None)
    assert known(pipeline.AnalysisOptions()) == (None, False, "FREDVILLE", False)


def test_no_token_is_compared_by_identity():
    """spaCy makes a new Token object at each access, so ``tok.head is tok`` never holds, not even at the root, and a
    loop that climbs until it does climbs on at the root in silence: tokens are compared by their index."""
    package = Path(pipeline.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                sides = [node.left, *node.comparators]
                if not any(isinstance(s, ast.Constant) for s in sides) and any(isinstance(s, ast.Attribute) and s.attr in {"head", "root", "left_edge", "right_edge"} for s in sides):
                    found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert found == []
