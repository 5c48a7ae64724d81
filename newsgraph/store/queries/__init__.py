"""Every read of the knowledge base, shared by the CLI, export, report and web app.

Functions take an open ``sqlite3.Connection`` (rows as ``sqlite3.Row``) and
return plain dicts and lists, so a fact looks the same in every output.
"""

from newsgraph.store.queries.core import *  # noqa: F401,F403
from newsgraph.store.queries.events import *  # noqa: F401,F403
from newsgraph.store.queries.voices import *  # noqa: F401,F403
from newsgraph.store.queries.techniques import *  # noqa: F401,F403
from newsgraph.store.queries.search import *  # noqa: F401,F403
from newsgraph.store.queries.pages import *  # noqa: F401,F403
from newsgraph.store.queries.stories import *  # noqa: F401,F403
