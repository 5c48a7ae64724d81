"""Commands for building and reading the knowledge base: build, stats, entities, show, export, merge, split."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from newsgraph.cli.group import db_option, main, pass_store, quiet_option
from newsgraph.errors import InputError
from newsgraph.store import queries

console = Console()


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
@quiet_option
def build(paths, db, manifest, outlet, model, jobs, max_bytes, executor, keep_missing, follow_links, quiet):
    """Read articles from PATHS (files, folders, - for stdin, or http(s) URLs of pages and feeds) into the knowledge base.

    Unchanged inputs are skipped; a changed file replaces its old version; an
    interrupted build resumes where it stopped.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from newsgraph.ingest import MAX_BYTES
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions
    from newsgraph.run import build as run_build

    for p in paths:
        if p != "-" and not p.startswith(("http://", "https://")) and not Path(p).exists():
            raise InputError(f"no such file or folder: {p}")
    if Path(db).is_file() and Path(db).stat().st_size == 0:
        click.echo(f"note: {db} is an empty file; a new knowledge base is made in it", err=True)
    options = BuildOptions(
        analysis=AnalysisOptions.from_environment(model=model), jobs=jobs, executor=executor, manifest=manifest,
        outlet=outlet, max_bytes=max_bytes or MAX_BYTES, drop_missing=not keep_missing, follow_links=follow_links,
    )
    counts = {"processed": 0, "unchanged": 0, "skipped": 0}

    def waiting() -> None:
        progress.console.print(f"Another build is writing to {db}; waiting for it to finish ...")
    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]building[/]"), BarColumn(), TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
        console=Console(stderr=True), disable=quiet, transient=True,
    )

    def tick(kind: str, n: int) -> None:
        counts[kind] += n
        progress.update(task, advance=n, info=f"{counts['processed']} parsed, {counts['unchanged']} unchanged, {counts['skipped']} skipped")

    with progress:
        task = progress.add_task("build", total=None, info="reading")
        try:
            report = run_build(paths, db, options=options, progress=tick, on_wait=waiting)
        except KeyboardInterrupt:
            progress.stop()
            click.echo(f"Interrupted after {counts['processed']} documents; they are saved. Run the same command again to resume.", err=True)
            sys.exit(130)
    out = Console(stderr=False)
    out.print(f"[bold]{report.processed}[/] documents processed, {report.unchanged} unchanged, {len(report.skipped)} skipped.")
    if report.removed:
        out.print(f"{len(report.removed)} inputs no longer there were forgotten.")
    if report.resolved:
        out.print("Entities resolved across the corpus.")
    for s in report.skipped:
        click.echo(f"  skipped {s.path}: {s.reason}")
    if not quiet:
        for path, note in report.notes:
            click.echo(f"  note {path}: {note}")
    if report.processed == 0 and report.unchanged == 0 and report.skipped and not quiet:
        click.echo("Nothing usable in the inputs.", err=True)
        sys.exit(2)


@main.command()
@pass_store
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(store, as_json):
    """Counts, date span, and inputs that were skipped with their reasons."""
    data = queries.stats(store.conn)
    data["skipped"] = queries.skipped_inputs(store.conn)
    if as_json:
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
        return
    table = Table(title="newsgraph knowledge base", show_header=False)
    for k, v in data["counts"].items():
        table.add_row(k, f"{v:,}")
    for k, v in data["entity_types"].items():
        table.add_row(f"  entities: {k}", f"{v:,}")
    table.add_row("published", f"{data['published']['first'] or '?'} .. {data['published']['last'] or '?'}")
    console.print(table)
    if data["skipped"]:
        console.print("[bold]Skipped inputs[/]")
        for s in data["skipped"]:
            click.echo(f"  {s['path']}: {s['reason']} [{s['code']}]")


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
    table = Table("entity", "type", "mentions", "docs", "aliases", "roles")
    for e in rows:
        table.add_row(e["name"], e["type"], str(e["mentions"]), str(e["documents"]), ", ".join(e["aliases"][:6]), ", ".join(e["roles"][:4]))
    console.print(table)


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
    console.print(f"[bold]{entity['name']}[/] ({entity['type']}, id {entity['id']}): {entity['mentions']} mentions in {entity['documents']} documents")
    console.print("aliases: " + ", ".join(f"{a['alias']} ({a['count']})" for a in entity["aliases"]), highlight=False)
    for r in entity["roles"]:
        console.print(f"role: {r['role']} in {r['path']}", highlight=False)
    for m in entity["merges"]:
        console.print(f"merged {m['a']!r} + {m['b']!r}: {m['reason']}", highlight=False, markup=False)
    current = None
    for m in mentions:
        if m["path"] != current:
            current = m["path"]
            console.print(f"\n[bold]{current}[/]" + (f" ({m['outlet']})" if m["outlet"] else ""), highlight=False)
        sentence = " ".join((m["sentence"] or "").split())
        console.print(f"  [{m['start']}:{m['end']}] {m['text']!r}: {sentence}", markup=False, highlight=False)


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
