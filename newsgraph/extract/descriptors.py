"""Descriptors: every label a document puts on an actor, and whose voice puts it there.

For each name mention, the labels are read off the parse in the shapes news
prose uses to characterise people and institutions:

1. premodifiers inside the name's noun phrase ("Venezuelan dictator Nicolás
   Maduro" -> "dictator", "socialist President Nicolas Maduro");
2. appositions either way round ("Dmitry Peskov, the Kremlin spokesman",
   "the Venezuelan Vice President, Delcy Rodriguez");
3. copular statements ("Maduro is a dictator", "The director of MUSIAD is X");
4. group nouns owned by or named after the actor ("the Maduro regime",
   "Maduro's corrupt officials", "the regime of Nicolás Maduro");
5. a description that the coreference stage linked to the actor ("the dictator",
   "the Venezuelan leader"); else a role of a country standing alone for a person
   named nearby ("the dictator of Venezuela"), resolved by ``label_roles``.

Labels are trimmed to their own words: determiners, possessors, ages and the
state or demonym in front ("Venezuelan", "U.S.") are not part of a label, which
keeps labels comparable across outlets. The voice is the outlet's unless the
label stands inside a quote, then it is the quoted speaker's.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from newsgraph.extract import Context
from newsgraph.lexicons.labels import polarity, stand_for_nouns
from newsgraph.extract.label_roles import mention_tokens, place_of, role_of_country, resolve_role
from newsgraph.extract.mentions import TITLE_HEADS
from newsgraph.lexicons.names import HONORIFICS
from newsgraph.model import Descriptor

_MAX_LABEL_TOKENS = 10
# Nouns that say only what kind of place an actor is; "the country" is Venezuela, and no outlet's label on it
# ("regime", "government", "socialist country" are).
_KIND_NOUNS = frozenset({"country", "nation", "city", "region", "area", "place", "territory", "town", "village"})
_LEFT = frozenset({"det", "amod", "compound", "poss", "nmod", "nummod", "quantmod", "advmod", "case"})
_RIGHT = frozenset({"prep", "cc", "conj"})
# Nouns that can label a person in apposition ("X, a Turkish businessman"), besides titles and lexicon words.
_PERSON_NOUNS = frozenset(
    """man woman figure politician activist journalist critic opponent supporter friend mentor protege protégé heir
    member veteran loyalist candidate hardliner ideologue founder owner son daughter wife husband brother father""".split()
)
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "GAZ", "LOC"})
_ROLE_NOUNS = TITLE_HEADS | {"dictator", "tyrant", "strongman", "despot", "autocrat", "ruler", "successor", "predecessor", "ally"}


def extract(ctx: Context) -> None:
    spans = mention_tokens(ctx)
    mentions = ctx.result.mentions
    owner = {i: idx for idx, (ts, te) in enumerate(spans) if mentions[idx].form == "name" for i in range(ts, te)}
    seen: set[tuple[int, int, int]] = set()
    out: list[Descriptor] = []

    def add(tokens: list[Token], mention: int | None) -> None:
        if mention is None or not tokens:
            return
        tokens = _trim(ctx, tokens, owner)
        if not _is_label(ctx, tokens, mention):
            return
        label = ctx.doc[tokens[0].i: tokens[-1].i + 1]
        start, end, text = ctx.span_original(label)
        key = (start, end, mention)
        if key in seen:
            return
        seen.add(key)
        head = _head(label)
        if len(head) < 3 or not head.isalpha() and "-" not in head:
            return
        voice, who = _voice(ctx, start, end)
        out.append(Descriptor(start, end, text, head.lower(), mention, polarity([t.lemma_ for t in label] + [t.text for t in label]),
                              voice, who, ctx.sentence_index(label.start_char)))

    for idx, (ts, te) in enumerate(spans):
        m = ctx.result.mentions[idx]
        if m.form == "nominal" and te > ts:
            # a description linked to its actor by coreference: "the dictator", "the Venezuelan leader"
            target = ctx.mention_of(ctx.doc[te - 1])
            if target is not None and ctx.result.mentions[target].label in _ACTOR_LABELS:
                add(_role_phrase(ctx, ctx.doc[te - 1]), target)
            continue
        if m.kind not in {"name", "acronym"} or te <= ts:
            continue
        target = ctx.mention_of(ctx.doc[ts])
        if target is None or ctx.result.mentions[target].label not in _ACTOR_LABELS:
            continue
        person = ctx.result.mentions[target].label == "PERSON"
        root = _root(ctx.doc, ts, te)
        add(_premodifiers(ctx, ts, root, owner), target)
        for tokens in _appositions(ctx, ts, te, root, owner, person):
            add(tokens, target)
        add(_copular(ctx, root, owner), target)
        group = _stand_for(ctx, te, root)
        if person or ctx.result.mentions[target].label == "ORG" or polarity([t.lemma_ for t in group]) != "neutral":
            add(group, target)
    nominal_heads = {te - 1 for idx, (ts, te) in enumerate(spans) if mentions[idx].form == "nominal" and te > ts}
    strings, tokens = ctx.doc.vocab.strings, ctx.tokens()
    role_lemma: dict[int, bool] = {}  # lemma hash -> whether its lower-case form is a role noun
    for i, row in enumerate(ctx.columns()):  # the lemmas read from the context's arrays, a Token only for role nouns
        lemma = row[2]
        if lemma not in role_lemma:
            role_lemma[lemma] = strings[lemma].lower() in _ROLE_NOUNS
        if not role_lemma[lemma]:
            continue
        token = tokens[i]
        if token.i in owner or token.i in nominal_heads or token.lemma_.lower() not in _ROLE_NOUNS:
            continue
        country = role_of_country(ctx, token, owner)
        if country is not None:
            person = resolve_role(ctx, token, country, owner)
            add(_role_phrase(ctx, token), person)
    out.sort(key=lambda d: (d.start, d.end))
    ctx.result.descriptors.extend(out)


def _is_label(ctx: Context, tokens: list[Token], mention: int) -> bool:
    """Whether trimmed words still say something about the actor (the filters each stop a seen misreading)."""
    if not tokens or len(tokens) > _MAX_LABEL_TOKENS:
        return False
    if all(t.ent_type_ in {"PERSON", "GPE", "NORP", "LOC"} for t in tokens):
        return False  # a first name the NER split off ("Theresa" May) or a place
    if len(tokens) == 1 and tokens[0].lemma_.lower() in _KIND_NOUNS:
        return False  # "the country", "the city": what kind of actor it is, no label on it
    if _headline(tokens[0].sent):
        return False  # "Mueller Incorrectly Predicts …": capitalised words in a headline are not titles
    if " ".join(t.text for t in tokens).lower() in ctx.result.mentions[mention].name.lower():
        return False  # part of the name itself ("Jacob Rees"-Mogg)
    if any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"amod", "compound", "nmod"}
           and not (t.dep_ == "conj" and t.head.dep_ in {"amod", "compound"}) for t in tokens):
        return False  # a clause, not a label ("failing and cash-starved Marxist regime" is one: a list of modifiers)
    # A lone neutral adjective ("the late X", "continental Europe") says nothing about the actor.
    return any(t.pos_ in {"NOUN", "PROPN"} and not t.is_stop for t in tokens) or polarity([t.lemma_ for t in tokens]) != "neutral"


def _root(doc, ts: int, te: int) -> Token:
    for i in range(te - 1, ts - 1, -1):
        if not (ts <= doc[i].head.i < te) or doc[i].head.i == i:
            return doc[i]
    return doc[te - 1]


def _head(label: Span) -> str:
    """The head noun or title of a label: its syntactic root, else its last noun."""
    root = label.root
    if root.pos_ in {"NOUN", "PROPN"}:
        return root.text
    nouns = [t for t in label if t.pos_ in {"NOUN", "PROPN"}]
    return (nouns[-1] if nouns else root).text


def _is_place_word(ctx: Context, tok: Token) -> bool:
    return place_of(ctx, tok) is not None


def _trim(ctx: Context, tokens: list[Token], owner: dict[int, int]) -> list[Token]:
    """Drop what is not the label's own words: leading determiners, possessors, ages, states and demonyms."""
    possessed = {t.i for tok in tokens for c in tok.children if c.dep_ == "poss" for t in c.subtree}
    tokens = [t for t in tokens if t.i not in possessed]

    def noise(t: Token) -> bool:
        low = t.lower_
        return (
            t.pos_ in {"DET", "NUM", "PUNCT", "ADP", "CCONJ", "SCONJ", "PART", "PRON", "SPACE"}
            or (t.pos_ == "ADV" and t.dep_ != "amod")
            or t.like_num or low in {"year", "old", "-", "'s", "the"} or low.rstrip(".") in HONORIFICS or low in HONORIFICS
            or _is_place_word(ctx, t)
        )

    while tokens and noise(tokens[0]):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ in {"ADP", "CCONJ", "DET", "PART"} or tokens[-1].lower_.rstrip(".") in HONORIFICS
                      or tokens[-1].ent_type_ == "PERSON"):
        tokens = tokens[:-1]
    # A label must be contiguous; a gap means the parse joined words that are not one label.
    if tokens and tokens[-1].i - tokens[0].i + 1 != len(tokens):
        return []
    return tokens


def _headline(sent: Span) -> bool:
    """A sentence in capitals or Title Case, as headlines and banners are written (names aside)."""
    words = [t for t in sent if t.is_alpha and not t.ent_type_]
    if len(words) < 3:
        return False
    capitalised = sum(1 for t in words if t.text[0].isupper() or t.text.isupper())
    return capitalised >= 0.75 * len(words)


def _premodifiers(ctx: Context, ts: int, root: Token, owner: dict[int, int]) -> list[Token]:
    """Words before the name inside its noun phrase: "socialist President" Nicolas Maduro."""
    doc = ctx.doc
    tokens: list[Token] = []
    j = ts - 1
    while j >= 0:
        tok = doc[j]
        if tok.is_punct and tok.text != "-" or tok.pos_ in {"VERB", "AUX", "CCONJ"} or tok.is_space:
            break  # "gas giant Gazprom and oil firm Rosneft": Rosneft's label stops at the coordination
        if tok.text == "-" and (tok.whitespace_ or (j > 0 and doc[j - 1].whitespace_)):
            break  # a spaced dash ends a dateline ("MOSCOW - Vice President …"); "anti-U.S." has none
        if root not in tok.ancestors:
            break
        if j in owner and ctx.result.mentions[owner[j]].label == "PERSON":
            break
        tokens.insert(0, tok)
        j -= 1
    # A possessive in front ("Trump's") belongs to the name before it, not to this one.
    if tokens and any(t.dep_ == "case" for t in tokens):
        cut = max(i for i, t in enumerate(tokens) if t.dep_ == "case")
        tokens = tokens[cut + 1:]
    return tokens


def _label_of(ctx: Context, noun: Token) -> list[Token]:
    """A label noun with its modifiers before it and its complements after it ("head of Russia's Council"),
    without clauses hanging off it; coordinated labels ("predecessor and political mentor") stay one label."""
    doc = ctx.doc
    keep = {noun.i}
    for c in noun.children:
        if (c.i < noun.i and c.dep_ in _LEFT) or (c.i > noun.i and c.dep_ in _RIGHT):
            keep.update(t.i for t in c.subtree)
    lo, hi = min(keep), max(keep)
    run = []
    for i in range(lo, hi + 1):
        if i not in keep:
            break
        run.append(doc[i])
    return run


def _person_noun(tok: Token) -> bool:
    word = tok.lemma_.lower()
    return word in _ROLE_NOUNS or word in _PERSON_NOUNS or polarity([word]) != "neutral"


def _appositions(ctx: Context, ts: int, te: int, root: Token, owner: dict[int, int], person: bool) -> list[list[Token]]:
    """ "Dmitry Peskov, the Kremlin spokesman" and "the Venezuelan Vice President, Delcy Rodriguez"; only
    comma-set appositions count (a bracketed aside or a list is not a label)."""
    doc = ctx.doc
    found = []
    for c in root.children:
        if c.dep_ == "appos" and c.i >= te and c.i not in owner and c.pos_ in {"NOUN", "PROPN"} and (not person or _person_noun(c)):
            label = _label_of(ctx, c)
            if label and label[0].i > 0 and doc[label[0].i - 1].text == ",":
                found.append(label)
    if not found and person:
        found.extend(_surface_apposition(ctx, te, owner))
    head = root.head
    if root.dep_ == "appos" and head.i < ts and head.i not in owner and head.pos_ in {"NOUN", "PROPN"} and (not person or _person_noun(head)):
        label = [t for t in _label_of(ctx, head) if t.i < ts]
        if label and label[-1].i + 1 < ts and doc[label[-1].i + 1].text == ",":
            found.append(label)
        elif label and label[-1].i == ts - 1:
            # "The Estonian dictator Arno Kask" parsed as an apposition with no comma: a premodifier.
            found.append(label)
    return found


def _surface_apposition(ctx: Context, te: int, owner: dict[int, int]) -> list[list[Token]]:
    """ "Hugo Chavez, Mr. Maduro's late predecessor and political mentor, …" read off the commas, for when
    the parser attached the apposition elsewhere: a verbless stretch between commas ending in a person noun."""
    doc = ctx.doc
    if te >= len(doc) or doc[te].text != ",":
        return []
    stretch: list[Token] = []
    for tok in doc[te + 1: te + 12]:
        if tok.text in {",", ";", ".", "(", ")", ":"} or tok.sent != doc[te].sent:
            break
        if tok.pos_ in {"VERB", "AUX"}:
            return []
        stretch.append(tok)
    if not stretch or len(stretch) > 10 or stretch[-1].pos_ != "NOUN" or not _person_noun(stretch[-1]):
        return []
    end = stretch[-1].i + 1
    if end < len(doc) and doc[end].text not in {",", ".", ";"}:
        return []
    return [stretch]


def _copular(ctx: Context, root: Token, owner: dict[int, int]) -> list[Token]:
    """ "Maduro is a dictator" / "The director of MUSIAD is Hayri Kucukyavuz"."""
    verb = root.head
    if verb.lemma_ != "be" or verb.i == root.i or any(c.dep_ == "neg" for c in verb.children):
        return []
    if root.dep_ in {"nsubj", "nsubjpass"}:
        for c in verb.children:
            if c.dep_ == "attr" and c.i not in owner and c.pos_ in {"NOUN", "PROPN"}:
                return _label_of(ctx, c)
            if c.dep_ == "acomp" and polarity([c.lemma_]) != "neutral":
                return [c]
    if root.dep_ == "attr":
        for c in verb.children:
            if c.dep_ == "nsubj" and c.i not in owner and c.pos_ == "NOUN" and c.lemma_.lower() in _ROLE_NOUNS:
                return _label_of(ctx, c)
    return []


def _stand_for(ctx: Context, te: int, root: Token) -> list[Token]:
    """ "the Maduro regime", "Maduro's corrupt officials", "the regime of Nicolás Maduro"."""
    head = root.head
    nouns = stand_for_nouns()
    if root.dep_ in {"compound", "poss"} and head.i >= te and (head.lemma_.lower() in nouns or head.lower_ in nouns):
        start = te + 1 if te < len(ctx.doc) and ctx.doc[te].dep_ == "case" else te
        return list(ctx.doc[start: head.i + 1])
    for c in root.children:
        if c.dep_ == "conj" and (c.lemma_.lower() in nouns or c.lower_ in nouns):
            owners = [p for p in c.children if p.dep_ == "poss" and p.lower_ in {"his", "her", "its", "their"}]
            if owners:
                # "Maduro and his corrupt officials"
                return list(ctx.doc[owners[0].i + 1: c.i + 1])
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and (head.head.lemma_.lower() in nouns or head.head.lower_ in nouns):
        noun = head.head
        mods = [c for c in noun.children if c.dep_ in {"amod", "compound"} and c.i < noun.i]
        lo = min([m.left_edge.i for m in mods], default=noun.i)
        return list(ctx.doc[lo: noun.i + 1])
    return []


def _role_phrase(ctx: Context, token: Token) -> list[Token]:
    """ "the dictator of Venezuela" -> "dictator of Venezuela" (the state names the role)."""
    return [t for t in _label_of(ctx, token) if t.i >= token.left_edge.i]


def _voice(ctx: Context, start: int, end: int):
    for q in ctx.result.quotes:
        if q.start <= start and end <= q.end:
            return "quoted", q.speaker
    return "outlet", None
