"""The `newsgraph` click group and the options its commands share."""

from __future__ import annotations

import functools
import os
import sys

import click

from newsgraph import __version__
from newsgraph.errors import NewsgraphError

DEFAULT_DB = "newsgraph.db"


class Command(click.Command):
    """A command whose "no such option" error says how to pass a file whose name starts with a dash."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes its list
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            dashed = next((a for a in given if a.startswith("-") and a != "--" and os.path.exists(a)), None)
            if dashed or not exc.option_name.startswith("--"):
                exc.message += (f"\nA file whose name starts with a dash goes after --, which ends the options: "
                                f"newsgraph {ctx.info_name} [OPTIONS] -- {dashed or '-file.txt'}")
            raise


class Group(click.Group):
    """A click group that turns every error a user can meet into a one-line message and an exit code.

    0 success · 1 a newsgraph error · 2 bad usage or nothing usable · 3 model missing · 4 database
    unusable (missing, damaged, read-only, busy) · 5 no space left on the device · 70 internal
    error · 130 interrupted · 141 the reader of the output went away (``| head``).
    """

    command_class = Command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsgraphError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _quiet_stdout()
            click.echo("Error: the output was closed before all of it was written (broken pipe).", err=True)
            sys.exit(141)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user unless asked for
            known = _known(exc)
            if known is not None and not os.environ.get("NEWSGRAPH_DEBUG"):
                _fail(known)
            if os.environ.get("NEWSGRAPH_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}). Set NEWSGRAPH_DEBUG=1 for the traceback.", err=True)
            sys.exit(70)


def _fail(exc: NewsgraphError):
    click.echo(f"Error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _known(exc: Exception) -> NewsgraphError | None:
    """A user situation hiding in a library exception: SQLite's full disk, damage or locks; an OS full disk."""
    import errno
    import sqlite3

    from newsgraph.errors import DiskFull

    if isinstance(exc, sqlite3.Error):
        from newsgraph.store.sqlite import database_error

        return database_error(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(f"no space left on the device ({exc.filename or exc.strerror}); free some space and run the command again")
    return None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def check_settings() -> None:
    """Every environment setting checked once, before any work, with a message naming the setting."""
    from newsgraph.errors import SettingError

    engines = ("auto", "rules", "model", "off")
    value = os.environ.get("NEWSGRAPH_TECHNIQUES")
    if value is not None and (value.strip().lower() or "auto") not in engines:
        raise SettingError(f"NEWSGRAPH_TECHNIQUES={value!r} is not one of {', '.join(engines)}")
    places = os.environ.get("NEWSGRAPH_PLACES")
    if places:
        from newsgraph.lexicons.places import open_table

        open_table(places).close()  # the header is checked; the rows when the build reads them
    home = os.environ.get("NEWSGRAPH_HOME")
    if home and os.path.exists(home) and not os.path.isdir(home):
        raise SettingError(f"NEWSGRAPH_HOME={home!r} is a file, not a folder")
    db = os.environ.get("NEWSGRAPH_DB")
    if db is not None and (not db.strip() or os.path.isdir(db)):
        raise SettingError(f"NEWSGRAPH_DB={db!r} does not name a database file")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsgraph")
def main() -> None:
    """newsgraph: turn a pile of news articles into a source-attributed knowledge base.

    Start with `newsgraph build DIR`, then `newsgraph entities`, `newsgraph show NAME`
    or `newsgraph export`. A file whose name starts with a dash goes after `--`:
    `newsgraph build -- -notes.txt`.
    """
    check_settings()


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
