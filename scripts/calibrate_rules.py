"""How often each rule of the rule engine marks text a PTC annotator marked: the measured precision behind its score.

    python scripts/calibrate_rules.py ../shared/corpus/ptc-dev [--cache DIR]

For every source of rule spans (a lexicon file, a token pattern, the sentence shapes, repetition) it
widens each hit as ``rules.find`` does and prints the SI precision of those spans against the gold spans
of any technique (the share of the span's characters inside a gold span, averaged over spans), and how
many spans it made. ``rules.LEXICONS``/``PATTERNS`` carry these figures, rounded, as their scores: a rule
span's score is how likely it marks a propaganda span on PTC, the most propaganda-dense text there is.
"""

from __future__ import annotations

import argparse
from collections import defaultdict


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--cache", default=None)
    args = ap.parse_args()

    from spacy.attrs import ENT_IOB, IS_ALPHA, IS_QUOTE, IS_SPACE, IS_STOP, LOWER

    from newsgraph.techniques import rules
    from newsgraph.techniques.statistical import token_char_spans
    from newsgraph.training import ptc
    from newsgraph.training.parse import parse
    from newsgraph.training.scorer import merge

    articles = ptc.read_folder(args.folder)
    inside = defaultdict(float)
    count = defaultdict(int)
    for article, (norm, doc) in zip(articles, parse((a.text for a in articles), cache=args.cache)):
        gold = merge((g.start, g.end) for g in article.spans)
        chars = token_char_spans(doc, norm)
        phrases, tokens = rules.matchers(doc.vocab)
        strings = doc.vocab.strings
        arr = doc.to_array([LOWER, IS_SPACE, IS_QUOTE, IS_ALPHA, IS_STOP, ENT_IOB])
        lower = [strings[h] if h else "" for h in arr[:, 0].tolist()]
        space, quote = arr[:, 1].tolist(), arr[:, 2].tolist()
        content = [bool(a) and not s and not i for a, s, i in zip(arr[:, 3].tolist(), arr[:, 4].tolist(), (arr[:, 5] % 2).tolist())]
        sourced = [(strings[k], s, e, rules.LEXICONS[strings[k]][0]) for k, s, e in phrases(doc)]
        sourced += [(strings[k], s, e, rules.PATTERNS[strings[k]][0]) for k, s, e in tokens(doc)]
        sourced += [("question" if t == "Doubt" else "exclamation", s, e, t) for s, e, t, _ in rules._sentence_shapes(doc, lower, space, quote)]
        sourced += [("repetition", s, e, t) for s, e, t, _ in rules._repetitions(lower, content)]
        for source, s, e, technique in sourced:
            if technique == "Name_Calling,Labeling":
                s = rules._widen_label(doc, s, e)
            elif technique in rules.CLAUSE_LEVEL:
                s, e = rules._clause(doc, s, e)
            cs, ce = chars[s][0], chars[e - 1][1]
            if ce <= cs:
                continue
            inside[source] += sum(max(0, min(ce, g1) - max(cs, g0)) for g0, g1 in gold) / (ce - cs)
            count[source] += 1
    for source in sorted(count, key=lambda k: -inside[k] / count[k]):
        print(f"{source:18s} precision {inside[source] / count[source]:.3f}  spans {count[source]}")


if __name__ == "__main__":
    main()
