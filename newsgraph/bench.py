"""Benchmark: a whole newsgraph build against bare spaCy on the same texts, in the same run.

    python -m newsgraph.bench CORPUS [--jobs N] [--repeat K] [--limit N] [--executor local|dask|dask://H:P]

Prints articles/s for bare ``nlp.pipe`` (the floor: the same model, the same
number of processes, no newsgraph) and for ``newsgraph build`` end to end
(reading, normalizing, parsing, extracting, writing SQLite, resolving), and
their ratio; beside it, the CPU seconds of each (this process and its workers) and their ratio, and
what the machine did meanwhile (I/O and CPU pressure stalls, steal, iowait, the bytes written:
Linux's ``/proc``), so a wall ratio moved by a busy disk or a busy neighbour can be told from one
moved by the code. ``--repeat K`` writes K copies of the corpus (each copy's texts
changed by one line so none is a duplicate) to measure scale; the main
process's resident memory is sampled every 10% of the build, to show that it
does not grow with the corpus. ``--rounds K`` measures the floor and the build K times, in turn
(odd rounds floor first, even rounds build first, so a machine that slows or speeds up during the
run does not favour either), and prints each round's ratios and their medians: on a shared or
virtual machine one round's floor can move by a tenth. ``--executor`` runs the build's per-document
work in a Dask cluster (``dask`` starts a local one with ``--jobs`` workers);
the floor stays ``nlp.pipe`` with ``--jobs`` processes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _psi(kind: str) -> tuple[float, float]:
    """Seconds of stall since boot from /proc/pressure/KIND: (some, full); zeros where the kernel has no PSI."""
    some = full = 0.0
    try:
        with open(f"/proc/pressure/{kind}") as fh:
            for line in fh:
                fields = dict(f.split("=") for f in line.split()[1:])
                if line.startswith("some"):
                    some = int(fields["total"]) / 1e6
                elif line.startswith("full"):
                    full = int(fields["total"]) / 1e6
    except (OSError, ValueError, KeyError):
        pass
    return some, full


def machine_counters() -> dict[str, float]:
    """Clocks and counters to difference around a measurement (Linux; elsewhere the /proc ones stay 0).

    wall; cpu: this process's and its finished children's user+system seconds; io_some/io_full:
    seconds in which some/all runnable tasks of the machine stalled on I/O (PSI); cpu_some: seconds
    in which some task waited for a core (PSI); steal: seconds the hypervisor gave this VM's cores
    to others (summed over cores); iowait: idle core-seconds with I/O outstanding; write_bytes:
    bytes this process caused to be written to storage.
    """
    import resource

    out = {"wall": time.perf_counter()}
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu"] = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    out["io_some"], out["io_full"] = _psi("io")
    out["cpu_some"] = _psi("cpu")[0]
    out["steal"] = out["iowait"] = 0.0
    try:
        with open("/proc/stat") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
        hz = os.sysconf("SC_CLK_TCK")
        out["iowait"], out["steal"] = ticks[4] / hz, ticks[7] / hz
    except (OSError, ValueError, IndexError):
        pass
    out["write_bytes"] = 0.0
    try:
        with open("/proc/self/io") as fh:
            for line in fh:
                if line.startswith("write_bytes:"):
                    out["write_bytes"] = float(line.split()[1])
    except (OSError, ValueError):
        pass
    return out


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _delta(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
    return {k: end[k] - start[k] for k in end}


def _files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix.lower() in {".txt", ".md"} and not p.name.upper().startswith(("README", "ORIGIN"))
    )
    return files[:limit] if limit else files


def _prepare(files: list[Path], repeat: int, workdir: Path) -> list[Path]:
    if repeat <= 1:
        return files
    out = []
    for k in range(repeat):
        folder = workdir / f"copy{k:03d}"
        folder.mkdir(parents=True)
        for i, p in enumerate(files):
            dst = folder / f"{i:05d}_{p.name}"
            text = p.read_bytes().decode("utf-8", errors="replace")
            dst.write_text(text + (f"\nCopy {k}.\n" if k else ""), encoding="utf-8")
            out.append(dst)
    return out


def bare(files: list[Path], model: str | None, jobs: int) -> float:
    """Seconds for bare spaCy over the files' texts: read, decode, nlp.pipe; nothing else."""
    from newsgraph.nlp import load_bare

    t0 = time.perf_counter()
    nlp = load_bare(model)

    def texts():
        for p in files:
            yield p.read_bytes().decode("utf-8", errors="replace")

    for _ in nlp.pipe(texts(), batch_size=32, n_process=jobs):
        pass
    return time.perf_counter() - t0


def full(files: list[Path], db: Path, model: str | None, jobs: int, samples: list[tuple[int, float]],
         executor: str = "local") -> tuple[float, object]:
    from newsgraph.nlp import unload
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions, build

    unload()

    step = max(1, len(files) // 10)
    seen = {"n": 0}

    def progress(kind: str, n: int) -> None:
        seen["n"] += n
        if seen["n"] % step == 0:
            samples.append((seen["n"], _rss_mb()))

    t0 = time.perf_counter()
    options = BuildOptions(analysis=AnalysisOptions.from_environment(model=model), jobs=jobs,
                           executor=executor)
    report = build([str(p) for p in files], str(db), progress=progress, options=options)
    return time.perf_counter() - t0, report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsgraph.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--jobs", type=int, default=1, help="processes, for both the floor and the build")
    ap.add_argument("--repeat", type=int, default=1, help="copies of the corpus to build (scale test)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N files")
    ap.add_argument("--model", default=None)
    ap.add_argument("--executor", default="local", help="local, dask (a local cluster of --jobs workers) or dask://HOST:PORT")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure the floor and the build this many times, in alternating order, and print the medians")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    try:
        source = _files(args.corpus, args.limit)
        if args.repeat > 1 or args.limit:
            files = _prepare(source, max(1, args.repeat), work / "corpus") if args.repeat > 1 else None
            if files is None:  # a limit alone: copy the chosen files so the build reads exactly them
                folder = work / "corpus"
                folder.mkdir(parents=True)
                files = []
                for i, p in enumerate(source):
                    dst = folder / f"{i:05d}_{p.name}"
                    shutil.copy(p, dst)
                    files.append(dst)
        else:
            files = source
        words = sum(len(p.read_bytes().split()) for p in files)
        print(f"corpus: {len(files)} files, {words:,} words, jobs={args.jobs}, executor={args.executor}")
        print(f"load average at start: {_load()}")
        wall_ratios, cpu_ratios = [], []
        for r in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"--- round {r} of {args.rounds} ({'floor' if r % 2 else 'build'} first)")
            db = work / "bench.db"
            for leftover in (db, work / "bench.db-wal", work / "bench.db-shm"):  # each round builds from nothing
                leftover.unlink(missing_ok=True)
            results: dict[str, tuple[float, dict[str, float]]] = {}
            for what in (("floor", "build") if r % 2 else ("build", "floor")):
                start = machine_counters()
                if what == "floor":
                    t_bare = bare(files, args.model, args.jobs)
                    results["floor"] = (t_bare, _delta(start, machine_counters()))
                    print(f"bare spaCy nlp.pipe : {t_bare:8.1f} s  {len(files) / t_bare:7.1f} articles/s  {words / t_bare:8.0f} words/s")
                else:
                    samples: list[tuple[int, float]] = []
                    t_full, report = full(files, db, args.model, args.jobs, samples, args.executor)
                    results["build"] = (t_full, _delta(start, machine_counters()))
                    print(f"newsgraph build     : {t_full:8.1f} s  {len(files) / t_full:7.1f} articles/s  {words / t_full:8.0f} words/s"
                          f"  ({report.processed} processed, {len(report.skipped)} skipped)")
            (t_bare, floor), (t_full, whole) = results["floor"], results["build"]
            wall_ratios.append(t_full / t_bare)
            print(f"ratio build / bare  : {t_full / t_bare:.2f}")
            if floor["cpu"] > 0:
                cpu_ratios.append(whole["cpu"] / floor["cpu"])
                print(f"CPU s (this process and its workers): floor {floor['cpu']:.1f}, build {whole['cpu']:.1f}, "
                      f"ratio {whole['cpu'] / floor['cpu']:.2f}")
            else:
                print("CPU s: not available")
            for name, d in (("floor", floor), ("build", whole)):
                print(f"machine during {name:5s}: I/O stall some {d['io_some']:.1f} s / full {d['io_full']:.1f} s, "
                      f"CPU stall {d['cpu_some']:.1f} s, steal {d['steal']:.1f} s, iowait {d['iowait']:.1f} s, "
                      f"this process wrote {d['write_bytes'] / 2**20:.1f} MB")
            print(f"load average at end: {_load()}")
            if samples:
                print("main-process RSS (MB) at inputs seen: " + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
        if args.rounds > 1:
            print(f"=== median of {args.rounds} rounds: ratio build / bare {statistics.median(wall_ratios):.2f} "
                  f"(rounds {', '.join(f'{x:.2f}' for x in wall_ratios)})"
                  + (f", CPU ratio {statistics.median(cpu_ratios):.2f} (rounds {', '.join(f'{x:.2f}' for x in cpu_ratios)})"
                     if cpu_ratios else ""))
        size = (work / "bench.db").stat().st_size / 2**20
        print(f"database size       : {size:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
