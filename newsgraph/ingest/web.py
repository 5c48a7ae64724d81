"""Following the web: RSS and Atom feeds and the pages they list, fetched over HTTP into Articles or Skipped.

``WebReader`` yields one ``Input`` per page, like ``read_inputs`` does per file, so
pages go through the same build (writer lock, pipeline, executors, corpus step).
Pages are read by the same trafilatura reader as HTML files; what a page lacks
(title, date, outlet, URL) is taken from its feed entry.

Fetching is polite: one clear User-Agent, robots.txt obeyed (``urllib.robotparser``,
with its Crawl-delay), at most one request per ``delay`` seconds to a host,
conditional requests (ETag, Last-Modified) for everything fetched before, a timeout
and a size cap enforced while the body streams in. Nothing here raises for a bad
page or feed: each becomes a ``Skipped`` with one of these codes:

    http         the server answered 4xx (404 Not Found, 410 Gone, ...)
    unavailable  the server answered 5xx or 429: tried again next time
    timeout      no answer within --timeout: tried again next time
    unreachable  no connection (DNS, refused, TLS): tried again next time
    robots       robots.txt disallows the URL (or could not be read)
    too-large    the body is over --max-bytes
    not-html     a page whose content type is not HTML (PDF, image, ...)
    feed         a feed that cannot be read, or an entry without a link

The validators of a response are handed back through ``finished(path)`` only once
the caller has stored what the response brought, and a feed's only once every one
of its entries is stored (and none failed for a reason that may pass), so a run cut
short asks again next time instead of losing a page.
"""

from __future__ import annotations

import calendar
import time
import urllib.robotparser
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsgraph import __version__
from newsgraph.ingest import MAX_BYTES, Input, _article_input
from newsgraph.ingest.readers import Problem, decode
from newsgraph.model import Skipped

USER_AGENT = f"newsgraph/{__version__} (news reader; obeys robots.txt)"
ROBOTS_AGENT = "newsgraph"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/feed+json")
TRANSIENT = frozenset({"unavailable", "timeout", "unreachable"})
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 60.0


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def normalize_url(url: str) -> str:
    """The URL a page is known by: scheme and host in lower case, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def read_url_list(path: str) -> list[tuple[str, str | None]]:
    """(url, outlet) from a feeds.txt: one URL a line, optionally followed by an outlet name; # starts a comment."""
    out = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            url, _, outlet = line.replace("\t", " ").partition(" ")
            out.append((url, outlet.strip() or None))
    return out


@dataclass(frozen=True)
class FetchOptions:
    """How newsgraph behaves toward web servers."""

    timeout: float = 20.0  # seconds without an answer; a whole body must arrive within 4x this
    delay: float = 1.0  # seconds between two requests to one host (robots.txt may ask for more)
    max_bytes: int = MAX_BYTES
    user_agent: str = USER_AGENT
    outlets: tuple[tuple[str, str], ...] = ()  # (url, outlet name) given in a feeds.txt
    transport: object | None = field(default=None, compare=False)  # an httpx transport, for tests


@dataclass(frozen=True)
class FetchRecord:
    """What to remember about a URL after its content is stored: the validators for the next conditional request."""

    url: str
    kind: str  # feed | page
    etag: str | None
    last_modified: str | None
    status: int
    feed: str | None = None
    changed: bool = True


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int = 0
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    problem: Problem | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """HTTP GET with robots.txt, a per-host pace, conditional requests, a timeout and a size cap."""

    def __init__(self, options: FetchOptions, sleep: Callable[[float], None] = time.sleep):
        import httpx

        self.options = options
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent}, timeout=httpx.Timeout(options.timeout),
            follow_redirects=False, transport=options.transport,
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | Problem] = {}
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self.requests: list[tuple[str, dict]] = []  # (url, conditional headers sent), for the summary and tests

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None, accept: str = "*/*") -> Fetched:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            refused = self._robots_refuse(current)
            if refused is not None:
                return Fetched(url, current, problem=refused)
            got = self._get(url, current, headers)
            if got.problem is not None or got.status not in (301, 302, 303, 307, 308):
                return got
            if not got.final_url:
                return replace(got, problem=Problem("http", f"HTTP {got.status} redirect without a Location"))
            current = got.final_url
        return Fetched(url, current, problem=Problem("http", f"more than {MAX_REDIRECTS} redirects"))

    # --- one request -------------------------------------------------------------------------
    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        delay = self._delay.get(host, self.options.delay)
        last = self._last.get(host)
        if last is not None and delay > 0:
            wait = delay - (time.monotonic() - last)
            if wait > 0:
                self._sleep(wait)
        self._last[host] = time.monotonic()

    def _get(self, url: str, current: str, headers: dict, cap: int | None = None) -> Fetched:
        import httpx

        cap = cap or self.options.max_bytes
        out = Fetched(url, current)
        self._pace(current)
        self.requests.append((current, {k: v for k, v in headers.items() if k.startswith("If-")}))
        deadline = time.monotonic() + 4 * self.options.timeout
        try:
            with self._client.stream("GET", current, headers=headers) as r:
                out.status = r.status_code
                out.etag = r.headers.get("etag")
                out.last_modified = r.headers.get("last-modified")
                ctype = r.headers.get("content-type", "")
                out.content_type = ctype.split(";")[0].strip().lower()
                out.charset = r.charset_encoding
                if r.status_code in (301, 302, 303, 307, 308):
                    location = r.headers.get("location")
                    out.final_url = urljoin(current, location) if location else ""
                    return out
                if r.status_code == 304:
                    return out
                if r.status_code == 429 or r.status_code >= 500:
                    out.problem = Problem("unavailable", f"HTTP {r.status_code} {r.reason_phrase}: will try again next time")
                    return out
                if r.status_code >= 400:
                    out.problem = Problem("http", f"HTTP {r.status_code} {r.reason_phrase}")
                    return out
                length = r.headers.get("content-length", "")
                if length.isdigit() and int(length) > cap:
                    out.problem = Problem("too-large", f"{int(length):,} bytes is over the {cap:,}-byte limit (--max-bytes)")
                    return out
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > cap:
                        out.problem = Problem("too-large", f"over the {cap:,}-byte limit (--max-bytes); stopped reading")
                        return out
                    if time.monotonic() > deadline:
                        out.problem = Problem("timeout", f"the body took over {4 * self.options.timeout:g} s to arrive")
                        return out
                out.body = bytes(body)
        except httpx.TimeoutException:
            out.problem = Problem("timeout", f"no answer within {self.options.timeout:g} s (--timeout): will try again next time")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            out.problem = Problem("unreachable", f"cannot connect ({type(exc).__name__}: {exc}): will try again next time")
        finally:
            # the pause runs from the end of this answer, so the host sees at least `delay` between two requests
            self._last[urlsplit(current).netloc] = time.monotonic()
        return out

    # --- robots.txt ----------------------------------------------------------------------------
    def _robots_refuse(self, url: str) -> Problem | None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        rules = self._robots.get(host)
        if rules is None:
            rules = self._robots[host] = self._read_robots(host)
        if isinstance(rules, Problem):
            return rules
        if not rules.can_fetch(ROBOTS_AGENT, url):
            return Problem("robots", f"robots.txt of {parts.netloc} disallows it")
        return None

    def _read_robots(self, host: str) -> urllib.robotparser.RobotFileParser | Problem:
        """The host's rules, read the way RFC 9309 says: 4xx allows everything, except 401/403 which
        (as urllib.robotparser does) forbid it; a server error or no answer forbids everything for now."""
        rules = urllib.robotparser.RobotFileParser(host + "/robots.txt")
        got = self._get(host + "/robots.txt", host + "/robots.txt", {"Accept": "text/plain"}, cap=MAX_ROBOTS_BYTES)
        netloc = urlsplit(host).netloc
        if got.problem is not None and got.problem.code in TRANSIENT:
            return Problem("robots", f"robots.txt of {netloc} could not be read ({got.problem.reason}); not fetched")
        if got.status in (401, 403):
            rules.disallow_all = True
        elif got.status == 200 and got.problem is None:
            text, _ = _text_of(got.body, got.charset) if got.body.strip() else ("", "utf-8")
            rules.parse(text.splitlines())
            delay = rules.crawl_delay(ROBOTS_AGENT)
            if delay:
                self._delay[netloc] = min(MAX_CRAWL_DELAY, max(self.options.delay, float(delay)))
        else:
            rules.allow_all = True
        return rules


def _text_of(body: bytes, charset: str | None) -> tuple[str, str]:
    if charset:
        try:
            return body.decode(charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(body)


def _looks_like_feed(got: Fetched) -> bool:
    if got.content_type in FEED_TYPES or got.content_type.endswith(("+xml", "/xml")):
        return True
    head = got.body[:512].lstrip().lower()
    if got.content_type in HTML_TYPES or head.startswith((b"<!doctype html", b"<html")):
        return False
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _looks_like_html(got: Fetched) -> bool:
    if got.content_type in HTML_TYPES:
        return True
    if got.content_type in ("", "application/octet-stream", "text/plain"):
        head = got.body[:1024].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head
    return False


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(value)))
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _host_outlet(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host


def page_input(path: str, got: Fetched, outlet: str | None, fallback: dict[str, str | None]) -> Input:
    """An Input from a fetched page: the HTML reader's text and metadata, the feed entry's where the page has none."""
    if not _looks_like_html(got):
        return Input(path, None, Skipped(path, "not-html", f"not an HTML page (content type {got.content_type or 'unknown'})"), len(got.body))
    try:
        text, encoding = _text_of(got.body, got.charset)
    except Problem as p:
        return Input(path, None, Skipped(path, p.code, p.reason), len(got.body))
    item = _article_input(path, text, encoding, "html", {"outlet": outlet} if outlet else {}, len(got.body), None)
    if item.article is None:
        return item
    a = item.article
    published = a.published or fallback.get("published") or _http_date(got.last_modified)
    a = replace(
        a,
        title=a.title or fallback.get("title"),
        outlet=a.outlet or fallback.get("outlet") or _host_outlet(got.final_url or path),
        url=a.url if a.url and is_url(a.url) else (fallback.get("url") or got.final_url or path),
        published=published,
        author=a.author or fallback.get("author"),
    )
    return replace(item, article=a)


class WebReader:
    """Inputs from URLs of feeds and pages, read in the order given; see the module docstring."""

    def __init__(self, urls: Iterable[str], known: Callable[[str], dict | None], options: FetchOptions,
                 outlet: str | None = None, fetcher: Fetcher | None = None):
        self.urls = [u for u in dict.fromkeys(normalize_url(u) for u in urls)]
        self.known = known
        self.options = options
        self.outlet = outlet
        self.outlets = {normalize_url(u): o for u, o in options.outlets}
        self.fetcher = fetcher or Fetcher(options)
        self.notes: list[tuple[str, str]] = []
        self.feeds: dict[str, dict] = {}  # feed url -> {"entries", "new", "title"}
        self._owed: dict[str, FetchRecord] = {}  # path -> record released when the path is finished
        self._waiting: dict[str, set[str]] = {}  # feed url -> paths not finished yet
        self._feed_record: dict[str, FetchRecord] = {}
        self._feed_listed: set[str] = set()  # feeds whose entries were all yielded
        self._feed_spoiled: set[str] = set()  # feeds with an entry that failed for a passing reason
        self._released: list[FetchRecord] = []
        self._seen: set[str] = set()

    def close(self) -> None:
        self.fetcher.close()

    def __iter__(self) -> Iterator[Input]:
        for url in self.urls:
            yield from self._follow(url)

    # --- bookkeeping ---------------------------------------------------------------------------
    def finished(self, path: str, skipped: Skipped | None = None) -> list[FetchRecord]:
        """The records to save now that `path` is stored (or skipped); call it once per Input yielded."""
        out = []
        record = self._owed.pop(path, None)
        if record is not None and (skipped is None or skipped.code not in TRANSIENT):
            out.append(record)
        for feed, waiting in self._waiting.items():
            if path in waiting:
                waiting.discard(path)
                if skipped is not None and skipped.code in TRANSIENT:
                    self._feed_spoiled.add(feed)
        self._released += self._release_feeds()
        return out + self.pending_records()

    def _release_feeds(self) -> list[FetchRecord]:
        out = []
        for feed in list(self._feed_record):
            if feed in self._feed_listed and not self._waiting.get(feed):
                record = self._feed_record.pop(feed)
                if feed not in self._feed_spoiled:
                    out.append(record)
        return out

    # --- reading -------------------------------------------------------------------------------
    def _follow(self, url: str) -> Iterator[Input]:
        state = self.known(url) or {}
        got = self.fetcher.fetch(url, state.get("etag"), state.get("last_modified"),
                                 accept="application/rss+xml, application/atom+xml, text/html;q=0.9, */*;q=0.5")
        if got.problem is not None:
            yield Input(url, None, Skipped(url, got.problem.code, got.problem.reason))
            return
        if got.not_modified:
            self._owed[url] = FetchRecord(url, state.get("kind") or "page", state.get("etag"), state.get("last_modified"),
                                          304, state.get("feed"), changed=False)
            if state.get("kind") == "feed":
                self.feeds[url] = {"title": None, "entries": 0, "not_modified": True}
            yield Input(url, None, None)
            return
        if _looks_like_feed(got):
            yield from self._feed(url, got)
            return
        self._seen.add(url)
        self._owed[url] = FetchRecord(url, "page", got.etag, got.last_modified, got.status, None)
        yield page_input(url, got, self.outlet or self.outlets.get(url), {"url": got.final_url})

    def _feed(self, url: str, got: Fetched) -> Iterator[Input]:
        import feedparser

        parsed = feedparser.parse(got.body, response_headers={"content-type": got.content_type or "application/xml"})
        entries = [e for e in parsed.entries if e.get("link")]
        if parsed.bozo and not entries:
            why = getattr(parsed.get("bozo_exception"), "getMessage", None)
            detail = why() if callable(why) else str(parsed.get("bozo_exception") or "no entries")
            yield Input(url, None, Skipped(url, "feed", f"not a readable RSS or Atom feed ({detail[:120]})"))
            return
        if parsed.bozo:
            self.notes.append((url, f"feed is not well-formed ({str(parsed.get('bozo_exception'))[:100]}); read leniently"))
        title = (parsed.feed.get("title") or "").strip() or None
        self.feeds[url] = {"title": title, "entries": len(parsed.entries), "not_modified": False}
        self._feed_record[url] = FetchRecord(url, "feed", got.etag, got.last_modified, got.status, None)
        waiting = self._waiting.setdefault(url, set())
        outlet = self.outlet or self.outlets.get(url)
        for n, entry in enumerate(parsed.entries, start=1):
            link = entry.get("link")
            if not link:
                path = f"{url}#entry{n}"
                waiting.add(path)
                yield Input(path, None, Skipped(path, "feed", f"entry {n} of the feed has no link"))
                continue
            page = normalize_url(urljoin(got.final_url or url, link))
            if page in self._seen or page in self.urls:
                continue  # listed twice in this run: read once
            self._seen.add(page)
            waiting.add(page)
            yield self._entry_page(url, page, entry, title, outlet)
        self._feed_listed.add(url)
        self._released += self._release_feeds()

    def _entry_page(self, feed: str, page: str, entry, feed_title: str | None, outlet: str | None) -> Input:
        state = self.known(page) or {}
        got = self.fetcher.fetch(page, state.get("etag"), state.get("last_modified"),
                                 accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
        if got.problem is not None:
            return Input(page, None, Skipped(page, got.problem.code, got.problem.reason))
        if got.not_modified:
            self._owed[page] = FetchRecord(page, "page", state.get("etag"), state.get("last_modified"), 304, feed, changed=False)
            return Input(page, None, None)
        self._owed[page] = FetchRecord(page, "page", got.etag, got.last_modified, got.status, feed)
        fallback = {
            "title": (entry.get("title") or "").strip() or None,
            "published": _entry_date(entry),
            "outlet": feed_title,
            "url": page,
            "author": (entry.get("author") or "").strip() or None,
        }
        return page_input(page, got, outlet, fallback)

    def pending_records(self) -> list[FetchRecord]:
        """Feed records released while listing (a feed whose entries were all finished before it was listed)."""
        out, self._released = self._released, []
        return out


__all__ = ["FetchOptions", "FetchRecord", "Fetcher", "WebReader", "USER_AGENT", "is_url", "normalize_url", "read_url_list",
           "page_input"]
