"""Commands for events and disagreements: events, timeline, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from newsgraph.cli.group import main, pass_store
from newsgraph.lexicons.events import TYPES
from newsgraph.store import queries

console = Console()


def _entity(store, name: str | None) -> str | None:
    return queries.find_entity(store.conn, name) if name else None


def _actors(e: dict, roles: tuple[str, ...]) -> str:
    return ", ".join(a["name"] for a in e["actors"] if a["role"] in roles)


def _money(e: dict) -> str:
    return ", ".join(a["text"] for a in e["amounts"])


def _flags(e: dict) -> str:
    out = []
    if e["negated"]:
        out.append("not")
    if e["modality"] != "asserted":
        out.append(e["modality"])
    return " ".join(out)


def _print_events(events: list[dict], title: str) -> None:
    table = Table(title=title, show_lines=False)
    for col in ("date", "type", "subject", "predicate", "object / others", "amount", "source", "", "document"):
        table.add_column(col, overflow="fold", no_wrap=col in ("date", "type"))
    for e in events:
        others = "; ".join(
            f"{a['role']}: {a['name']}" if a["role"] not in ("object",) else a["name"]
            for a in e["actors"] if a["role"] not in ("subject", "source")
        )
        table.add_row(
            e["date"] or "", e["type"], _actors(e, ("subject",)), e["predicate"], others, _money(e),
            _actors(e, ("source",)), _flags(e), Path(e["path"]).name,
        )
    console.print(table)


@main.command()
@pass_store
@click.option("--entity", "entity", metavar="NAME", help="Only events this entity takes part in (name, alias or id).")
@click.option("--type", "type_", type=click.Choice(TYPES, case_sensitive=False), help="Only events of this type.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the export's event records plus names).")
def events(store, entity, type_, limit, as_json):
    """Who did what to whom: events with their actors, amounts, dates and sources."""
    rows = queries.list_events(store.conn, entity=_entity(store, entity), type=type_, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No events.")
        return
    _print_events(rows, f"{len(rows)} events")


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
    _print_events(rows, f"Timeline: {len(rows)} dated events")


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
    for c in rows:
        table = Table(title=f"#{c['id']} {c['kind']}: {c['subject_name']} → {c['object_name'] or ''} ({c['type']})", show_lines=True)
        for col in ("figure", "what it is", "source", "document", "sentence"):
            table.add_column(col, overflow="fold")
        for v in c["values"]:
            table.add_row(v["text"], v["words"] or "", v["source_name"] or "(the outlet)", Path(v["path"]).name, v["sentence"] or "")
        console.print(table)
        console.print(c["explanation"], markup=False, highlight=False)
        for item in c["lineage"]:
            console.print("  " + item["summary"], markup=False, highlight=False)
        console.print()
