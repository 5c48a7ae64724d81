"""What a corpus step that resolved only the added documents changed, for the steps after it to redo only that.

`run.resolve_corpus` makes one `Touched` when entity resolution takes only the added documents and hands
it to every step marked `incremental = "touched"`; each step reads what the steps before it noted and
notes what it changed itself. A step that cannot tell (an older store, a first run) does all its work.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Touched:
    added: set[str]  # documents added since the last corpus step
    gone_entities: set[str] = field(default_factory=set)  # entity ids the entity step stopped using (folded into others)
    redated: set[str] = field(default_factory=set)  # documents whose publication date the dates step changed
    sources_before: dict[int, int] = field(default_factory=dict)  # event -> its fact group's documents before the
    #                                                               facts step, for events where that count changed
    groups_before: dict[int, int | None] = field(default_factory=dict)  # event -> its fact group before the facts
    #                                                                     step (None: none), where the group changed
