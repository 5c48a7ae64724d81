"""`newsgraph follow`: read feeds and pages now, or every so often until stopped."""

from __future__ import annotations

import re
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

import click

from newsgraph.cli.group import db_option, main, quiet_option
from newsgraph.errors import InputError

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """Seconds in '90', '90s', '15m', '1h', '1d'."""
    m = DURATION.match(value or "")
    if not m:
        raise click.BadParameter(f"{value!r} is not a duration such as 90s, 15m, 1h")
    seconds = float(m.group(1)) * UNITS[m.group(2).lower()]
    if seconds <= 0:
        raise click.BadParameter("the interval must be more than zero")
    return seconds


def targets(given: tuple[str, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """URLs to follow from the arguments: URLs, and files listing URLs (feeds.txt: `URL [outlet]` per line)."""
    from newsgraph.ingest.web import is_url, read_url_list

    urls: list[str] = []
    outlets: list[tuple[str, str]] = []
    for arg in given:
        if is_url(arg):
            urls.append(arg)
            continue
        if not Path(arg).is_file():
            raise InputError(f"{arg} is neither a URL (http:// or https://) nor a file listing URLs")
        try:
            listed = read_url_list(arg)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the list {arg}: {exc}") from None
        for url, outlet in listed:
            if not is_url(url):
                raise InputError(f"{arg}: {url!r} is not a URL (http:// or https://)")
            urls.append(url)
            if outlet:
                outlets.append((url, outlet))
    if not urls:
        raise InputError("nothing to follow: no URLs given")
    return urls, outlets


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="FEED_OR_URL...")
@db_option
@click.option("--every", "every", metavar="DURATION", help="Check again every DURATION (90s, 15m, 1h) until stopped with Ctrl-C.")
@click.option("--once", is_flag=True, help="Check once and exit (the default; for cron).")
@click.option("--outlet", help="Outlet name for pages whose page and feed name none.")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True,
              help="Seconds to wait for a server; a whole page must arrive within 4x this.")
@click.option("--delay", type=click.FloatRange(0, 3600), default=1.0, show_default=True,
              help="Seconds between two requests to one host (robots.txt Crawl-delay may ask for more).")
@click.option("--max-bytes", type=click.IntRange(1), default=None, help="Largest page or feed read (default 5 MiB); enforced while downloading.")
@click.option("--user-agent", default=None, help="User-Agent sent to servers (default: newsgraph/VERSION (news reader; obeys robots.txt)).")
@click.option("--model", default=None, help="spaCy model (as for build).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes for parsing.")
@click.option("--executor", default="local", show_default=True, metavar="local|dask|dask://HOST:PORT", help="As for build.")
@quiet_option
def follow(sources, db, every, once, outlet, timeout, delay, max_bytes, user_agent, model, jobs, executor, quiet):
    """Read the feeds and pages at FEED_OR_URL (URLs, or files listing one URL a line) into the knowledge base.

    New feed entries are fetched and analyzed; pages seen before are asked for with
    conditional requests and read again only when they changed (a changed page is kept
    as a new version). With --every, checks again at that interval until Ctrl-C.
    """
    from newsgraph.ingest import MAX_BYTES
    from newsgraph.ingest.web import USER_AGENT, FetchOptions
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions

    if every and once:
        raise click.UsageError("--every and --once exclude each other")
    interval = parse_duration(every) if every else None
    urls, outlets = targets(sources)
    options = BuildOptions(
        analysis=AnalysisOptions.from_environment(model=model), jobs=jobs, executor=executor, outlet=outlet,
        max_bytes=max_bytes or MAX_BYTES, drop_missing=False,
        fetch=FetchOptions(timeout=timeout, delay=delay, max_bytes=max_bytes or MAX_BYTES, user_agent=user_agent or USER_AGENT,
                           outlets=tuple(outlets)),
    )
    if interval is None:
        if not _round(urls, db, options, quiet):
            click.echo("Interrupted; everything stored so far is kept. Run the same command again to go on.", err=True)
            sys.exit(130)
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a Ctrl-C
    rounds = 0
    try:
        while True:
            started = time.monotonic()
            if not _round(urls, db, options, quiet):
                click.echo("Stopped during a check; everything stored so far is kept.", err=True)
                return
            rounds += 1
            wait = max(0.0, interval - (time.monotonic() - started))
            if not quiet:
                click.echo(f"next check in {_human(wait)} (Ctrl-C stops)", err=True)
            time.sleep(wait)
    except KeyboardInterrupt:
        click.echo(f"Stopped after {rounds} checks.", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _human(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s"


def _round(urls: list[str], db: str, options, quiet: bool) -> bool:
    """One check of every source; False when it was interrupted (what was stored stays)."""
    from newsgraph.run import build

    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    try:
        report = build(urls, db, options=options,
                       on_wait=lambda: click.echo(f"Another build is writing to {db}; waiting for it to finish ...", err=True))
    except KeyboardInterrupt:
        return False
    not_modified = sum(1 for f in report.feeds.values() if f.get("not_modified"))
    click.echo(f"{stamp}: {report.processed} new or changed documents, {report.unchanged} unchanged, {len(report.skipped)} skipped; "
               f"{report.requests} requests ({report.conditional} conditional)"
               + (f"; {not_modified} feeds not modified" if not_modified else ""))
    for url, n in report.versions:
        click.echo(f"  changed {url}: the earlier text is kept as version {n}")
    for s in report.skipped:
        click.echo(f"  skipped {s.path}: {s.reason}")
    if not quiet:
        for path, note in report.notes:
            click.echo(f"  note {path}: {note}")
    return True
