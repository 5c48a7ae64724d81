"""Pages for following a story: /stories, /story/{id} (each with its JSON twin), and what the home page,
the document reader and the conflicts page add (arrivals since the last visit, "also in", figure lineage)."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Query, Request

from newsgraph.store.queries import stories as queries

SEEN_COOKIE = "newsgraph_seen"  # the newest documents.added_at the visitor's browser has been shown


def register(app: FastAPI, conn, cached, render, wants_json, limit_of) -> None:
    """Add the story routes to `app`, rendering through the app's own `render` and `cached`."""

    @app.get("/stories", summary="Stories across outlets: their documents, dates and key actors, the most recent first")
    @app.get("/stories.json", include_in_schema=False)
    def stories(request: Request, limit: int = 50, offset: int = Query(0, ge=0)):
        return render(request, "stories.html", cached(queries.page_stories, limit_of(limit), offset), wants_json(request, False))

    @app.get("/story/{story_id}", summary="One story: documents in reporting order, key actors, facts, disagreements and "
             "where each figure was first reported; reload to see new documents")
    def story(request: Request, story_id: str):
        as_json = story_id.endswith(".json")
        story_id = story_id[: -len(".json")] if as_json else story_id
        data = cached(queries.page_story, story_id)
        if data is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return render(request, "story.html", data, wants_json(request, as_json))


def arrivals(request: Request, conn) -> dict:
    """What arrived since the visitor's last visit (`?since=` or the cookie), else the latest build's documents."""
    since = request.query_params.get("since") or request.cookies.get(SEEN_COOKIE) or None
    return queries.arrivals(conn, since)


def remember_visit(response, arrived: dict):
    """Tell the browser what it has now seen, so the next visit lists only what came after."""
    if arrived.get("latest"):
        response.set_cookie(SEEN_COOKIE, arrived["latest"], max_age=365 * 86400, httponly=True, samesite="lax")
    return response
