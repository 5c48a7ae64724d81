"""Worker processes that do not outlive the build that started them.

A build killed with SIGKILL gets no chance to stop its workers, and they do not notice on
their own: the pool's task queue stays open as long as any sibling holds it, so each worker
waits for work forever with the spaCy model in memory. ``watch_parent`` is called once in
each worker; a daemon thread then waits on the pipe multiprocessing keeps from the parent
to every child it starts (``parent_process().sentinel``: it reads end-of-file the moment the
parent is gone, however it died) and ends the worker. Where there is no such pipe (a worker
not started by multiprocessing) it polls ``os.getppid()``, which changes when the parent dies
and the worker is handed to init.

The watch must begin before the worker imports spaCy, which takes seconds (over ten on a
loaded machine) during which a killed build's workers would live on. A pool's initializer and
its arguments are unpickled, and so imported, before any initializer runs; ``watched(init,
*args)`` therefore hands the pool a light initializer (``start``) with the real one named by
a string and its arguments as bytes, unpickled only once the watch is on.

A thread is used rather than Linux's PR_SET_PDEATHSIG because that signal follows the
*thread* that started the child, so a pool that starts replacement workers from a helper
thread would have them killed when that thread ends. The cost: a worker busy in a long
stretch of C code holding the GIL exits when it next runs Python, not at once.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import sys
import threading
from typing import Callable

ORPHAN_EXIT = 3  # nobody reads it (the parent is gone); distinct from a crash in a trace
_watcher: threading.Thread | None = None


def watched(initializer: Callable, *args) -> tuple[Callable, tuple]:
    """(initializer, initargs) for a process pool whose workers watch the parent before running `initializer(*args)`."""
    return start, (f"{initializer.__module__}:{initializer.__qualname__}", pickle.dumps(args))


def start(initializer: str, payload: bytes = b"") -> None:
    """A pool's worker initializer: watch the parent, then run `initializer` ("module:function") with the pickled args."""
    watch_parent()
    module, _, name = initializer.partition(":")
    args = pickle.loads(payload) if payload else ()
    getattr(importlib.import_module(module), name)(*args)


def watch_parent(poll: float = 0.5) -> threading.Thread:
    """End this process when its parent process dies; returns the watching thread (one per process)."""
    global _watcher
    if _watcher is not None:
        return _watcher
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None else os.getppid()
    sentinel = None
    if parent is not None:
        try:
            sentinel = parent.sentinel
        except ValueError:
            sentinel = None
    if sys.platform != "win32" and os.getppid() != expected:
        os._exit(ORPHAN_EXIT)  # the parent died before this worker started watching
    thread = threading.Thread(target=_watch, args=(sentinel, expected, poll), name="newsgraph-parent-watch", daemon=True)
    thread.start()
    _watcher = thread
    return thread


def _watch(sentinel, expected: int, poll: float) -> None:
    if sentinel is not None:
        from multiprocessing.connection import wait

        wait([sentinel])  # blocks, without using the CPU, until the parent's end of the pipe closes
        os._exit(ORPHAN_EXIT)
    if sys.platform == "win32":
        return  # no reparenting on Windows: without multiprocessing's pipe there is nothing reliable to watch
    stop = threading.Event()
    while not stop.wait(poll):
        if os.getppid() != expected:
            os._exit(ORPHAN_EXIT)


__all__ = ["watched", "start", "watch_parent", "ORPHAN_EXIT"]
