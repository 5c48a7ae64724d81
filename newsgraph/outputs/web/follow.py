"""Pages for following a story: /stories, /story/{id}, /arrivals (each with its JSON twin), and what the
document reader and the conflicts page add ("also in", where each figure came from).

Answers go through the app's page cache like every page, so they depend only on the path and
query. What arrived since the visitor's last visit is therefore asked for by the home page's
script (static/follow.js), which keeps the newest `documents.added_at` it was shown in the
browser's localStorage and fetches `/arrivals?since=THAT`; without the script the home page
shows the latest build's documents.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Query, Request

from newsgraph.store.queries import stories as queries


def with_lineage(conn, data: dict) -> dict:
    """The conflicts page's data with, per conflict, where each figure was first reported."""
    lineage = queries.conflict_lineage(conn, [c["id"] for c in data.get("conflicts", [])])
    return {**data, "conflicts": [{**c, "lineage": lineage.get(c["id"], [])} for c in data.get("conflicts", [])]}


def register(app: FastAPI, answer, render, wants_json, limit, offset, clamp) -> None:
    """Add the story routes to `app`, computed and cached through the app's own `answer` and `render`."""

    @app.get("/stories", summary="Stories across outlets: their documents, dates and key actors, the most recent first")
    @app.get("/stories.json", include_in_schema=False)
    async def stories(request: Request, limit: int = limit(50), offset: int = offset):
        json = wants_json(request)
        return await answer(request, lambda conn: render(request, "stories.html", queries.page_stories(conn, clamp(limit), offset),
                                                         json), json)

    @app.get("/story/{story_id}", summary="One story: documents in reporting order, key actors, facts, disagreements and "
             "where each figure was first reported; reload to see new documents")
    async def story(request: Request, story_id: str):
        as_json = story_id.endswith(".json")
        story_id = story_id[: -len(".json")] if as_json else story_id
        json = wants_json(request, as_json)

        def compute(conn):
            data = queries.page_story(conn, story_id)
            if data is None:
                raise HTTPException(404, f"no story {story_id!r}")
            return render(request, "story.html", data, json)

        return await answer(request, compute, json)

    @app.get("/arrivals", summary="Documents added after `since` (a build time, documents.added_at), newest first; "
             "without it, those of the latest build")
    @app.get("/arrivals.json", include_in_schema=False)
    async def arrivals(request: Request, since: str | None = Query(None, max_length=40, description="YYYY-MM-DD HH:MM:SS"),
                       limit: int = limit(20)):
        json = wants_json(request)
        return await answer(request, lambda conn: render(request, "arrivals.html", queries.arrivals(conn, since or None, clamp(limit)),
                                                         json), json)
