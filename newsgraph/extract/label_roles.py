"""Token views of mentions, and "the dictator of Venezuela": which named person a role of a state stands for.

A role phrase without a name ("the president of Russia", "the dictator of
Venezuela") labels somebody named nearby. The resolver is a short cascade,
written here because spaCy's small models have no coreference component:

1. a person named in this or the two previous sentences whom the document
   ties to that state elsewhere ("Venezuelan dictator Nicolás Maduro",
   "Venezuela's Maduro");
2. several role phrases and as many people named in one sentence pair up in
   order ("between Vladimir Putin and Nicolás Maduro, the president of Russia
   condemned any attempt to overthrow the dictator of Venezuela");
3. otherwise the one person named nearby who is not tied to another state;
   nobody when there are several or none (no label is better than a label on
   the wrong person).
"""

from __future__ import annotations

import bisect

from spacy.attrs import IDX
from spacy.tokens import Token

from newsgraph.extract import Context
from newsgraph.lexicons.places import gazetteer, table_spelling


def mention_tokens(ctx: Context) -> list[tuple[int, int]]:
    """Token range [start, end) of each mention, found from its original offsets."""
    norm_starts, length = ctx.norm.starts, ctx.norm.original_length
    idx = ctx.doc.to_array(IDX).tolist() if len(ctx.doc) else []  # each token's character offset, without a Token each
    starts = [norm_starts[i] if i < len(norm_starts) else length for i in idx]
    out = []
    for m in ctx.result.mentions:
        ts = bisect.bisect_left(starts, m.start)
        te = bisect.bisect_left(starts, m.end)
        out.append((ts, max(ts, te)))
    return out


def place_of(ctx: Context, tok: Token) -> str | None:
    """The state a single word names or is the demonym of ("Venezuelan", "U.S."), else None."""
    g = gazetteer()
    found = g.names.get(tok.text) or g.demonyms.get(tok.text)
    if found is None and tok.text.isupper() and len(tok.text) > 3:
        # A dateline in capitals ("MOSCOW - …") names a place, not a label.
        spelt = table_spelling(tok.text)
        found = g.names.get(spelt) or g.demonyms.get(spelt) or g.capitals.get(spelt)
    return found


def role_of_country(ctx: Context, token: Token, owner: dict[int, int]) -> str | None:
    """The state in "the <role> of <state>" when the phrase carries no name of its own."""
    if token.dep_ in {"compound", "appos"} and token.head.i in owner:
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
        return None
    if any(c.dep_ == "appos" for c in token.children) or any(c.i in owner and c.dep_ in {"compound", "flat"} for c in token.children):
        return None
    if token.head.dep_ == "appos" or token.dep_ == "appos":
        return None
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    pid = place_of(ctx, obj)
                    if pid is not None:
                        return pid
    return None


def _names_state(ctx: Context, token: Token) -> bool:
    """ "<role> of <state>", with or without a name attached (for pairing role phrases with names in order)."""
    return any(
        prep.dep_ == "prep" and prep.lower_ == "of" and any(o.dep_ == "pobj" and place_of(ctx, o) for o in prep.children)
        for prep in token.children
    ) and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)


def _is_person(ctx: Context, idx: int | None) -> bool:
    return idx is not None and ctx.result.mentions[idx].label == "PERSON"


def _ties(ctx: Context, owner: dict[int, int]) -> dict[int, set[str]]:
    """Person -> states the document ties them to, from the words inside their noun phrases."""
    ties: dict[int, set[str]] = {}
    tokens = ctx.tokens()
    for tok in [tokens[i] for i in sorted(owner) if 0 <= i < len(tokens)]:  # the owned tokens, in text order
        target = ctx.mention_of(tok)
        if not _is_person(ctx, target):
            continue
        for c in tok.children:
            if c.dep_ in {"amod", "compound", "poss", "nmod"}:
                pid = place_of(ctx, c)
                if pid is not None:
                    ties.setdefault(target, set()).add(pid)
    return ties


def resolve_role(ctx: Context, token: Token, pid: str, owner: dict[int, int]) -> int | None:
    """The person mention "the <role> of <pid>" at `token` stands for (see the module docstring)."""
    doc = ctx.doc
    after = token.right_edge.i + 1
    if after + 1 < len(doc) and doc[after].text == "," and after + 1 in owner and _is_person(ctx, ctx.mention_of(doc[after + 1])):
        # "the president of Turkey, Recep Tayyip Erdogan": the name right after is the person.
        return ctx.mention_of(doc[after + 1])
    lo = token.sent.start
    for _ in range(2):
        if lo > 0:
            lo = doc[lo - 1].sent.start
    people: list[int] = []
    for i in range(lo, token.i):
        target = ctx.mention_of(doc[i]) if i in owner else None
        if _is_person(ctx, target) and target not in people:
            people.append(target)
    if not people:
        return None
    ties = _ties(ctx, owner)
    tied = [p for p in people if pid in ties.get(p, set())]
    if tied:
        return tied[-1]
    sent = token.sent
    roles = [t for t in sent if t.i not in owner and t.pos_ == "NOUN" and _names_state(ctx, t)]
    named = []
    for t in sent:
        if t.i >= (roles[0].i if roles else token.i):
            break
        target = ctx.mention_of(t) if t.i in owner else None
        if _is_person(ctx, target) and target not in named:
            named.append(target)
    if len(roles) >= 2 and len(named) == len(roles) and token.i in [r.i for r in roles]:
        return named[[r.i for r in roles].index(token.i)]
    free = [p for p in people if not ties.get(p) or pid in ties[p]]
    return free[0] if len(free) == 1 else None
