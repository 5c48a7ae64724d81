"""`newsgraph eval time FOLDER`: time expressions scored the TempEval-3 way on TimeML files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsgraph.cli.evaluate import eval_group


@eval_group.command(name="time")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--errors", "show_errors", is_flag=True, help="List every miss: gold expressions not found, wrong values, spurious ones.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Score only the first N files (sorted by path).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and with --errors the misses) as JSON.")
def eval_time(folder, show_errors, limit, as_json):
    """Score the time stage on FOLDER of TimeML files (*.tml, searched recursively).

    Each file's <TEXT> is read by the real pipeline with its creation time as the
    published date; strict and relaxed span P/R/F1, value F1 (overlap and the same
    TIMEX3 value), type accuracy and a per-type breakdown are printed beside a
    regular-expression baseline.
    """
    from newsgraph.evaluation.time import evaluate, format_report, read_folder

    docs, problems = found = read_folder(Path(folder))
    if not docs:
        reasons = "; ".join(problems[:3]) or "no *.tml files"
        raise click.ClickException(f"nothing to score in {folder}: {reasons}")
    result = evaluate(Path(folder), limit=limit, read=found)
    if as_json:
        if not show_errors:
            result = {k: v for k, v in result.items() if k != "errors"}
        click.echo(json.dumps(result, indent=1, ensure_ascii=False))
        return
    for line in format_report(result, errors=show_errors):
        click.echo(line)
