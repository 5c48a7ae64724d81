"""The command-line interface: `newsgraph COMMAND`; each module adds its commands to the group."""

from newsgraph.cli.group import main
from newsgraph.cli import core, evaluate, events, techniques, voices, web  # noqa: F401,E402  (register commands)
from newsgraph.cli import eval_time  # noqa: F401,E402
from newsgraph.cli import eval_quotes  # noqa: F401,E402
from newsgraph.cli import eval_entities  # noqa: F401,E402
from newsgraph.cli import follow, stories  # noqa: F401,E402

__all__ = ["main"]
