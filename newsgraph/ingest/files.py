"""Finding and opening inputs without trusting them: what a folder holds, where its links lead, how much a file yields.

- Only regular files are opened from a folder. A FIFO, socket or device found there is
  reported (``not-a-file``) and never opened, since opening a FIFO waits for a writer forever.
- A link inside a folder is followed only when it stays inside the input roots (the folders
  named on the command line), unless the user asks for ``--follow-links``; a link to a
  folder is entered only then, with a guard against loops.
- Reading stops one byte past the cap, whatever the path: ``/dev/zero`` or a growing file
  cannot exhaust memory. A device or FIFO named on the command line is read (with the cap),
  as ``cat`` would, from the writer already there (a FIFO nobody writes reads as empty rather
  than waiting forever); every open is non-blocking and checked again after opening, so a
  file swapped for a FIFO in between cannot block either.
- A file name that is not valid UTF-8 is opened by its real name and shown and stored with
  the undecodable bytes written as ``\\xNN``.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from newsgraph.ingest.readers import Problem

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Found:
    """One path met while walking the inputs; `problem` set when it is not to be read."""

    path: str  # what to open (may hold surrogate escapes for undecodable bytes)
    shown: str  # how it is stored and printed: always valid UTF-8
    explicit: bool  # named by the user rather than found in a folder
    problem: Problem | None = None


def shown_path(path: str) -> str:
    """The path with bytes that are not UTF-8 written as \\xNN, so it can be printed and stored."""
    if path.isascii():
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def walk(paths: Iterable[str], wanted, follow_links: bool = False) -> Iterator[Found]:
    """Every input under `paths` in a stable order: a folder's files (sorted) before its subfolders (sorted).

    `wanted(name)` says which file names in a folder are inputs (the others are passed over silently).
    """
    paths = list(paths)
    roots = [os.path.realpath(p) for p in paths if p != "-" and os.path.isdir(p)]
    visited: set[str] = set()
    for given in paths:
        if given == "-":
            yield Found("-", "-", True)
        elif os.path.isdir(given):
            yield from _folder(given, roots, wanted, follow_links, visited)
        else:
            yield Found(given, shown_path(given), True)


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _folder(top: str, roots: list[str], wanted, follow: bool, visited: set[str]) -> Iterator[Found]:
    real = os.path.realpath(top)
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        shown = shown_path(top)
        yield Found(top, shown, False, Problem("unreadable", f"folder cannot be read: {exc.strerror or exc}"))
        return
    later: list[str] = []
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.lower() == "manifest.csv":
            continue
        path, shown = entry.path, shown_path(entry.path)
        try:
            if entry.is_symlink():
                found = _link(path, shown, roots, wanted, follow, visited)
                if found == "folder":
                    later.append(path)
                elif found is not None:
                    yield found
            elif entry.is_dir(follow_symlinks=False):
                later.append(path)
            elif entry.is_file(follow_symlinks=False):
                if wanted(name):
                    yield Found(path, shown, False)
            else:
                kind = kind_of(entry.stat(follow_symlinks=False).st_mode)
                yield Found(path, shown, False, Problem("not-a-file", f"a {kind}, not a regular file: not read"))
        except OSError as exc:
            yield Found(path, shown, False, Problem("unreadable", f"cannot read: {exc.strerror or exc}"))
    for sub in later:
        if os.path.realpath(sub) in visited and os.path.islink(sub):
            yield Found(sub, shown_path(sub), False, Problem("link", "link to a folder already read (a loop): not followed"))
            continue
        yield from _folder(sub, roots, wanted, follow, visited)


def _link(path: str, shown: str, roots: list[str], wanted, follow: bool, visited: set[str]):
    """A Found for a link in a folder, "folder" when it is a folder link to enter, or None when it is passed over."""
    target = os.path.realpath(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Found(path, shown, False, Problem("unreadable", "link loop: the link points back at itself"))
        return Found(path, shown, False, Problem("unreadable", f"dangling link to {shown_path(target)} ({exc.strerror or exc})"))
    if not follow and not _inside(target, roots):
        return Found(path, shown, False, Problem(
            "link", f"link to {shown_path(target)}, outside the input folders: not followed (use --follow-links to read it)"))
    if stat.S_ISDIR(st.st_mode):
        if not follow:
            return Found(path, shown, False, Problem("link", "link to a folder: not followed (use --follow-links to enter it)"))
        return "folder"
    if not stat.S_ISREG(st.st_mode):
        return Found(path, shown, False, Problem("not-a-file", f"link to a {kind_of(st.st_mode)}, not a regular file: not read"))
    return Found(path, shown, False) if wanted(os.path.basename(path)) else None


def read_capped(found: Found, max_bytes: int) -> tuple[bytes, int | None, int | None]:
    """(bytes, size, mtime_ns) of one input, reading at most `max_bytes` + 1 bytes; raises Problem."""
    if found.path == "-":
        return _read_stdin(max_bytes), None, None
    try:
        st = os.stat(found.path)
    except OSError as exc:
        raise Problem("unreadable", _why(exc)) from None
    regular = stat.S_ISREG(st.st_mode)
    if regular and st.st_size > max_bytes:
        raise Problem("too-large", f"{st.st_size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
    if stat.S_ISDIR(st.st_mode):
        raise Problem("unreadable", "a folder")
    if not regular and not found.explicit:
        raise Problem("not-a-file", f"a {kind_of(st.st_mode)}, not a regular file: not read")
    # Non-blocking open: no effect on a regular file; a FIFO opens at once instead of waiting for a writer
    # (one swapped in after the check above, or one named with nobody writing: it then reads as empty).
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(found.path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise Problem("unreadable", _why(exc)) from None
    try:
        now = os.fstat(fd)
        if regular and not stat.S_ISREG(now.st_mode):
            raise Problem("not-a-file", f"became a {kind_of(now.st_mode)} while being opened: not read")
        if not regular:
            os.set_blocking(fd, True)  # a writer that is there is read to its end (or to the cap)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            block = os.read(fd, min(CHUNK, max_bytes + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
    except OSError as exc:
        raise Problem("unreadable", _why(exc)) from None
    finally:
        os.close(fd)
    if total > max_bytes:
        what = "the file" if regular else f"this {kind_of(st.st_mode)}"
        raise Problem("too-large", f"{what} holds more than the {max_bytes:,}-byte limit (--max-bytes); reading stopped there")
    return b"".join(chunks), (st.st_size if regular else None), (st.st_mtime_ns if regular else None)


def _read_stdin(max_bytes: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise Problem("unreadable", "standard input is closed")
    try:
        raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise Problem("unreadable", _why(exc)) from None
    if len(raw) > max_bytes:
        raise Problem("too-large", f"standard input holds more than the {max_bytes:,}-byte limit (--max-bytes); reading stopped there")
    return raw


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "link loop"
    if exc.errno == errno.ENOENT:
        return "cannot read: no such file (or a dangling link)"
    return f"cannot read: {exc.strerror or exc}"
