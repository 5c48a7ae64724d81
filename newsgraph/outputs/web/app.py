"""Routes of the web app: each page is one query, rendered as HTML or, as its twin, JSON."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from starlette.staticfiles import StaticFiles

from newsgraph.outputs import svg
from newsgraph.outputs.report import environment
from newsgraph.store.queries import pages, search
from newsgraph.store.sqlite import open_store
from newsgraph.techniques import DEFAULT_MIN_SCORE

MAX_LIMIT = 200
HOME_GRAPH = 30  # actors in the home page's network
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"


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


def _wants_json(request: Request, suffix: bool) -> bool:
    if suffix or request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().startswith("application/json")


def create_app(db_path: str | Path) -> FastAPI:
    """A read-only app over the knowledge base at `db_path` (which must exist)."""
    db_path = str(db_path)
    open_store(db_path, readonly=True).close()  # fail now, with newsgraph's message, when the file is not a knowledge base
    local = threading.local()
    env = environment()
    links = WebLinks()

    def conn():
        store = getattr(local, "store", None)
        if store is None:
            store = local.store = open_store(db_path, readonly=True)
        return store.conn

    def warm() -> None:
        """Compute the home page's corpus-wide data and graph layout once, before the first visitor asks."""
        try:
            graph = cached(pages.page_graph, top=HOME_GRAPH)
            cached(pages.page_overview)
            svg.network_svg(graph, links.entity)
        except Exception:  # noqa: BLE001 - warming is an optimisation; the page computes it itself if this fails
            pass

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        threading.Thread(target=warm, name="newsgraph-warm", daemon=True).start()
        yield

    app = FastAPI(lifespan=lifespan, title="newsgraph", description="Read-only knowledge base of actors, events, money, quotes and disagreements, "
                  "each pointing at its sentence. Every HTML page has a JSON twin (`.json` or `Accept: application/json`).",
                  version="1")
    app.mount("/static", StaticFiles(packages=[("newsgraph.outputs", "static")]), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = CSP
        return response

    cache: dict[tuple, tuple] = {}

    def cached(fn, *args, **kwargs):
        """Page data, kept until the store is rebuilt: corpus-wide pages aggregate over every event, and the
        knowledge base only changes when a build re-resolves it (which changes meta 'resolved')."""
        row = conn().execute("SELECT value FROM meta WHERE key = 'resolved'").fetchone()
        stamp = (row[0] if row else None, conn().execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        key = (fn.__name__, args, tuple(sorted(kwargs.items())))
        hit = cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        data = fn(conn(), *args, **kwargs)
        if len(cache) >= 512:
            cache.clear()
        cache[key] = (stamp, data)
        return data

    def render(request: Request, template: str, data: dict, json: bool, **extra) -> Response:
        if json:
            return JSONResponse(data)

        def page_url(offset: int) -> str:
            params = dict(request.query_params)
            params["offset"] = str(offset)
            return request.url.path + "?" + urlencode(params)

        html = env.get_template(template).render(data=data, links=links, request=request, page_url=page_url, **extra)
        return HTMLResponse(html)

    def limit_of(limit: int) -> int:
        return max(1, min(MAX_LIMIT, limit))

    @app.get("/", response_class=HTMLResponse, summary="Overview and actor network")
    @app.get("/index.json", include_in_schema=False)
    def home(request: Request, top: int = HOME_GRAPH):
        data = {"overview": cached(pages.page_overview), "graph": cached(pages.page_graph, top=max(1, min(top, 150)))}
        return render(request, "home.html", data, _wants_json(request, False),
                      graph_svg=Markup(svg.network_svg(data["graph"], links.entity)))

    @app.get("/entities", summary="Actors, most mentioned first")
    @app.get("/entities.json", include_in_schema=False)
    def entities(request: Request, type: str | None = None, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "entities.html", cached(pages.page_entities, limit_of(limit), offset, type), _wants_json(request, False))

    @app.get("/documents", summary="Documents by publication date")
    @app.get("/documents.json", include_in_schema=False)
    def documents(request: Request, outlet: str | None = None, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "documents.html", pages.page_documents(conn(), limit_of(limit), offset, outlet), _wants_json(request, False))

    @app.get("/entity/{entity_id}", summary="One actor: aliases, roles, what it did, what was done to it, mentions")
    def entity(request: Request, entity_id: str, limit: int = 20, offset: int = Query(0, ge=0)):
        entity_id, as_json = _strip_json(entity_id)
        data = cached(pages.page_entity, entity_id, limit_of(limit), offset)
        if data is None:
            raise HTTPException(404, f"no entity {entity_id!r}")
        return render(request, "entity.html", data, _wants_json(request, as_json))

    @app.get("/document/{doc_id}", summary="A document with its entities, quotes, events and techniques highlighted")
    def document(request: Request, doc_id: str, s: int | None = None,
                 min_score: float = Query(DEFAULT_MIN_SCORE, ge=0, le=1, description="Highlight technique spans scored at least this")):
        doc_id, as_json = _strip_json(doc_id)
        data = pages.page_document(conn(), doc_id, min_score)
        if data is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return render(request, "document.html", data, _wants_json(request, as_json), focus=s)

    @app.get("/conflicts", summary="Disagreements between reports, side by side")
    @app.get("/conflicts.json", include_in_schema=False)
    def conflicts(request: Request, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "conflicts.html", cached(pages.page_conflicts, limit_of(limit), offset), _wants_json(request, False))

    @app.get("/timeline", summary="Dated events: event date vs publication date")
    @app.get("/timeline.json", include_in_schema=False)
    def timeline(request: Request, type: str | None = None, limit: int = 100, offset: int = Query(0, ge=0)):
        data = cached(pages.page_timeline, limit_of(limit), offset, type)
        to_sentence = lambda e: links.sentence(e["doc"], e["sentence"])  # noqa: E731
        window = svg.timeline_window(data["events"])
        return render(request, "timeline.html", data, _wants_json(request, False), window=window,
                      timeline_svg=Markup(svg.timeline_svg(data["events"], to_sentence)),
                      timeline_close=Markup(svg.timeline_svg(data["events"], to_sentence, window=window)) if window else "")

    @app.get("/money", summary="Who gave what to whom")
    @app.get("/money.json", include_in_schema=False)
    def money(request: Request, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "money.html", cached(pages.page_money, limit_of(limit), offset), _wants_json(request, False))

    @app.get("/voices", summary="Quotes by speaker, labels per outlet, techniques per outlet")
    @app.get("/voices.json", include_in_schema=False)
    def voices(request: Request, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "voices.html", cached(pages.page_voices, limit_of(limit), offset), _wants_json(request, False))

    @app.get("/graph", summary="Interactive actor network, filtered by event type and date")
    @app.get("/graph.json", include_in_schema=False)
    def graph(request: Request, type: list[str] = Query(default=[]), date_from: str | None = Query(None, alias="from"),
              date_to: str | None = Query(None, alias="to"), top: int = 60):
        data = cached(pages.page_graph, top=max(1, min(top, 300)), types=tuple(sorted(t for t in type if t)) or None,
                      date_from=date_from or None, date_to=date_to or None)
        return render(request, "graph.html", data, _wants_json(request, False),
                      graph_svg=Markup(svg.network_svg(data, links.entity, height=720)))

    @app.get("/search", summary="Full-text search over sentences")
    @app.get("/search.json", include_in_schema=False)
    def search_page(request: Request, q: str = "", entity: str | None = None, outlet: str | None = None,
                    date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                    type: str | None = None, limit: int = 20, offset: int = Query(0, ge=0)):
        data = search.search_sentences(conn(), q, entity=entity or None, outlet=outlet or None, date_from=date_from or None,
                                       date_to=date_to or None, event_type=type or None, limit=limit_of(limit), offset=offset)
        return render(request, "search.html", data, _wants_json(request, False), **cached(pages.filter_choices))

    return app
