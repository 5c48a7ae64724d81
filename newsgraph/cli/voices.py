"""Commands for voices and framing: quotes (who said what) and labels (how each outlet names each actor)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from newsgraph.cli.group import main, pass_store
from newsgraph.store import queries

console = Console()
_POLARITY_STYLE = {"derogatory": "red", "honorific": "green", "neutral": ""}


def _short(source: str) -> str:
    """A document path shown by its file name; an outlet name as it is."""
    return Path(source).name if ("/" in source or "\\" in source) else source


@main.command("quotes")
@pass_store
@click.option("--speaker", metavar="NAME", help="Only quotes by this speaker (name, alias or entity id).")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many quotes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def quotes_command(store, speaker, limit, as_json):
    """Quotes and reported claims, each with its speaker, cue verb and source document.

    Direct quotes are the words inside quotation marks; partial ones a reported
    clause with quoted words; indirect ones ("Lavrov said that ...", "according to
    Reuters, ...", "X denied the charge") the reported content. Each shows its
    attribution (speech, belief, claim, denial, endorsement, report) and its
    source as written ("a Coca-Cola spokesman"), with whom it speaks for.
    """
    rows = queries.quotes(store.conn, speaker=speaker, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No quotes." if not speaker else f"No quotes by {speaker}.")
        return
    table = Table(title=f"{len(rows)} quotes" + (f" by {speaker}" if speaker else ""), show_lines=True)
    for col in ("speaker", "as written", "cue", "kind", "quote", "source", "offsets"):
        table.add_column(col, overflow="fold", no_wrap=col in ("kind", "offsets"))
    for r in rows:
        written = r["source_text"] or r["speaker_text"] or ""
        kind = f"{r['kind']}\n{r['attribution']}" if r.get("attribution") else r["kind"]
        offsets = " ".join(f"{a}:{b}" for a, b in r["parts"]) if r.get("parts") else f"{r['start']}:{r['end']}"
        table.add_row(r["speaker_display"] or "?", written if written != r["speaker_display"] else "", r["cue"] or "", kind,
                      r["text"], _short(r["source"]), offsets)
    console.print(table)


@main.command("labels")
@pass_store
@click.option("--entity", metavar="NAME", help="Only this actor (name, alias or entity id).")
@click.option("--top", type=click.IntRange(1), default=15, show_default=True, help="Actors shown (ignored with --entity).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every actor).")
def labels_command(store, entity, top, as_json):
    """How each outlet labels each actor: titles, epithets and group nouns with counts and polarity.

    A document without an outlet is its own column. Labels in red are derogatory,
    green honorific; (q) marks labels said by a quoted speaker, not the outlet.
    """
    rows = queries.label_matrix(store.conn, entity=entity)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No labels.")
        return
    table = Table(title="Labels by actor and outlet", show_lines=True)
    table.add_column("actor", no_wrap=True)
    table.add_column("outlet", overflow="fold")
    table.add_column("labels", overflow="fold")
    for row in rows if entity else rows[:top]:
        for i, cell in enumerate(row["outlets"]):
            parts = []
            for lab in cell["labels"]:
                text = lab["label"].replace("[", r"\[") + (f" ×{lab['count']}" if lab["count"] > 1 else "")
                text += " (q)" if lab["quoted"] and not lab["outlet_voice"] else ""
                style = _POLARITY_STYLE[lab["polarity"]]
                parts.append(f"[{style}]{text}[/]" if style else text)
            table.add_row(row["name"] if i == 0 else "", _short(cell["outlet"]), ", ".join(parts))
    console.print(table)
