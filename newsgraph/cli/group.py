"""The `newsgraph` click group and the options its commands share."""

from __future__ import annotations

import functools
import os
import sys

import click

from newsgraph import __version__
from newsgraph.errors import NewsgraphError

DEFAULT_DB = "newsgraph.db"


class Group(click.Group):
    """A click group that turns every newsgraph error into a one-line message and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsgraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user unless asked for
            if os.environ.get("NEWSGRAPH_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}). Set NEWSGRAPH_DEBUG=1 for the traceback.", err=True)
            sys.exit(70)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsgraph")
def main() -> None:
    """newsgraph: turn a pile of news articles into a source-attributed knowledge base.

    Start with `newsgraph build DIR`, then `newsgraph entities`, `newsgraph show NAME`
    or `newsgraph export`.
    """


def db_option(func):
    """--db FILE, defaulting to $NEWSGRAPH_DB or ./newsgraph.db."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=lambda: os.environ.get("NEWSGRAPH_DB", DEFAULT_DB),
        show_default="newsgraph.db",
        help="The SQLite knowledge base.",
    )(func)


def quiet_option(func):
    return click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final result.")(func)


def open_readonly(db: str):
    """The store for reading commands; a missing database is a clear error, not a traceback."""
    from newsgraph.store.sqlite import open_store

    return open_store(db, readonly=True)


def pass_store(func):
    """Open the database read-only for the command and close it after."""

    @db_option
    @functools.wraps(func)
    def wrapper(db, **kwargs):
        store = open_readonly(db)
        try:
            return func(store, **kwargs)
        finally:
            store.close()

    return wrapper
