"""The read-only web app over a knowledge base: `create_app(db_path)` (FastAPI).

Every page is one call into `newsgraph.store.queries.pages` rendered twice: as
HTML (Jinja2, autoescaped) and as JSON (`/entity/{id}.json`, or any page with
`Accept: application/json`). The database is opened read-only, one connection
per worker thread; the only route that reads files is `/static`, served from
the installed package.
"""

from newsgraph.outputs.web.app import create_app

__all__ = ["create_app"]
