"""Every spaCy component newsgraph registers, in one place.

Components annotate text; work on the whole corpus happens on the store (see
``newsgraph.resolve``). Each factory is a thin wrapper over a *find* function
that can be tested on a hand-made Doc.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


def line_break_starts(doc: Doc) -> list[int]:
    """Indices of tokens that begin a line: a kept newline ends a headline or paragraph."""
    return [tok.i + 1 for tok in doc[:-1] if "\n" in tok.text or "\n" in tok.whitespace_]


def closing_quotes(doc: Doc) -> list[int]:
    """Indices of quote marks glued to a full stop before them: they close that sentence, never open one."""
    return [
        tok.i
        for tok in doc[1:]
        if tok.text in {'"', "'"} and doc[tok.i - 1].text in {".", "!", "?", "...", ","} and not doc[tok.i - 1].whitespace_
    ]


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
