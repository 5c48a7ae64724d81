"""`newsgraph eval …`: score the pipeline on annotated data, a baseline printed beside each score.

Each task adds its subcommand to the `eval` group from its own module (cli/eval_<task>.py).
"""

from __future__ import annotations

from newsgraph.cli.group import main


@main.group("eval")
def eval_group() -> None:
    """Score newsgraph on annotated corpora (time expressions, entities and coreference, quotes), with baselines."""
