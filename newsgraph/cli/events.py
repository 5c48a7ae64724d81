"""Commands for events and disagreements: events, timeline, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsgraph.cli import tables
from newsgraph.cli.group import main, pass_store
from newsgraph.lexicons.events import TYPES
from newsgraph.store import queries
from newsgraph.store.queries.ranking import rank_events

TABLE_LIMIT = 50  # events printed as a table when --limit is not given


def _entity(store, name: str | None) -> str | None:
    return queries.find_entity(store.conn, name) if name else None


def _actors(e: dict, roles: tuple[str, ...]) -> str:
    return ", ".join(a["name"] for a in e["actors"] if a["role"] in roles)


def _predicate(e: dict) -> str:
    """The predicate with its negation and modality: "not recover", "send (planned)"."""
    text = ("not " if e["negated"] else "") + e["predicate"]
    return text + (f" ({e['modality']})" if e["modality"] != "asserted" else "")


def _others(e: dict) -> str:
    return "; ".join(
        f"{a['role']}: {a['name']}" if a["role"] not in ("object",) else a["name"]
        for a in e["actors"] if a["role"] not in ("subject", "source")
    )


def _print_events(events: list[dict], title: str, sentences: bool = False) -> None:
    """The events as a table, one column per part when the terminal is wide enough, else who → what → whom in one
    column; with `sentences`, numbered, each number's sentence printed under the table."""
    con = tables.console()
    cols = [tables.Col("date", nowrap=True), tables.Col("type", nowrap=True), tables.Col("subject"), tables.Col("predicate"),
            tables.Col("object / others"), tables.Col("amount"), tables.Col("source"), tables.Col("document")]
    rows = [[e["date"] or "", e["type"], _actors(e, ("subject",)), _predicate(e), _others(e),
             ", ".join(a["text"] for a in e["amounts"]), _actors(e, ("source",)), Path(e["path"]).name] for e in events]
    if not tables.fits(cols, rows, con):
        cols = [tables.Col("date", nowrap=True), tables.Col("type", nowrap=True), tables.Col("event: who → what → whom"),
                tables.Col("source / document")]
        rows = [[e["date"] or "", e["type"],
                 " → ".join(x for x in (_actors(e, ("subject",)) or "—", _predicate(e), _others(e)) if x)
                 + "".join(f" [{a['text']}]" for a in e["amounts"]),
                 "; ".join(x for x in (_actors(e, ("source",)), Path(e["path"]).name) if x)] for e in events]
    if sentences:
        cols.insert(0, tables.Col("#", nowrap=True, justify="right"))
        rows = [[str(i), *row] for i, row in enumerate(rows, start=1)]
    con.print(tables.table(cols, rows, con, title=title))
    if sentences:
        for i, e in enumerate(events, start=1):
            tables.say(con, f"{i:>3}. {' '.join((e.get('sentence_text') or '').split())}")


@main.command()
@pass_store
@click.option("--entity", "entity", metavar="NAME", help="Only events this entity takes part in (name, alias or id).")
@click.option("--type", "type_", type=click.Choice(TYPES, case_sensitive=False), help="Only events of this type.")
@click.option("--limit", type=click.IntRange(1), default=None, help=f"At most this many events (table default {TABLE_LIMIT}; JSON: all).")
@click.option("--sentences", is_flag=True, help="Print each event's sentence too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the export's event records plus names).")
def events(store, entity, type_, limit, sentences, as_json):
    """Who did what to whom, best first: typed events with both sides named and reported by several documents
    before the rest, OTHER last; with their actors, amounts, dates and sources."""
    rows = rank_events(store.conn, queries.list_events(store.conn, entity=_entity(store, entity), type=type_))
    total = len(rows)
    if as_json:
        click.echo(json.dumps(rows[:limit] if limit else rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No events.")
        return
    shown = rows[: limit or TABLE_LIMIT]
    if sentences:
        _sentence_texts(store.conn, shown)
    _print_events(shown, f"{total} events" + (f" of type {type_.upper()}" if type_ else ""), sentences)
    tables.showing(tables.console(), len(shown), total)


def _sentence_texts(conn, events: list[dict]) -> None:
    for e in events:
        if e.get("sentence_text") is None and e.get("sentence_start") is not None:
            e["sentence_text"] = queries.span_text(conn, e["doc"], e["sentence_start"], e["sentence_end"])


@main.command()
@pass_store
@click.option("--entity", "entity", metavar="NAME", help="Only events this entity takes part in.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def timeline(store, entity, as_json):
    """Dated events in date order, each with the date of its own clause."""
    rows = queries.timeline(store.conn, entity=_entity(store, entity))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No dated events.")
        return
    for r in rows:
        if r["date_guessed"]:
            r["date"] = f"~{r['date']}"
    _print_events(rows, f"Timeline: {len(rows)} dated events")
    if any(r["date_guessed"] for r in rows):
        tables.say(tables.console(), "~ read against a publication date inferred from the text, not given with it (\"Sunday\", "
                                     "\"last week\", \"January 10\" without its year): as sure as that guess")


@main.command()
@pass_store
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def conflicts(store, as_json):
    """Where reports disagree: money figures and dates side by side, each with its source and sentence."""
    rows = queries.list_conflicts(store.conn)
    lineage = queries.conflict_lineage(store.conn, [c["id"] for c in rows])
    for c in rows:
        c["lineage"] = lineage.get(c["id"], [])  # where each figure was first reported, and who repeated it
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No conflicts.")
        return
    con = tables.console()
    cols = [tables.Col("figure"), tables.Col("what it is"), tables.Col("source"), tables.Col("document"), tables.Col("sentence")]
    for c in rows:
        title = f"#{c['id']} {c['kind']}: {c['subject_name']} → {c['object_name'] or ''} ({c['type']})"
        con.print(tables.table(cols, [[v["text"], v["words"] or "", v["source_name"] or "(the outlet)", Path(v["path"]).name,
                                       " ".join((v["sentence"] or "").split())] for v in c["values"]], con, title=title, lines=True))
        tables.say(con, c["explanation"])
        for item in c["lineage"]:
            tables.say(con, "  " + item["summary"])
        con.print()
