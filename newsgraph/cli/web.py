"""Commands for looking at the knowledge base: `report` (one HTML file) and `serve` (the web app)."""

from __future__ import annotations

import click

from newsgraph.cli.group import db_option, main, pass_store, quiet_option
from newsgraph.techniques import DEFAULT_MIN_SCORE


@main.command()
@pass_store
@click.option("-o", "--output", default="dossier.html", show_default=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the report.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=DEFAULT_MIN_SCORE, show_default=True,
              help="Show only technique spans scored at least this (0-1).")
@quiet_option
def report(store, output, min_score, quiet):
    """Write the dossier: one self-contained HTML file (no network requests) with the overview, actor network,
    money, disagreements, timeline, voices and every cited document, each fact linked to its sentence."""
    from newsgraph.outputs.report import write_report

    write_report(store.conn, output, min_score)
    click.echo(output)


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; only this machine can connect by default.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve(db, host, port):
    """Serve the knowledge base read-only as a web app (HTML pages, JSON twins, API docs at /docs)."""
    import uvicorn

    from newsgraph.outputs.web import create_app

    app = create_app(db)  # a missing or foreign database fails here with newsgraph's message
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: serving on {host}: anyone who can reach this address can read the knowledge base.", err=True)
    click.echo(f"newsgraph: http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
