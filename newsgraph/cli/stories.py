"""`newsgraph stories`: documents grouped into stories across outlets, and one story in full."""

from __future__ import annotations

import json

import click

from newsgraph.cli.group import main, pass_store
from newsgraph.cli.tables import PipedConsole
from newsgraph.errors import InputError
from newsgraph.store import queries

console = PipedConsole()


@main.command()
@click.argument("story", required=False, metavar="[STORY_ID]")
@pass_store
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many stories to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stories(store, story, limit, as_json):
    """Stories: documents about the same happening across outlets, newest first; or one story (by id) in full.

    Each story has its outlets, dates, key actors, the facts its documents report,
    and where they disagree (with where each figure was first reported).
    """
    if story:
        data = queries.page_story(store.conn, story)
        if data is None:
            raise InputError(f"no story {story!r}: `newsgraph stories` lists them")
        if as_json:
            click.echo(json.dumps(data, indent=1, ensure_ascii=False))
            return
        _print_story(data)
        return
    data = queries.page_stories(store.conn, limit=limit)
    if as_json:
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
        return
    if not data["stories"]:
        click.echo("No stories: a story needs two documents about the same actors and facts.")
        return
    click.echo(f"{data['page']['total']} stories" + (f"; the {len(data['stories'])} most recent:" if data["page"]["total"] > limit else ":"))
    for s in data["stories"]:
        dates = f"{s['first'] or '?'} .. {s['last'] or '?'}" if s["first"] != s["last"] else (s["first"] or "undated")
        console.print(f"\n[bold]{s['title']}[/] [dim]({s['id']})[/]", highlight=False)
        console.print(f"  {s['documents']} documents {_from_outlets(s)}, {dates}",
                      highlight=False, markup=False)
        console.print("  actors: " + ", ".join(a["name"] for a in s["actors"]), highlight=False, markup=False)


def _from_outlets(s: dict) -> str:
    """'from 3 outlets (A, B, C)', or that no document names its outlet (files without metadata)."""
    if not s["outlets"]:
        return "(no outlet named)"
    names = [n for n in s.get("outlet_names", []) if n != "(unknown)"]
    return f"from {s['outlets']} outlets" + (f" ({', '.join(names[:6])})" if names else "")


def _print_story(s: dict) -> None:
    console.print(f"[bold]{s['title']}[/] [dim]({s['id']})[/]", highlight=False)
    console.print(f"{s['documents']} documents {_from_outlets(s)}, {s['first'] or '?'} .. {s['last'] or '?'}",
                  highlight=False, markup=False)
    console.print("Key actors: " + ", ".join(a["name"] for a in s["actors"]), highlight=False, markup=False)
    console.print("\n[bold]Documents[/]")
    for d in s["documents_list"]:
        copy = " (a copy)" if d["copy_of"] else ""
        label = d["name"] + (f": {d['title']}" if d["title"] and d["title"] != d["name"] else "")
        console.print(f"  {d['published'] or '?':10}  {label}{copy}", highlight=False, markup=False)
    if s["facts"]:
        console.print("\n[bold]Facts reported[/]")
        for f in s["facts"][:15]:
            console.print(f"  {f['subject_name']} {f['predicate']} {f['object_name'] or ''} ({f['type']}, {f['docs']} documents)"
                          + (f", {f['date']}" if f["date"] else ""), highlight=False, markup=False)
    if s["conflicts"]:
        console.print("\n[bold]Disagreements[/]")
        for c in s["conflicts"]:
            console.print(f"  #{c['id']} {c['explanation']}", highlight=False, markup=False)
            for item in c["lineage"]:
                console.print(f"    {item['summary']}", highlight=False, markup=False)
    if s["claims"]:
        console.print("\n[bold]Repeated claims[/]")
        for c in s["claims"][:15]:
            console.print(f"  {c['summary']}", highlight=False, markup=False)
