"""Writing an output file: whole or not at all for regular files, straight through for anything else.

Every output (JSON export, GraphML, report) goes through ``open_output``:

- ``-`` is standard output;
- a regular file, or a path that does not exist yet, is written to a temporary file in the
  same folder and renamed into place only when complete, so a reader never sees half a file
  and a failure (full disk, interrupt) leaves the old file as it was;
- anything else (a character device such as ``/dev/null``, a FIFO, ``/dev/stdout``, a
  terminal) is opened and written through: renaming a file over it would replace the device.

New files get the mode any program's output gets (``0666`` less the umask); a replaced file
keeps its mode. A full disk becomes ``OutputError`` with a clear message.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from contextlib import contextmanager
from typing import IO, Iterator

from newsgraph.errors import DiskFull, OutputError

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_SPECIAL = ("/dev/", "/proc/")


def is_write_through(path: str) -> bool:
    """True when `path` names something that is not an ordinary file: it must be written in place, never replaced."""
    if path == "-":
        return True
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # not there yet (a file where a folder should be: the write says so)
        return os.path.realpath(path).startswith(_SPECIAL)
    if not stat.S_ISREG(st.st_mode):
        return True
    # /dev/stdout redirected to a file resolves to that file through /proc; it stays a stream
    return os.path.abspath(path).startswith(_SPECIAL) or os.path.realpath(path).startswith(_SPECIAL)


@contextmanager
def open_output(path: str, binary: bool = False) -> Iterator[IO]:
    """A file object to write the output `path` to (see the module docstring for what happens where)."""
    if not path:
        raise OutputError("the output path is empty: give a file name, or - for standard output")
    if path == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        try:
            yield stream
            stream.flush()
        except OSError as exc:
            raise _as_error(exc, "standard output", partial=True) from None
        return
    if is_write_through(path):
        try:
            with open(path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
                yield fh
        except OSError as exc:
            raise _as_error(exc, path, partial=True) from None
        return
    target = os.path.realpath(path)  # a link to a regular file: replace the file, keep the link
    folder = os.path.dirname(target)
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any new file
    except OSError as exc:
        raise _as_error(exc, path) from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _as_error(exc, path) from None
        raise


def write_text(path: str, text: str) -> None:
    """Write `text` to the output `path` (UTF-8), whole or not at all when it is a regular file."""
    with open_output(path) as fh:
        fh.write(text)


def _as_error(exc: OSError, where: str, partial: bool = False) -> Exception:
    if isinstance(exc, BrokenPipeError):
        return exc  # the CLI reports a reader that went away; nothing to clean up here
    if exc.errno in _FULL:
        done = "what was written is incomplete" if partial else "nothing was written (the partial file is removed)"
        return DiskFull(f"no space left on the device while writing {where}; {done}")
    return OutputError(f"cannot write {where}: {exc.strerror or exc}")


__all__ = ["open_output", "write_text", "is_write_through"]
