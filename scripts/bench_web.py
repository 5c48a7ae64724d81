"""Page times of the web app (and the report) on a knowledge base of 10,000 documents.

Method: parsing 10,000 articles takes long, and page speed depends on the size of the
tables, not on how the rows were made. So the benchmark
1. builds a real base store from some articles (default: the first 300 of ../shared/corpus/bbc,
   plus the seeds so events, quotes and conflicts are present), then
2. copies it and repeats every document's rows in SQL with new ids (`<id>~<k>`), new row ids for
   events, and publication dates shifted by k days, until the store holds --docs documents.
   The FTS triggers of migration 0005 index each copied sentence, as a real build would.
   The corpus step's page tables are then rebuilt over the grown store.
3. times every page with FastAPI's test client over the read-only app: the first request (cold:
   computed, then cached until the store changes), the median of --repeat more (warm), and the
   JSON twin; and, with --report, writing the dossier once.

    .venv/bin/python scripts/bench_web.py --docs 10000
    .venv/bin/python scripts/bench_web.py --store /tmp/web-bbc.db          # an existing store, as it is
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Tables of one document's extraction, copied whole (every column but the row id): read from the schema, so that a
# column a later migration adds is copied too (a hand-kept list missed `mentions.form`, and the copies' descriptions
# and pronouns then counted as names).
PER_DOC_TABLES = ("sentences", "mentions", "local_mentions", "amounts", "times", "quotes", "descriptors", "techniques")


def per_doc_columns(c, table: str) -> list[str]:
    return [r[1] for r in c.execute(f"PRAGMA table_info('{table}')") if r[1] not in ("id", "doc")]


DOC_COLUMNS = ["path", "title", "outlet", "url", "published_inferred", "author", "language", "encoding", "format", "notes", "sha256", "text",
               "words", "pipeline"]


def build_base(db: Path, corpus: Path, limit: int) -> None:
    from newsgraph.run import build

    files = sorted(p for p in corpus.rglob("*.txt"))[:limit]
    seeds = ROOT.parent / "shared" / "corpus" / "seeds"
    paths = [str(p) for p in files] + ([str(seeds)] if seeds.is_dir() else [])
    t = time.perf_counter()
    report = build(paths, str(db), jobs=2)
    print(f"base store: {report.processed} documents parsed in {time.perf_counter() - t:.0f} s", flush=True)


def grow(db: Path, target: int, refresh: bool = True) -> int:
    """Repeat the original documents' rows in SQL until the store holds `target` documents; returns the count.

    Copy k of document "x" is "x~k"; a store grown before is grown further with new k. With `refresh`
    the entity counts and page tables are brought up to date as a corpus step would (without, the
    store is left as new documents leave it: owing its corpus step).
    """
    from newsgraph.resolve import summary
    from newsgraph.store.sqlite import open_store

    store = open_store(db)
    c = store.conn
    base = [r[0] for r in c.execute("SELECT id FROM documents WHERE instr(id, '~') = 0 ORDER BY id")]
    k = c.execute("SELECT COALESCE(MAX(CAST(substr(id, instr(id, '~') + 1) AS INTEGER)), 0) FROM documents "
                  "WHERE instr(id, '~') > 0").fetchone()[0]
    t = time.perf_counter()
    while c.execute("SELECT COUNT(*) FROM documents").fetchone()[0] < target:
        k += 1
        need = target - c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        batch = base[:need]
        with store.transaction():
            c.execute("CREATE TEMP TABLE IF NOT EXISTS batch(id TEXT PRIMARY KEY)")
            c.execute("DELETE FROM batch")
            c.executemany("INSERT INTO batch VALUES (?)", [(d,) for d in batch])
            suffix = f"~{k}"
            cols = ", ".join(DOC_COLUMNS)
            c.execute(
                f"""INSERT INTO documents(id, published, {cols})
                    SELECT id || ?, CASE WHEN published IS NULL THEN NULL ELSE date(published, '+' || ? || ' days') END, {cols}
                    FROM documents WHERE id IN (SELECT id FROM batch)""", (suffix, k))
            c.execute("""INSERT INTO sources(path, doc, size, mtime_ns) SELECT path || ?, doc || ?, size, mtime_ns FROM sources
                         WHERE doc IN (SELECT id FROM batch)""", (suffix, suffix))
            for table in PER_DOC_TABLES:
                cs = ", ".join(f'"{x}"' for x in per_doc_columns(c, table))
                c.execute(f"INSERT INTO {table}(doc, {cs}) SELECT doc || ?, {cs} FROM {table} WHERE doc IN (SELECT id FROM batch)", (suffix,))
            shift = c.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
            c.execute(
                """INSERT INTO events(id, doc, idx, start, end, trigger, predicate, type, sentence, time, negated, modality, grp)
                   SELECT id + ?, doc || ?, idx, start, end, trigger, predicate, type, sentence, time, negated, modality, grp
                   FROM events WHERE doc IN (SELECT id FROM batch)""", (shift, suffix))
            c.execute(
                """INSERT INTO event_participants(event, role, start, end, text, mention)
                   SELECT p.event + ?, p.role, p.start, p.end, p.text, p.mention FROM event_participants p
                   JOIN events e ON e.id = p.event WHERE e.doc IN (SELECT id FROM batch)""", (shift,))
            c.execute(
                """INSERT INTO event_amounts(event, amount) SELECT a.event + ?, a.amount FROM event_amounts a
                   JOIN events e ON e.id = a.event WHERE e.doc IN (SELECT id FROM batch)""", (shift,))
    if not refresh:
        n = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        store.close()
        return n
    with store.transaction():
        c.execute("UPDATE entities SET mentions = (SELECT COUNT(*) FROM mentions m WHERE m.entity = entities.id), "
                  "documents = (SELECT COUNT(DISTINCT doc) FROM mentions m WHERE m.entity = entities.id)")
    t_pages = time.perf_counter()
    summary.resolve(store)  # the page tables, as the corpus step of a real build writes them
    print(f"page tables rebuilt in {time.perf_counter() - t_pages:.1f} s", flush=True)
    # no ANALYZE: a store built by newsgraph has no planner statistics, and the pages must be fast without them
    n = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    print(f"grown to {n} documents in {time.perf_counter() - t:.0f} s "
          f"({c.execute('SELECT COUNT(*) FROM sentences').fetchone()[0]} sentences, "
          f"{c.execute('SELECT COUNT(*) FROM mentions').fetchone()[0]} mentions, "
          f"{c.execute('SELECT COUNT(*) FROM events').fetchone()[0]} events)", flush=True)
    store.close()
    return n


def page_urls(db: Path, only: str | None = None) -> list[str]:
    """The pages timed: every list page, the heaviest and lightest entity, a document, every /graph variant
    (each event type, a date from, a date to, both, sizes), and searches with each filter and the broad ones."""
    import sqlite3
    from urllib.parse import quote, urlencode

    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    top = conn.execute("SELECT id FROM entities ORDER BY mentions DESC LIMIT 1").fetchone()[0]
    rare = conn.execute("SELECT id FROM entities ORDER BY mentions ASC LIMIT 1").fetchone()[0]
    doc = conn.execute("SELECT doc FROM mentions WHERE entity = ? ORDER BY doc DESC LIMIT 1", (top,)).fetchone()[0]
    outlet = conn.execute("SELECT outlet FROM documents WHERE outlet IS NOT NULL LIMIT 1").fetchone()
    total = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    types = [r[0] for r in conn.execute("SELECT DISTINCT type FROM events ORDER BY 1")]
    first, last = conn.execute("SELECT MIN(published), MAX(published) FROM documents").fetchone()
    conn.close()
    top, rare, doc = quote(top, safe=""), quote(rare, safe=""), quote(doc, safe="")
    mid = (first or "2004-06-01")[:7] + "-28"
    urls = [
        "/", "/entities", "/entities?offset=200", f"/documents?offset={max(0, total - 50)}", f"/entity/{top}", f"/entity/{top}?offset=5000",
        f"/entity/{rare}", f"/document/{doc}", "/conflicts", "/timeline", "/money", "/voices",
        "/graph", "/graph?top=10", "/graph?top=150", "/graph?top=300", *(f"/graph?type={quote(t)}" for t in types),
        f"/graph?from={mid}", f"/graph?to={mid}", f"/graph?from={first or ''}&to={mid}", f"/graph?type=FINANCE&type=MEET&from={mid}",
        "/search?q=Rosneft", "/search?q=government", "/search?q=government&offset=1000", f"/search?q=government&entity={top}",
        "/search?q=oil&type=FINANCE", "/search?q=oil&from=2019-01-01&to=2019-06-30", "/search?q=the",
        "/search?" + urlencode({"q": " ".join(["the"] * 500)}),
    ]
    if outlet:
        urls.append("/search?" + urlencode({"q": "government", "outlet": outlet[0]}))
    return [u for u in urls if only is None or u.startswith(only)]


def time_pages(db: Path, repeat: int, only: str | None = None, urls: list[str] | None = None) -> list[tuple[str, float, float, float]]:
    from fastapi.testclient import TestClient

    from newsgraph.outputs.web import create_app

    urls = urls or page_urls(db, only)
    client = TestClient(create_app(db))
    client.get("/static/style.css")  # the app's own start-up (thread pool, first connection) is not a page's time
    from newsgraph.outputs import svg

    svg.network_svg({"nodes": [{"id": "a", "name": "a", "type": "person", "mentions": 1, "involvement": 1},
                               {"id": "b", "name": "b", "type": "person", "mentions": 1, "involvement": 1}],
                     "edges": [{"source": "a", "target": "b", "type": "X", "weight": 1, "directed": True, "doc": "d", "sentence": 0}],
                     "event_types": ["X"]}, lambda e: "#")  # imports networkx and scipy once: a process start-up cost, not a page's
    rows = []
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("    cold  cold-cpu     warm     json  (ms; cold = first request, cold-cpu = CPU time this process spent on it,\n"
          "                                         warm = median of the next ones, json = Accept: application/json)")
    for url in urls:
        runs = []
        cpu = time.process_time()
        for i in range(repeat + 1):
            t = time.perf_counter()
            r = client.get(url)
            runs.append(time.perf_counter() - t)
            if i == 0:
                cpu = time.process_time() - cpu
            assert r.status_code == 200, (url, r.status_code)
        t = time.perf_counter()
        client.get(url, headers={"Accept": "application/json"})
        as_json = time.perf_counter() - t
        rows.append((url, runs[0] * 1000, statistics.median(runs[1:]) * 1000 if repeat else float("nan"), as_json * 1000))
        print(f"{rows[-1][1]:8.0f} {cpu * 1000:9.0f} {rows[-1][2]:8.0f} {rows[-1][3]:8.0f}  {url[:110]}", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--base", help="an existing knowledge base to grow from (default: build one)")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "bbc"))
    ap.add_argument("--base-limit", type=int, default=300, help="articles of --corpus parsed for the base store")
    ap.add_argument("--out", help="where to keep the grown store (default: a temporary folder)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--report", action="store_true", help="also time writing the dossier")
    ap.add_argument("--store", help="time the pages of this knowledge base as it is (read-only; no copy, no growing)")
    ap.add_argument("--only", help="time only the URLs starting with this (e.g. /graph)")
    ap.add_argument("--url", action="append", help="time this URL (repeatable) instead of the usual list")
    args = ap.parse_args()

    if args.store:
        time_pages(Path(args.store), args.repeat, args.only, args.url)
        return
    work = Path(tempfile.mkdtemp(prefix="newsgraph-bench-web-"))
    base = Path(args.base) if args.base else work / "base.db"
    if not args.base:
        build_base(base, Path(args.corpus), args.base_limit)
    out = Path(args.out) if args.out else work / "grown.db"
    shutil.copy(base, out)
    grow(out, args.docs)
    time_pages(out, args.repeat, args.only, args.url)
    if args.report:
        from newsgraph.outputs.report import write_report
        from newsgraph.store.sqlite import open_store

        store = open_store(out, readonly=True)
        t = time.perf_counter()
        write_report(store.conn, str(work / "dossier.html"))
        print(f"report: {time.perf_counter() - t:.1f} s, {(work / 'dossier.html').stat().st_size / 1e6:.1f} MB", flush=True)
        store.close()
    if args.out:
        shutil.rmtree(work, ignore_errors=True)  # the grown store lives at --out; the base and the report were scratch
    print(f"store: {out}")


if __name__ == "__main__":
    main()
