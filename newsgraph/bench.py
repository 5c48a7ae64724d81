"""Benchmark: a whole newsgraph build against bare spaCy on the same texts, in the same run.

    python -m newsgraph.bench CORPUS [--jobs N] [--repeat K] [--limit N] [--executor local|dask|dask://H:P]

Prints articles/s for bare ``nlp.pipe`` (the floor: the same model, the same
number of processes, no newsgraph) and for ``newsgraph build`` end to end
(reading, normalizing, parsing, extracting, writing SQLite, resolving), and
their ratio. ``--repeat K`` writes K copies of the corpus (each copy's texts
changed by one line so none is a duplicate) to measure scale; the main
process's resident memory is sampled every 10% of the build, to show that it
does not grow with the corpus. ``--executor`` runs the build's per-document
work in a Dask cluster (``dask`` starts a local one with ``--jobs`` workers);
the floor stays ``nlp.pipe`` with ``--jobs`` processes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


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
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions, build

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
    args = ap.parse_args(argv)

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
        t_bare = bare(files, args.model, args.jobs)
        print(f"bare spaCy nlp.pipe : {t_bare:8.1f} s  {len(files) / t_bare:7.1f} articles/s  {words / t_bare:8.0f} words/s")
        samples: list[tuple[int, float]] = []
        t_full, report = full(files, work / "bench.db", args.model, args.jobs, samples, args.executor)
        print(f"newsgraph build     : {t_full:8.1f} s  {len(files) / t_full:7.1f} articles/s  {words / t_full:8.0f} words/s"
              f"  ({report.processed} processed, {len(report.skipped)} skipped)")
        print(f"ratio build / bare  : {t_full / t_bare:.2f}")
        if samples:
            print("main-process RSS (MB) at inputs seen: " + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
        size = (work / "bench.db").stat().st_size / 2**20
        print(f"database size       : {size:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
