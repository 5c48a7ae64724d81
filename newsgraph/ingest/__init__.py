"""Reading inputs into Articles: files, folders, JSON lines, HTML pages, stdin, and a manifest of metadata.

``read_inputs`` yields one ``Input`` per path it meets: an ``Article`` to process,
or a ``Skipped`` with a one-line reason. It never raises for bad input.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from newsgraph.ingest.readers import READERS, Problem, decode, detect_language, plain_title, read_html
from newsgraph.model import Article, Skipped

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
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            p = (row.get("path") or "").strip()
            if not p:
                continue
            meta = {k: (row.get(k) or "").strip() for k in METADATA if (row.get(k) or "").strip()}
            out[str((base / p).resolve())] = meta
    return out


def _walk(paths: Iterable[str]) -> Iterator[str]:
    for given in paths:
        if given == "-":
            yield given
            continue
        p = Path(given)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.lower() == "manifest.csv":
                        continue
                    full = os.path.join(root, name)
                    if Path(name).suffix.lower() in SUFFIXES or Path(name).suffix == "":
                        yield full
        else:
            yield given


def input_files(paths: Iterable[str]) -> Iterator[str]:
    """The files a build of `paths` reads, in reading order ("-" for stdin), without reading them."""
    return _walk(paths)


def _stat(path: str) -> tuple[int | None, int | None]:
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return st.st_size, st.st_mtime_ns


def read_inputs(
    paths: Iterable[str],
    manifest: dict[str, dict[str, str]] | None = None,
    outlet: str | None = None,
    max_bytes: int = MAX_BYTES,
    unchanged=None,
) -> Iterator[Input]:
    """Every input found under `paths`, read and checked.

    `unchanged(path, size, mtime_ns)` may say a file is known and unchanged; it is then
    yielded with neither article nor skipped and not read at all.
    """
    manifest = manifest or {}
    for path in _walk(paths):
        if path == "-":
            raw = sys.stdin.buffer.read()
            yield from _from_bytes("-", raw, {"outlet": outlet} if outlet else {}, None, None, max_bytes)
            continue
        size, mtime = _stat(path)
        if size is None:
            yield Input(path, None, Skipped(path, "unreadable", "cannot read: no such file or permission denied"))
            continue
        if unchanged is not None and unchanged(path, size, mtime):
            yield Input(path, None, None, size, mtime)
            continue
        if size > max_bytes:
            yield Input(path, None, Skipped(path, "too-large", f"{size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)"), size, mtime)
            continue
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            yield Input(path, None, Skipped(path, "unreadable", f"cannot read: {exc.strerror or exc}"), size, mtime)
            continue
        meta = dict(manifest.get(str(Path(path).resolve()), {}))
        if outlet and "outlet" not in meta:
            meta["outlet"] = outlet
        yield from _from_bytes(path, raw, meta, size, mtime, max_bytes)


def _from_bytes(path: str, raw: bytes, meta: dict, size, mtime, max_bytes: int) -> Iterator[Input]:
    if len(raw) > max_bytes:
        yield Input(path, None, Skipped(path, "too-large", f"{len(raw):,} bytes is over the {max_bytes:,}-byte limit"), size, mtime)
        return
    try:
        text, encoding = decode(raw)
    except Problem as p:
        yield Input(path, None, Skipped(path, p.code, p.reason), size, mtime)
        return
    suffix = Path(path).suffix.lower()
    if suffix in JSON_SUFFIXES or (path == "-" and text.lstrip().startswith("{")):
        yield from _json_records(path, text, encoding, meta, size, mtime)
        return
    fmt = "html" if suffix in HTML_SUFFIXES or (suffix == "" and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))) else "text"
    yield _article_input(path, text, encoding, fmt, meta, size, mtime)


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
    if not text.strip():
        return Input(path, None, Skipped(path, "empty", "no text (empty or whitespace only)"), size, mtime)
    language = detect_language(text)
    if language != "en":
        return Input(path, None, Skipped(path, "language", f"language looks like {language!r}; only English is supported yet"), size, mtime)
    title = meta.get("title") or found.get("title") or (plain_title(text) if fmt == "text" else None)
    article = Article(
        id=content_id(text),
        text=text,
        path=path,
        title=title,
        outlet=meta.get("outlet") or found.get("outlet"),
        url=meta.get("url") or found.get("url"),
        published=_iso_date(meta.get("published") or found.get("published")),
        author=meta.get("author") or found.get("author"),
        language=language,
        encoding=encoding,
        format=fmt,
        notes=tuple(notes),
    )
    return Input(path, article, None, size, mtime)


def _iso_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata value, or None when it is not a date."""
    if not value:
        return None
    value = str(value).strip()
    if len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        return value[:10]
    import dateparser

    parsed = dateparser.parse(value, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date().isoformat() if parsed else None


def _json_records(path: str, text: str, encoding: str, meta: dict, size, mtime) -> Iterator[Input]:
    """Articles from a JSON file (an object or a list) or from JSON lines, one per record."""
    stripped = text.strip()
    records: list[tuple[str, object]] = []
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"{path}#{n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                yield Input(f"{path}#{n}", None, Skipped(f"{path}#{n}", "json", f"line {n} is not valid JSON ({exc.msg})"), size, mtime)
    else:
        if isinstance(whole, list):
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
        yield _article_input(rpath, body, encoding, "json", rmeta, size, mtime)


def with_duplicates_marked(inputs: Iterable[Input], known: dict[str, str]) -> Iterator[Input]:
    """Report an article whose exact text another input already holds; `known` maps doc id -> path."""
    for item in inputs:
        a = item.article
        if a is not None:
            holder = known.get(a.id)
            if holder is not None and holder != a.path:
                yield replace(item, article=None, skipped=Skipped(a.path, "duplicate", f"same text as {holder}"))
                continue
            known[a.id] = a.path
        yield item


__all__ = ["Input", "read_inputs", "load_manifest", "content_id", "with_duplicates_marked", "MAX_BYTES", "READERS"]
