"""Where a serial build's time goes, as shares of bare spaCy's parse of the same texts, in one process.

The script parses the texts with bare ``nlp.pipe`` (CPU time), then runs a serial
``newsgraph build`` of the same files into a fresh database with a CPU timer around
every part: normalizing, the parse, each extraction stage, the per-document write,
entity resolution and each later corpus step. What no timer covers (reading,
hashing, duplicate checks, the executor) is reported as "rest". CPU time of one
process is used because the machine is shared: wall time moves with other people's
work, CPU time much less, and their ratio least.

    .venv/bin/python scripts/build_profile.py ../shared/corpus/bbc --limit 300
    .venv/bin/python scripts/build_profile.py ../shared/corpus/bbc --limit 300 --cprofile 40

``--cprofile N`` also prints the N functions with the most own time in the build (cProfile inflates
Python-heavy code against spaCy's C code); ``--sampler`` prints a pyinstrument call tree instead
(a sampling profiler, far less distortion; ``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--cprofile", type=int, default=0, help="print the N functions with the most own time")
    ap.add_argument("--sampler", action="store_true", help="print a pyinstrument call tree (pip install pyinstrument)")
    args = ap.parse_args()

    from newsgraph import bench, extract, pipeline, run
    from newsgraph.nlp import load_bare, load_pipeline
    from newsgraph.resolve import entities
    from newsgraph.store.sqlite import Store

    work = Path(tempfile.mkdtemp(prefix="newsgraph-profile-"))
    try:
        folder = work / "corpus"
        folder.mkdir()
        files = []
        for i, p in enumerate(bench._files(args.corpus, args.limit)):
            dst = folder / f"{i:05d}_{p.name}"
            shutil.copy(p, dst)
            files.append(dst)
        texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]

        nlp_bare = load_bare()
        list(nlp_bare.pipe(texts[:16]))  # warm-up
        t0 = time.process_time()
        for _ in nlp_bare.pipe(texts, batch_size=32):
            pass
        parse_bare = time.process_time() - t0
        load_pipeline().pipe  # loaded before the build's clock starts, as the bench's build loads it too

        spent: dict[str, float] = defaultdict(float)

        def timed(name, fn):
            def wrapper(*a, **k):
                t = time.process_time()
                try:
                    return fn(*a, **k)
                finally:
                    spent[name] += time.process_time() - t
            return wrapper

        pipeline.normalize = timed("normalize", pipeline.normalize)
        pipeline._parse_all = timed("parse (build)", pipeline._parse_all)
        original_stage_functions = extract.stage_functions

        def stage_functions(only=None):
            from newsgraph.extract.stages import plan

            return [timed("stage " + s.name, f) for s, f in zip(plan(only), original_stage_functions(only))]

        extract.stage_functions = stage_functions
        Store.write_document = timed("store write", Store.write_document)
        entities.resolve = timed("corpus: entities", entities.resolve)
        steps = run.corpus_steps()
        run.corpus_steps = lambda: [timed(f"corpus: {s.__module__.rsplit('.', 1)[-1]}", s) for s in steps]

        import gc

        gc_started = [0.0]

        def gc_clock(phase, info):
            if phase == "start":
                gc_started[0] = time.process_time()
            else:
                spent[f"(gc, generation {info['generation']}; inside the parts above)"] += time.process_time() - gc_started[0]

        gc.callbacks.append(gc_clock)
        profiler = None
        if args.cprofile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
        sampler = None
        if args.sampler:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.002)
        t0 = time.process_time()
        if profiler:
            profiler.enable()
        if sampler:
            sampler.start()
        report = run.build([str(folder)], str(work / "profile.db"))
        if sampler:
            sampler.stop()
        if profiler:
            profiler.disable()
        total = time.process_time() - t0

        gc.callbacks.remove(gc_clock)
        covered = sum(v for k, v in spent.items() if not k.startswith("(gc"))
        print(f"{len(files)} files ({report.processed} processed); bare parse {parse_bare:.2f} s CPU, "
              f"build {total:.2f} s CPU: ratio {total / parse_bare:.3f}")
        rows = sorted(spent.items(), key=lambda kv: -kv[1]) + [("rest (read, hash, executor ...)", total - covered)]
        for name, secs in rows:
            print(f"  {name:34s} {secs:8.2f} s  {100 * secs / parse_bare:6.1f}% of bare parse")
        if profiler:
            import pstats

            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)
        if sampler:
            print(sampler.output_text(show_all=False, color=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
