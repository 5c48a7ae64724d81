"""Build feedback: a bar with total, percentage, rate and time left on a terminal; a line now and then in a log.

A cron job or a CI log cannot show a bar, so when stderr is not a terminal one plain line is
written every `EVERY_DOCS` inputs or `EVERY_SECONDS` seconds, whichever comes first.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import click

EVERY_DOCS = 100
EVERY_SECONDS = 15.0
JSON_LINES = {".jsonl", ".ndjson"}


def count_inputs(paths, follow_links: bool = False) -> int | None:
    """How many inputs a build of `paths` will meet (records for JSON lines), or None when one of them is stdin or a
    URL (a feed lists pages that are only known once it is fetched).

    Only regular files are opened to count JSON lines: a FIFO or a device is one input and is never waited on here.
    """
    from newsgraph.ingest import input_files

    if any(p.startswith(("http://", "https://")) for p in paths):
        return None
    total = 0
    for path in input_files(paths, follow_links):
        if path == "-":
            return None
        total += _records(path) if Path(path).suffix.lower() in JSON_LINES else 1
    return total


def _records(path: str) -> int:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return 1
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip()) or 1
    except OSError:
        return 1


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds // 60 % 60:02d} min"


class BuildProgress:
    """Counts of parsed, unchanged and skipped inputs, shown while a build runs; `tick` is run.build's callback."""

    def __init__(self, total: int | None, quiet: bool = False, stream=None, terminal: bool | None = None, clock=time.monotonic):
        self.total = total
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.counts = {"processed": 0, "unchanged": 0, "skipped": 0}
        self.clock = clock
        self.started = clock()
        self._last_line = (0, self.started)
        self._bar = None
        self._task = None
        self._closed = False

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def info(self) -> str:
        c = self.counts
        return f"{c['processed']} parsed, {c['unchanged']} unchanged, {c['skipped']} skipped"

    def __enter__(self) -> "BuildProgress":
        if self.quiet:
            return self
        if self.terminal:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Progress(
                SpinnerColumn(), TextColumn("[bold]building[/]"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[info]}", markup=False),
                console=Console(file=self.stream), transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("build", total=self.total, info="reading", rate="")
        else:
            total = f" of {self.total:,} inputs" if self.total is not None else ""
            click.echo(f"building{total}", file=self.stream)
        return self

    def tick(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n
        if self.total is not None and self.done > self.total:
            # a JSON file held more records than it was counted as (an array counts as one input before it is read)
            self.total = self.done
            if self._bar is not None:
                self._bar.update(self._task, total=self.total)
        if self.quiet:
            return
        now = self.clock()
        rate = self.done / max(1e-6, now - self.started)
        if self._bar is not None:
            self._bar.update(self._task, advance=n, info=self.info(), rate=f"{rate:.1f} docs/s")
            return
        docs, at = self._last_line
        if self.done - docs >= EVERY_DOCS or now - at >= EVERY_SECONDS:
            self._last_line = (self.done, now)
            click.echo(self.line(rate), file=self.stream)

    def note(self, message: str) -> None:
        """A message while the build runs (above the bar on a terminal)."""
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        elif not self.quiet:
            click.echo(message, file=self.stream)

    def line(self, rate: float) -> str:
        """One progress line: "building: 120 of 2,225 (5%), 3.1 docs/s, about 11 min 20 s left (120 parsed, ...)"."""
        if self.total:
            pct = min(100, 100 * self.done // self.total)
            left = max(0, self.total - self.done)
            eta = f", about {_duration(left / rate)} left" if rate > 0 and left else ""
            head = f"{self.done:,} of {self.total:,} ({pct}%), {rate:.1f} docs/s{eta}"
        else:
            head = f"{self.done:,} inputs, {rate:.1f} docs/s"
        return f"building: {head} ({self.info()})"

    def __exit__(self, *exc) -> None:
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif not self.quiet and not self.terminal and self.done != self._last_line[0]:
            click.echo(self.line(self.done / max(1e-6, self.clock() - self.started)), file=self.stream)
