"""Every spaCy component newsgraph registers, in one place.

Components annotate text; work on the whole corpus happens on the store (see
``newsgraph.resolve``). Each factory is a thin wrapper over a *find* function
that can be tested on a hand-made Doc.
"""

from __future__ import annotations

from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc


def line_break_starts(doc: Doc) -> list[int]:
    """Indices of tokens that begin a line: a kept newline ends a headline or paragraph.

    Read from the token array (a token's trailing whitespace is one space at most, so a newline is in a token's text):
    a Token object per token cost more than the test."""
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH).tolist() if len(doc) else []
    newline = {h: "\n" in strings[h] for h in set(orths)}
    return [i + 1 for i, h in enumerate(orths[:-1]) if newline[h]]


_CLOSING_QUOTES = ('"', "'")
_SENTENCE_ENDS = (".", "!", "?", "...", ",")


def closing_quotes(doc: Doc) -> list[int]:
    """Indices of quote marks glued to a full stop before them: they close that sentence, never open one."""
    if len(doc) < 2:
        return []
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY]).tolist()
    quotes = {strings[q] for q in _CLOSING_QUOTES}
    ends = {strings[e] for e in _SENTENCE_ENDS}
    return [i for i in range(1, len(rows)) if rows[i][0] in quotes and rows[i - 1][0] in ends and not rows[i - 1][1]]


@Language.component(
    "newsgraph_line_breaks",
    assigns=["token.is_sent_start"],
)
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every newline the normalizer kept (headlines, paragraphs).

    The parser respects boundaries set before it runs, so a title without a full
    stop does not run into the first sentence of the article.
    """
    for i in closing_quotes(doc):
        doc[i].is_sent_start = False
    for i in line_break_starts(doc):
        doc[i].is_sent_start = True
    return doc
