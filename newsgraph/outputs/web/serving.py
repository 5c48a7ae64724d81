"""How the web app answers many clients on a large store.

- Readers: a few worker threads, each with its own read-only connection; a page is computed inside
  one read transaction, so it sees one state of the database even while a build writes.
- Pages: each answer is kept, keyed by its parameters, until the database changes (any commit by
  another connection, seen through `PRAGMA data_version`), in a cache bounded in bytes; identical
  requests that arrive while it is being computed wait for that one computation.
- Budgets and cancellation: a computation stops (SQLite's progress handler interrupts its query)
  when it runs over its budget of CPU time or when every client waiting for it has disconnected.
- Guard: an ASGI middleware in front of everything: answers HEAD like GET without a body, refuses
  oversized URLs and (when told which) unknown Host headers, and sets the security headers.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from newsgraph.store.queries.snapshot import begin_read, data_version, end_read
from newsgraph.store.sqlite import open_store

CHECK_EVERY = 2_000  # SQLite virtual-machine steps between two looks at the budget and the cancel flag


class ClientGone(Exception):
    """Every client waiting for a computation has disconnected; it was stopped."""


class OverBudget(Exception):
    """A computation ran over its time budget and was stopped."""


class Readers:
    """Worker threads with one read-only connection each; `run(fn, ...)` calls `fn(conn)` in one read transaction."""

    def __init__(self, db_path: str, threads: int = 4):
        self.db_path = db_path
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsgraph-page")
        self.local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = open_store(self.db_path, readonly=True).conn
            self.local.cancel, self.local.deadline = None, None
            conn.set_progress_handler(self._should_stop, CHECK_EVERY)
            with self._lock:
                self._all.append(conn)
        return conn

    def _should_stop(self) -> int:
        cancel, deadline = self.local.cancel, self.local.deadline
        if cancel is not None and cancel.is_set():
            return 1
        return 1 if deadline is not None and time.thread_time() > deadline else 0

    def call(self, fn: Callable[[sqlite3.Connection], object], cancel: threading.Event | None, budget: float | None):
        """In a worker thread: `fn(conn)` in one read transaction, stopped by `cancel` or after `budget` seconds of this
        thread's CPU time (work done, not time spent waiting for a CPU on a busy machine)."""
        conn = self.connection()
        self.local.cancel = cancel
        self.local.deadline = time.thread_time() + budget if budget else None
        try:
            begin_read(conn)
            return fn(conn)
        except sqlite3.OperationalError as exc:
            if cancel is not None and cancel.is_set():
                raise ClientGone() from None
            if self.local.deadline is not None and time.thread_time() > self.local.deadline and "interrupt" in str(exc):
                raise OverBudget() from None
            raise
        finally:
            self.local.cancel = self.local.deadline = None
            end_read(conn)

    async def run(self, fn: Callable[[sqlite3.Connection], object], cancel: threading.Event | None = None, budget: float | None = None):
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.call, fn, cancel, budget)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()


@dataclass
class Answer:
    """A finished response body, as cached."""

    body: bytes
    media_type: str
    status: int = 200


@dataclass
class _Flight:
    future: asyncio.Future
    generation: int
    cancel: threading.Event = field(default_factory=threading.Event)
    waiters: int = 0


class Pages:
    """Answers keyed by parameters, valid for one database generation, computed once however many ask at once."""

    def __init__(self, db_path: str, readers: Readers, max_bytes: int = 64 * 1024 * 1024):
        self.readers = readers
        self.max_bytes = max_bytes
        self._watch = open_store(db_path, readonly=True).conn  # used from the event loop only
        self._seen = self._data_version()
        self.generation = 0
        self._cache: OrderedDict[tuple, tuple[int, Answer]] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple, _Flight] = {}
        self.computed = 0  # computations started (for tests and the load report)

    def _data_version(self) -> int:
        return data_version(self._watch)

    def check(self) -> int:
        """The current generation: bumped (and the cache emptied) when another connection committed since the last look."""
        seen = self._data_version()
        if seen != self._seen:
            self._seen = seen
            self.generation += 1
            self._cache.clear()
            self._bytes = 0
        return self.generation

    def peek(self, key: tuple) -> Answer | None:
        """The cached answer for `key` if the database has not changed since it was computed."""
        generation = self.check()
        hit = self._cache.get(key)
        if hit is not None and hit[0] == generation:
            self._cache.move_to_end(key)
            return hit[1]
        return None

    async def get(self, key: tuple, compute: Callable[[sqlite3.Connection], Answer], receive=None, budget: float | None = 30.0) -> Answer:
        """The answer for `key`: from the cache, from a computation already under way, or computed now.

        `receive` is the request's ASGI receive: while waiting, a disconnect of this client is noticed,
        and a computation nobody waits for any more is stopped.
        """
        hit = self.peek(key)
        if hit is not None:
            return hit
        generation = self.generation
        flight = self._flights.get(key)
        if flight is None or flight.generation != generation or flight.cancel.is_set():
            flight = self._start(key, compute, generation, budget)
        flight.waiters += 1
        try:
            return await _unless_gone(asyncio.shield(flight.future), receive)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.future.done():
                flight.cancel.set()

    def _start(self, key: tuple, compute, generation: int, budget: float | None) -> _Flight:
        loop = asyncio.get_running_loop()
        flight = _Flight(loop.create_future(), generation)
        self._flights[key] = flight
        self.computed += 1

        async def fly() -> None:
            try:
                answer = await self.readers.run(compute, flight.cancel, budget)
            except BaseException as exc:  # noqa: BLE001 - handed to every waiter
                if not flight.future.done():
                    flight.future.set_exception(exc)
                    flight.future.exception()  # marked retrieved: a flight all clients left raises to nobody
            else:
                self._store(key, generation, answer)
                if not flight.future.done():
                    flight.future.set_result(answer)
            finally:
                if self._flights.get(key) is flight:
                    del self._flights[key]

        loop.create_task(fly())
        return flight

    def _store(self, key: tuple, generation: int, answer: Answer) -> None:
        if generation != self.generation or answer.status != 200 or len(answer.body) > self.max_bytes // 8:
            return
        old = self._cache.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1].body)
        self._cache[key] = (generation, answer)
        self._bytes += len(answer.body)
        while self._bytes > self.max_bytes and self._cache:
            _, (_, dropped) = self._cache.popitem(last=False)
            self._bytes -= len(dropped.body)

    def close(self) -> None:
        self._watch.close()


async def _unless_gone(awaitable, receive):
    """Await `awaitable`; raise ClientGone if the client disconnects first."""
    if receive is None:
        return await awaitable

    async def gone() -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return

    watcher = asyncio.ensure_future(gone())
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        watcher.cancel()
        task.cancel()
        raise
    if task in done:
        watcher.cancel()
        return task.result()
    task.cancel()
    raise ClientGone()


def wants_json(path: str, accept: str) -> bool:
    """A page's JSON twin is asked for by a `.json` path or by `Accept: application/json` (first)."""
    return path.endswith(".json") or accept.split(",")[0].strip().startswith("application/json")


def page_key(scope, json: bool) -> tuple:
    """What an answer depends on: the path, the query string as sent, and the format."""
    return (scope["path"], scope.get("query_string", b"").decode("latin-1"), json)


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class Guard:
    """ASGI middleware: HEAD as GET without a body, URL length and Host checks, security headers on every answer."""

    def __init__(self, app, csp: str, allowed_hosts: list[str] | None = None, max_url: int = 16_384,
                 cached: Callable[[tuple], Answer | None] | None = None):
        self.app = app
        self.csp = csp.encode()
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
        self.max_url = max_url
        self.cached = cached  # answers already computed go out from here, without routing and validation again

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", self.csp),
        ]
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b"")) > self.max_url:
            return await _plain(send, 414, b"URI too long", headers)
        if self.allowed is not None and _host(scope) not in self.allowed:
            return await _plain(send, 400, b"Invalid host header", headers)
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")

        async def guarded_send(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message, headers=list(message.get("headers", [])) + [(k, v) for k, v in headers if k not in names])
            elif head and message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        if self.cached is not None and not scope["path"].startswith("/static/"):
            hit = self.cached(page_key(scope, wants_json(scope["path"], _header(scope, b"accept"))))
            if hit is not None:
                await guarded_send({"type": "http.response.start", "status": hit.status, "headers": [
                    (b"content-type", hit.media_type.encode() + (b"; charset=utf-8" if hit.media_type.startswith("text/") else b"")),
                    (b"content-length", str(len(hit.body)).encode())]})
                await guarded_send({"type": "http.response.body", "body": hit.body})
                return
        await self.app(scope, receive, guarded_send)


def _host(scope) -> str:
    host = _header(scope, b"host").strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _plain(send, status: int, body: bytes, headers: list) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())] + headers})
    await send({"type": "http.response.body", "body": body})
