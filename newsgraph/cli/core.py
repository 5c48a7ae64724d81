"""Commands for building and reading the knowledge base: build, stats, entities, show, export, merge, split."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.text import Text

from newsgraph.cli import tables
from newsgraph.cli.group import db_option, main, pass_store, quiet_option
from newsgraph.errors import InputError
from newsgraph.store import queries
from newsgraph.store.sqlite import refuse_foreign


ENGINE_ENV = "NEWSGRAPH_TECHNIQUES"


def _techniques_choice(model: str | None, spacy_model: str | None):
    """The analysis options of this build, with the techniques engines it runs, and a description for the summary.

    A model trained earlier (`techniques train`) is used only when asked: `--techniques-model PATH`, or
    NEWSGRAPH_TECHNIQUES=auto/model set by the user. A file left in $NEWSGRAPH_HOME must not silently change
    every later build's results. The choice travels in the options, never through the environment.
    """
    from newsgraph import techniques as tq
    from newsgraph.pipeline import AnalysisOptions

    if model:
        options = AnalysisOptions.from_environment(model=spacy_model, techniques="auto", techniques_model=str(Path(model).resolve()))
    elif not os.environ.get(ENGINE_ENV):
        options = AnalysisOptions.from_environment(model=spacy_model, techniques="rules")
    else:
        options = AnalysisOptions.from_environment(model=spacy_model)
    setting = options.techniques
    used = options.techniques_model if setting in ("auto", "model") and options.techniques_model else None
    engine = {"off": "off", "rules": "rules"}.get(setting, "rules + model" if setting == "auto" and used else "model" if used else "rules")
    unused = tq.default_model_path() if used is None and setting != "off" and tq.default_model_path().exists() else None
    return options, {"engine": engine, "model": str(used) if used else None, "unused_model": str(unused) if unused else None}


def _check_encoder(analysis) -> None:
    """Without the optional encoder installed, the model is loaded before any document is read: one trained
    with `--encoder` then stops the build with the message naming the extra (exit 2), instead of every
    document failing on it. With the extra installed nothing is loaded here."""
    from newsgraph import techniques as tq
    from newsgraph.techniques import encoder

    if not encoder.available():
        tq.TechniqueOptions(analysis.techniques, analysis.techniques_model).load_model()


def _techniques_line(t: dict) -> str:
    if t["engine"] == "off":
        return "techniques: off (NEWSGRAPH_TECHNIQUES=off)"
    line = f"techniques: {t['engine']} engine" + (f", model {t['model']}" if t["model"] else ", no trained model")
    if t["unused_model"]:
        line += f" (a trained model at {t['unused_model']} was not used; pass --techniques-model to use it)"
    return line


def _record_techniques(db: str, t: dict) -> None:
    """Keep which techniques engine and model the last build ran, for `newsgraph stats`."""
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    try:
        store.set_meta("techniques", json.dumps({"engine": t["engine"], "model": t["model"]}))
    finally:
        store.close()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV adding metadata (path, outlet, published, url, title) to files.")
@click.option("--outlet", help="Outlet name for inputs that carry none.")
@click.option("--model", default=None, help="spaCy model: en_core_web_sm (default), en_core_web_md, en_core_web_lg, en_core_web_trf.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes for parsing.")
@click.option("--max-bytes", type=click.IntRange(1), default=None, help="Largest input read (default 5 MiB); reading stops there, whatever the path.")
@click.option("--executor", default="local", show_default=True, metavar="local|dask|dask://HOST:PORT",
              help="Where documents are analyzed: this machine (--jobs processes), a local Dask cluster of --jobs workers, "
                   "or a running Dask scheduler (pip install 'newsgraph[dask]').")
@click.option("--keep-missing", is_flag=True, help="Keep documents whose files disappeared from a folder being rebuilt.")
@click.option("--follow-links", is_flag=True, help="Follow links in folders that lead outside the input folders, and links to folders.")
@click.option("--techniques-model", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A model trained by `newsgraph techniques train` to run beside the rules (default: rules only).")
@quiet_option
def build(paths, db, manifest, outlet, model, jobs, max_bytes, executor, keep_missing, follow_links, techniques_model, quiet):
    """Read articles from PATHS (files, folders, - for stdin, or http(s) URLs of pages and feeds) into the knowledge base.

    Unchanged inputs are skipped; a changed file replaces its old version; an
    interrupted build resumes where it stopped.
    """
    from newsgraph.cli.progress import BuildProgress, count_inputs
    from newsgraph.ingest import MAX_BYTES
    from newsgraph.run import BuildOptions
    from newsgraph.run import build as run_build

    for p in paths:
        if p != "-" and not p.startswith(("http://", "https://")) and not Path(p).exists():
            raise InputError(f"no such file or folder: {p}")
    total = count_inputs(paths, follow_links)
    if total == 0:
        raise InputError(f"no input files in {', '.join(paths)} (read: .txt, .md, .html, .htm, .json, .jsonl); "
                         "no database was written")
    refuse_foreign(db)
    if Path(db).is_file() and Path(db).stat().st_size == 0:
        click.echo(f"note: {db} is an empty file; a new knowledge base is made in it", err=True)
    analysis, techniques_used = _techniques_choice(techniques_model, model)
    if techniques_used["model"]:
        _check_encoder(analysis)
    with BuildProgress(total, quiet=quiet) as progress:
        options = BuildOptions(
            analysis=analysis, jobs=jobs, executor=executor, manifest=manifest,
            outlet=outlet, max_bytes=max_bytes or MAX_BYTES, drop_missing=not keep_missing, follow_links=follow_links,
        )
        try:
            report = run_build(paths, db, options=options, progress=progress.tick,
                               on_wait=lambda: progress.note(f"Another build is writing to {db}; waiting for it to finish ..."))
        except KeyboardInterrupt:
            progress.__exit__(None, None, None)
            if progress.counts.get("processed"):
                _record_techniques(db, techniques_used)  # the documents it saved were analysed with this engine
            click.echo(f"Interrupted after {progress.counts['processed']} documents; they are saved. "
                       "Run the same command again to resume.", err=True)
            sys.exit(130)
    if report.processed:
        _record_techniques(db, techniques_used)
    out = tables.console()
    tables.say(out, f"{report.processed} documents processed, {report.unchanged} unchanged, {len(report.skipped)} skipped.")
    if report.removed:
        tables.say(out, f"{len(report.removed)} inputs no longer there were forgotten.")
    if report.resolved:
        tables.say(out, "Entities resolved across the corpus.")
    click.echo(_techniques_line(techniques_used))
    for s in report.skipped:
        click.echo(f"  skipped {s.path}: {s.reason}")
    if not quiet:
        for path, note in report.notes:
            click.echo(f"  note {path}: {note}")
    if report.processed == 0 and report.unchanged == 0 and report.skipped:
        click.echo("Nothing usable in the inputs.", err=True)
        sys.exit(2)


@main.command()
@pass_store
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(store, as_json):
    """Counts, date span, the techniques engine used, and inputs that were skipped with their reasons."""
    data = queries.stats(store.conn)
    data["skipped"] = queries.skipped_inputs(store.conn)
    data["techniques"] = queries.techniques_stats(store.conn)
    if as_json:
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
        return
    con = tables.console()
    rows = [[k, f"{v:,}"] for k, v in data["counts"].items()]
    rows += [[f"  entities: {k}", f"{v:,}"] for k, v in data["entity_types"].items()]
    rows.append(["published", f"{data['published']['first'] or '?'} .. {data['published']['last'] or '?'}"])
    t = data["techniques"]
    spans = ", ".join(f"{n:,} {engine}" for engine, n in t["spans"].items()) or "no spans"
    rows.append(["techniques", f"{t['engine']}" + (f", model {t['model']}" if t["model"] else "") + f" ({spans})"])
    con.print(tables.table([tables.Col("what"), tables.Col("value", justify="right")], rows, con, title="newsgraph knowledge base"))
    if data["skipped"]:
        tables.say(con, "Skipped inputs", style="bold")
        for s in data["skipped"]:
            tables.say(con, f"  {s['path']}: {s['reason']} [{s['code']}]")


@main.command()
@pass_store
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="How many entities.")
@click.option("--type", "type_", type=click.Choice(["person", "organization", "country", "place", "other"]), help="Only this type.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def entities(store, top, type_, as_json):
    """The most mentioned entities, with their aliases and roles."""
    rows = queries.list_entities(store.conn, top=top, type=type_)
    if as_json:
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    con = tables.console()
    cols = [tables.Col("entity"), tables.Col("type", nowrap=True), tables.Col("mentions", justify="right"),
            tables.Col("docs", justify="right"), tables.Col("aliases"), tables.Col("roles")]
    con.print(tables.table(cols, [[e["name"], e["type"], str(e["mentions"]), str(e["documents"]), ", ".join(e["aliases"][:6]),
                                   ", ".join(e["roles"][:4])] for e in rows], con))
    total = queries.stats(store.conn)["entity_types"]
    tables.showing(con, len(rows), total.get(type_, 0) if type_ else sum(total.values()), "--top")


@main.command()
@click.argument("name")
@pass_store
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Mentions to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(store, name, limit, as_json):
    """One entity: aliases, type, roles per document, why names were merged, and its mentions with their sentences."""
    eid = queries.find_entity(store.conn, name)
    entity = queries.get_entity(store.conn, eid)
    mentions = queries.entity_mentions(store.conn, eid, limit=limit)
    if as_json:
        click.echo(json.dumps({"entity": entity, "mentions": mentions}, indent=1, ensure_ascii=False))
        return
    con = tables.console()
    head = Text(entity["name"], style="bold")
    head.append(f" ({entity['type']}, id {entity['id']}): {entity['mentions']} mentions in {entity['documents']} documents")
    con.print(head)
    tables.say(con, "aliases: " + ", ".join(f"{a['alias']} ({a['count']})" for a in entity["aliases"]))
    for r in entity["roles"]:
        tables.say(con, f"role: {r['role']} in {Path(r['path']).name}")
    for m in entity["merges"]:
        tables.say(con, f"merged {m['a']!r} + {m['b']!r}: {m['reason']}")
    current = None
    for m in mentions:
        if m["path"] != current:
            current = m["path"]
            con.print()
            head = Text(current, style="bold")
            head.append(f" ({m['outlet']})" if m["outlet"] else "")
            con.print(head)
        sentence = " ".join((m["sentence"] or "").split())
        tables.say(con, f"  [{m['start']}:{m['end']}] {m['text']!r}: {sentence}")
    if len(mentions) < entity["mentions"]:
        con.print()
    tables.showing(con, len(mentions), entity["mentions"])


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True, help="File to write.")
def export(db, fmt, output):
    """Write the knowledge base as JSON (the newsgraph/1 contract) or GraphML."""
    from newsgraph.cli.group import open_readonly
    from newsgraph.outputs import export as ex

    store = open_readonly(db)
    try:
        (ex.write_graphml if fmt == "graphml" else ex.write_json)(store.conn, output)  # - is standard output
    finally:
        store.close()
    if output != "-":
        click.echo(f"wrote {output}", err=True)


def _override(db: str, action: str, a: str, b: str | None) -> None:
    from newsgraph.run import resolve_corpus
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    try:
        with store.writer_lock():
            store.add_override(action, a, b)
            resolve_corpus(store)
    finally:
        store.close()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
def forget(paths, db):
    """Stop following PATHS (files, folders, or JSON-lines records): their documents leave the knowledge base."""
    from newsgraph.cli.group import open_readonly
    from newsgraph.run import forget as run_forget

    open_readonly(db).close()  # a missing or foreign database is refused before anything is written
    removed = run_forget(paths, db)
    if not removed:
        raise InputError("none of these paths was ever built into this database: " + ", ".join(paths))
    click.echo(f"forgot {len(removed)} inputs; entities, dates and facts were resolved again")


@main.command()
@click.argument("name")
@click.argument("into")
@db_option
def merge(name, into, db):
    """Make NAME and INTO one entity, now and in every later build."""
    from newsgraph.cli.group import open_readonly
    from newsgraph.lexicons.places import fold

    if fold(name) == fold(into):
        raise InputError(f"{name!r} and {into!r} are the same name: give two names to merge")
    with open_readonly(db) as store:
        queries.find_entity(store.conn, name)
        queries.find_entity(store.conn, into)
    _override(db, "merge", into, name)
    click.echo(f"merged {name!r} into {into!r}; this holds for later builds too")


@main.command()
@click.argument("name")
@db_option
def split(name, db):
    """Take the name NAME off the entity it was merged into, now and in every later build."""
    from newsgraph.cli.group import open_readonly

    with open_readonly(db) as store:
        queries.find_entity(store.conn, name)
    _override(db, "split", name, None)
    click.echo(f"{name!r} is now its own entity; this holds for later builds too")


@main.command()
@click.option("--full", is_flag=True, help="Resolve every document again, even when only new ones were added.")
@db_option
def resolve(full, db):
    """Run the corpus step now (entities, dates, copies, facts, stories, lineage, page tables), as a build does at its end.

    A build resolves only the documents it added when the store holds 5,000 documents or more and has grown
    by less than a fifth since the last full step; --full redoes every decision on the whole corpus.
    """
    from newsgraph.cli.group import open_readonly
    from newsgraph.run import resolve_corpus
    from newsgraph.store.sqlite import open_store

    open_readonly(db).close()  # a missing or foreign database is refused before anything is written
    store = open_store(db)
    timings: dict = {}
    try:
        with store.writer_lock():
            ran = resolve_corpus(store, force=full, full=True if full else None, timings=timings)
    finally:
        store.close()
    if not ran:
        click.echo("nothing to do: the corpus step is up to date (--full runs it anyway)")
        return
    mode = timings.pop("mode")
    what = "every document" if mode == "full" else f"the {mode.split()[1]} documents added since the last step"
    steps = ", ".join(f"{name} {t['wall_s']} s" for name, t in timings.items())
    click.echo(f"resolved {what}: {steps}")
