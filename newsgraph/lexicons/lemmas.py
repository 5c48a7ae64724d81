"""Lemmas the small English model gets wrong on news verbs, and the lemma of a token with them put right.

The model's rule lemmatizer strips "hopes", "hoped" and "hoping" to "hop" and "lambasted" to "lambast"; a stage
that looks a verb up by its lemma (an event's verb, an attribution's cue) reads it through ``lemma_of``.
"""

from __future__ import annotations

# Word form (lower case) -> its lemma, for the forms the model gets wrong.
LEMMA_FIXES = {
    "hopes": "hope", "hoped": "hope", "hoping": "hope",
    "lambasts": "lambaste", "lambasted": "lambaste", "lambasting": "lambaste",
    "fined": "fine", "fines": "fine", "fining": "fine",
}


def lemma_of(tok) -> str:
    """The lower-cased lemma of a spaCy token, with the model's known mistakes put right."""
    return LEMMA_FIXES.get(tok.lower_, tok.lemma_.lower())

