"""Loaded language and propaganda techniques: spans of the 14 PTC classes, with the actor they aim at.

The finding is done by ``newsgraph.techniques.find`` with the engine and model
the pipeline's ``AnalysisOptions`` name (the rules alone by default);
this stage writes what was found as ``Technique`` records
in original offsets, each with its sentence and target mention.
"""

from __future__ import annotations

from spacy.tokens import Span

from newsgraph.extract import Context
from newsgraph.model import Technique
from newsgraph.techniques import TechniqueOptions, find

# Techniques that are aimed at someone; the others (repetition, slogans…) get no target.
AIMED = {
    "Name_Calling,Labeling",
    "Loaded_Language",
    "Doubt",
    "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_fear-prejudice",
    "Exaggeration,Minimisation",
}


def target(ctx: Context, span: Span) -> int | None:
    """The mention a technique span is about, read off the parse around the span's head.

    In order: the head itself when it is a name; a name the head governs ("the
    Maduro regime"); the name the head modifies or stands beside ("dictator
    Maduro", "Maduro, a dictator"); the subject of "X is a dictator"; the object
    of "they called X a dictator"; else any mention inside the span. The
    structure comes first so that "Venezuelan dictator Maduro" aims at Maduro,
    not at the demonym inside the label.
    """
    inside = range(span.start, span.end)
    root = span.root
    found = ctx.mention_of(root)
    # A description the coreference stage made of the label itself ("a corrupt dictator") is not its target:
    # only a name standing at the head counts; otherwise the structure below says whom the label is put on.
    own = ctx.result.mentions[found] if found is not None else None
    if own is not None and getattr(own, "form", "name") == "name" and own.start <= ctx.span_original(root)[0] < own.end:
        return found

    def first(tokens) -> int | None:
        for tok in tokens:
            if tok.i not in inside:
                idx = ctx.mention_of(tok)
                if idx is not None:
                    return idx
        return None

    candidates = [c for c in root.children if c.dep_ in ("appos", "compound", "poss", "nmod")]
    head = root.head
    if root.dep_ in ("amod", "compound", "appos", "nmod", "poss", "acl"):
        # climb a stack of modifiers: "reckless" -> "Governor" -> "Reyes"
        for _ in range(3):
            candidates += [head] + [c for c in head.children if c.dep_ in ("appos", "compound", "poss")]
            if head.dep_ not in ("compound", "amod", "nmod") or head.head.i == head.i:
                break
            head = head.head
    elif root.dep_ == "oprd":
        candidates += [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
    elif root.dep_ in ("attr", "acomp"):
        candidates += [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    found = first(candidates)
    return found if found is not None else ctx.mention_in(span)


def extract(ctx: Context) -> None:
    doc = ctx.doc
    seen = set()
    options = ctx.options
    chosen = TechniqueOptions(options.techniques, options.techniques_model) if options is not None else TechniqueOptions()
    for f in find(doc, chosen):
        span = doc[f.start : f.end]
        start, end, text = ctx.span_original(span)
        if end <= start or (start, end, f.technique, f.engine) in seen:
            continue
        seen.add((start, end, f.technique, f.engine))
        ctx.result.techniques.append(
            Technique(
                start=start,
                end=end,
                text=text,
                technique=f.technique,
                engine=f.engine,
                score=round(float(f.score), 4),
                target=target(ctx, span) if f.technique in AIMED else None,
                sentence=ctx.sentence_index(span[0]),
            )
        )
