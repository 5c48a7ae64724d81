"""Reading inputs into Articles: files, folders, JSON lines, HTML pages, stdin, and a manifest of metadata.

``read_inputs`` yields one ``Input`` per path it meets: an ``Article`` to process,
or a ``Skipped`` with a one-line reason. It never raises for bad input.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from newsgraph.errors import InputError
from newsgraph.ingest.files import read_capped, walk
from newsgraph.ingest.readers import READERS, Problem, decode_noted, detect_language, plain_title, read_html, without_surrogates
from newsgraph.model import Article, Skipped, read_from_file

MAX_BYTES = 5 * 1024 * 1024  # a news article is rarely over 100 KB; larger inputs are reported, not read
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
METADATA = ("title", "outlet", "url", "published", "author")


@dataclass(frozen=True, slots=True)
class Input:
    """One unit read from the inputs, with what is needed to tell whether it changed since the last build."""

    path: str
    article: Article | None
    skipped: Skipped | None
    size: int | None = None
    mtime_ns: int | None = None


def content_id(text: str) -> str:
    """Stable document id: the first 16 hex digits of the SHA-256 of the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_manifest(path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """Metadata by file path from a CSV with a `path` column (paths relative to the manifest's folder)."""
    base = Path(path).resolve().parent
    out: dict[str, dict[str, str]] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "path" not in [f.strip() for f in reader.fieldnames]:
                raise InputError(f"manifest {path}: no `path` column in its first line (columns: path,outlet,published,url,title)")
            for row in reader:
                p = (row.get("path") or "").strip()
                if not p:
                    continue
                meta = {k: (row.get(k) or "").strip() for k in METADATA if (row.get(k) or "").strip()}
                out[str((base / p).resolve())] = meta
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"manifest {path} cannot be read: {exc}") from None
    return out


def stored_path(path: str, base: str) -> str:
    """The name a file input is stored under: its path relative to the database's folder `base` when it lies in
    it, else its absolute path (stdin and URLs as they are).

    Stored as given, a relative path named a different file from each working directory: a folder of the same
    name built into the same database from elsewhere made the first one's files look deleted, and their documents
    were forgotten. Relative to the database, the usual build (`build articles/` beside `newsgraph.db`) stores
    the names it always did."""
    if not read_from_file(path):
        return path
    full = os.path.abspath(path)
    # the folders resolved (a database or a corpus reached through a linked folder is where it lies), the file's
    # own name kept (a linked file inside a corpus stays an input of its own)
    full = os.path.join(_real_folder(os.path.dirname(full)), os.path.basename(full))
    inside = os.path.relpath(full, _real_folder(base))
    return full if inside == os.pardir or inside.startswith(os.pardir + os.sep) else inside


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def local_path(stored: str, base: str) -> str:
    """Where the input stored as `stored` (``stored_path``) is, for this process to open."""
    if not read_from_file(stored) or os.path.isabs(stored):
        return stored
    return os.path.join(_real_folder(base), stored)


def _wanted(name: str) -> bool:
    suffix = os.path.splitext(name)[1]
    return suffix.lower() in SUFFIXES or suffix == ""


def input_files(paths: Iterable[str], follow_links: bool = False) -> Iterator[str]:
    """The paths a build of `paths` meets, in reading order ("-" for stdin), without reading them (for a progress total)."""
    for found in walk(paths, _wanted, follow_links):
        yield found.path


def read_inputs(
    paths: Iterable[str],
    manifest: dict[str, dict[str, str]] | None = None,
    outlet: str | None = None,
    max_bytes: int = MAX_BYTES,
    unchanged=None,
    follow_links: bool = False,
) -> Iterator[Input]:
    """Every input found under `paths`, read and checked.

    `unchanged(path, size, mtime_ns)` may say a file is known and unchanged; it is then
    yielded with neither article nor skipped and not read at all. Nothing here raises for
    bad input: every problem becomes a ``Skipped`` with its reason (see ingest.files for
    which paths are opened at all).
    """
    manifest = manifest or {}
    for found in walk(paths, _wanted, follow_links):
        shown = found.shown
        if found.problem is not None:
            yield Input(shown, None, Skipped(shown, found.problem.code, found.problem.reason))
            continue
        try:
            yield from _read_one(found, manifest, outlet, max_bytes, unchanged)
        except RecursionError:
            yield Input(shown, None, Skipped(shown, "nested", "nested too deeply to read"))
        except Exception as exc:  # noqa: BLE001 - one input may fail only itself; the build goes on
            yield Input(shown, None, Skipped(shown, "error", f"reading failed ({type(exc).__name__}: {exc}); please report this"))


def _read_one(found, manifest, outlet, max_bytes, unchanged) -> Iterator[Input]:
    shown = found.shown
    size = mtime = None
    if found.path != "-":
        try:
            st = os.stat(found.path)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            size, mtime = st.st_size, st.st_mtime_ns
            if unchanged is not None and unchanged(shown, size, mtime):
                yield Input(shown, None, None, size, mtime)
                return
    try:
        raw, size, mtime = read_capped(found, max_bytes)
    except Problem as p:
        yield Input(shown, None, Skipped(shown, p.code, p.reason), size, mtime)
        return
    notes = []
    if found.path == "-":
        shown = f"-#{hashlib.sha256(raw).hexdigest()[:16]}"  # each piped document is its own input
        meta = {"outlet": outlet} if outlet else {}
    else:
        if shown != found.path:
            notes.append("file name is not valid UTF-8: stored with \\xNN for its undecodable bytes")
        meta = dict(manifest.get(str(Path(found.path).resolve()), {}))
        if outlet and "outlet" not in meta:
            meta["outlet"] = outlet
    yield from _from_bytes(shown, raw, meta, size, mtime, notes)


def _from_bytes(path: str, raw: bytes, meta: dict, size, mtime, notes) -> Iterator[Input]:
    try:
        text, encoding, decode_notes = decode_noted(raw)
    except Problem as p:
        yield Input(path, None, Skipped(path, p.code, p.reason), size, mtime)
        return
    notes = [*notes, *decode_notes]
    suffix = os.path.splitext(path)[1].lower() if not path.startswith("-#") else ""
    if suffix in JSON_SUFFIXES or (path.startswith("-#") and text.lstrip()[:1] in ("{", "[")):
        yield from _json_records(path, text, encoding, meta, size, mtime, notes)
        return
    fmt = "html" if suffix in HTML_SUFFIXES or (suffix == "" and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))) else "text"
    yield _article_input(path, text, encoding, fmt, meta, size, mtime, notes)


def _article_input(path: str, text: str, encoding: str, fmt: str, meta: dict, size, mtime, notes=()) -> Input:
    notes = list(notes)
    if encoding not in ("utf-8", "ascii"):
        notes.append(f"not UTF-8: decoded as {encoding}")
    found: dict[str, str | None] = {}
    if fmt == "html":
        try:
            text, found = read_html(text)
        except Problem as p:
            return Input(path, None, Skipped(path, p.code, p.reason), size, mtime)
        except RecursionError:
            return Input(path, None, Skipped(path, "nested", "HTML nested too deeply to read"), size, mtime)
        except Exception as exc:  # noqa: BLE001 - a page the HTML parser cannot take costs that page only
            return Input(path, None, Skipped(path, "html", f"HTML page could not be parsed ({type(exc).__name__})"), size, mtime)
    text, lone = without_surrogates(text)
    if lone:
        notes.append(f"{lone} lone surrogate {'escape' if lone == 1 else 'escapes'} (not text) replaced with U+FFFD")
    if not text.strip():
        return Input(path, None, Skipped(path, "empty", "no text (empty or whitespace only)"), size, mtime)
    language = detect_language(text)
    if language != "en":
        return Input(path, None, Skipped(path, "language", f"language looks like {language!r}; only English is supported yet"), size, mtime)
    meta = {k: without_surrogates(v)[0] if isinstance(v, str) else v for k, v in meta.items()}
    found = {k: without_surrogates(v)[0] if isinstance(v, str) else v for k, v in found.items()}
    title = meta.get("title") or found.get("title") or (plain_title(text) if fmt == "text" else None)
    published = None
    for given in (meta.get("published"), found.get("published")):
        if given:
            published = iso_date(given)
            if published is None:
                notes.append(f"published date {given[:40]!r} is not a date: ignored")
            break
    article = Article(
        id=content_id(text),
        text=text,
        path=path,
        title=title,
        outlet=meta.get("outlet") or found.get("outlet"),
        url=meta.get("url") or found.get("url"),
        published=published,
        author=meta.get("author") or found.get("author"),
        language=language,
        encoding=encoding,
        format=fmt,
        notes=tuple(notes),
    )
    return Input(path, article, None, size, mtime)


def iso_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata value, or None when it is no real date (2019-13-45, 0000-00-00).

    Years before 1800 or after next year are refused too: no news item was published then.
    """
    if not value:
        return None
    value = str(value).strip()
    if len(value) > 100:
        return None
    parsed: date | None = None
    if len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-" and value[:4].isdigit():
        try:
            parsed = date.fromisoformat(value[:10])
        except ValueError:
            return None
    else:
        import dateparser

        try:
            stamp = dateparser.parse(value, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
        except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd strings; not a date then
            stamp = None
        parsed = stamp.date() if stamp else None
    if parsed is None or not 1800 <= parsed.year <= date.today().year + 1:
        return None
    return parsed.isoformat()


def _parse_json(text: str) -> tuple[object, Problem | None]:
    try:
        return json.loads(text), None
    except RecursionError:
        return None, Problem("nested", "JSON nested too deeply to read")
    except ValueError as exc:  # JSONDecodeError, and numbers too long to convert
        return None, Problem("json", f"not valid JSON ({getattr(exc, 'msg', None) or exc})")


def _json_records(path: str, text: str, encoding: str, meta: dict, size, mtime, notes=()) -> Iterator[Input]:
    """Articles from a JSON file (an object or a list) or from JSON lines, one per record.

    A file that is not one JSON value is read line by line, so one bad or deeply nested
    line costs that line only.
    """
    records: list[tuple[str, object]] = []
    whole, problem = _parse_json(text.strip())
    if problem is not None:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if len(lines) <= 1:
            yield Input(path, None, Skipped(path, problem.code, problem.reason), size, mtime)
            return
        for n, line in lines:
            value, bad = _parse_json(line)
            if bad is not None:
                reason = f"line {n} is {bad.reason[0].lower()}{bad.reason[1:]}" if bad.code == "json" else f"line {n}: {bad.reason}"
                yield Input(f"{path}#{n}", None, Skipped(f"{path}#{n}", bad.code, reason), size, mtime)
            else:
                records.append((f"{path}#{n}", value))
    elif isinstance(whole, list):
        records = [(f"{path}#{n}", rec) for n, rec in enumerate(whole, start=1)]
    else:
        records = [(path, whole)]
    for rpath, rec in records:
        if not isinstance(rec, dict):
            yield Input(rpath, None, Skipped(rpath, "json", "record is not a JSON object"), size, mtime)
            continue
        body = rec.get("text") or rec.get("content")
        if not isinstance(body, str) or not body.strip():
            yield Input(rpath, None, Skipped(rpath, "no-text", "record has no `text` or `content` string"), size, mtime)
            continue
        rmeta = dict(meta)
        for key, names in (("title", ("title",)), ("url", ("url", "link")), ("outlet", ("outlet", "source", "site")),
                           ("published", ("published", "date", "published_at")), ("author", ("author",))):
            for name in names:
                if isinstance(rec.get(name), str) and rec[name].strip() and key not in rmeta:
                    rmeta[key] = rec[name].strip()
        yield _article_input(rpath, body, encoding, "json", rmeta, size, mtime, notes)


def with_duplicates_marked(inputs: Iterable[Input], known: dict[str, str],
                           still_holds: Callable[[str], bool] | None = None) -> Iterator[Input]:
    """Report an article whose exact text another input already holds; `known` maps doc id -> path of the stored
    documents. `still_holds(path)` says whether a stored document's input still holds its text (asked only when an
    article's text is found stored under another path); when it does not, the article is that document's input
    now, not a copy. An earlier input of the same run always holds its text."""
    current: dict[str, str] = {}
    for item in inputs:
        a = item.article
        if a is not None:
            holder = current.get(a.id)
            if holder is None:
                holder = known.get(a.id)
                if holder is not None and still_holds is not None and holder != a.path and not still_holds(holder):
                    holder = None
            if holder is not None and holder != a.path:
                yield replace(item, article=None, skipped=Skipped(a.path, "duplicate", f"same text as {holder}"))
                continue
            current[a.id] = a.path
        yield item


__all__ = ["Input", "read_inputs", "load_manifest", "content_id", "with_duplicates_marked", "stored_path", "local_path",
           "MAX_BYTES", "READERS"]
