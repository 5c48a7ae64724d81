"""Entity ids that stay valid: an id a resolve stops using redirects to the entity its mentions went to.

Ids are slugs of a cluster's name, chosen again at every resolve, so adding documents can
rename a cluster ("bolton" becomes "john-bolton") or merge it into another; links and exports
holding the old id would then point at nothing. Around the entity writer:

    before = snapshot(store)        # who held which mention, and each id's name
    ...entities rewritten...
    record(store, before)           # each vanished id -> the entity most of its mentions now belong to

Mentions of unchanged documents keep their row ids across builds, so they carry the vote;
an id whose mentions are all gone (its documents were removed or rewritten) falls back to the
entity that now has its old name as an alias, and is otherwise dropped (it names nothing now).
Chains are kept flat: when a redirect's target vanishes in turn, the redirect follows it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from newsgraph.store import entities as entity_store


@dataclass(frozen=True, slots=True)
class Snapshot:
    holder: dict[int, str]  # mention row id -> entity id before the resolve
    names: dict[str, str]  # entity id -> its name before the resolve


def snapshot(store) -> Snapshot:
    return Snapshot(entity_store.mention_holders(store), entity_store.entity_names(store))


def redirects(
    before: Snapshot, after: dict[int, str], live: set[str], alias_owner: dict[str, str], existing: dict[str, str]
) -> dict[str, tuple[str, str | None, str]]:
    """old id -> (entity id, old name, reason) for every id that should redirect after this resolve.

    `after` maps mention row id -> entity id now; `alias_owner` maps a name (lower case) to the
    live entity with the most mentions under that alias; `existing` holds the redirects so far.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention, old in before.holder.items():
        new = after.get(mention)
        if new is not None:
            votes[old][new] += 1
    out: dict[str, tuple[str, str | None, str]] = {}
    moved: dict[str, str] = {}
    for old, name in before.names.items():
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


def record(store, before: Snapshot) -> int:
    """Write the redirects for ids this resolve stopped using; returns how many ids redirect now."""
    if not entity_store.has_redirects(store):
        return 0
    live, alias_owner, existing = entity_store.redirect_inputs(store)
    found = redirects(before, entity_store.mention_holders(store), live, alias_owner, existing)
    entity_store.write_redirects(store, found)
    return len(found)
