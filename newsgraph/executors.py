"""Where the per-document pipeline runs: in this process, in a pool of local processes, or on a Dask cluster.

Every executor maps ``pipeline.analyze_batch`` over batches of articles and hands
back each batch's results with its sequence number, as soon as it is done. The
single writer (``run.py``) puts them back in input order before storing, so a
build gives the same knowledge base on one core or on a cluster, whatever order
the work finishes in. Work in flight is bounded (a window of a few batches per
worker), so memory stays flat on any corpus size.

    serial                 this process (``--jobs 1``)
    process                a local process pool (``--jobs N``); workers are
                           recycled so spaCy's string store cannot grow forever
    dask / dask://H:P      a Dask distributed cluster: a local one started for
                           the build, or a running scheduler (``pip install
                           newsgraph[dask]``); each worker loads the model once
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from newsgraph.errors import InputError
from newsgraph.model import Article, DocumentAnalysis, Skipped
from newsgraph.pipeline import AnalysisOptions, analyze_batch

Results = list[DocumentAnalysis | Skipped]
RECYCLE = 64  # batches a local worker process handles before it is replaced


class Executor(Protocol):
    name: str

    def map(self, batches: Iterable[Sequence[Article]], options: AnalysisOptions) -> Iterator[tuple[int, Results]]:
        """(sequence number, results) of every batch, in any order."""

    def close(self) -> None: ...


def in_order(done: Iterable[tuple[int, Results]]) -> Iterator[Results]:
    """Results put back in sequence order; holds at most the executor's window of early batches."""
    early: dict[int, Results] = {}
    nxt = 0
    for seq, results in done:
        early[seq] = results
        while nxt in early:
            yield early.pop(nxt)
            nxt += 1
    if early:
        raise RuntimeError(f"executor lost batches {sorted(k for k in range(nxt, max(early) + 1) if k not in early)}")


def bounded(submit: Callable[[Sequence[Article]], object], wait_any: Callable[[set], tuple[set, set]],
            result: Callable[[object], Results], batches: Iterable[Sequence[Article]], window: int) -> Iterator[tuple[int, Results]]:
    """Keep at most `window` batches in flight; yield (sequence number, results) as each finishes."""
    running: dict = {}
    source = iter(enumerate(batches))
    exhausted = False
    while True:
        while not exhausted and len(running) < window:
            nxt = next(source, None)
            if nxt is None:
                exhausted = True
                break
            running[submit(nxt[1])] = nxt[0]
        if not running:
            return
        done, _ = wait_any(set(running))
        for fut in done:
            yield running.pop(fut), result(fut)


class SerialExecutor:
    name = "serial"

    def map(self, batches, options):
        for seq, batch in enumerate(batches):
            yield seq, analyze_batch(batch, options)

    def close(self) -> None:
        pass


def _init_worker(options: AnalysisOptions) -> None:
    """Start-up of a local worker: interrupts are the parent's to handle; the model is loaded once, here."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from newsgraph.nlp import load_pipeline
    from newsgraph.pipeline import configure

    configure(options)
    load_pipeline(options.model)


class ProcessExecutor:
    name = "process"

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def map(self, batches, options):
        from newsgraph.workers import watched

        initializer, initargs = watched(_init_worker, options)  # workers exit when the build dies, even by SIGKILL
        self.pool = ProcessPoolExecutor(
            max_workers=self.jobs, initializer=initializer, initargs=initargs,
            mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=RECYCLE,
        )
        pool = self.pool
        return bounded(lambda b: pool.submit(analyze_batch, list(b), options),
                       lambda fs: wait(fs, return_when=FIRST_COMPLETED), lambda f: f.result(), batches, 2 * self.jobs)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


class DaskExecutor:
    """A Dask distributed cluster: `address` of a running scheduler, or None to start a local one with `workers`."""

    name = "dask"

    def __init__(self, address: str | None, workers: int = 2):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("the Dask executor needs Dask: pip install 'newsgraph[dask]'") from None
        self.cluster = None
        if address is None:
            # One thread per worker process: a spaCy pipeline is not meant to be shared by threads.
            # Everything on loopback, on free ports: a local cluster is this build's alone (its scheduler's
            # HTTP server would otherwise take 8787 on every interface, or clash with another cluster's).
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                        host="127.0.0.1", scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            address = self.cluster.scheduler_address
        try:
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            self._close_cluster()
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map(self, batches, options):
        from distributed import wait as dask_wait

        client = self.client
        return bounded(
            lambda b: client.submit(analyze_batch, list(b), options, pure=False),
            lambda fs: dask_wait(list(fs), return_when="FIRST_COMPLETED"), lambda f: f.result(), batches, 2 * self.threads(),
        )

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            self._close_cluster()

    def _close_cluster(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _executor_kind(spec: str) -> tuple[str, str | None]:
    """(local | serial | process | dask, scheduler address or None) for an `--executor` value; an error for one
    that names none."""
    spec = (spec or "local").strip()
    if spec in ("local", "serial", "process", "dask"):
        return spec, None
    for prefix in ("dask://", "tcp://"):
        if spec.startswith(prefix):
            return "dask", "tcp://" + spec[len(prefix):]
    raise InputError(f"unknown executor {spec!r}: use local, dask, or dask://HOST:PORT")


def check_executor(spec: str) -> None:
    """Refuse an `--executor` that names none, before a build opens its store (it connects to nothing)."""
    _executor_kind(spec)


def make_executor(spec: str, jobs: int) -> Executor:
    """The executor for `--executor`: local (serial for one job, else a process pool), dask, or dask://HOST:PORT."""
    kind, address = _executor_kind(spec)
    if kind == "serial" or (kind == "local" and jobs <= 1):
        return SerialExecutor()
    if kind in ("local", "process"):
        return ProcessExecutor(max(1, jobs))
    if address is None:
        return DaskExecutor(None, workers=max(1, jobs))
    return DaskExecutor(address)
