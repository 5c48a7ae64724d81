"""Entity ids that stay valid: an id a resolve stops using redirects to the entity its mentions went to.

Ids are slugs of a cluster's name, chosen again at every resolve, so adding documents can
rename a cluster ("bolton" becomes "john-bolton") or merge it into another; links and exports
holding the old id would then point at nothing. Around the entity writer:

    snapshot(store)                 # each id's name, kept in a temp table of the store
    moves = ...entities rewritten...  # (old id, new id, mentions) of the mentions that changed entity
    record(store, moves)            # each vanished id -> the entity most of its mentions now belong to

Mentions of unchanged documents keep their row ids across builds, so they carry the vote. Every
mention of a vanished id changed entity, so the mentions that changed (counted by the store while
it writes, never a map of all mentions held in memory) are all the votes there are;
an id whose mentions are all gone (its documents were removed or rewritten) falls back to the
entity that now has its old name as an alias, and is otherwise dropped (it names nothing now).
Chains are kept flat: when a redirect's target vanishes in turn, the redirect follows it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from newsgraph.store import entities as entity_store


def snapshot(store) -> None:
    """Keep each entity id's name, before the resolve, in the store (a temp table: a dict of them was the largest
    thing the entity writer held); `record` reads back those of the ids that vanished."""
    if entity_store.has_redirects(store):
        entity_store.keep_names(store)


def votes_of(moves: Iterable[tuple[str, str, int]]) -> dict[str, Counter]:
    """old id -> Counter(new id -> mentions that went there), from (old, new, mentions) rows."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for old, new, n in moves:
        votes[old][new] += n
    return votes


def redirects(
    names: dict[str, str], votes: dict[str, Counter], live: set[str], alias_owner: dict[str, str], existing: dict[str, str]
) -> dict[str, tuple[str, str | None, str]]:
    """old id -> (entity id, old name, reason) for every id that should redirect after this resolve.

    `names` maps each id before the resolve to its name; `votes` where the mentions of each id that
    changed entity went; `alias_owner` maps a name (lower case) to the live entity with the most
    mentions under that alias; `existing` holds the redirects so far.
    """
    out: dict[str, tuple[str, str | None, str]] = {}
    moved: dict[str, str] = {}
    for old, name in names.items():
        if old in live:
            continue
        tally = votes.get(old)
        if tally:
            target = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            share = tally[target] / sum(tally.values())
            reason = f"{tally[target]} of its mentions ({share:.0%}) are now in this entity"
        elif name and name.lower() in alias_owner:
            target = alias_owner[name.lower()]
            reason = f"its name {name!r} is now an alias of this entity"
        else:
            continue
        out[old] = (target, name, reason)
        moved[old] = target
    for old, target in existing.items():
        if old in live or old in out:
            continue
        seen = {old}
        while target not in live and target in moved and target not in seen:  # follow a target that moved too
            seen.add(target)
            target = moved[target]
        if target in live:
            out[old] = (target, None, "")
    return out


def record(store, moves: Iterable[tuple[str, str, int]]) -> int:
    """Write the redirects for ids this resolve stopped using (their names kept by `snapshot`); returns how many
    ids redirect now."""
    if not entity_store.has_redirects(store):
        return 0
    names = entity_store.vanished_names(store)  # of the ids before the resolve, those no entity has now
    live, alias_owner, existing = entity_store.redirect_inputs(store)
    found = redirects(names, votes_of(moves), live, alias_owner, existing)
    entity_store.write_redirects(store, found)
    return len(found)
