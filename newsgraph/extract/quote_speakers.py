"""Who is speaking: the subject of a cue verb, turned into a ``Source`` (as written, whom it names, whom it speaks for).

A cue verb's grammatical subject is often not the name itself, so the subject
goes through a short cascade, each step there for a layout seen in news prose:

1. No subject on the cue verb ("…, saying that …", "a statement saying …"):
   climb to the verb it hangs from and take that one's subject.
2. A relative pronoun ("Sergei Lavrov, who told her: …"): the noun it modifies.
3. A document as subject ("A report by the BBC revealed …"): its author.
4. A role with the name in apposition ("the Vice President, Delcy Rodriguez,"):
   the name.
5. A pronoun ("he said"): ``resolve_pronoun``, the one entry point, takes the
   link the document's coreference stage made when there is one, else
   ``antecedent``: the nearest person in subject position of a cue verb, then
   of any verb, then the nearest person, within three sentences, never one
   whose gender (title, first name, the surname of a named first name, earlier
   he/she) contradicts the pronoun. This small fallback exists because spaCy's
   small English models ship no coreference component; it is what quotes use
   until the coreference stage links pronouns.
6. A role or other noun: a definite role ("the Venezuelan Vice President")
   points back at a person whose title agrees; a nominal or anonymous source
   ("a Coca-Cola spokesman", "Mr Blair's official spokesman", "officials", "a
   person familiar with the matter") is a source of its own: its words, no
   person, and the name it speaks for as ``affiliation``.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from newsgraph.extract import Context
from dataclasses import dataclass

from newsgraph.extract.mentions import TITLE_HEADS, TITLE_WORDS
from newsgraph.extract.doers import name_beside_role, orphan_subject, would_be_doer
from newsgraph.lexicons.attribution import ADDRESSEE_CUES
from newsgraph.lexicons.coref import descriptions, first_names
from newsgraph.lexicons.lemmas import lemma_of
from newsgraph.lexicons.names import HONORIFICS, ROLE_ACRONYMS
from newsgraph.model import Participant

# Verbs that report speech or a claim, strict enough to read "X <verb> that …" as indirect speech.
SPEECH_VERBS = frozenset(
    """say tell warn claim report estimate announce insist argue explain add note state deny accuse
    stress assert reveal confirm suggest predict acknowledge admit allege complain lament
    highlight write tweet post reply respond remark emphasize emphasise urge vow promise threaten
    believe conclude observe point maintain contend comment concede recall testify disclose""".split()
)
# Verbs that may introduce a quotation in marks, though they do not mean "say" on their own.
QUOTE_VERBS = SPEECH_VERBS | frozenset("declare call describe react ask continue quip shout exclaim boast brand dub term".split())
# Verbs that carry a claim only through a claim noun (``quotes._THAT_NOUNS``): "broke the news that …", "issued a
# statement that …".
CLAIM_VERBS = frozenset("break publish issue release carry spread share deliver make".split())
# Subjects that are documents speaking for their author: "a report by X".
DOCUMENT_NOUNS = frozenset("report statement study survey article analysis interview letter op-ed editorial".split())
FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Subjects that cannot be a speaker: the author's own voice, or a dummy ("That helps explain why …").
NOT_SPEAKERS = frozenset({"i", "we", "us", "you", "it", "this", "that", "there", "these", "those"})
# Cue verbs written in forms the tokenizer may glue to a following mark ('said,"What').
GLUED_FORMS = frozenset(
    """said says say told tells added adds wrote writes asked asks explained explains stated states warned warns
    tweeted tweets noted notes insisted insists claimed claims continued replied assured declared""".split()
)
PRONOUNS = frozenset({"he", "she", "him", "her"})
# Roles that do not point back at a named person: "the spokesman said" is the spokesman, not the last name seen.
ANONYMOUS_ROLES = frozenset("""spokesman spokeswoman spokesperson official officials aide aides adviser advisor advisers lawyer
    analyst economist officer executive source sources person people expert experts""".split())
RELATIVES = frozenset({"who", "which", "that", "whom"})
_CLIMB = frozenset({"conj", "advcl", "xcomp", "acl", "pcomp", "dobj", "pobj", "prep", "attr", "ccomp", "npadvmod", "appos"})


def is_cue(token: Token, lexicon: frozenset[str] = QUOTE_VERBS) -> bool:
    if token.pos_ not in {"VERB", "AUX"} or lemma_of(token) not in lexicon:
        return False
    # "So-called" is a hedge, not a speaker calling something.
    return not (token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).lower_ == "so")


def _continued_speech(verb: Token) -> Token:
    """The cue a speech participle goes on with: in "… Navalny, who said that X, adding that Y" the parser hangs
    "adding" on the sentence's main verb, but it goes on with the nearest cue before it, "said"."""
    if verb.tag_ != "VBG" or verb.dep_ != "advcl" or not is_cue(verb):
        return verb
    for i in range(verb.i - 1, max(verb.head.i, verb.sent.start - 1), -1):
        t = verb.doc[i]
        if t.dep_ in {"relcl", "ccomp", "advcl", "conj"} and is_cue(t) and t.tag_ in FINITE:
            return t
    return verb


# Cues whose object is whom they speak of: "…, described Biden as a close ally", "…, called Ferguson a liar".
_OF_SOMEONE = frozenset({"call", "describe", "accuse", "brand", "dub", "term", "label", "name", "blame", "praise", "thank",
                         "criticize", "criticise", "condemn", "attack", "slam", "mock", "fault", "credit", "congratulate"})
_TOLD = ADDRESSEE_CUES | {"brief"}  # whom one tells is no speaker


def _titled(tok: Token) -> bool:
    """A role's head: "the Vice President", "the MP" (not "the MPs", a group)."""
    low = tok.lemma_.lower()
    return low in TITLE_HEADS or (low in ROLE_ACRONYMS and tok.tag_ not in {"NNS", "NNPS"} and not tok.lower_.endswith("s"))


def inverted_subject(verb: Token) -> Token | None:
    """The speaker of a cue set after what it reports, which the parser made the cue's object: "The band were still
    hopeful …, added the spokesman", "Prices will rise again, predicted the economist". The cue follows a comma and
    has no subject; a clause it reports comes before it; its object is a name or a person."""
    doc = verb.doc
    if verb.i == 0 or doc[verb.i - 1].text != "," or not is_cue(verb) or lemma_of(verb) in _TOLD or any(
            c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
        return None  # "…, Malkia Cyril, the executive director …, told The Huffington Post": whom one tells
    if not (any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children) or verb.dep_ in {"conj", "dep"} and verb.head.i < verb.i):
        return None
    obj = next((c for c in verb.children if c.dep_ in {"dobj", "attr"} and c.i > verb.i), None)
    if obj is None or any(c.dep_ in {"ccomp", "xcomp"} and c.i > verb.i for c in verb.children):
        return None
    if lemma_of(verb) in _OF_SOMEONE or any(c.i > obj.right_edge.i and not c.is_punct for c in verb.children) or any(
            c.dep_ in {"prep", "oprd", "dative", "advcl", "acl", "relcl"} for c in obj.children):
        return None  # "Trump arrived in Paris, accused Macron of weakness": Macron is accused, nobody is quoted
    if obj.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} or obj.pos_ == "PROPN" or (
            descriptions().get(obj.lemma_.lower(), ("",))[0] == "person" or obj.lemma_.lower() in ANONYMOUS_ROLES):
        return obj
    return None


def subject_of(verb: Token) -> Token | None:
    """The token that says what `verb` reports, climbing from participles to their governing verb."""
    inverted = inverted_subject(verb)
    if inverted is not None:
        return inverted
    tok = _continued_speech(verb)
    if tok.tag_ == "VBG" and tok.dep_ == "pcomp" and tok.head.lower_ in {"for", "over"}:
        # "suspended a candidate for suggesting …", "was fined for saying …": who is blamed for it said it
        blamed = [c for c in tok.head.head.children if c.dep_ in {"dobj", "nsubjpass"}]
        if blamed:
            return blamed[0]
    if tok.dep_ == "relcl" and lemma_of(tok) != "quote" and any(
            c.dep_ == "auxpass" and c.lower_ not in {"'s", "\u2019s"} for c in tok.children) and not any(c.dep_ == "agent" for c in tok.children):
        # "Ebbers, who is accused of overseeing a fraud": the one accused, not the accuser ("who's called for" has)
        return None
    for _ in range(6):
        subjects = [child for child in tok.children if child.dep_ in {"nsubj", "csubj"}]
        if subjects:
            # of two, not one behind a quotation mark: '"… The fact that he … tried to do something," Huckabee said'
            # (the parser also hangs "fact", inside the quote, on "said")
            outside = [c for c in subjects if not any(t.is_quote for t in tok.doc[min(c.i, tok.i): max(c.i, tok.i)])]
            return outside[0] if len(subjects) > 1 and outside else subjects[0]
        for child in tok.children:
            if child.dep_ == "agent":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
        pushed = would_be_doer(tok)
        if pushed is not None:
            return pushed  # "stopping Guaido and the U.S. from seeking regime change": they seek it
        orphan = orphan_subject(tok) if tok.dep_ == "ROOT" and not any(c.dep_ == "nsubjpass" for c in tok.children) else None
        if orphan is not None and (orphan.pos_ == "PROPN" or orphan.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}):
            return orphan  # "In a statement issued on Wednesday Lord Woolf said: …"
        if tok.dep_ == "relcl":
            head = _relative_head(tok)
            if head is not None:
                return head
            tok = tok.head  # "called Lavrov to arrange a meeting to talk about …": the meeting's arranger talks
            given = [c for c in tok.head.children if c.dep_ == "dative" and c.pos_ in {"PROPN", "PRON", "NOUN"}]
            if tok.dep_ == "dobj" and given:
                return given[0]  # "gave Weber no time to explain": Weber would explain
            continue
        if tok.dep_ == "acl" and tok.head.i < tok.i and (tok.head.pos_ == "PROPN" or tok.head.lemma_.lower() in TITLE_HEADS):
            # "the Vice President, Delcy Rodriguez, highlighted …" parsed as a participle modifying the name.
            return tok.head
        if tok.dep_ not in _CLIMB or tok.head.i == tok.i:
            return None
        if tok.pos_ in {"VERB", "AUX"} and tok.tag_ in FINITE and not _shares_subject(tok):
            # A finite verb has its own subject; one the parser did not find is not its governor's.
            return _clause_subject_as_object(tok)
        tok = tok.head
    return None


def _relative_head(verb: Token) -> Token | None:
    """The noun a relative clause's verb is said of. An infinitival one ("a meeting to talk about Venezuela", "the
    right to say no", "efforts to address the crisis") names its doer only when the noun is one: a name, a role, a
    person, or "the first (last, only) one to say"; else None, and the doer is looked for above the noun."""
    head = verb.head
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return head
    if head.pos_ in {"PROPN", "PRON"} or head.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"}:
        return head
    if head.lemma_.lower() in TITLE_HEADS or head.lower_ in ANONYMOUS_ROLES or head.lemma_.lower() in _ACTOR_NOUNS or (
        descriptions().get(head.lemma_.lower(), ("",))[0] in _ACTOR_CLASSES
    ):
        return head
    if any(c.lower_ in {"first", "last", "only", "latest"} for c in head.children):
        return head
    return None


# Actor nouns that the descriptions table (nouns that can stand for a named actor) leaves out, and the classes of its
# nouns that act: not its places ("the political capital to argue …") nor the institutions it knows only by name.
_ACTOR_NOUNS = frozenset("person one member".split())
_ACTOR_CLASSES = frozenset({"person", "company", "government", "country"})
_SUBORDINATORS = frozenset({"as", "while", "after", "before", "since", "because", "until", "when", "though", "although"})


def _clause_subject_as_object(verb: Token) -> Token | None:
    """ "… grew as France, Germany, Britain and 13 other countries announced that …": after a long coordinated subject
    the parser takes "as" for a preposition, the subject for its object and the verb for a conjunct of the main verb.
    The first conjunct of the noun phrase just before the verb is then the verb's subject."""
    prev = verb.i - 1
    while prev >= 0 and verb.doc[prev].pos_ in {"ADV", "AUX", "PART"}:
        prev -= 1
    if prev < 0 or verb.doc[prev].pos_ not in {"NOUN", "PROPN", "PRON"}:
        return None
    noun = verb.doc[prev]
    while noun.dep_ in {"conj", "compound", "flat", "appos"} and noun.head.i < verb.i and noun.head.i != noun.i:
        noun = noun.head
    if noun.dep_ == "pobj" and noun.head.lower_ in _SUBORDINATORS and noun.head.head.i == verb.head.i and noun.i < verb.i:
        return noun
    return None


def _shares_subject(verb: Token) -> bool:
    """ "X said … and added …": a coordinated verb right after "and"/"but" shares its head's subject."""
    if verb.dep_ != "conj" or verb.i == 0:
        return False
    prev = verb.nbor(-1)
    while prev.i > 0 and prev.pos_ in {"ADV", "AUX", "PART"}:
        prev = prev.nbor(-1)
    return prev.lower_ in {"and", "but", "or", ","}


def _name_span(ctx: Context, token: Token) -> Span:
    """The local surface of a name: the named entity around `token`, else its compound chain (also when the entity
    runs over a verb, as in a title-case headline: "Putin Backs Venezuelan Regime")."""
    for ent in ctx.ents():
        if ent.start <= token.i < ent.end and not any(t.pos_ in {"VERB", "AUX"} for t in ent):
            return ent
    start = token.i
    while start > 0 and ctx.doc[start - 1].dep_ in {"compound", "flat"} and ctx.doc[start - 1].head.i >= token.i - 3 and ctx.doc[start - 1].pos_ == "PROPN":
        start -= 1
    return ctx.doc[start: token.i + 1]


def _role_span(ctx: Context, token: Token) -> Span:
    """A role phrase without its determiner: "the Venezuelan Vice President" -> "Venezuelan Vice President"."""
    left = token.left_edge.i
    while left < token.i and ctx.doc[left].dep_ in {"det", "punct", "poss", "case"}:
        left += 1
    return ctx.doc[left: token.i + 1]


def _is_person(ctx: Context, idx: int) -> bool:
    """A person's name; "Charlotte Mayor", a place before a title that the tagger took for a name, is none."""
    m = ctx.result.mentions[idx]
    words = m.name.split()
    if m.label == "NAME" and len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        return True  # an honorific makes a name a person's though the NER left it untyped ("Mr Kilroy")
    return m.label == "PERSON" and not (len(words) > 1 and words[-1].lower() in TITLE_HEADS)


def _target(ctx: Context, idx: int) -> int:
    seen: set[int] = set()
    while ctx.result.mentions[idx].refers_to is not None and idx not in seen:
        seen.add(idx)
        idx = ctx.result.mentions[idx].refers_to
    return idx


def _subject_like(tok: Token) -> bool:
    """Whether a name token stands in subject position, the usual antecedent of a later "he"/"she"."""
    while tok.dep_ in {"compound", "flat"} and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ in {"nsubj", "nsubjpass"} or (tok.dep_ == "appos" and tok.head.dep_ in {"nsubj", "nsubjpass"}):
        return True
    # "Juan Guaidó, who left the country …": the subject of its own relative clause.
    return any(c.dep_ == "relcl" and any(g.dep_ == "nsubj" and g.lower_ in RELATIVES for g in c.children) for c in tok.children)


def _speaks(tok: Token) -> bool:
    """Whether a name is the subject of a cue verb: the person a later "he said" most often continues."""
    while tok.dep_ in {"compound", "flat"} and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ == "nsubj" and is_cue(tok.head)


def named_before(ctx: Context, target: int, char: int) -> bool:
    """Whether the person `target` is named in the sentence holding parse offset `char`, before it."""
    return any(tok.pos_ == "PROPN" and tok.idx < char and tok.sent.start_char <= tok.idx and tok.sent.end_char > char
               for tok in _tokens_of(ctx).get(target, ()))


def subject_since(ctx: Context, target: int, lo: int, hi: int, quoted: list[tuple[int, int]]) -> bool:
    """Whether the person `target` is named in subject position between parse offsets `lo` and `hi`, outside the
    quoted or reported words `quoted` ("Juan Guaidó, who left the country …", "Guaidó visited Lima"): the text has
    turned to that person, so a "he" there need not continue an earlier speaker."""
    return any(tok.pos_ == "PROPN" and lo <= tok.idx < hi and _subject_like(tok)
               and not any(a <= tok.idx < b for a, b in quoted)
               for tok in _tokens_of(ctx).get(target, ()))


def _person_target(ctx: Context, tok: Token) -> int | None:
    idx = ctx.mention_of(tok)
    return idx if idx is not None and _is_person(ctx, idx) else None


_GENDER_OF_PRONOUN = {"he": "m", "him": "m", "she": "f", "her": "f"}
_MALE = frozenset("mr mr. sir spokesman chairman businessman congressman husband father son brother king prince man".split())
_FEMALE = frozenset(
    "mrs mrs. ms ms. miss madam dame spokeswoman chairwoman businesswoman congresswoman wife mother daughter sister queen princess lady woman".split()
)


def _tokens_of(ctx: Context) -> dict[int, list[Token]]:
    """The tokens standing for each mention target (names, and pronouns linked to them), indexed once per document."""
    index = ctx.__dict__.get("_tokens_of")
    if index is None:
        index = {}
        tokens = ctx.tokens()
        for tok in [tokens[i] for i in sorted(ctx._mention_by_token) if 0 <= i < len(tokens)]:  # only these are a mention's
            target = ctx.mention_of(tok)
            if target is not None:
                index.setdefault(target, []).append(tok)
        ctx.__dict__["_tokens_of"] = index
    return index


def _stated_gender(ctx: Context, target: int) -> frozenset[str]:
    """Genders the text states for a person: titles and honorifics next to their names, their role, first names."""
    found: set[str] = set()
    for tok in _tokens_of(ctx).get(target, ()):
        near = [c.lower_ for c in tok.children if c.dep_ in {"compound", "appos", "amod"}]
        if tok.i > 0:
            near.append(ctx.doc[tok.i - 1].lower_)
        found.update("m" for w in near if w in _MALE)
        found.update("f" for w in near if w in _FEMALE)
    role = (ctx.result.mentions[target].role or "").lower().split()
    found.update("m" for w in role if w in _MALE)
    found.update("f" for w in role if w in _FEMALE)
    if not found:
        # The person's own first name ("Hillary Clinton") before those of namesakes ("Bill Clinton" beside her).
        words = ctx.result.mentions[target].name.split()
        own = first_names().get(words[0].lower().rstrip(".")) if len(words) > 1 else None
        if own:
            found.add(own)
        elif len(words) == 1:
            # "Trump" alone: the first names of the document's Trumps; else "Keith", a first name standing alone
            found.update(_first_name_genders(ctx, words[0]) or ({first_names()[words[0].lower()]} if words[0].lower() in first_names() else set()))
    return frozenset(found)


def _gender(ctx: Context, target: int) -> str | None:
    """What the document says about a person's gender: an honorific or gendered title next to one of their
    names ("Ms. Khan", "spokeswoman Eva Strand"), their first name, else an earlier he/she; None when it says
    nothing or both."""
    stated = ctx.__dict__.setdefault("_stated_genders", {})
    if target not in stated:
        stated[target] = _stated_gender(ctx, target)
    found = set(stated[target])
    if not found:
        learnt = _learnt(ctx).get(target)
        if learnt is not None:
            found.add(learnt)
    return found.pop() if len(found) == 1 else None


def _first_name_genders(ctx: Context, name: str) -> set[str]:
    """Genders the first names of the document's persons bearing this surname show ("Trump" after "Donald Trump")."""
    cache = ctx.__dict__.setdefault("_surname_genders", None)
    if cache is None:
        cache = {}
        for m in ctx.result.mentions:
            words = m.name.split()
            if m.label == "PERSON" and len(words) > 1:
                first = first_names().get(words[0].lower().rstrip("."))
                if first is not None:
                    cache.setdefault(words[-1].lower(), set()).add(first)
        ctx.__dict__["_surname_genders"] = cache
    words = name.split()
    return set(cache.get(words[-1].lower(), set())) if words else set()


# Common nouns for a person of one gender: "My mother has softened … she still says".
_KIN = {"m": frozenset("father dad husband son brother man boyfriend grandfather uncle widower".split()),
        "f": frozenset("mother mom wife daughter sister woman girlfriend grandmother aunt widow".split())}


def nominal_antecedent(ctx: Context, token: Token, depth: int = 3) -> Token | None:
    """An unnamed person of the pronoun's gender ("my mother", "his wife") standing as subject or possessor in the
    pronoun's sentence or the two before, with no person's name between it and the pronoun, directly or through an
    earlier he/she that stands for it: the pronoun is that person, not the last name seen."""
    wanted = _GENDER_OF_PRONOUN.get(token.lower_)
    if wanted is None or depth == 0:
        return None
    lo = token.sent.start
    for _ in range(2):
        if lo > 0:
            lo = ctx.doc[lo - 1].sent.start
    for i in range(token.i - 1, lo - 1, -1):
        tok = ctx.doc[i]
        if _person_target(ctx, tok) is not None and tok.lower_ not in PRONOUNS:
            return None
        if tok.lower_ in {"he", "she"} and _GENDER_OF_PRONOUN[tok.lower_] == wanted and tok.dep_ in {"nsubj", "nsubjpass"}:
            return nominal_antecedent(ctx, tok, depth - 1)
        if tok.lemma_.lower() in _KIN[wanted] and tok.pos_ == "NOUN" and tok.dep_ in {"nsubj", "nsubjpass", "poss"} and any(
            c.dep_ == "poss" for c in tok.children) and not any(c.dep_ in {"appos", "compound"} and c.pos_ == "PROPN" for c in tok.children):
            # Only a possessed one ("my mother", "his wife"): "the woman" is often a named person described again.
            return tok
    return None


def gender_of_pronoun(word: str) -> str | None:
    return _GENDER_OF_PRONOUN.get(word.lower())


def person_gender(ctx: Context, target: int) -> str | None:
    """What the document shows of a person's gender (titles, first name, earlier he/she), or None."""
    return _gender(ctx, target)


def _learnt(ctx: Context) -> dict[int, str]:
    """Genders this document's earlier he/she have shown (person mention -> "m"/"f"), kept on the context."""
    return ctx.__dict__.setdefault("_speaker_genders", {})


def resolve_pronoun(ctx: Context, token: Token, skip: tuple[int, int] | None = None) -> int | None:
    """The named person a he/she stands for: the coreference stage's link when it has made one, else ``antecedent``.

    The one place speaker pronouns are resolved, so the quotes follow the document's coreference once it exists.
    """
    if nominal_antecedent(ctx, token) is not None:
        return None
    linked = ctx.mention_of(token)
    wanted = _GENDER_OF_PRONOUN.get(token.lower_)
    if linked is not None and getattr(ctx.result.mentions[linked], "form", "name") not in {"pronoun", "nominal"} and not (
        skip and skip[0] <= ctx.result.mentions[linked].start < skip[1]
    ) and _is_person(ctx, linked) and _gender(ctx, linked) in {None, wanted}:
        # A link to a name inside the quote being attributed is not its speaker ('"…Donald Trump is elected…," he said'),
        # nor one to no person ("Charlotte Mayor") or to a person of the other gender.
        return _known_in_sentence(ctx, token, linked, wanted, skip)
    found = antecedent(ctx, token, skip=skip)
    if found is not None:
        found = _known_in_sentence(ctx, token, found, wanted, skip)
    if found is not None and wanted is not None:
        _learnt(ctx).setdefault(found, wanted)
    return found


def _known_in_sentence(ctx: Context, token: Token, chosen: int, wanted: str | None, skip) -> int:
    """`chosen`, unless the text does not say its gender and the pronoun's own sentence names, before it, one other
    person whose gender it does say and matches: "Chris Christie described Hillary Clinton as a 'disgrace' after she
    attacked …" is Clinton."""
    if wanted is None or _gender(ctx, chosen) is not None:
        return chosen
    known = set()
    for tok in ctx.doc[token.sent.start: token.i]:
        target = _person_target(ctx, tok)
        if target is None or target == chosen or tok.lower_ in PRONOUNS:
            continue
        if skip and skip[0] <= ctx.original(tok.idx, tok.idx + 1)[0] < skip[1]:
            continue
        if _gender(ctx, target) == wanted:
            known.add(target)
    return known.pop() if len(known) == 1 else chosen


def antecedent(ctx: Context, token: Token, role: str | None = None, skip: tuple[int, int] | None = None) -> int | None:
    """The person a pronoun or role phrase at `token` stands for.

    A role ("the Vice President") takes the most recent person whose title agrees,
    else the most recent person. A pronoun takes the nearest person in subject
    position within its own and the two previous sentences, else the nearest
    person there, else the most recent person in the document. `skip` is an
    original span whose names cannot be the antecedent (the quote being
    attributed: people named inside a quote are not its speaker).
    """
    before = ctx.original(token.idx, token.idx + len(token.text))[0]
    role_words = {w for w in (role or "").lower().split() if w in TITLE_HEADS or w in ROLE_ACRONYMS or w in {"vice", "foreign", "prime", "state"}}
    if not role_words:
        doc = ctx.doc
        lo = token.sent.start
        for _ in range(2):
            if lo > 0:
                lo = doc[lo - 1].sent.start
        nearest = subject = None
        wanted = _GENDER_OF_PRONOUN.get(token.lower_)
        genders: dict[int, str | None] = {}
        for i in range(token.i - 1, lo - 1, -1):
            tok = doc[i]
            target = _person_target(ctx, tok)
            if target is None:
                continue
            if wanted is not None:
                if target not in genders:
                    genders[target] = _gender(ctx, target)
                if genders[target] not in {None, wanted}:
                    continue  # "she" is not a man the document calls "Mr."
            if skip and skip[0] <= ctx.original(tok.idx, tok.idx + 1)[0] < skip[1]:
                continue
            if _subject_like(tok):
                if _speaks(tok):
                    return target
                if subject is None:
                    subject = target
            if nearest is None:
                nearest = target
        if subject is not None or nearest is not None:
            return subject if subject is not None else nearest
    fallback = None
    for idx in range(len(ctx.result.mentions) - 1, -1, -1):
        m = ctx.result.mentions[idx]
        if m.start >= before or (skip and skip[0] <= m.start < skip[1]):
            continue
        target = _target(ctx, idx)
        if not _is_person(ctx, target):
            continue
        if not role_words:
            wanted = _GENDER_OF_PRONOUN.get(token.lower_)
            if wanted is None or _gender(ctx, target) in {None, wanted}:
                return target
            continue
        roles = " ".join(filter(None, [m.role, ctx.result.mentions[target].role])).lower()
        if role_words <= set(roles.split()):
            return target
        if fallback is None:
            fallback = target
    return fallback if not role_words & ANONYMOUS_ROLES else None


@dataclass(frozen=True, slots=True)
class Source:
    """Who a cue's subject is: as written, the person or organisation it names or stands for, and whom it speaks for.

    `participant` spans the name (or the pronoun, or the nominal as written) and carries the mention it refers to;
    `start`/`end`/`text` span the whole source phrase ("longtime Democratic pollster Pat Caddell",
    "a person familiar with the matter"); `affiliation` is the mention a nominal source speaks for ("Coca-Cola" for
    "a Coca-Cola spokesman", Blair for "Mr Blair's official spokesman").
    """

    participant: Participant
    start: int
    end: int
    text: str
    affiliation: int | None = None
    form: str = "name"  # name | nominal | pronoun
    unnamed: bool = False  # a pronoun standing for an unnamed person ("my mother … she"): no name may be given to it


_PHRASE_STOP = frozenset({"relcl", "appos", "punct", "acl", "cc", "conj", "advcl"})


def _phrase(ctx: Context, tok: Token) -> Span:
    """The source phrase headed by `tok`, without relative clauses, appositions or anything after a comma."""
    lo = tok.i
    for child in tok.lefts:
        if child.dep_ not in _PHRASE_STOP:
            lo = min(lo, child.left_edge.i)
            break
    while lo < tok.i and ctx.doc[lo].ent_type_ in {"DATE", "TIME"}:
        lo += 1  # "on Wednesday Lord Woolf said": the day is no part of the name
    hi = tok.i
    for child in tok.rights:
        if child.dep_ in _PHRASE_STOP or any(t.text in {",", "(", "—", "--"} for t in ctx.doc[tok.i + 1: child.left_edge.i + 1]):
            break
        if child.dep_ in {"prep", "amod", "compound", "nummod", "flat"}:
            hi = child.right_edge.i
    while hi > lo and ctx.doc[hi].is_punct:
        hi -= 1
    doc = ctx.doc
    while hi + 2 < len(doc) and not doc[hi].whitespace_ and doc[hi + 1].text == "-" and not doc[hi + 1].whitespace_:
        hi += 2  # "The Tory co-chairman", its hyphen parsed as a word of its own
    return doc[lo: hi + 1]


def _affiliation(ctx: Context, tok: Token) -> int | None:
    """Whom a nominal source speaks for: a possessor, a name before the head, or a "for"/"of"/"at" complement."""
    for child in tok.children:
        if child.dep_ == "poss" or (child.dep_ in {"compound", "amod", "nmod"} and child.i < tok.i):
            found = ctx.mention_in(ctx.doc[child.left_edge.i: child.i + 1])
            if found is not None:
                return found
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in {"for", "of", "at", "from", "with"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found = ctx.mention_of(obj) or ctx.mention_in(ctx.doc[obj.left_edge.i: obj.i + 1])
                    if found is not None:
                        return found
    return None


def speaker(ctx: Context, subject: Token, skip: tuple[int, int] | None = None) -> Source:
    """The Source `subject` stands for (see the module docstring for the cascade)."""
    tok = subject
    if tok.lower_ in RELATIVES and tok.head.dep_ == "relcl":
        before = tok.i - 1
        while before > 0 and ctx.doc[before].is_punct:
            before -= 1
        near = ctx.doc[before]
        # "the statements of … Alexei Navalni, who said": the name just before "who" is the speaker.
        tok = near if before >= 0 and (near.pos_ == "PROPN" or ctx.mention_of(near) is not None) else tok.head.head
    if tok.lemma_.lower() in DOCUMENT_NOUNS:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in {"by", "from"}:
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs:
                    tok = objs[0]
                    break
    if (tok.pos_ != "PROPN" and ctx.mention_of(tok) is None) or _titled(tok):
        for child in tok.children:
            if child.dep_ == "appos" and (child.pos_ == "PROPN" or ctx.mention_of(child) is not None):
                tok = child
                break
        else:
            tok = name_beside_role(tok) or tok
    written = ctx.span_original(_phrase(ctx, tok))
    if tok.lower_ in PRONOUNS:
        part = ctx.participant("source", tok, mention=resolve_pronoun(ctx, tok, skip=skip))
        return Source(part, *written, form="pronoun", unnamed=nominal_antecedent(ctx, tok) is not None)
    mention = ctx.mention_of(tok)
    if _titled(tok) and (mention is None or ctx.result.mentions[mention].label in {"NORP", "GPE", "ORG"}):
        span = _role_span(ctx, tok)
        affiliation = _affiliation(ctx, tok)
        if affiliation is not None and not set(ctx.result.mentions[affiliation].name.lower().split()) <= TITLE_WORDS:
            # "an M&S spokesman", "Mr Blair's official spokesman": a source of its own, speaking for the name.
            return Source(_anonymous(ctx, span), *written, affiliation=affiliation, form="nominal")
        # Only a definite role ("the Vice President") points back at somebody; "a senior official" is anonymous.
        definite = any(c.dep_ == "det" and c.lower_ in {"the", "this"} for c in tok.children)
        who = antecedent(ctx, tok, role=span.text, skip=skip) if definite else None
        part = ctx.participant("source", span, mention=who) if who is not None else _anonymous(ctx, span)
        return Source(part, *written, affiliation=affiliation, form="nominal")
    if mention is not None or tok.pos_ == "PROPN":
        span = _name_span(ctx, tok)
        part = ctx.participant("source", span, mention=mention if mention is not None else ctx.mention_in(span))
        return Source(part, *written, form="name")
    span = _phrase(ctx, tok)
    return Source(_anonymous(ctx, span), *written, affiliation=_affiliation(ctx, tok), form="nominal")


def _anonymous(ctx: Context, span: Span) -> Participant:
    """A source that names no one ("a spokesman", "officials"): its words, no mention."""
    start, end, text = ctx.span_original(span)
    return Participant("source", start, end, text, None)
