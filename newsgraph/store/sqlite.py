"""The SQLite store: WAL mode, named migrations, one transaction per document.

All writes go through ``Store``; all reads for the CLI, export, report and web
go through ``newsgraph.store.queries`` on ``Store.conn``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from newsgraph.errors import DatabaseError, DiskFull, SchemaError
from newsgraph.model import DocumentAnalysis, Skipped, read_from_file


def keys_table(conn: sqlite3.Connection, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> str:
    """The temporary table `name` (`columns`, each "name TYPE"), holding `rows` and nothing else: a set of keys
    (documents, signatures, edges) a corpus-step query joins against, instead of a long IN list. Returns its
    qualified name."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({', '.join(columns)})")
    conn.execute(f"DELETE FROM temp.{name}")
    conn.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES ({', '.join('?' * len(columns))})", rows)
    return f"temp.{name}"


def document_rows(conn: sqlite3.Connection, size: int, columns: str, where: str = "1", params: tuple = (),
                  first: int | None = None) -> Iterator[list[tuple]]:
    """`columns` (the first being `id`) of the documents matching `where` (with `params`), in id order, `size` at a
    time (the first page `first`, when given); each page is read when the one before is done, after its last id (so a
    step may change the documents of a page, even whether they match, before the next is read)."""
    last, n = "", size if first is None else first
    while True:
        page = conn.execute(f"SELECT {columns} FROM documents WHERE ({where}) AND id > ? ORDER BY id LIMIT ?",
                            (*params, last, n)).fetchall()
        if not page:
            return
        yield page
        last, n = page[-1][0], size


def document_pages(conn: sqlite3.Connection, size: int, where: str = "1", first: int | None = None) -> Iterator[list[str]]:
    """The ids of the documents matching `where`, paged as `document_rows` pages them."""
    for page in document_rows(conn, size, "id", where, first=first):
        yield [r[0] for r in page]


def migrations() -> list[tuple[str, str]]:
    """(name, sql) of every migration shipped with newsgraph, in the order they apply."""
    folder = resources.files("newsgraph.store") / "migrations"
    files = sorted(p for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(p.name[: -len(".sql")], p.read_text(encoding="utf-8")) for p in files]


def _connect(path: str | Path, readonly: bool) -> sqlite3.Connection:
    """A connection with newsgraph's settings; every way opening can fail becomes a DatabaseError.

    Reading opens with ``mode=rw`` and ``query_only``: a ``mode=ro`` connection may not remove the
    ``-wal``/``-shm`` files SQLite makes for a WAL database, so every reading command left them
    (empty) beside the database; the last connection with write access removes them when it
    closes. A reader who may not write the database or its folder (a read-only user, a read-only
    mount) opens with ``mode=ro``; when SQLite cannot make those files for it and no write-ahead log
    is pending, the file is then opened ``immutable`` (nothing can be writing it: a writer would
    have left a ``-wal`` file).
    """
    p = Path(path)
    if p.is_dir():
        raise DatabaseError(f"{str(path)!r} is a folder, not a database file")
    try:
        if readonly:
            if p.stat().st_size == 0:
                raise DatabaseError(
                    f"{str(path)!r} is an empty file (0 bytes), not a newsgraph database: "
                    f"`newsgraph build PATH --db {path}` makes one there")
            conn = _open_readonly(p)
        else:
            _check_writable(p)
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            _configure(conn, readonly=False)
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, str(path)) from None
    except OSError as exc:
        raise DatabaseError(f"cannot open database {str(path)!r}: {exc.strerror or exc}") from None
    return conn


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()


def _open_readonly(p: Path) -> sqlite3.Connection:
    uri = p.resolve().as_uri()
    if _may_write(p):
        try:
            conn = sqlite3.connect(uri + "?mode=rw", uri=True, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA query_only = ON")
            _configure(conn, readonly=True)
            return conn
        except sqlite3.OperationalError:
            pass  # the permissions said yes, the file system no (an immutable file, a squashed network share)
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
        _configure(conn, readonly=True)
        return conn
    except sqlite3.OperationalError as exc:
        wal = Path(str(p) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise DatabaseError(
                f"cannot read {str(p)!r}: its write-ahead log holds changes not yet in the database, and this user may "
                "not write its folder to read them; run any newsgraph command on it as its owner once, or copy the "
                f"folder somewhere writable ({exc})") from None
    conn = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, check_same_thread=False, isolation_level=None)
    _configure(conn, readonly=True)
    return conn


def _may_write(p: Path) -> bool:
    """Whether this process may write the database `p` (when it exists) and create files beside it (what WAL needs)."""
    folder = p.resolve().parent
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        return False
    try:
        return not (os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):
        return True


def _check_writable(p: Path) -> None:
    folder = p.resolve().parent
    if not folder.is_dir():
        raise DatabaseError(f"cannot create database {str(p)!r}: no folder {str(folder)!r}")
    if not _may_write(p):
        raise DatabaseError(f"cannot write database {str(p)!r}: it or its folder is read-only for this user")


_FULL, _CORRUPT, _NOTADB, _READONLY, _CANTOPEN, _BUSY, _IOERR = 13, 11, 26, 8, 14, 5, 10


def database_error(exc: sqlite3.Error, where: str = "the database") -> Exception:
    """The user-facing error for an SQLite error (DatabaseError, or DiskFull when the disk is full)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if code == _FULL or "database or disk is full" in text:
        return DiskFull(f"no space left on the device holding {where}: the step in progress was undone; free some "
                        "space and run the same command again (finished documents are kept)")
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return DatabaseError(f"{where} is damaged or not an SQLite database ({text}): rebuild it, or restore a copy")
    if code == _READONLY or "readonly database" in text:
        return DatabaseError(f"cannot write {where}: it is read-only for this user ({text})")
    if code == _BUSY or "database is locked" in text:
        return DatabaseError(f"{where} is busy: another newsgraph command is writing it ({text}); try again when it ends")
    if code == _IOERR:
        return DatabaseError(f"disk error reading or writing {where} ({text}): is the disk full or failing?")
    return DatabaseError(f"cannot use {where}: {text}")


_CHECKED: dict[tuple, bool] = {}


def check_integrity(conn: sqlite3.Connection, path: str) -> None:
    """PRAGMA quick_check once per version of the file in this process; damage is a DatabaseError.

    A page that no query of a command happens to read would otherwise go unnoticed (`stats`
    printed counts from a damaged file); the web app opens many connections, checked once.
    """
    try:
        st = os.stat(path)
        key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and _CHECKED.get(key):
        return
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        raise database_error(exc, repr(path)) from None
    if rows != ["ok"]:
        raise DatabaseError(f"{path!r} is damaged ({'; '.join(rows)[:300]}): rebuild it, or restore a copy")
    if key is not None:
        _CHECKED[key] = True


def refuse_foreign(db: str | Path) -> None:
    """Refuse to write newsgraph tables into an SQLite file that holds something else (or is no SQLite file)."""
    path = Path(db)
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{str(db)!r} is not a newsgraph database ({exc}); choose another --db") from None
    if tables and "_migrations" not in tables:
        raise DatabaseError(f"{str(db)!r} is an SQLite database of something else ({len(tables)} tables, none of newsgraph's): "
                            "newsgraph will not write into it; choose another --db")


class Store:
    """A newsgraph knowledge base in one SQLite file."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        if readonly and not Path(path).exists():
            raise DatabaseError(f"no database at {str(path)!r}: run `newsgraph build` first")
        self.conn = _connect(path, readonly)
        try:
            if not readonly:
                if self.applied_migrations():
                    check_integrity(self.conn, self.path)  # never write more into a damaged file
                self.migrate()
            else:
                self._check_readable()
                check_integrity(self.conn, self.path)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise database_error(exc, repr(self.path)) from None
        except BaseException:
            self.conn.close()
            raise

    # --- schema --------------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        has = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").fetchone()
        if not has:
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks, each in its own transaction; returns their names."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT DEFAULT (datetime('now')))")
        done = set(self.applied_migrations())
        known = migrations()
        unknown = done - {name for name, _ in known}
        if unknown:
            raise SchemaError(f"database {self.path!r} was written by a newer newsgraph (migrations {sorted(unknown)})")
        applied = []
        for name, sql in known:
            if name in done:
                continue
            with self.transaction():
                # Another process may have applied it while this one waited for the write lock.
                if self.conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
            applied.append(name)
        return applied

    def _check_readable(self) -> None:
        known = {name for name, _ in migrations()}
        done = set(self.applied_migrations())
        if not done:
            raise DatabaseError(f"{self.path!r} is not a newsgraph database")
        if done - known:
            raise SchemaError(f"database {self.path!r} was written by a newer newsgraph")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: committed whole or, on any error or interrupt, rolled back whole.

        Re-entrant: inside an open transaction it joins it, so corpus steps can be composed.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # --- documents -----------------------------------------------------------------------------
    def source(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()

    def document_pipeline(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT pipeline FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document_path(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT path FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def touch_source(self, path: str, doc_id: str, size: int | None, mtime_ns: int | None) -> None:
        """Point `path` at `doc_id`; a document no path points at any more is deleted."""
        with self.transaction():
            self._point(path, doc_id, size, mtime_ns)

    def _point(self, path: str, doc_id: str, size: int | None, mtime_ns: int | None) -> None:
        old = self.conn.execute("SELECT doc FROM sources WHERE path = ?", (path,)).fetchone()
        self.conn.execute(
            "INSERT OR REPLACE INTO sources(path, doc, size, mtime_ns) VALUES (?, ?, ?, ?)", (path, doc_id, size, mtime_ns)
        )
        self.conn.execute("DELETE FROM skipped WHERE path = ?", (path,))
        if old and old[0] != doc_id:
            self._drop_if_orphan(old[0])

    def _drop_if_orphan(self, doc_id: str) -> None:
        if not self.conn.execute("SELECT 1 FROM sources WHERE doc = ?", (doc_id,)).fetchone():
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._corpus_changed()

    def _corpus_changed(self) -> None:
        """Mark the corpus step as owed: it runs again before the build ends (or on the next build, if this one dies)."""
        self.conn.execute("DELETE FROM meta WHERE key = 'resolved'")

    def forget_source(self, path: str) -> bool:
        """Stop following `path`; its document goes when no other path holds it. True if the path was known."""
        with self.transaction():
            old = self.conn.execute("SELECT doc FROM sources WHERE path = ?", (path,)).fetchone()
            self.conn.execute("DELETE FROM sources WHERE path = ?", (path,))
            self.conn.execute("DELETE FROM skipped WHERE path = ?", (path,))
            if old:
                self._drop_if_orphan(old[0])
        return old is not None

    def source_paths(self, under: str) -> list[str]:
        """Known input paths equal to `under`, inside it as a folder, or records of it (`file.jsonl#3`); under "."
        (the database's own folder, ``ingest.stored_path``), every relative one."""
        rows = self.conn.execute("SELECT path FROM sources UNION SELECT path FROM skipped").fetchall()
        if under == ".":
            return sorted(r[0] for r in rows if read_from_file(r[0]) and not os.path.isabs(r[0]))
        folder = under.rstrip("/\\") + "/"
        return sorted(
            r[0] for r in rows
            if r[0] == under or r[0].startswith(folder) or r[0].startswith(under + "#")
        )

    def file_inputs(self) -> list[tuple[str, int | None, int | None]]:
        """(path, size, mtime_ns) of the inputs read from files (records included), skipped ones (no size) too."""
        rows = self.conn.execute("SELECT path, size, mtime_ns FROM sources UNION ALL "
                                 "SELECT path, NULL, NULL FROM skipped WHERE path NOT IN (SELECT path FROM sources)").fetchall()
        return [(r[0], r[1], r[2]) for r in rows if read_from_file(r[0])]

    def rename_input(self, old: str, new: str) -> None:
        """Store the input `old` as `new`: its source row, its skip, and the path of the document read from it."""
        with self.transaction():
            if self.conn.execute("SELECT 1 FROM sources WHERE path = ?", (new,)).fetchone():
                return  # already known by its new name: the old row is left for the build to judge
            self.conn.execute("UPDATE sources SET path = ? WHERE path = ?", (new, old))
            self.conn.execute("UPDATE OR REPLACE skipped SET path = ? WHERE path = ?", (new, old))
            self.conn.execute("UPDATE documents SET path = ? WHERE path = ?", (new, old))

    def document_ids(self) -> dict[str, str]:
        """Every stored document: id -> path."""
        return {row[0]: row[1] for row in self.conn.execute("SELECT id, path FROM documents")}

    def entity_ids(self) -> set[str]:
        """Every entity id in use."""
        return {row[0] for row in self.conn.execute("SELECT id FROM entities")}

    def same_metadata(self, a) -> bool:
        """Whether the stored document with `a`'s id has the metadata `a` brings (a published date only if given)."""
        row = self.conn.execute(
            "SELECT path, title, outlet, url, published FROM documents WHERE id = ?", (a.id,)
        ).fetchone()
        if row is None:
            return False
        published_same = row["published"] == a.published if a.published else True
        return (row["path"], row["title"], row["outlet"], row["url"]) == (a.path, a.title, a.outlet, a.url) and published_same

    def corpus_fingerprint(self) -> str:
        """What the corpus step's result depends on: the documents, the code that made them, the user's overrides."""
        import hashlib

        h = hashlib.sha256()
        for row in self.conn.execute("SELECT id, pipeline FROM documents ORDER BY id"):
            h.update(f"{row[0]}:{row[1]};".encode())
        for row in self.conn.execute("SELECT action, a, COALESCE(b, '') FROM overrides ORDER BY id"):
            h.update(f"{row[0]}:{row[1]}:{row[2]};".encode())
        return h.hexdigest()

    def _overrides_digest(self) -> str:
        import hashlib

        rows = self.conn.execute("SELECT action, a, COALESCE(b, '') FROM overrides ORDER BY id").fetchall()
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    def corpus_delta(self) -> tuple[set[str], int, int] | None:
        """The documents added since the last corpus step, how many documents the last full one saw and how many
        there are now; None when
        only a full step will do: none finished yet, or a document was deleted or replaced since (a trigger drops
        the mark), or the user's overrides changed."""
        full = self.get_meta("resolved_full")
        if full is None or self.get_meta("resolved_overrides") != self._overrides_digest():
            return None
        added = {r[0] for r in self.conn.execute(
            "SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM resolved_documents r WHERE r.id = d.id)")}
        return added, int(full), self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def mark_resolved(self, fingerprint: str, full: bool) -> None:
        """The corpus step is done for the documents now in the store (inside the step's transaction)."""
        c = self.conn
        if full:
            c.execute("DELETE FROM resolved_documents")
        c.execute("INSERT OR IGNORE INTO resolved_documents(id) SELECT id FROM documents")
        if full:
            self.set_meta("resolved_full", str(c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]))
        self.set_meta("resolved_overrides", self._overrides_digest())
        self.set_meta("resolved", fingerprint)

    def add_override(self, action: str, a: str, b: str | None) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO overrides(action, a, b) VALUES (?, ?, ?)", (action, a, b))
            self._corpus_changed()

    @contextmanager
    def writer_lock(self, on_wait=None) -> Iterator[None]:
        """Hold the database's writer lock for a whole build: a second build on it waits (after `on_wait()`) until this ends.

        SQLite serializes single transactions, not a build's many; two interleaved builds could
        each skip the other's corpus step. The lock is a file beside the database (never the
        database itself: closing another descriptor of it would drop SQLite's own locks).
        """
        try:
            import fcntl
        except ImportError:  # not POSIX: builds are not serialized there
            yield
            return
        with open(self.path + ".lock", "a+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def record_skipped(self, skipped: Iterable[Skipped]) -> None:
        with self.transaction():
            for s in skipped:
                self.conn.execute(
                    "INSERT OR REPLACE INTO skipped(path, code, reason, at) VALUES (?, ?, ?, datetime('now'))",
                    (s.path, s.code, s.reason),
                )

    def write_document(
        self, analysis: DocumentAnalysis, pipeline: str, size: int | None = None, mtime_ns: int | None = None
    ) -> None:
        """Replace everything known about one document, atomically."""
        a = analysis.article
        c = self.conn
        with self.transaction():
            c.execute("DELETE FROM documents WHERE id = ?", (a.id,))
            published, inferred = (a.published, 0) if a.published else (analysis.published_guess, 1 if analysis.published_guess else 0)
            c.execute(
                """INSERT INTO documents(id, path, title, outlet, url, published, published_inferred, author, language,
                   encoding, format, notes, sha256, text, words, pipeline) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (a.id, a.path, a.title, a.outlet, a.url, published, inferred, a.author, a.language, a.encoding,
                 a.format, json.dumps(list(a.notes)), _sha256(a.text), a.text, analysis.words, pipeline),
            )
            c.executemany(
                "INSERT INTO sentences(doc, idx, start, end) VALUES (?,?,?,?)",
                [(a.id, i, s.start, s.end) for i, s in enumerate(analysis.sentences)],
            )
            c.executemany(
                """INSERT INTO mentions(doc, idx, start, end, text, label, name, key, sentence, kind, place, refers_to,
                   link_reason, role, form) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                [(a.id, i, m.start, m.end, m.text, m.label, m.name, m.key, m.sentence, m.kind, m.place, m.refers_to,
                  m.link_reason, m.role, m.form) for i, m in enumerate(analysis.mentions)],
            )
            c.executemany(
                "INSERT INTO local_mentions(doc, idx, start, end, text, sentence, form, chain, reason) VALUES (?,?,?,?,?,?,?,?,?)",
                [(a.id, i, m.start, m.end, m.text, m.sentence, m.form, m.chain, m.reason)
                 for i, m in enumerate(getattr(analysis, "local_mentions", None) or [])],
            )
            c.executemany(
                "INSERT INTO amounts(doc, idx, start, end, text, value, unit, kind, sentence) VALUES (?,?,?,?,?,?,?,?,?)",
                [(a.id, i, x.start, x.end, x.text, x.value, x.unit, x.kind, x.sentence) for i, x in enumerate(analysis.amounts)],
            )
            c.executemany(
                "INSERT INTO times(doc, idx, start, end, text, value, granularity, anchor, sentence, type, timex) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(a.id, i, t.start, t.end, t.text, t.value, t.granularity, t.anchor, t.sentence, t.type, t.timex)
                 for i, t in enumerate(analysis.times)],
            )
            if analysis.events:
                # one statement per table, not three per event; the rows and their order are as before
                c.executemany(
                    """INSERT INTO events(doc, idx, start, end, trigger, predicate, type, sentence, time, negated, modality)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                    [(a.id, i, ev.start, ev.end, ev.trigger, ev.predicate, ev.type, ev.sentence, ev.time, int(ev.negated),
                      ev.modality) for i, ev in enumerate(analysis.events)],
                )
                ids = [row[0] for row in c.execute("SELECT id FROM events WHERE doc = ? ORDER BY idx", (a.id,))]
                participants, amounts = [], []
                for eid, ev in zip(ids, analysis.events):
                    parts = list(ev.participants) + ([ev.source] if ev.source else [])
                    participants.extend((eid, p.role if p is not ev.source else "source", p.start, p.end, p.text, p.mention)
                                        for p in parts)
                    amounts.extend((eid, k) for k in ev.amounts)
                c.executemany("INSERT INTO event_participants(event, role, start, end, text, mention) VALUES (?,?,?,?,?,?)",
                              participants)
                c.executemany("INSERT INTO event_amounts(event, amount) VALUES (?,?)", amounts)
            c.executemany(
                """INSERT INTO quotes(doc, idx, start, end, text, kind, cue, speaker_start, speaker_end, speaker_text,
                   speaker_mention, sentence, attribution, source_start, source_end, source_text, cue_start, cue_end, parts,
                   affiliation_mention) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                [(a.id, i, q.start, q.end, q.text, q.kind, q.cue, *_speaker(q.speaker), q.sentence, q.attribution,
                  q.source_start, q.source_end, q.source_text, q.cue_start, q.cue_end,
                  json.dumps([list(p) for p in q.parts]) if q.parts else None, q.affiliation)
                 for i, q in enumerate(analysis.quotes)],
            )
            c.executemany(
                """INSERT INTO descriptors(doc, idx, start, end, text, head, mention, polarity, voice, speaker_start,
                   speaker_end, speaker_text, speaker_mention, sentence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                [(a.id, i, d.start, d.end, d.text, d.head, d.mention, d.polarity, d.voice, *_speaker(d.speaker), d.sentence)
                 for i, d in enumerate(analysis.descriptors)],
            )
            c.executemany(
                """INSERT INTO techniques(doc, idx, start, end, text, technique, engine, score, target, sentence)
                   VALUES (?,?,?,?,?,?,?,?,?,?)""",
                [(a.id, i, t.start, t.end, t.text, t.technique, t.engine, t.score, t.target, t.sentence)
                 for i, t in enumerate(analysis.techniques)],
            )
            self._point(a.path, a.id, size, mtime_ns)
            self._corpus_changed()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _speaker(p) -> tuple:
    return (p.start, p.end, p.text, p.mention) if p else (None, None, None, None)


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into statements (sqlite3.complete_statement knows where each one ends)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buf.splitlines()):
        yield buf


def open_store(path: str | Path, readonly: bool = False) -> Store:
    return Store(path, readonly=readonly)
