"""What the event stage asks of coreference: the actor a pronoun or description stands for.

The links themselves come from the coreference stage (``extract/coref.py``), which
runs before events and turns "he", "its" and "the Venezuelan leader" into mentions
that ``Context.mention_of`` follows to their name. This module only adds what events
need on top: first-person pronouns inside a quote stand for its speaker, and each
actor's broad kind (person or group) and gender as the document tells them, so that
"they" can be checked against a list of states and "she" against a man.
"""

from __future__ import annotations

from spacy.tokens import Token

from newsgraph.extract import Context

PERSON_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
GROUP_PRONOUNS = frozenset({"it", "its", "itself", "they", "them", "their", "theirs", "themselves"})
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
SPEAKER_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our", "ours", "ourselves", "myself"})


class Coreference:
    """The event stage's view of one document's coreference links."""

    def __init__(self, ctx: Context, kids: list[list[Token]] | None = None):
        self.ctx = ctx
        mentions = ctx.result.mentions
        self.kind: dict[int, str | None] = {}
        self.gender: dict[int, str] = {}  # from the he/she linked to each actor
        labels: dict[int, set[str]] = {}
        for idx, m in enumerate(mentions):
            target = self._follow(idx)
            if m.form == "name":
                labels.setdefault(target, set()).add(m.label)
            elif m.form == "pronoun" and m.text.lower() in PERSON_PRONOUNS:
                self.gender.setdefault(target, "m" if m.text.lower() in MALE else "f")
        for target, found in labels.items():
            self.kind[target] = self._kind(target, found)

    def _follow(self, idx: int) -> int:
        mentions = self.ctx.result.mentions
        seen = set()
        while mentions[idx].refers_to is not None and idx not in seen:
            seen.add(idx)
            idx = mentions[idx].refers_to
        return idx

    def _kind(self, idx: int, labels: set[str]) -> str | None:
        m = self.ctx.result.mentions[idx]
        if m.kind == "demonym":
            return None
        if m.place is not None:
            return "group"
        if "PERSON" in labels or m.role:
            return "person"
        if labels & {"ORG", "GPE", "GAZ", "NORP", "FAC"}:
            return "group"
        return None

    def pronoun(self, tok: Token, speaker: int | None = None) -> int | None:
        """The mention a pronoun stands for: its coreference link, or the quote's speaker for "I" and "we"."""
        if tok.lower_ in SPEAKER_PRONOUNS:
            return speaker
        return self.ctx.mention_of(tok)

    def description(self, head: Token) -> int | None:
        """The named actor a description ("the Venezuelan leader") stands for, when the coreference stage linked it."""
        return self.ctx.mention_of(head)
