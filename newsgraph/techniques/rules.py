"""The rule engine: lexicons (``data/*.txt``) and spaCy patterns, built once per vocab.

``find(doc)`` is a pure function from a parsed Doc to ``Found`` spans. Its passes:

1. lexicon phrases (PhraseMatcher on lowercase tokens), one lexicon per technique;
2. token patterns (Matcher): "either … or", "experts say", hashtags, runs of
   capitals, name-calling labels widened over the adjectives before them;
3. sentence shapes: rhetorical questions (Doubt), short exclamations (Slogans);
4. repetition: a two-word phrase of content words (not a name) used three times or more;
5. clause widening for techniques that PTC annotates on whole claims (fear,
   doubt, causes, authority…): a cue word stands for the clause it governs.

Overlapping spans of one technique are merged; spans of different techniques
may overlap, as in the PTC annotations.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from importlib import resources

import spacy
import numpy as np
from spacy.attrs import ENT_IOB, IS_ALPHA, IS_QUOTE, IS_SPACE, IS_STOP, IS_UPPER, LEMMA, LENGTH, LOWER, ORTH, PREFIX, TAG
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from newsgraph.techniques import Found

# lexicon file -> (technique, score). A score is the rule's measured precision on PTC (ptc-dev, 248 articles):
# the share of its spans' characters an annotator marked (`python scripts/calibrate_rules.py ../shared/corpus/ptc-dev`),
# so a rule span passes the default min-score (0.55) only when most of what the rule marks is propaganda.
LEXICONS = {
    "loaded_language": ("Loaded_Language", 0.49),
    "name_calling": ("Name_Calling,Labeling", 0.39),
    "doubt": ("Doubt", 0.2),
    "exaggeration": ("Exaggeration,Minimisation", 0.39),
    "fear": ("Appeal_to_fear-prejudice", 0.35),
    "flag_waving": ("Flag-Waving", 0.79),
    "slogans": ("Slogans", 0.76),
    "cliches": ("Thought-terminating_Cliches", 0.29),
    "whataboutism": ("Whataboutism,Straw_Men,Red_Herring", 0.36),
    "bandwagon": ("Bandwagon,Reductio_ad_hitlerum", 0.52),
    "causal": ("Causal_Oversimplification", 0.21),
    "authority": ("Appeal_to_Authority", 0.34),
    "black_white": ("Black-and-White_Fallacy", 0.45),
}
# Techniques PTC marks on a whole claim rather than on a word: a cue stands for its clause.
CLAUSE_LEVEL = {
    "Appeal_to_fear-prejudice",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Black-and-White_Fallacy",
    "Whataboutism,Straw_Men,Red_Herring",
}
_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "conj", "relcl", "xcomp", "csubj", "parataxis"}
_AUTHORITIES = ["expert", "scientist", "doctor", "researcher", "study", "analyst", "economist", "scholar", "professor", "official"]
_CLAIM_VERBS = ["say", "agree", "warn", "believe", "show", "confirm", "suggest", "insist", "conclude"]

PATTERNS: dict[str, tuple[str, float, list[list[dict]]]] = {
    "either_or": (
        "Black-and-White_Fallacy",
        0.02,
        [[{"LOWER": "either"}, {"IS_PUNCT": False, "OP": "{1,12}"}, {"LOWER": "or"}, {"IS_PUNCT": False, "OP": "{1,6}"}]],
    ),
    "experts_say": (
        "Appeal_to_Authority",
        0.2,
        [[{"LEMMA": {"IN": _AUTHORITIES}, "TAG": "NNS"}, {"LEMMA": {"IN": _CLAIM_VERBS}}],
         [{"LOWER": "according"}, {"LOWER": "to"}, {"LEMMA": {"IN": _AUTHORITIES}, "TAG": "NNS"}]],
    ),
    "hashtag": ("Slogans", 0.1, [[{"ORTH": "#"}, {"IS_ALPHA": True}], [{"TEXT": {"REGEX": r"^#\w{2,}$"}}]]),
    "capitals": (
        "Loaded_Language",
        0.28,
        [[{"IS_UPPER": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}, {"IS_UPPER": True, "IS_ALPHA": True, "LENGTH": {">=": 3}, "OP": "+"}]],
    ),
}


def _lexicon(name: str) -> list[str]:
    text = (resources.files("newsgraph.techniques") / "data" / f"{name}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=8)
def matchers(vocab: Vocab) -> tuple[PhraseMatcher, Matcher]:
    """The phrase and token matchers for one vocab; built once per process and model."""
    tokenizer = spacy.blank("en", vocab=vocab).tokenizer
    phrases = PhraseMatcher(vocab, attr="LOWER")
    for name in LEXICONS:
        phrases.add(name, [tokenizer(p) for p in _lexicon(name)])
    tokens = Matcher(vocab)
    for name, (_, _, patterns) in PATTERNS.items():
        tokens.add(name, patterns, greedy="LONGEST")
    return phrases, tokens


def lexicon_hits(doc: Doc) -> list[tuple[int, int, str, float]]:
    """(start, end, technique, score) for every lexicon phrase and token pattern in `doc`, unwidened."""
    phrases, tokens = matchers(doc.vocab)
    strings = doc.vocab.strings
    hits = []
    for key, s, e in phrases(doc):
        technique, score = LEXICONS[strings[key]]
        hits.append((s, e, technique, score))
    for lo, hi in _pattern_windows(doc):
        for key, s, e in tokens(doc[lo:hi]):
            technique, score, _ = PATTERNS[strings[key]]
            hits.append((lo + s, lo + e, technique, score))
    return hits


# The longest match each token pattern can make from its first token (capitals: a run, measured per document).
_EITHER_OR_REACH = 1 + 12 + 1 + 6


def _pattern_windows(doc: Doc) -> list[tuple[int, int]]:
    """Disjoint token windows that hold every match of the token ``PATTERNS`` whole.

    The Matcher tries every pattern at every token, and most tokens can start none (a regex
    predicate, lemma sets): run on these windows only, it finds the same matches. Each window
    starts at a token that can begin a pattern and reaches as far as that pattern can go;
    windows that touch are joined, so the LONGEST filter sees every rival of a match.
    """
    n = len(doc)
    if not n:
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([LOWER, LEMMA, TAG, ORTH, PREFIX, IS_UPPER, IS_ALPHA, LENGTH])
    lower, lemma, tag, orth, prefix = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4]
    caps = (arr[:, 5] != 0) & (arr[:, 6] != 0)
    length = arr[:, 7]
    spans: list[tuple[int, int]] = []
    for i in np.flatnonzero(lower == strings["either"]).tolist():
        spans.append((i, i + _EITHER_OR_REACH))
    for i in np.flatnonzero(lower == strings["according"]).tolist():
        spans.append((i, i + 3))
    authority = np.isin(lemma, [strings[w] for w in _AUTHORITIES]) & (tag == strings["NNS"])
    for i in np.flatnonzero(authority).tolist():
        spans.append((i, i + 2))
    hashes = prefix == strings["#"]  # PREFIX: a token's first character
    for i in np.flatnonzero(hashes).tolist():
        spans.append((i, i + 2 if orth[i] == strings["#"] else i + 1))
    run_on = caps & (length >= 3)
    # a run of capitals starts where a word of two or more capitals is followed by one of three or more
    starts = np.flatnonzero(caps[:-1] & (length[:-1] >= 2) & run_on[1:]).tolist()
    if starts:
        run = run_on.tolist()
        for i in starts:
            j = i + 1
            while j < n and run[j]:
                j += 1
            spans.append((i, j))
    spans.sort()
    windows: list[list[int]] = []
    for lo, hi in spans:
        hi = min(hi, n)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    return [(lo, hi) for lo, hi in windows]


def _clause(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The clause governing the span: the subtree of its nearest clausal head, inside the sentence."""
    tok = doc[start]
    sent = tok.sent
    head = tok
    while head.dep_ not in _CLAUSE_DEPS and head.head.i != head.i:
        head = head.head
    lo = max(head.left_edge.i, sent.start)
    hi = min(head.right_edge.i + 1, sent.end)
    while hi > lo + 1 and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    while lo < hi - 1 and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ == "cc"):
        lo += 1
    return min(lo, start), max(hi, end)


def _widen_label(doc: Doc, start: int, end: int) -> int:
    """Include the adjectives and nouns stacked before a label ("cash-starved Marxist regime")."""
    root = doc[end - 1]
    lo = start
    while lo > 0:
        prev = doc[lo - 1]
        if prev.head.i == root.i and prev.dep_ in ("amod", "compound") and prev.pos_ in ("ADJ", "NOUN", "PROPN"):
            lo -= 1
        elif prev.head.i == root.i and prev.dep_ == "punct" and prev.text == "-":
            lo -= 1
        else:
            break
    return lo


def _sentence_shapes(doc: Doc, lower: list[str], space: list[int], quote: list[int]) -> list[tuple[int, int, str, float]]:
    """Questions the writer asks (Doubt) and short exclamations (Slogans)."""
    out = []
    for sent in doc.sents:
        toks = [i for i in range(sent.start, sent.end) if not space[i]]
        if len(toks) < 3:
            continue
        first, last = toks[0], toks[-1]
        if quote[last] or quote[first]:
            continue  # a question inside a quotation is the speaker's, not the writer's
        if lower[last] == "?":
            out.append((first, last + 1, "Doubt", 0.19))
        elif lower[last] == "!" and len(toks) <= 9:
            out.append((first, last + 1, "Slogans", 0.39))
    return out


def _repetitions(lower: list[str], content: list[bool]) -> list[tuple[int, int, str, float]]:
    """Later uses of a two-word phrase (content words, not a name) that the text uses three times or more."""
    seen = defaultdict(list)
    for i in range(len(lower) - 1):
        if content[i] and content[i + 1]:
            seen[(lower[i], lower[i + 1])].append(i)
    out = []
    for starts in seen.values():
        if len(starts) >= 3:
            out.extend((i, i + 2, "Repetition", 0.14) for i in starts[1:])
    return out


def find(doc: Doc) -> list[Found]:
    """Technique spans the rules see in `doc` (see the module docstring for the passes)."""
    return find_with_hits(doc)[0]


def find_with_hits(doc: Doc) -> tuple[list[Found], list[tuple[int, int, str, float]]]:
    """(spans found, raw lexicon and pattern hits before widening): the model reuses both as features."""
    lexical = lexicon_hits(doc)
    # Token attributes read once as arrays: a Token object per access would cost more than the matching.
    arr = doc.to_array([LOWER, IS_SPACE, IS_QUOTE, IS_ALPHA, IS_STOP, ENT_IOB])
    strings = doc.vocab.strings
    lower = [strings[h] if h else "" for h in arr[:, 0].tolist()] if len(doc) else []
    space, quote = arr[:, 1].tolist(), arr[:, 2].tolist()
    content = [bool(a) and not st and not iob for a, st, iob in zip(arr[:, 3].tolist(), arr[:, 4].tolist(), (arr[:, 5] % 2).tolist())]
    hits = lexical + _sentence_shapes(doc, lower, space, quote) + _repetitions(lower, content)
    by_technique: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for s, e, technique, score in hits:
        if technique == "Name_Calling,Labeling":
            s = _widen_label(doc, s, e)
        elif technique in CLAUSE_LEVEL:
            s, e = _clause(doc, s, e)
        by_technique[technique].append((s, e, score))
    found = []
    for technique, spans in by_technique.items():
        spans.sort()
        cur_s, cur_e, cur_score = spans[0]
        for s, e, score in spans[1:]:
            if s < cur_e:
                cur_e, cur_score = max(cur_e, e), max(cur_score, score)
                continue
            found.append(Found(cur_s, cur_e, technique, "rules", cur_score))
            cur_s, cur_e, cur_score = s, e, score
        found.append(Found(cur_s, cur_e, technique, "rules", cur_score))
    # A word that is a label is not also counted as merely loaded.
    labels = {i for f in found if f.technique == "Name_Calling,Labeling" for i in range(f.start, f.end)}
    found = [f for f in found if not (f.technique == "Loaded_Language" and labels.issuperset(range(f.start, f.end)))]
    return sorted(found, key=lambda f: (f.start, f.end, f.technique)), lexical


def classify(doc: Doc, start: int, end: int) -> str:
    """The technique the rules give a known span (for TC scoring): the best-overlapping hit, else the commonest class."""
    return classify_with(find(doc), start, end)


def classify_with(found: list[Found], start: int, end: int) -> str:
    best, best_overlap = "Loaded_Language", 0
    for f in found:
        overlap = min(end, f.end) - max(start, f.start)
        if overlap > best_overlap:
            best, best_overlap = f.technique, overlap
    return best
