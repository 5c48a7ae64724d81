"""Who "he", "it", "they" and "the Venezuelan leader" stand for, within one document.

A small salience-based resolver (in the spirit of Lappin & Leass and Centering),
written here because spaCy ships no coreference for en_core_web_sm and the
event stage needs only actors, not full coreference chains:

1. a possessive or reflexive pronoun ("his support", "save himself") first tries
   the subject of its own clause, climbing to the controlling clause for
   infinitives and participles;
2. otherwise the most recent compatible mention earlier in the same sentence;
3. otherwise the previous two sentences, ranked subject first, then by position
   (the centre of attention of the previous sentence is the likeliest antecedent).

Compatibility: he/she → a person; it/they → a state or organization. A definite
description ("the president of Russia", "the Venezuelan leader", "the dictator")
resolves to a person in the window whose own premodifier names the same state when
the description names one, else to the first person of the window not already
taken by another description in the sentence (parallelism: "between Putin and
Maduro, the president ... the dictator ...").
"""

from __future__ import annotations

import bisect

from spacy.tokens import Token

from newsgraph.extract import Context
from newsgraph.lexicons.events import PERSON_DESCRIPTIONS

PERSON_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
GROUP_PRONOUNS = frozenset({"it", "its", "itself", "they", "them", "their", "theirs", "themselves"})
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
SPEAKER_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our", "ours", "ourselves", "myself"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent"})
WINDOW = 2  # previous sentences searched


class Coreference:
    """Per-document resolver over the mentions the mentions stage found."""

    def __init__(self, ctx: Context, kids: list[list[Token]] | None = None):
        self.ctx = ctx
        doc = ctx.doc
        if kids is None:
            kids = [list(t.children) for t in doc]
        self.kids = kids
        self.first_token: dict[int, int] = {}
        for tok_i, m in ctx._mention_by_token.items():
            if m not in self.first_token or tok_i < self.first_token[m]:
                self.first_token[m] = tok_i
        # (token index, followed mention index) of every mention, in text order
        self.order = sorted((t, m) for m, t in self.first_token.items())
        self.kind: dict[int, str | None] = {}
        for _, m in self.order:
            self.kind.setdefault(m, self._kind(m))
        self.affiliation = self._affiliations()
        # (token, followed mention, sentence, is subject) of every mention, for the salience window
        self.entries = []
        for t, _ in self.order:
            tok = doc[t]
            subject = tok.dep_ in SUBJECT_DEPS or tok.head.dep_ in SUBJECT_DEPS
            self.entries.append((t, ctx.mention_of(tok), ctx.sentence_index(tok), subject))
        self.entry_tokens = [e[0] for e in self.entries]
        self.is_subject = {e[0]: e[3] for e in self.entries}
        self._claimed: dict[int, set[int]] = {}  # sentence -> persons taken by descriptions
        self._doc = doc
        self._described: dict[int, int | None] = {}
        self._pronouns: dict[int, int | None] = {}
        self.gender: dict[int, str] = {}  # learnt from the pronouns already resolved, never guessed from names

    # --- classes -------------------------------------------------------------------------------
    def _kind(self, idx: int) -> str | None:
        mentions = self.ctx.result.mentions
        seen = set()
        m = mentions[idx]
        labels = {m.label}
        while m.refers_to is not None and m.refers_to not in seen:
            seen.add(m.refers_to)
            m = mentions[m.refers_to]
            labels.add(m.label)
        if m.kind == "demonym":
            return None
        if m.place is not None:
            return "group"
        if "PERSON" in labels or m.role:
            return "person"
        if labels & {"ORG", "GPE", "GAZ", "NORP", "FAC"}:
            return "group"
        return None

    def followed(self, tok: Token) -> int | None:
        return self.ctx.mention_of(tok)

    def _affiliations(self) -> dict[int, str]:
        """Person mention -> state id, from a demonym standing right before the name ("Russian president Putin")."""
        out: dict[int, str] = {}
        doc = self.ctx.doc
        mentions = self.ctx.result.mentions
        for tok_i, m in self.order:
            if self.kind.get(m) != "person":
                continue
            target = self.ctx.mention_of(doc[tok_i])
            for j in range(tok_i - 1, max(-1, tok_i - 6), -1):
                t = doc[j]
                if t.is_punct or t.pos_ in {"VERB", "AUX", "ADP", "SCONJ", "CCONJ"}:
                    break
                d = self.ctx._mention_by_token.get(j)
                if d is not None and mentions[d].kind == "demonym" and mentions[d].place:
                    if target is not None:
                        out.setdefault(target, mentions[d].place)
                    break
        return out

    # --- resolution ----------------------------------------------------------------------------
    def pronoun(self, tok: Token, speaker: int | None = None) -> int | None:
        """The mention a pronoun stands for, or None when nothing compatible is near."""
        low = tok.lower_
        if low in SPEAKER_PRONOUNS:
            return speaker
        if low in PERSON_PRONOUNS:
            want = "person"
        elif low in GROUP_PRONOUNS:
            if low in {"it", "itself"} and tok.dep_ not in {"nsubj", "nsubjpass"}:
                return None  # an object "it" is mostly a thing ("rejected it"), not a state
            want = "group"
        else:
            return None
        if tok.i in self._pronouns:
            return self._pronouns[tok.i]
        gender = "m" if low in MALE else "f" if low in FEMALE else None
        found = None
        if tok.dep_ == "poss" or low.endswith("self") or low.endswith("selves"):
            found = self._clause_subject(tok, want)
            if found is not None and gender and self.gender.get(found, gender) != gender:
                found = None
        if found is None:
            excluded = None
            if tok.dep_ in {"dobj", "dative", "pobj"} and not (low.endswith("self") or low.endswith("selves")):
                # "Putin was too busy to see her": an object pronoun is not its own clause's subject
                excluded = self._clause_subject(tok, want)
            found = self._recent(tok, want, gender, excluded)
        if found is not None and gender:
            self.gender.setdefault(found, gender)  # "his vice president ... she": she is not the man "his" stood for
        self._pronouns[tok.i] = found
        return found

    def description(self, head: Token) -> int | None:
        """The person a definite description ("the Venezuelan leader") stands for."""
        if head.i in self._described:
            return self._described[head.i]
        found = self._description(head)
        self._described[head.i] = found
        return found

    def _description(self, head: Token) -> int | None:
        if head.lower_ not in PERSON_DESCRIPTIONS or not any(c.dep_ == "det" and c.lower_ == "the" for c in self.kids[head.i]):
            return None
        mentions = self.ctx.result.mentions
        state = None
        for t in head.subtree:
            d = self.ctx._mention_by_token.get(t.i)
            if d is None:
                continue
            if self.kind.get(self.ctx.mention_of(t)) == "person":
                return None  # the description names its person: "the president, Putin"
            if mentions[d].place:
                state = mentions[d].place
        # "the president of Turkey, Recep Tayyip Erdogan,": the name in apposition right after the description
        after = head.right_edge.i + 1
        doc = self._doc
        if after + 1 < len(doc) and doc[after].text == ",":
            named = self.ctx.mention_of(doc[after + 1])
            if named is not None and self.kind.get(named) == "person":
                return named
        sent = head.sent
        window = self._window(head)
        persons = [m for _, m, _ in window if self.kind.get(m) == "person"]
        if state is not None:
            for m in persons:
                if self.affiliation.get(m) == state:
                    return self._claim(sent.start, m)
        claimed = self._claimed.get(sent.start, set())
        for m in persons:
            if m not in claimed and not (state and self.affiliation.get(m) not in (None, state)):
                return self._claim(sent.start, m)
        return None

    def _claim(self, key: int, m: int) -> int:
        self._claimed.setdefault(key, set()).add(m)
        return m

    def _window(self, tok: Token) -> list[tuple[int, int, int]]:
        """(token, mention, rank) of mentions before `tok`: its own sentence first, then up to WINDOW sentences back."""
        here = self.ctx.sentence_index(tok)
        out = []
        for t, m, s, _ in reversed(self.entries[: bisect.bisect_left(self.entry_tokens, tok.i)]):
            if s < here - WINDOW:
                break
            out.append((t, m, s))
        out.reverse()
        same = [x for x in out if x[2] == here]
        before = [x for x in out if x[2] < here]
        before.sort(key=lambda x: (-x[2], 0 if self.is_subject[x[0]] else 1, x[0]))
        return same + before

    def _recent(self, tok: Token, want: str, gender: str | None = None, excluded: int | None = None) -> int | None:
        window = self._window(tok)
        here = self.ctx.sentence_index(tok)
        same = [x for x in window if x[2] == here]

        def fits(m, strict):
            if m is None or m == excluded or self.kind.get(m) != want:
                return False
            if gender is None:
                return True
            return self.gender.get(m) == gender if strict else self.gender.get(m, gender) == gender

        # a person already known to match the pronoun's gender first, then anyone not known to differ
        for strict in ((True, False) if gender else (False,)):
            for _, m, _ in reversed(same):
                if fits(m, strict):
                    return m
            for _, m, s in window:
                if s < here and fits(m, strict):
                    return m
        return None

    def _clause_subject(self, tok: Token, want: str) -> int | None:
        node = tok.head
        for _ in range(8):
            if node.pos_ in {"VERB", "AUX"}:
                for c in self.kids[node.i]:
                    if c.dep_ in {"nsubj", "nsubjpass"} and c.i != tok.i:
                        m = self.ctx.mention_of(c)
                        if m is None and c.lower_ in {"who", "which", "that"}:
                            for j in range(c.i - 1, c.sent.start - 1, -1):
                                m = self.ctx.mention_of(self._doc[j])
                                if m is not None:
                                    break
                        if m is None and c.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
                            for cc in c.subtree:
                                m = self.ctx.mention_of(cc)
                                if m is not None:
                                    break
                        if m is not None and self.kind.get(m) == want:
                            return m
                        return None
                if node.dep_ not in {"xcomp", "advcl", "conj", "acl", "pcomp"}:
                    return None
            if node.head == node:
                return None
            node = node.head
        return None
