"""Commands for voices and framing: quotes (who said what) and labels (how each outlet names each actor)."""

from __future__ import annotations

import json

import click
from rich.text import Text

from newsgraph.cli import tables
from newsgraph.cli.group import main, pass_store
from newsgraph.store import queries
from newsgraph.store.queries.labels import label_matrix, outlet_label

_POLARITY_STYLE = {"derogatory": "red", "honorific": "green", "neutral": ""}
TABLE_LIMIT = 50  # quotes printed as a table when --limit is not given


@main.command("quotes")
@pass_store
@click.option("--speaker", metavar="NAME", help="Only quotes by this speaker (name, alias or entity id).")
@click.option("--limit", type=click.IntRange(1), default=None, help=f"At most this many quotes (table default {TABLE_LIMIT}; JSON: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def quotes_command(store, speaker, limit, as_json):
    """Quotes and reported claims, each with its speaker, cue verb and source document.

    Direct quotes are the words inside quotation marks; partial ones a reported
    clause with quoted words; indirect ones ("Lavrov said that ...", "according to
    Reuters, ...", "X denied the charge") the reported content. Each shows its
    attribution (speech, belief, claim, denial, endorsement, report) and its
    source as written ("a Coca-Cola spokesman"), with whom it speaks for.
    """
    rows = queries.quotes(store.conn, speaker=speaker)
    if as_json:
        click.echo(json.dumps(rows[:limit] if limit else rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No quotes." if not speaker else f"No quotes by {speaker}.")
        return
    con = tables.console()
    shown = rows[: limit or TABLE_LIMIT]
    cols = [tables.Col("speaker"), tables.Col("as written"), tables.Col("cue"), tables.Col("kind"), tables.Col("quote"),
            tables.Col("outlet"), tables.Col("offsets")]
    body = [[r["speaker_display"] or "?", _written(r), r["cue"] or "", _kind(r), r["words"],
             outlet_label(r["outlet"], r["title"], r["path"]), _offsets(r)] for r in shown]
    if not tables.fits(cols, body, con, slack=24):  # a narrow terminal: fewer columns, offsets left to --json
        cols = [tables.Col("speaker"), tables.Col("said"), tables.Col("quote"), tables.Col("outlet")]
        body = [[(r["speaker_display"] or "?") + (f" ({_written(r)})" if _written(r) else ""),
                 f"{r['cue'] or '—'} ({_kind(r)})", r["words"], outlet_label(r["outlet"], r["title"], r["path"])]
                for r in shown]
    con.print(tables.table(cols, body, con, title=f"{len(rows)} quotes" + (f" by {speaker}" if speaker else ""), lines=True))
    tables.showing(con, len(shown), len(rows))


def _written(r: dict) -> str:
    """The source as the text names it ("a Coca-Cola spokesman"), when that is not the speaker's name."""
    written = r.get("source_text") or r.get("speaker_text") or ""
    return written if written != r["speaker_display"] else ""


def _kind(r: dict) -> str:
    return f"{r['kind']}, {r['attribution']}" if r.get("attribution") else r["kind"]


def _offsets(r: dict) -> str:
    return " ".join(f"{a}:{b}" for a, b in r["parts"]) if r.get("parts") else f"{r['start']}:{r['end']}"


def _labels_cell(heads: list[dict]) -> Text:
    """Whole labels with counts, coloured by polarity; "(q)" marks a label only quoted speakers used."""
    out = Text()
    first = True
    for head in heads:
        for lab in head["labels"]:
            if not first:
                out.append(", ")
            first = False
            text = lab["label"] + (f" ×{lab['count']}" if lab["count"] > 1 else "")
            text += " (q)" if lab["quoted"] == lab["count"] else ""
            out.append(text, style=_POLARITY_STYLE[lab["polarity"]] or None)
    return out


@main.command("labels")
@pass_store
@click.option("--entity", metavar="NAME", help="Only this actor (name, alias or entity id).")
@click.option("--top", type=click.IntRange(1), default=15, show_default=True, help="Actors shown (ignored with --entity).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every actor).")
def labels_command(store, entity, top, as_json):
    """How each outlet labels each actor: titles, epithets and group nouns with counts and polarity.

    A document without an outlet is its own column, "unknown outlet (its title)". Labels in red are
    derogatory, green honorific; (q) marks labels said by a quoted speaker, not the outlet.
    """
    if as_json:
        click.echo(json.dumps(queries.label_matrix(store.conn, entity=entity), ensure_ascii=False, indent=1))
        return
    entity_id = queries.find_entity(store.conn, entity) if entity else None
    matrix = label_matrix(store.conn, entity=entity_id, top=None)
    if not matrix["rows"]:
        click.echo("No labels.")
        return
    con = tables.console()
    body = []
    rows = matrix["rows"] if entity else matrix["rows"][:top]
    for row in rows:
        for i, (outlet, heads) in enumerate(sorted(row["cells"].items(), key=lambda kv: (kv[0].startswith("unknown outlet"), kv[0].lower()))):
            body.append([row["name"] if i == 0 else "", outlet, _labels_cell(heads)])
    con.print(tables.table([tables.Col("actor"), tables.Col("outlet"), tables.Col("labels")], body, con,
                           title="Labels by actor and outlet", lines=True))
    tables.showing(con, len(rows), len(matrix["rows"]), "--top")
