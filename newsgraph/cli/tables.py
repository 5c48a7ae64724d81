"""Tables and messages for the terminal: fit the width, wrap between words, never read user text as markup.

rich folds a cell that is narrower than one of its words ("subjec t", "Nicolá s"), and reads
"[or]" in a quote as a markup tag and drops it. Here every cell is a `Text` (never parsed as
markup) and column widths are chosen before rich sees the table: each column gets at least
its longest word (up to `WORD_CAP` cells; a longer token such as a file name is cut with "…"),
and the width left over goes to the columns with the most text.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

WORD_CAP = 16  # a token longer than this may be cut with "…" when the terminal is narrow
FLOOR = 4  # no column narrower than this


class PipedConsole(Console):
    """rich's console, but a reader that goes away (``| head``) is a broken pipe for the CLI to report and exit 141
    on, as every other output does; rich's own handling exits 1 without a word."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    """A console for one command, sized now (so COLUMNS set by a caller or a test counts), no highlighting."""
    width = None
    if os.environ.get("COLUMNS", "").isdigit():
        width = int(os.environ["COLUMNS"])
    return PipedConsole(stderr=stderr, highlight=False, width=width, soft_wrap=False)


def plain(text) -> Text:
    """User text as a rich Text: printed as written, "[or]" included."""
    if isinstance(text, Text):
        return text
    return Text("" if text is None else str(text))


def say(con: Console, text: str, style: str | None = None) -> None:
    """Print a line of user text (never parsed as markup), wrapped between words at the console's width."""
    # rich folds a token longer than the width (a path) even with overflow="ignore"; textwrap keeps it whole
    for line in text.splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip())]
        pieces = textwrap.wrap(line.lstrip(), width=max(con.width, 20), initial_indent=indent, subsequent_indent=indent + "  ",
                               break_long_words=False, break_on_hyphens=False) or [line]
        for piece in pieces:
            con.print(Text(piece, style=style or ""), soft_wrap=True)


@dataclass
class Col:
    header: str
    nowrap: bool = False  # short values (dates, counts): keep on one line
    justify: str = "left"


def _words(text: str) -> list[str]:
    return [w for line in text.splitlines() for w in line.split()] or [""]


def _measure(cols: list[Col], rows: list[list[Text]]) -> tuple[list[int], list[int], list[int]]:
    """Per column: the least width (longest word up to WORD_CAP, whole header words; whole line when nowrap),
    the natural width (longest line), and the floor (the longest header word)."""
    least, natural, floor = [], [], []
    for i, col in enumerate(cols):
        cells = [str(r[i]) for r in rows]
        longest_line = max([cell_len(line) for c in cells for line in (c.splitlines() or [""])] + [cell_len(col.header)])
        word = max([cell_len(w) for c in cells for w in _words(c)] + [0])
        head = max(cell_len(w) for w in col.header.split()) if col.header.split() else 1
        least.append(max(FLOOR, head, longest_line if col.nowrap else min(word, WORD_CAP)))
        natural.append(max(least[-1], longest_line))
        floor.append(max(FLOOR, head))
    return least, natural, floor


def _overhead(cols: list) -> int:
    return 3 * len(cols) + 1  # "│ " before each cell, " " after, and the closing "│"


def fits(cols: list[Col], rows: list[list], con: Console, slack: int = 0) -> bool:
    """Whether every column can have its least width (no word cut) on this console, with `slack` cells to spare
    (room for the column that carries the text to read)."""
    least, _, _ = _measure(cols, [[plain(c) for c in row] for row in rows])
    return sum(least) + _overhead(cols) + slack <= con.width


def _widths(cols: list[Col], rows: list[list[Text]], width: int) -> list[int]:
    least, natural, floor = _measure(cols, rows)
    room = width - _overhead(cols)
    if sum(natural) <= room:
        return natural
    if sum(least) <= room:
        spare = room - sum(least)
        want = [n - m for n, m in zip(natural, least)]
        total = sum(want) or 1
        out = [m + spare * w // total for m, w in zip(least, want)]
        for i in sorted(range(len(out)), key=lambda i: -want[i]):  # hand out the rounding remainder
            if sum(out) >= room:
                break
            if out[i] < natural[i]:
                out[i] += 1
        return out
    # Too many columns for the terminal: shrink the widest first, never below a header word;
    # tokens are then cut with "…", never split.
    out = list(least)
    while sum(out) > room:
        shrinkable = [i for i in range(len(out)) if out[i] > floor[i] and not cols[i].nowrap]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda i: out[i])
        out[i] -= 1
    return out


def table(cols: list[Col], rows: list[list], con: Console, title: str | None = None, lines: bool = False) -> Table:
    """A rich Table whose columns fit `con.width` without splitting a word; every cell printed as written."""
    cells = [[plain(c) for c in row] for row in rows]
    widths = _widths(cols, cells, con.width)
    t = Table(title=title, box=box.SQUARE, show_lines=lines, title_justify="left", expand=False)
    for col, w in zip(cols, widths):
        t.add_column(Text(col.header, style="bold"), width=w, overflow="ellipsis", no_wrap=False, justify=col.justify)
    for row in cells:
        t.add_row(*row)
    return t


def showing(con: Console, shown: int, total: int, option: str = "--limit") -> None:
    """Say so when a list was cut: "showing 50 of 65 (use --limit)"."""
    if total > shown:
        say(con, f"showing {shown} of {total} (use {option})", style="dim")
