"""`newsgraph eval quotes FOLDER`: attribution scores on brat standoff files in the PolNeAR layout."""

from __future__ import annotations

import json

import click

from newsgraph.cli.evaluate import eval_group


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


@eval_group.command("quotes")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--split", default="dev", show_default=True, help="Subfolder of FOLDER to score (train, dev); '' for FOLDER itself.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N articles (name order).")
@click.option("--cache", type=click.Path(file_okay=False), default=None, help="Keep spaCy parses in this folder between runs.")
@click.option("--misses", type=click.IntRange(0), default=0, show_default=True, help="Print this many misses (content, source, spurious).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def eval_quotes(folder, split, limit, cache, misses, as_json):
    """Score quotes and attributions (content, kind, source, cue) against brat Attribution annotations.

    One annotator per article: the first that metadata.tsv lists whose .ann file exists.
    Baselines on the same articles: every double-quoted span, and speech verbs only.
    """
    from newsgraph.evaluation.quotes import evaluate

    try:
        result = evaluate(folder, split or None, cache=cache, limit=limit, keep_misses=bool(misses))
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    if not result["articles"]:
        raise click.UsageError(f"no annotated articles under {folder} {split or ''}")
    if as_json:
        if "misses" in result:
            result["misses"] = result["misses"][:misses]
        click.echo(json.dumps(result, indent=1))
        return
    names = [("newsgraph", "newsgraph"), ("baseline_quoted_spans", "quoted spans"), ("baseline_speech_verbs", "speech verbs")]
    click.echo(f"{result['articles']} articles, {result['attributions']} gold attributions ({split or folder})")
    click.echo(f"{'':34}" + "".join(f"{label:>15}" for _, label in names))

    def row(label, get):
        click.echo(f"{label:34}" + "".join(f"{get(result[key]):>15}" for key, _ in names))

    for key, label in (("content_overlap", "content any-overlap"), ("content_half", "content >=50% words"), ("direct", "direct quotes only")):
        for m in ("precision", "recall", "f1"):
            row(f"{label} {m[0].upper()}", lambda r, key=key, m=m: _pct(r[key][m]))
    for kind in ("direct", "partial", "indirect"):
        row(f"recall {kind} (n={result['newsgraph']['recall_by_kind'][kind]['total']})",
            lambda r, kind=kind: _pct(r["recall_by_kind"][kind]["accuracy"]))
    for form in ("name", "nominal", "pronoun", "other"):
        row(f"source {form} (matched n={result['newsgraph']['source_accuracy'][form]['total']})",
            lambda r, form=form: _pct(r["source_accuracy"][form]["accuracy"]))
    pron = result["newsgraph"]["pronoun_sources"]
    for key, label in (("span", "he/she: pronoun found"), ("proxy", "he/she: proxy antecedent"),
                       ("checked", "he/she: hand-checked")):
        row(f"{label} (n={pron[key]['total']})", lambda r, key=key: _pct(r["pronoun_sources"][key]["accuracy"]))
    click.echo(f"{'proxy agrees with hand-checked':34}{_pct(pron['proxy_agrees']['accuracy']):>15}"
               f"  (n={pron['proxy_agrees']['total']})")
    row(f"cue (matched n={result['newsgraph']['cue_accuracy']['total']})", lambda r: _pct(r["cue_accuracy"]["accuracy"]))
    for miss in result.get("misses", [])[:misses]:
        click.echo(json.dumps(miss, ensure_ascii=False))
