"""Routes of the web app: each page is one query, rendered as HTML or, as its twin, JSON.

Every numeric parameter is validated: a number out of range is a 422 with a message (or, for a
page size, brought into range), never a database error. Answers are computed in worker threads,
each in one read transaction, and kept until the database changes (see `serving`).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from newsgraph.outputs import svg
from newsgraph.outputs.report import environment
from newsgraph.outputs.web import follow
from newsgraph.outputs.web.serving import Answer, ClientGone, Guard, OverBudget, Pages, Readers, page_key, wants_json
from newsgraph.store.queries import money as money_queries, network as network_queries, pages, search
from newsgraph.store.sqlite import open_store

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000  # far past any store's last page, well inside SQLite's integers
MAX_TYPES = 50  # event types in one graph filter
HOME_GRAPH = 30  # actors in the home page's network
PAGE_BUDGET = 20.0  # CPU seconds a page may compute before it is stopped (503)
SEARCH_BUDGET = 1.5  # CPU seconds a search may take before it is answered "too broad"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

Offset = Query(0, ge=0, le=MAX_OFFSET, description=f"rows to skip, 0 to {MAX_OFFSET:,}")


def Limit(default: int):  # noqa: N802 - reads like the other Query declarations
    return Query(default, description=f"rows per page; brought into 1 to {MAX_LIMIT}")


class WebLinks:
    """Links between pages of the app; the report has its own (anchors inside one file)."""

    mode = "web"

    def entity(self, entity_id: str | None) -> str | None:
        return f"/entity/{quote(entity_id, safe='')}" if entity_id else None

    def document(self, doc: str | None) -> str | None:
        return f"/document/{quote(doc, safe='')}" if doc else None

    def sentence(self, doc: str | None, idx: int | None) -> str | None:
        if not doc or idx is None:
            return None
        return f"/document/{quote(doc, safe='')}?s={int(idx)}#s{int(idx)}"

    def sentence_id(self, doc: str, idx: int) -> str:
        return f"s{idx}"

    def page(self, name: str, **params) -> str:
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
        return f"/{name}" + (f"?{query}" if query else "")


def _strip_json(value: str) -> tuple[str, bool]:
    return (value[: -len(".json")], True) if value.endswith(".json") else (value, False)


def _wants_json(request: Request, suffix: bool = False) -> bool:
    return suffix or wants_json(request.url.path, request.headers.get("accept", ""))


def _wants_html(request: Request) -> bool:
    """A browser asking for a page (Accept names text/html first or among its choices), not a JSON client."""
    if request.url.path.endswith(".json"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not accept.split(",")[0].strip().startswith("application/json")


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def one_blas_thread() -> None:
    """One BLAS thread for this process: the graph layouts are tiny optimisation problems, and OpenBLAS's own
    threads only fight over the cores the server threads need (on a busy 2-core machine a layout took 13 times
    the CPU with them: 1.0 s instead of 0.07 s). The variable covers libraries loaded later, threadpoolctl
    (installed with scikit-learn) those already loaded. A setting the user made is kept."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if os.environ["OPENBLAS_NUM_THREADS"] != "1":
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")


def create_app(db_path: str | Path, allowed_hosts: list[str] | None = None, threads: int = 4,
               cache_bytes: int = 64 * 1024 * 1024, search_budget: float = SEARCH_BUDGET) -> FastAPI:
    """A read-only app over the knowledge base at `db_path` (which must exist).

    `allowed_hosts`: the Host header values accepted (None: any, as in tests); `serve` passes the names
    the app is reached by, so a page in a browser cannot reach it through a rebound DNS name.
    """
    db_path = str(db_path)
    one_blas_thread()
    open_store(db_path, readonly=True).close()  # fail now, with newsgraph's message, when the file is not a knowledge base
    env = environment()
    links = WebLinks()
    readers = Readers(db_path, threads)
    answers: Pages | None = None

    def table() -> Pages:
        nonlocal answers
        if answers is None:  # made in the event loop's thread, which alone uses its watching connection
            answers = Pages(db_path, readers, cache_bytes)
        return answers

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        warm = asyncio.get_running_loop().create_task(_warm())
        yield
        warm.cancel()
        readers.close()
        if answers is not None:
            answers.close()

    async def _warm() -> None:
        """Compute the home page once, before the first visitor asks."""
        scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"", "headers": [],
                 "scheme": "http", "server": ("127.0.0.1", 80), "root_path": ""}
        async def never() -> dict:  # nobody disconnects from the warm-up
            await asyncio.Event().wait()
            return {"type": "http.disconnect"}

        try:
            await home(Request(scope, receive=never), top=HOME_GRAPH)
        except Exception:  # noqa: BLE001 - warming is an optimisation; the first visitor computes the page if this fails
            pass

    app = FastAPI(lifespan=lifespan, title="newsgraph", docs_url=None, redoc_url=None,
                  description="Read-only knowledge base of actors, events, money, quotes and disagreements, each pointing at its "
                              "sentence. Every HTML page has a JSON twin (`.json` or `Accept: application/json`).",
                  version="1")
    app.mount("/static", StaticFiles(packages=[("newsgraph.outputs", "static")]), name="static")
    app.add_middleware(Guard, csp=CSP, allowed_hosts=allowed_hosts, cached=lambda key: table().peek(key))

    def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
        from http import HTTPStatus

        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        html = env.get_template("error.html").render(status=status, reason=reason, detail=detail, request=request, links=links,
                                                     query=request.query_params.get("q"))
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        """A page for a browser; the JSON `{"detail": ...}` for everyone else."""
        if _wants_html(request):
            detail = str(exc.detail)
            if exc.status_code == 404 and detail == "Not Found":
                detail = f"There is no page at {request.url.path}."
            return error_page(request, exc.status_code, detail)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        if _wants_html(request):
            problems = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}" for e in exc.errors())
            return error_page(request, 422, f"This address has a parameter newsgraph cannot use ({problems}).")
        return await request_validation_exception_handler(request, exc)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return RedirectResponse("/static/favicon.svg", status_code=301)

    def render(request: Request, template: str, data: dict, json: bool, **extra) -> Answer:
        if json:
            response = JSONResponse(data)
            return Answer(response.body, response.media_type)

        def page_url(offset: int) -> str:
            params = dict(request.query_params)
            params["offset"] = str(offset)
            return request.url.path + "?" + urlencode(params)

        def tab_link(name: str) -> str:
            params = {k: v for k, v in request.query_params.items() if k not in ("tab", "offset")}
            if name != "money":
                params["tab"] = name
            return request.url.path + ("?" + urlencode(params) if params else "")

        html = env.get_template(template).render(data=data, links=links, request=request, page_url=page_url, tab_link=tab_link, **extra)
        return Answer(html.encode("utf-8"), "text/html")

    async def answer(request: Request, compute, json: bool, budget: float = PAGE_BUDGET) -> Response:
        """The page for this request's path, query and format: cached, joined, or computed by `compute(conn)`."""
        key = page_key(request.scope, json)
        try:
            found = await table().get(key, compute, request.receive, budget)
        except ClientGone:
            return Response(status_code=499)  # nobody is listening; nothing more was computed
        except OverBudget:
            raise HTTPException(503, "this page took too long to compute; try again later") from None
        return Response(found.body, status_code=found.status, media_type=found.media_type)

    @app.get("/", response_class=HTMLResponse, summary="Overview and actor network")
    @app.get("/index.json", include_in_schema=False)
    async def home(request: Request, top: int = Query(HOME_GRAPH, description="actors in the network; brought into 1 to 150")):
        json = _wants_json(request)

        def compute(conn):
            data = {"overview": pages.page_overview(conn), "graph": network_queries.actor_network(conn, top=_clamp(top, 1, 150))}
            data["arrived"] = follow.queries.arrivals(conn)  # the latest build's; the page asks for those since the last visit
            return render(request, "home.html", data, json, graph_svg=Markup(svg.network_svg(data["graph"], links.entity)) if not json else "")

        return await answer(request, compute, json)

    @app.get("/entities", summary="Actors, most mentioned first")
    @app.get("/entities.json", include_in_schema=False)
    async def entities(request: Request, type: str | None = None, limit: int = Limit(50), offset: int = Offset):
        json = _wants_json(request)
        return await answer(request, lambda conn: render(
            request, "entities.html", pages.page_entities(conn, _clamp(limit, 1, MAX_LIMIT), offset, type or None), json), json)

    @app.get("/documents", summary="Documents by publication date")
    @app.get("/documents.json", include_in_schema=False)
    async def documents(request: Request, outlet: str | None = None, limit: int = Limit(50), offset: int = Offset):
        json = _wants_json(request)
        return await answer(request, lambda conn: render(
            request, "documents.html", pages.page_documents(conn, _clamp(limit, 1, MAX_LIMIT), offset, outlet or None), json), json)

    @app.get("/entity/{entity_id}", summary="One actor: aliases, roles, what it did, what was done to it, mentions")
    async def entity(request: Request, entity_id: str, limit: int = Limit(20), offset: int = Offset):
        entity_id, as_json = _strip_json(entity_id)
        json = _wants_json(request, as_json)

        def compute(conn):
            data = pages.page_entity(conn, entity_id, _clamp(limit, 1, MAX_LIMIT), offset)
            if data is None:
                raise HTTPException(404, f"no entity {entity_id!r}")
            return render(request, "entity.html", data, json)

        return await answer(request, compute, json)

    @app.get("/document/{doc_id}", summary="A document with its entities, quotes, events and techniques highlighted")
    async def document(request: Request, doc_id: str, s: int | None = Query(None, ge=0, le=MAX_OFFSET, description="sentence to show"),
                       min_score: float | None = Query(None, ge=0, le=1, description="highlight technique spans scored at least this (default: the min-score the build's techniques model chose, else 0.55)")):
        doc_id, as_json = _strip_json(doc_id)
        json = _wants_json(request, as_json)

        def compute(conn):
            data = pages.page_document(conn, doc_id, min_score)
            if data is None:
                raise HTTPException(404, f"no document {doc_id!r}")
            data["copies"] = follow.queries.document_copies(conn, doc_id)
            return render(request, "document.html", data, json, focus=s)

        return await answer(request, compute, json)

    @app.get("/conflicts", summary="Disagreements between reports, side by side, with where each figure was first reported")
    @app.get("/conflicts.json", include_in_schema=False)
    async def conflicts(request: Request, limit: int = Limit(50), offset: int = Offset):
        json = _wants_json(request)
        return await answer(request, lambda conn: render(
            request, "conflicts.html", follow.with_lineage(conn, pages.page_conflicts(conn, _clamp(limit, 1, MAX_LIMIT), offset)),
            json), json)

    @app.get("/timeline", summary="Dated events: event date vs publication date")
    @app.get("/timeline.json", include_in_schema=False)
    async def timeline(request: Request, type: str | None = None, limit: int = Limit(100), offset: int = Offset,
                       other: bool = Query(False, description="include events of no known type (OTHER)")):
        json = _wants_json(request)

        def compute(conn):
            data = pages.page_timeline(conn, _clamp(limit, 1, MAX_LIMIT), offset, type or None, other=other)
            if json:
                return render(request, "timeline.html", data, json)
            to_sentence = lambda e: links.sentence(e["doc"], e["sentence"])  # noqa: E731
            window = svg.timeline_window(data["events"])
            return render(request, "timeline.html", data, json, window=window,
                          timeline_svg=Markup(svg.timeline_svg(data["events"], to_sentence)),
                          timeline_close=Markup(svg.timeline_svg(data["events"], to_sentence, window=window)) if window else "")

        return await answer(request, compute, json)

    @app.get("/money", summary="Who gave what to whom: money; other quantities with tab=quantities")
    @app.get("/money.json", include_in_schema=False)
    async def money(request: Request, limit: int = Limit(50), offset: int = Offset,
                    tab: str = Query("money", pattern="^(money|quantities)$", description="money or quantities")):
        json = _wants_json(request)
        return await answer(request, lambda conn: render(
            request, "money.html", money_queries.page_money(conn, _clamp(limit, 1, MAX_LIMIT), offset, tab=tab), json), json)

    @app.get("/voices", summary="Quotes by speaker, labels per outlet, techniques per outlet")
    @app.get("/voices.json", include_in_schema=False)
    async def voices(request: Request, limit: int = Limit(50), offset: int = Offset,
                     min_score: float | None = Query(None, ge=0, le=1, description="count technique spans scored at least this (default: the min-score the build's techniques model chose, else 0.55)")):
        json = _wants_json(request)
        return await answer(request, lambda conn: render(
            request, "voices.html", pages.page_voices(conn, _clamp(limit, 1, MAX_LIMIT), offset, min_score=min_score), json), json)

    @app.get("/graph", summary="Interactive actor network, filtered by event type and date; `preset=support` for the support "
             "network, `all=1` to show OTHER and STATEMENT edges and one-off actors")
    @app.get("/graph.json", include_in_schema=False)
    async def graph(request: Request, type: list[str] = Query(default=[], description=f"event types, at most {MAX_TYPES}"),
                    date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                    top: int = Query(60, description="actors shown; brought into 1 to 300"),
                    preset: str | None = Query(None, pattern="^(support)?$", description="a named set of event types: support"),
                    all: bool = Query(False, description="show every event type and the actors met in one event only")):
        types = tuple(sorted({t for t in type if t}))
        if len(types) > MAX_TYPES:
            raise HTTPException(422, f"at most {MAX_TYPES} event types in one filter")
        json = _wants_json(request)

        def compute(conn):
            data = network_queries.actor_network(conn, top=_clamp(top, 1, 300), types=types or None, date_from=date_from or None, date_to=date_to or None,
                                    preset=preset or None, show_all=all)
            return render(request, "graph.html", data, json, graph_svg=Markup(svg.network_svg(data, links.entity, height=720)) if not json else "")

        return await answer(request, compute, json)

    @app.get("/search", summary="Full-text search over sentences")
    @app.get("/search.json", include_in_schema=False)
    async def search_page(request: Request, q: str = "", entity: str | None = None, outlet: str | None = None,
                          date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                          type: str | None = None, limit: int = Limit(20), offset: int = Offset):
        json = _wants_json(request)
        filters = dict(entity=entity or None, outlet=outlet or None, date_from=date_from or None, date_to=date_to or None,
                       event_type=type or None)

        def compute(conn, too_broad: bool = False):
            if too_broad:
                data = search.too_broad(q, **filters, limit=_clamp(limit, 1, MAX_LIMIT), offset=offset)
            else:
                data = search.search_sentences(conn, q, **filters, limit=_clamp(limit, 1, MAX_LIMIT), offset=offset)
            return render(request, "search.html", data, json, **pages.filter_choices(conn))

        try:
            return await answer(request, compute, json, budget=search_budget)
        except HTTPException as exc:
            if exc.status_code != 503:
                raise
        # over its budget: say so (and keep that answer, so asking again costs nothing)
        return await answer(request, lambda conn: compute(conn, too_broad=True), json)

    follow.register(app, answer, render, _wants_json, Limit, Offset, lambda n: _clamp(n, 1, MAX_LIMIT))
    return app


SERVE_SETTINGS = "_NEWSGRAPH_SERVE"  # set by `serve --workers` for its worker processes only


def app_from_environment() -> FastAPI:
    """The app of one `serve --workers N` worker process, from the settings its parent left in the environment."""
    import json
    import os

    settings = json.loads(os.environ[SERVE_SETTINGS])
    return create_app(settings["db"], allowed_hosts=settings["allowed_hosts"])
