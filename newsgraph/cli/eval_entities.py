"""`newsgraph eval coref FOLDER` and `newsgraph eval ner FILE`: entities and coreference against annotated corpora."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from newsgraph.cli.evaluate import eval_group


def _topics(value: str | None) -> list[str] | None:
    """"1-35" or "1,3,5-7" -> topic names."""
    if not value:
        return None
    out: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if "-" in part:
            lo, _, hi = part.partition("-")
            if not (lo.isascii() and lo.isdigit() and hi.isascii() and hi.isdigit()) or int(lo) > int(hi):
                raise click.BadParameter(f"{part!r} is not a topic range such as 1-35", param_hint="--topics")
            out.extend(str(t) for t in range(int(lo), int(hi) + 1))
        elif part:
            if not (part.isascii() and part.isdigit()):
                raise click.BadParameter(f"{part!r} is not a topic number", param_hint="--topics")
            out.append(str(int(part)))
    return out


def _format_of(folder: Path) -> str | None:
    if (folder / "splits.md").is_file() or (folder / "gum").is_dir():
        return "gum"
    if (folder / "ECB+").is_dir() or any(folder.glob("*/*ecb*.xml")):
        return "ecbplus"
    return None


@eval_group.command("coref")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ecbplus", "gum"]), help="Annotation format (default: guessed from FOLDER).")
@click.option("--topics", help="ECB+ topics to read, e.g. 1-35 or 1,3,5 (default: every topic in FOLDER).")
@click.option("--split", default="dev", show_default=True, help="GUM partition from splits.md (dev, test, train), or 'all'.")
@click.option("--genre", "genres", multiple=True, help="GUM genres to keep (news, interview, …); repeat for several.")
@click.option("--scope", type=click.Choice(["cross", "within"]),
              help="Chains across documents or within each document (default: cross for ECB+, within for GUM).")
@click.option("--all-types", is_flag=True, help="Score every annotated entity class, not only people, organisations and places (GUM) "
              "or human, non-human and location parts (ECB+).")
@click.option("--cache", type=click.Path(file_okay=False), help="Keep spaCy parses in this folder to rerun faster.")
@click.option("--errors", type=click.IntRange(0), default=0, help="Print this many examples of each kind of error.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--pronoun-baseline", is_flag=True,
              help="Also score the pipeline's names with every he/she/it/they linked to the nearest fitting name before it.")
@click.option("--entity-mentions-only", is_flag=True,
              help="Leave out the chains no name heads (local_mentions): score only mentions of entities.")
def eval_coref(folder, fmt, topics, split, genres, scope, all_types, cache, errors, as_json, pronoun_baseline,
               entity_mentions_only):
    """Entity mentions and coreference chains of the real pipeline on ECB+ or GUM, beside a same-head-lemma baseline.

    Prints mention recall by form (name, nominal, pronoun) and MUC, B³, CEAF-e and CoNLL F1
    for newsgraph's entities and for the baseline, on the same mentions.
    """
    from newsgraph.evaluation import coref

    fmt = fmt or _format_of(folder)
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {folder}: give --format ecbplus or --format gum")
    try:
        if fmt == "ecbplus":
            docs = coref.read_ecbplus(folder, _topics(topics), classes=("HUMAN_PART", "NON_HUMAN_PART", "LOC", "TIME") if all_types else coref.ECB_ENTITY_CLASSES)
        else:
            docs = coref.read_gum(folder, None if split == "all" else split, genres or None, types=None if all_types else coref.GUM_ENTITY_TYPES)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        raise click.UsageError(f"cannot read {folder} as {fmt}: {exc}") from None
    if not docs:
        raise click.UsageError(f"no {fmt} documents in {folder} with these options")
    scope = scope or ("cross" if fmt == "ecbplus" else "within")
    parsed = coref.run_pipeline(docs, cache=cache)
    if entity_mentions_only:
        parsed = coref.without_local(parsed)
    report = coref.score_coref(parsed, scope=scope, errors=errors)
    baseline = coref.score_coref(coref.nearest_name_baseline(parsed), scope=scope) if pronoun_baseline else None
    if as_json:
        out = _as_json(report)
        if baseline is not None:
            out["pronoun_baseline"] = _as_json(baseline)
        click.echo(json.dumps(out, indent=1))
    else:
        click.echo(coref.format_report(report, f"{fmt} {folder}"))
        if baseline is not None:
            click.echo(coref.format_report(baseline, "baseline: names, and each pronoun to the nearest fitting name before it"))


def _as_json(report) -> dict:
    def scores(table):
        return {name: {"muc": _rpf(s.muc), "b3": _rpf(s.b_cubed), "ceaf_e": _rpf(s.ceaf_e), "conll_f1": s.conll}
                for name, s in table.items()}

    out = asdict(report)
    out["found"], out["all_gold"] = scores(report.found), scores(report.all_gold)
    return out


def _rpf(s) -> dict:
    return {"recall": s.recall, "precision": s.precision, "f1": s.f1}


@eval_group.command("ner")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(1), help="Score only the first N documents.")
@click.option("--cache", type=click.Path(file_okay=False), help="Keep spaCy parses in this folder to rerun faster.")
@click.option("--errors", type=click.IntRange(0), default=0, help="Print this many examples of each kind of error.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_ner(file, limit, cache, errors, as_json):
    """Named entities of the real pipeline on CoNLL-2003 columns (typed and untyped P/R/F1, per type),
    beside bare en_core_web_sm under the same OntoNotes→CoNLL type map."""
    from newsgraph.evaluation import ner

    try:
        docs = ner.read_conll2003(file, limit=limit)
    except (FileNotFoundError, ValueError) as exc:
        raise click.UsageError(f"cannot read {file} as CoNLL-2003: {exc}") from None
    if not docs or not any(d.mentions for d in docs):
        raise click.UsageError(f"no annotated documents in {file}")
    report = ner.score_ner(docs, cache=cache, errors=errors)
    if as_json:
        out = {"documents": report.documents, "systems": {}}
        for name in report.typed:
            out["systems"][name] = {
                "typed": _prf(report.typed[name]), "untyped": _prf(report.untyped[name]),
                "per_type": {t: _prf(x) for t, x in report.per_type[name].items()},
            }
        out["errors"] = report.errors
        click.echo(json.dumps(out, indent=1))
    else:
        click.echo(ner.format_report(report, str(file)))


def _prf(x) -> dict:
    return {"precision": x.precision, "recall": x.recall, "f1": x.f1, "tp": x.tp, "predicted": x.predicted, "gold": x.gold}
