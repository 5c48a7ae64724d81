"""Who would do what a verb says, where the parse hides it: a construction that the event stage (subjects), the quote
stage (speakers) and coreference ("aid from entering the country") all read, so that they agree on the doer."""

from __future__ import annotations

from spacy.tokens import Token

from newsgraph.lexicons.events import HINDER_VERBS, PUSH_INTO_VERBS
from newsgraph.lexicons.lemmas import lemma_of


def would_be_doer(verb: Token) -> Token | None:
    """The object of the verb that pushes somebody into `verb` or keeps them from it: in "intimidate the U.S. into
    backing down", "stopping Guaido and the U.S. from seeking regime change" and "halted U.S. aid from entering the
    country", the one pushed or held back is the one who would act (and speak). None for any other verb, for
    "poured billions into propping up Maduro", whose subject does the propping, and for a reflexive object."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.dep_ != "prep" or prep.i == verb.i:
        return None
    governors = HINDER_VERBS if prep.lower_ == "from" else PUSH_INTO_VERBS if prep.lower_ == "into" else frozenset()
    if lemma_of(prep.head) not in governors:
        return None
    held = next((c for c in prep.head.children if c.dep_ == "dobj" and c.i < prep.i), None)
    if held is not None and held.tag_ == "PRP" and held.lower_.endswith(("self", "selves")):
        return None  # "he tricked himself into believing": the subject, named as such
    return held
