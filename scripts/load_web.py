"""A bounded load test of the web app on loopback: throughput and latency under concurrent clients.

Starts `newsgraph serve` on a free port of 127.0.0.1 over --db (or uses --url), then runs --clients
keep-alive clients that each send one request after the other, until --requests requests were sent
or --duration seconds passed, whichever comes first. Each request picks a page (`--search` share:
a search) from a pool drawn from the store itself with a fixed seed:

- pages: home, lists at several offsets, conflicts, timeline, money, voices, graph variants (event
  type, date range, size), JSON twins, entity pages (the most mentioned actors and a random sample),
  document pages (a random sample);
- searches: actor names, common words, two-word queries, filtered searches, and a few deliberately
  broad ones ("the", "the" x 50).

Requests spread over the URLs by Zipf's law (--popularity zipf, the default: a few pages draw most
visits, as on a real site) or evenly (--popularity uniform: nearly every request computes a page).
The clock starts once the server answers its home page (process start-up and imports excluded).

The first request for a URL is computed by the server; later ones may be answered from its cache,
as they would for real visitors. Reports throughput, p50/p95/p99/max per kind, errors, time-outs, the
slowest requests (--slowest) and the p99 of the slowest routes (--routes; ids left out: /entity/{id});
with --check, exits 1 when a goal is missed.

    .venv/bin/python scripts/load_web.py --db /tmp/web-bbc.db --clients 20 --duration 60 --requests 20000
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
COMMON_WORDS = ["government", "minister", "market", "profits", "election", "film", "music", "match", "oil", "shares", "economy",
                "court", "police", "phone", "internet", "growth", "bank", "prices", "said", "world", "players", "champion",
                "China", "Europe", "London", "Brown", "Blair", "tax", "budget", "record", "deal", "company", "sales", "win*"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_pool(db: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """(pages, searches) drawn from the store."""
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        def col(sql: str, *args) -> list:
            try:
                return [r[0] for r in conn.execute(sql, args)]
            except sqlite3.Error:
                return []

        n_docs = col("SELECT COUNT(*) FROM documents")[0]
        n_ents = col("SELECT COUNT(*) FROM entities")[0]
        top = col("SELECT id FROM entities ORDER BY mentions DESC LIMIT 50")
        ents = col("SELECT id FROM entities")
        docs = col("SELECT id FROM documents")
        names = col("SELECT name FROM entities ORDER BY mentions DESC LIMIT 200")
        types = col("SELECT DISTINCT type FROM events") or ["FINANCE"]
        entity_types = col("SELECT DISTINCT type FROM entities")
        outlets = col("SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL LIMIT 20")
        first, last = conn.execute("SELECT MIN(published), MAX(published) FROM documents").fetchone()
    finally:
        conn.close()
    pages = ["/", "/index.json", "/entities", "/entities.json", "/documents", "/conflicts", "/conflicts.json", "/timeline",
             "/timeline.json", "/money", "/voices", "/graph", "/graph.json", "/search"]
    for off in (50, 200, 1000, max(0, n_ents - 50)):
        pages.append(f"/entities?offset={off}")
    pages += [f"/entities?type={quote(t)}" for t in entity_types]
    for off in (50, 500, max(0, n_docs - 50)):
        pages.append(f"/documents?offset={off}")
    for t in types:
        pages += [f"/graph?type={quote(t)}", f"/timeline?type={quote(t)}"]
    if first and last:
        months = sorted({d[:7] for d in (first, last)})
        lo, hi = first[:10], last[:10]
        mid = months[0] + "-15"
        pages += [f"/graph?from={lo}", f"/graph?to={hi}", f"/graph?from={mid}", f"/graph?from={lo}&to={mid}",
                  f"/graph?type={quote(types[0])}&from={lo}&to={hi}"]
    pages += ["/graph?top=10", "/graph?top=150", "/graph?top=300", "/?top=60"]
    sample_ents = top + rng.sample(ents, min(150, len(ents)))
    pages += [f"/entity/{quote(e, safe='')}" for e in sample_ents]
    pages += [f"/entity/{quote(e, safe='')}.json" for e in top[:10]]
    pages += [f"/entity/{quote(e, safe='')}?offset=20" for e in top[:10]]
    pages += [f"/document/{quote(d, safe='')}" for d in rng.sample(docs, min(200, len(docs)))]

    searches = []
    for word in COMMON_WORDS + rng.sample(names, min(60, len(names))):
        searches.append("/search?" + urlencode({"q": word}))
    for _ in range(40):
        a, b = rng.sample(COMMON_WORDS + names[:50], 2)
        searches.append("/search?" + urlencode({"q": f"{a} {b}"}))
    for word in COMMON_WORDS[:10]:
        searches.append("/search.json?" + urlencode({"q": word, "offset": 20}))
        if outlets:
            searches.append("/search?" + urlencode({"q": word, "outlet": rng.choice(outlets)}))
        searches.append("/search?" + urlencode({"q": word, "type": rng.choice(types)}))
        if top:
            searches.append("/search?" + urlencode({"q": word, "entity": rng.choice(top)}))
        if first:
            searches.append("/search?" + urlencode({"q": word, "from": first[:10]}))
    searches += ["/search?" + urlencode({"q": "the"}), "/search?" + urlencode({"q": " ".join(["the"] * 50)}),
                 "/search?" + urlencode({"q": "said the"})]
    return pages, searches


class Client:
    """One keep-alive HTTP/1.1 connection, written by hand so the load generator costs little CPU."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: identity\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        size = 0
        if "content-length" in headers:
            size = int(headers["content-length"])
            await self.reader.readexactly(size)
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                n = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(n + 2)
                size += n
                if n == 0:
                    break
        if headers.get("connection") == "close":
            self.close()
        return status, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def picker(urls: list[str], popularity: str, rng: random.Random):
    """A function drawing one URL: every URL alike (uniform), or by Zipf's law (s = 1) over the list in its
    (shuffled) order, the way visits spread over the pages of a site: a few pages draw most of them."""
    if popularity == "uniform":
        return lambda: rng.choice(urls)
    order = urls[:]
    rng.shuffle(order)
    cum, total = [], 0.0
    for rank in range(1, len(order) + 1):
        total += 1.0 / rank
        cum.append(total)
    return lambda: rng.choices(order, cum_weights=cum)[0]


async def run_load(host: str, port: int, pages: list[str], searches: list[str], clients: int, requests: int, duration: float,
                   timeout: float, search_share: float, seed: int, popularity: str = "zipf") -> dict:
    rng = random.Random(seed)
    pick = {"page": picker(pages, popularity, rng), "search": picker(searches, popularity, rng)}
    results: list[tuple[str, str, int, float]] = []  # (kind, url, status, seconds); status 0 = time-out, -1 = connection error
    sent = 0
    start = time.perf_counter()
    deadline = start + duration

    async def worker() -> None:
        nonlocal sent
        client = Client(host, port)
        while sent < requests and time.perf_counter() < deadline:
            sent += 1
            kind = "search" if rng.random() < search_share else "page"
            url = pick[kind]()
            t = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(client.get(url), timeout)
            except asyncio.TimeoutError:
                status = 0
                client.close()
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status = -1
                client.close()
            results.append((kind, url, status, time.perf_counter() - t))
        client.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    return {"results": results, "elapsed": time.perf_counter() - start}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def summarize(run: dict, slowest: int = 20) -> dict:
    results, elapsed = run["results"], run["elapsed"]
    out = {"requests": len(results), "elapsed": elapsed, "rps": len(results) / elapsed if elapsed else 0.0}
    by_status: dict[int, int] = {}
    for _, _, status, _ in results:
        by_status[status] = by_status.get(status, 0) + 1
    out["status"] = dict(sorted(by_status.items()))
    out["timeouts"] = by_status.get(0, 0)
    out["errors_5xx"] = sum(n for s, n in by_status.items() if s >= 500)
    out["connection_errors"] = by_status.get(-1, 0)
    for kind in ("all", "page", "search"):
        times = [r[3] for r in results if kind == "all" or r[0] == kind]
        out[kind] = {"n": len(times), "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
                     "max": max(times) if times else float("nan"), "mean": statistics.fmean(times) if times else float("nan")}
    out["slowest"] = sorted(((r[3], r[2], r[1]) for r in results), reverse=True)[:slowest]
    by_route: dict[str, list[float]] = {}
    for _, url, _, seconds in results:
        by_route.setdefault(route(url), []).append(seconds)
    out["routes"] = sorted(((name, {"n": len(times), "p50": percentile(times, 50), "p99": percentile(times, 99), "max": max(times),
                                    "slowest": sum(1 for _, _, u in out["slowest"] if route(u) == name)})
                            for name, times in by_route.items()), key=lambda kv: -kv[1]["p99"])
    return out


def route(url: str) -> str:
    """The route a URL asks for, without its ids: /entity/{id}, /document/{id}; a JSON twin and paging stay apart
    (/entity/{id}.json, /search?offset), as they are computed apart; /graph by its top=N, its filtered variants together."""
    path, _, query = url.partition("?")
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in ("entity", "document"):
        path = f"/{parts[1]}/{{id}}" + (".json" if path.endswith(".json") else "")
    if path in ("/graph", "/graph.json") and query:  # the size of the network drawn is what costs: top=N apart, filters together
        top = [p for p in query.split("&") if p.startswith("top=")]
        return path + ("?" + top[0] if top else "?filtered")
    return path + ("?offset" if "offset=" in query else "")


def report(summary: dict, label: str, routes: int = 12) -> None:
    print(f"{label}: {summary['requests']} requests in {summary['elapsed']:.1f} s = {summary['rps']:.1f} requests/s; "
          f"status {summary['status']} (0 = time-out, -1 = connection error)")
    print("          n      p50      p95      p99      max     mean  (ms)")
    for kind in ("all", "page", "search"):
        s = summary[kind]
        print(f"{kind:>6} {s['n']:6d} " + " ".join(f"{s[k] * 1000:8.0f}" for k in ("p50", "p95", "p99", "max", "mean")))
    print(f"slowest {len(summary['slowest'])}:")
    for seconds, status, url in summary["slowest"]:
        print(f"  {seconds * 1000:8.0f} ms  {status}  {url[:120]}")
    print("routes, slowest p99 first (slow = how many of the slowest requests above):")
    print(f"  {'route':<24}      n      p50      p99      max  slow  (ms)")
    for name, s in summary["routes"][:routes]:
        print(f"  {name[:24]:<24} {s['n']:6d} " + " ".join(f"{s[k] * 1000:8.0f}" for k in ("p50", "p99", "max")) + f" {s['slowest']:5d}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children so far, from /proc (0.0 where there is none)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += cpu_seconds(int(child))
    except (OSError, ValueError, IndexError):
        pass
    return total


def start_server(db: str, port: int, workers: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("newsgraph")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from newsgraph.cli import main; main()"]
    proc = subprocess.Popen(cmd + ["serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.2)
            continue
        # the clock starts once the server has started (imports, its warm-up of the home page): the home page answers
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1.0, deadline - time.monotonic()))
        conn.request("GET", "/")
        conn.getresponse().read()
        conn.close()
        return proc
    proc.terminate()
    raise SystemExit("server did not start within 120 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="the knowledge base: URLs are drawn from it, and the server serves it unless --url")
    ap.add_argument("--url", help="an already running server (loopback only), e.g. http://127.0.0.1:8000")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1, help="server processes (`serve --workers`)")
    ap.add_argument("--requests", type=int, default=10_000, help="stop after this many requests")
    ap.add_argument("--duration", type=float, default=60.0, help="stop after this many seconds")
    ap.add_argument("--timeout", type=float, default=10.0, help="a request slower than this counts as a time-out")
    ap.add_argument("--search", type=float, default=0.3, help="share of requests that are searches")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--popularity", choices=["zipf", "uniform"], default="zipf",
                    help="how requests spread over the URLs: zipf (a few pages draw most visits) or uniform (every URL alike)")
    ap.add_argument("--urls", type=int, help="keep only this many page URLs and as many search URLs (drawn at random)")
    ap.add_argument("--slowest", type=int, default=20, help="list this many of the slowest requests")
    ap.add_argument("--routes", type=int, default=12, help="list the p99 of this many routes (the slowest)")
    ap.add_argument("--check", action="store_true", help="exit 1 unless the goals below are met")
    ap.add_argument("--min-rps", type=float, default=100.0)
    ap.add_argument("--max-p99", type=float, default=1.0, help="seconds")
    ap.add_argument("--max-single", type=float, default=2.0, help="seconds, for the slowest single request")
    args = ap.parse_args()
    if args.clients < 1 or args.requests < 1 or not 0 < args.duration <= 3600:
        ap.error("--clients and --requests must be at least 1, --duration between 0 and 3600 s")

    rng = random.Random(args.seed)
    pages, searches = url_pool(args.db, rng)
    if args.urls:
        pages = rng.sample(pages, min(args.urls, len(pages)))
        searches = rng.sample(searches, min(args.urls, len(searches)))
    proc = None
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            ap.error("--url must be a loopback address: this script is a load test, not a tool for other people's servers")
        host, port = parts.hostname, parts.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        proc = start_server(args.db, port, args.workers)
    try:
        load = os.getloadavg()[0]
        print(f"{len(pages)} page URLs, {len(searches)} search URLs, {args.popularity} popularity; {args.clients} clients, "
              f"{args.workers} server process(es), at most {args.requests} requests or {args.duration:.0f} s; {args.search:.0%} searches; "
              f"load average before: {load:.1f} on {os.cpu_count()} CPUs", flush=True)
        server_cpu = cpu_seconds(proc.pid) if proc else 0.0
        client_cpu = time.process_time()
        run = asyncio.run(run_load(host, port, pages, searches, args.clients, args.requests, args.duration, args.timeout, args.search,
                                   args.seed, args.popularity))
        summary = summarize(run, args.slowest)
        summary["distinct"] = len({r[1] for r in run["results"]})
        report(summary, "load", args.routes)
        print(f"{summary['distinct']} distinct URLs requested; load average after: {os.getloadavg()[0]:.1f}")
        if proc is not None:
            used = cpu_seconds(proc.pid) - server_cpu
            print(f"server CPU: {used:.1f} s over {summary['elapsed']:.1f} s ({used / summary['elapsed']:.0%} of one core), "
                  f"{used / max(1, summary['requests']) * 1000:.1f} ms per request; this client: {time.process_time() - client_cpu:.1f} s")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.check:
        failed = []
        if summary["rps"] < args.min_rps:
            failed.append(f"throughput {summary['rps']:.1f} < {args.min_rps} requests/s")
        if summary["all"]["p99"] > args.max_p99:
            failed.append(f"p99 {summary['all']['p99']:.3f} s > {args.max_p99} s")
        if summary["all"]["max"] > args.max_single:
            failed.append(f"slowest request {summary['all']['max']:.3f} s > {args.max_single} s")
        if summary["timeouts"] or summary["errors_5xx"] or summary["connection_errors"]:
            failed.append(f"{summary['timeouts']} time-outs, {summary['errors_5xx']} 5xx, {summary['connection_errors']} connection errors")
        print("goals: " + ("met" if not failed else "MISSED: " + "; ".join(failed)))
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
