"""In-document coreference: pronouns and descriptions linked to the names they stand for.

spaCy's small English model has no coreference component and the maintained neural
resolvers need a GPU-sized model, so this stage is a salience-based resolver in the
spirit of Lappin & Leass and Centering, run once per document in text order:

1. Every name found by the mentions stage opens or refreshes a *referent* (one per
   name chain, or per state for gazetteer names) with its type (person, company,
   organization, government, team, country, city, place), gender (first name from
   ``lexicons/data/first_names.tsv``, an honorific or gendered title, else the first
   he/she that refers to it), number, the states it is tied to ("Venezuelan
   dictator Nicolás Maduro") and the words that name or entitle it.
2. Noun phrases without a name ("a spokesman", "the study", "parents") become unnamed
   referents too: they compete for pronouns, so "A Coca-Cola spokesman said … He said"
   does not go to the last named person, and "it" after "the report" is not a country.
3. A third-person pronoun takes the most salient referent within the last
   ``PRONOUN_WINDOW`` sentences that agrees in gender, number and animacy, after
   binding (an object is not its own clause's subject; a possessive or reflexive
   prefers it). Salience: recency by sentence, subject position, parallel role,
   how often the referent was mentioned; for he/she a named person also gains with the
   number of its mentions so far (a biography's subject over a passer-by named once), and
   when nobody of that gender is in the window, the most mentioned named person of it
   (mentioned at least twice) is taken. A noun phrase in apposition to an actor or
   predicated of it ("X, an Australian woman", "X is a professor") joins that actor
   instead of competing with it. "who" takes the noun its clause modifies.
   Pleonastic "it" ("it is clear that") is skipped.
4. A definite description ("the president", "the Venezuelan leader", "the company",
   "the ministry", "the North", "the dictator of Venezuela") takes a named referent of a
   fitting class: an apposition first, then one whose title or name holds the head
   noun, one tied to the state the description names, else the most salient one
   nearby; none when nothing fits (a new actor is better unlinked than misattributed).

5. A chain that no name heads ("my father … he", "the company … it", "a spokesman … he"):
   a noun phrase that opens an unnamed referent, the pronouns that take it and the definite
   descriptions with its noun that narrow it no further ("the company" again, not "the land
   surface" after "the ocean surface") become ``LocalMention``s of one document-local chain.

Only links that reach a name are written as mentions: each becomes a ``Mention`` with ``form``
"pronoun" or "nominal" and ``refers_to`` the latest name mention of its referent, so
every later stage that asks ``Context.mention_of(token)`` gets the named actor.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

from spacy.attrs import DEP, LEMMA, LOWER, POS, TAG
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Token

from newsgraph.extract import Context
from newsgraph.extract.doers import name_beside_role, would_be_doer
from newsgraph.extract.quote_marks import quoted_spans
from newsgraph.lexicons.attribution import cue_kinds
from newsgraph.lexicons.coref import CROSS_BORDER_NOUNS, FEMALE_TITLES, MALE_TITLES, descriptions, first_names, regions
from newsgraph.lexicons.names import outlets
from newsgraph.lexicons.places import fold, gazetteer
from newsgraph.model import LocalMention, Mention, Participant

# pronoun -> (gender m/f/n or None, plural)
PRONOUNS: dict[str, tuple[str | None, bool]] = {
    **{w: ("m", False) for w in ("he", "him", "his", "himself")},
    **{w: ("f", False) for w in ("she", "her", "hers", "herself")},
    **{w: ("n", False) for w in ("it", "its", "itself")},
    **{w: (None, True) for w in ("they", "them", "their", "theirs", "themselves")},
}
RELATIVES = frozenset({"who", "whom", "whose"})
# Salience weights (Lappin & Leass's scheme, tuned on the GUM train partition).
WEIGHTS = {"mention": 100.0, "subject": 120.0, "object": 40.0, "decay": 0.3, "parallel": 0.0, "named": 0.0,
           "distance": 2.0, "binding": 60.0, "modifier": 50.0,
           "prominence": 20.0, "relative": 0.0,  # "relative": the subject weight of a "who" (a side clause's subject)
           # an object pronoun beside a conjoined verb's object ("dislodge Maduro or convince him"): enough to outweigh
           # the sentence's subject; it fires rarely (GUM train 84.1 -> 84.2, dev 82.4 -> 82.3 with the acl change)
           "conjoined object": 200.0,
           # the subject of a verb of saying, taken as the one who goes on speaking ("he said" after "X has said …"),
           # while no sentence of narrative stands between (only the quote's own)
           "speaker": 150.0}
# Roles of people who speak or act for someone else: such a description is only a person whom the text gave that role.
_VOICES_OF_OTHERS = frozenset("spokesman spokeswoman spokesperson official aide source analyst expert adviser advisor".split())
# What a named product is a kind of: "its new RipGuard technology" names a thing one has.
PRODUCT_NOUNS = frozenset("""technology software system device player phone handset console format chip app gadget
    tablet laptop computer drug vaccine platform""".split())
THING_LABELS = frozenset({"EVENT", "LAW"})  # names of happenings and laws, not of actors (the NER calls people works)
SAYING_KINDS = frozenset({"speech", "claim"})  # verbs of saying (not believing, backing or denying: the accused deny)
PRONOUN_WINDOW = 3  # previous sentences searched for a pronoun's antecedent
NOMINAL_WINDOW = 4  # ... and for a description's, unless its title or name matches
SUBJECTS = frozenset({"nsubj", "nsubjpass", "agent", "csubj"})
OBJECTS = frozenset({"dobj", "dative", "pobj", "attr", "oprd"})
# Person nouns that just as often bring in somebody new: they look back one sentence only.
WEAK_PERSON = frozenset("man woman boy girl driver rider victim suspect star player teenager youngster veteran".split())
# Words in an organisation's name that make it an institution, not "the company".
INSTITUTION_WORDS = frozenset("""ministry department party council committee union university college court government agency
    commission police army navy nations parliament assembly congress senate office school hospital embassy""".split())
NP_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "dative", "appos", "conj", "attr", "oprd", "ROOT", "npadvmod", "poss"})
ORG_CLASSES = frozenset({"company", "organization", "government", "team"})
# Words that make a title another post: a shadow chancellor is no chancellor, a deputy prime minister no prime minister.
_LESSER_TITLES = frozenset({"shadow", "deputy", "vice", "former", "ex", "assistant", "junior"})
# Descriptions of a news outlet, and words of outlets' names ("the paper" after the Financial Times Deutschland).
OUTLET_HEADS = frozenset({"newspaper", "paper", "broadcaster", "tabloid", "daily", "magazine", "weekly"})
OUTLET_NAME_WORDS = frozenset("""times post journal news herald guardian telegraph mail tribune gazette express mirror sun
    independent observer chronicle daily weekly magazine tv television radio broadcasting press review standard record
    globe bulletin courier dispatch inquirer examiner monitor reporter today economist zeitung corriere pravda izvestia
    kommersant vedomosti nation shimbun statesman eye sky channel figaro pais repubblica monde spiegel welt bild asahi
    yomiuri hindu""".split())
NOT_OUTLET_WORDS = frozenset("corp corporation group plc international holdings inc fund bank".split())  # owners, lenders
_ARTICLES = frozenset({"le", "la", "el", "il", "die", "der", "das", "de"})  # Le Monde, El Pais, Die Welt
PLACE_CLASSES = frozenset({"country", "city", "place"})
# Which referent types a description class may describe.
FITS = {
    "person": {"person", "unknown"},
    "company": {"organization", "unknown"},
    "organization": {"organization", "unknown"},
    "team": {"organization", "city", "unknown"},
    "government": {"country"},
    "institution": {"organization", "country"},
    "country": {"country"},
    "city": {"city"},
    "place": {"city", "place"},
}
# Nouns that stand for the world, time or people at large far more often than for a name they end:
# "the world" after "BBC World", "the times" after "The New York Times".
_NOT_NAME_HEADS = frozenset("world globe earth planet time times day week month year future past people public".split())
# Verbs whose subject "it" stands for a clause or nothing: "it is clear that", "it seems", "it takes time".
_PLEONASTIC_VERBS = frozenset({"be", "seem", "appear", "become", "remain", "look", "sound", "feel", "take", "matter",
                               "happen", "occur", "rain", "snow", "turn", "emerge", "follow", "cost", "mean", "make"})
_PEOPLE_NOUNS = frozenset(
    """people person persons man men woman women child children kid kids parent parents family families resident residents
    citizen citizens voter voters official officials worker workers employee employees member members fan fans user users
    student students patient patients researcher researchers scientist scientists expert experts investor investors
    protester protesters soldier soldiers troops police victim victims spokesman spokeswoman spokesperson source sources
    leader leaders minister ministers lawmaker lawmakers executive executives analyst analysts critic critics supporter
    supporters opponent opponents player players""".split()
)


@dataclass
class _Referent:
    named: bool
    type: str  # person | organization | country | city | place | unknown (named) | thing (unnamed)
    gender: str | None = None
    plural: bool = False
    target: int | None = None  # latest name mention, what a link points at
    last: int = -1  # token of the latest mention
    sent: int = -1
    count: int = 0
    subject: bool = False
    salience: float = 0.0  # Lappin & Leass: weights of its mentions, halved at every sentence since
    words: set[str] = field(default_factory=set)  # lowercase words of its names, titles and descriptions
    name_words: set[str] = field(default_factory=set)  # last words of its longer names ("station", "festival")
    states: set[str] = field(default_factory=set)
    name: str = ""
    place_kind: str | None = None
    opener: int | None = None  # head token of the noun phrase that opened an unnamed referent
    chain: list[tuple[int, int, str, str]] = field(default_factory=list)  # later mentions: tokens, form, reason
    # the same, counted over the mentions outside quotation marks only (the narrative a quote's speaker is found in)
    told: tuple[int, int, int, bool, float] = (-1, -1, 0, False, 0.0)  # last, sent, count, subject, salience
    spoke: int = -1  # sentence of its latest mention as the subject of a verb of saying, outside quotation marks


@dataclass
class Link:
    """A pronoun or description (tokens [start, end)) standing for the named mention `target`."""

    start: int
    end: int
    form: str  # pronoun | nominal
    target: int
    reason: str


class _Resolver:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc = ctx.doc
        self.tokens = ctx.tokens()  # the context's Token objects: indexing the Doc makes a new one on every access
        self.mentions = ctx.result.mentions
        self.by_token = ctx._mention_by_token
        self.sent_of = [0] * len(self.doc)
        for k, sent in enumerate(self.doc.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = k
        self.first_token: dict[int, int] = {}
        self.last_token: dict[int, int] = {}
        for tok_i, m in self.by_token.items():
            if tok_i < self.first_token.get(m, tok_i + 1):
                self.first_token[m] = tok_i
            if tok_i > self.last_token.get(m, -1):
                self.last_token[m] = tok_i
        self.starts = {t: m for m, t in self.first_token.items()}
        self.referents: list[_Referent] = []
        self.named: dict[object, _Referent] = {}
        self.of_mention: dict[int, _Referent] = {}
        self.by_head: dict[int, _Referent] = {}  # head token -> referent it introduced or joined
        self.links: list[Link] = []
        self.renamed: dict[int, Link] = {}  # name mentions that are descriptions after all ("the North")
        self.claimed: dict[int, set[int]] = {}  # sentence -> referents taken by descriptions (parallelism)
        self.unnamed_by_noun: dict[tuple[str, bool], _Referent] = {}  # (noun, plural) -> latest unnamed referent
        self.kinds: dict[str, set[str]] = defaultdict(set)  # name -> the common nouns it was named with ("firm")
        self.products: set[str] = set()  # names of things one has ("an iPod"), no company "the firm" stands for
        self.text = ctx.norm.text if ctx.norm is not None else self.doc.text  # the parsed text; Doc.text rebuilds it
        self.quoted, self.quote_ends = self._quoted_tokens()
        self._narrative = [any(not self.quoted[t.i] and not (t.is_punct or t.is_space) for t in sent) for sent in self.doc.sents]

    def _quoted_tokens(self) -> tuple[list[bool], frozenset[int]]:
        """Which tokens lie between quotation marks, and where the closed quotes' closing marks are."""
        doc = self.doc
        inside = [False] * len(doc)
        spans = quoted_spans(self.text)
        if not spans:
            return inside, frozenset()
        starts = [t.idx for t in self.tokens]
        for span in spans:
            for i in range(bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)):
                inside[i] = True
        return inside, frozenset(span.close for span in spans if span.closed)

    def _speaks_after_quote(self, tok: Token) -> bool:
        """Whether a pronoun is the speaker of the quote just before it ("'…we all want Mike to get better,' he
        said"): its antecedent is found in the narrative, as a speaker is not one the quote itself names."""
        verb = tok.head
        if tok.dep_ != "nsubj" or self.quoted[tok.i] or verb.i < tok.i or verb.lemma_.lower() not in cue_kinds():
            return False
        text = self.text
        j = tok.idx - 1
        while j >= 0 and text[j] in " ,;:-\u2013\u2014":
            j -= 1
        return j in self.quote_ends

    # --- named referents -----------------------------------------------------------------------
    def _root(self, idx: int) -> int:
        seen = set()
        while self.mentions[idx].refers_to is not None and idx not in seen:
            seen.add(idx)
            idx = self.mentions[idx].refers_to
        return idx

    def _named(self, idx: int) -> _Referent | None:
        m = self.mentions[idx]
        if m.kind == "demonym":
            return None
        root = self._root(idx)
        rm = self.mentions[root]
        key: object = ("place", rm.place) if rm.place else root
        ref = self.named.get(key)
        if ref is None:
            ref = _Referent(named=True, type=self._type(root), name=rm.name)
            if rm.place:
                ref.states.add(rm.place)
                ref.place_kind = gazetteer().places[rm.place].entity_type
            self.named[key] = ref
            self.referents.append(ref)
        return ref

    def _type(self, root: int) -> str:
        rm = self.mentions[root]
        if rm.place:
            return "country" if gazetteer().places[rm.place].entity_type == "country" else "organization"
        labels = {m.label for i, m in enumerate(self.mentions) if i == root or (m.refers_to is not None and self._root(i) == root)}
        if "PERSON" in labels or rm.role:
            return "person"
        if labels & {"ORG", "NORP"}:
            return "organization"
        if labels & {"GPE"}:
            return "city"
        if labels & {"LOC", "FAC"}:
            return "place"
        if labels and labels <= THING_LABELS:
            return "thing"  # "Brexit", "Obamacare": no "she", no "the prime minister"
        return "unknown"

    def _see_name(self, idx: int, tok: Token) -> None:
        ref = self._named(idx)
        if ref is None:
            m = self.mentions[idx]
            if m.kind == "demonym" and m.place:
                # "our Venezuelan partners … the country": a demonym keeps its country in mind (as a modifier does)
                # without being a mention a pronoun or a description could point at
                known = self.named.get(("place", m.place))
                if known is not None and known.type == "country":
                    self._touch(known, tok)
            return
        m = self.mentions[idx]
        head = self.tokens[self.last_token.get(idx, tok.i)]
        while head.head.i != head.i and self.first_token[idx] <= head.head.i <= self.last_token[idx]:
            head = head.head
        self._touch(ref, head, target=idx)
        ref.words.update(w.lower() for w in m.name.split())
        if len(m.name.split()) > 1 and ref.type != "person":
            ref.name_words.add(m.name.split()[-1].lower())
        if m.role:
            ref.words.update(w.lower() for w in m.role.split())
        if ref.type == "person" and ref.gender is None:
            ref.gender = self._gender_of_name(idx, m.name)
        if ref.type != "person":
            self._see_kind(ref, idx)
        # the state named before a person: "Venezuelan dictator Nicolás Maduro", "Venezuela's Maduro"
        for j in range(self.first_token[idx] - 1, max(-1, self.first_token[idx] - 6), -1):
            t = self.tokens[j]
            if t.is_punct or t.pos_ in {"VERB", "AUX", "ADP", "SCONJ", "CCONJ"}:
                break
            d = self.by_token.get(j)
            if d is not None and self.mentions[d].place and ref.type == "person":
                ref.states.add(self.mentions[d].place)
                break

    def _see_kind(self, ref: _Referent, idx: int) -> None:
        """What the words before a name say of it: the common noun it is named with ("copy protection firm
        Macrovision", "analysts Gartner": "the firm" fits it by name), and whether it is a thing one has, an
        instance of a product rather than an actor ("an iPod", "its new RipGuard technology")."""
        first, last = self.first_token[idx], self.last_token[idx]
        j = first - 1
        while j >= 0 and self.tokens[j].pos_ == "NOUN" and self.tokens[j].dep_ == "compound" and first <= self.tokens[j].head.i <= last:
            self.kinds[ref.name].add(self.tokens[j].lower_)
            j -= 1
        while j >= 0 and self.tokens[j].pos_ == "ADJ":
            j -= 1
        head = self.tokens[last]
        modifier = head.dep_ in {"compound", "nmod", "amod"} and head.head.i > last
        model = last + 1 < len(self.tokens) and self.tokens[last + 1].like_num  # "a Boeing 737": the maker's name
        if j >= 0 and self.tokens[j].lower_ in {"a", "an", "its", "their", "his", "her", "your", "my", "our"} and not model and (
                not modifier or head.head.lemma_.lower() in PRODUCT_NOUNS):
            # "an iPod", "its new RipGuard technology"; not "a Tesco spokesman", "a Ryanair flight", "a Boeing 737"
            self.products.add(ref.name)

    def _gender_of_name(self, idx: int, name: str) -> str | None:
        before = self.first_token[idx] - 1
        if before >= 0:
            word = self.tokens[before].lower_
            if word in MALE_TITLES:
                return "m"
            if word in FEMALE_TITLES:
                return "f"
        words = name.split()
        if len(words) >= 2 and self.mentions[idx].label == "PERSON" or len(words) == 1:
            return first_names().get(words[0].lower().rstrip("."))
        return None

    def _touch(self, ref: _Referent, head: Token, target: int | None = None) -> None:
        here = self.sent_of[head.i]
        ref.salience = self._salience(ref, here)
        ref.last = head.i
        ref.sent = here
        ref.count += 1
        ref.subject = head.dep_ in SUBJECTS or (head.dep_ in {"appos", "compound", "conj"} and head.head.dep_ in SUBJECTS)
        subject = WEIGHTS["relative"] if head.lower_ in RELATIVES else WEIGHTS["subject"]
        weight = WEIGHTS["mention"] + (subject if ref.subject else 0) + (
            WEIGHTS["object"] if head.dep_ in {"dobj", "dative"} else 0) - (
            WEIGHTS["modifier"] if head.dep_ in {"compound", "poss", "nmod", "amod"} else 0)
        ref.salience += weight
        if target is not None:
            ref.target = target
        self.by_head[head.i] = ref
        if not self.quoted[head.i]:
            if head.dep_ == "nsubj" and cue_kinds().get(head.head.lemma_.lower()) in SAYING_KINDS:
                ref.spoke = here
            last, sent, count, _, salience = ref.told
            decayed = salience * WEIGHTS["decay"] ** (here - sent) if sent >= 0 else 0.0
            ref.told = (head.i, here, count + 1, ref.subject, decayed + weight)

    @staticmethod
    def _told(ref: _Referent) -> _Referent:
        """The referent as the narrative alone has it: its mentions inside quotation marks left out."""
        last, sent, count, subject, salience = ref.told
        return replace(ref, last=last, sent=sent, count=count, subject=subject, salience=salience)

    @staticmethod
    def _salience(ref: _Referent, here: int) -> float:
        return ref.salience * WEIGHTS["decay"] ** (here - ref.sent) if ref.sent >= 0 else 0.0

    # --- unnamed referents ---------------------------------------------------------------------
    def _see_noun(self, tok: Token) -> None:
        """A noun phrase without a name: a competitor for pronouns, unless it says what an actor already
        seen is ("Valeska Paris, an Australian woman", "Holt was named defensive player of the year")."""
        low = tok.lemma_.lower()
        cls = descriptions().get(low)
        same = self._predicated(tok)
        if same is not None:
            same.words.add(low)
            if cls is not None and cls[1] and same.gender is None and not same.plural:
                same.gender = cls[1]
            if same.named and same.target is not None and not self._negated(tok) and self._said_of_name(tok) and not (
                same.type == "person" and self._thing_with_purpose(tok, cls)
            ):
                how = "apposition" if tok.dep_ == "appos" else "said of it"
                self._link(tok, same, how, learn=False)
            self.by_head[tok.i] = same
            return
        plural = tok.tag_ in {"NNS", "NNPS"}
        if self._determined(tok):
            again = self._same_noun(tok, low, plural)
            if again is not None:  # "the company … the company": one document-local actor
                self._touch(again, tok)
                again.chain.append((self._np_start(tok), tok.i + 1, "nominal", f'"{tok.lemma_}" again'))
                return
        person = low in _PEOPLE_NOUNS or tok.lower_ in _PEOPLE_NOUNS or (cls is not None and cls[0] == "person")
        named = next((c for c in tok.children if c.dep_ == "appos" and c.i > tok.i and c.i in self.by_token), None)
        if person and not plural and named is not None:
            # "his vice president, Delcy Rodriguez": the role is the name written after it, no one of its own
            ref = self._named(self.by_token[named.i])
            if ref is not None and ref.type in {"person", "unknown"}:
                self._link(tok, ref, "apposition", target=self.by_token[named.i])
                self.by_head[tok.i] = ref
                return
        ref = _Referent(named=False, type="person" if person else "thing", plural=plural,
                        opener=tok.i)
        if cls is not None and cls[1]:
            ref.gender = cls[1]
        ref.words.add(low)
        self.referents.append(ref)
        self.unnamed_by_noun[(low, plural)] = ref
        self._touch(ref, tok)

    def _determined(self, tok: Token) -> bool:
        """ "the company", "this man", "my father", "the firm's owner": a noun phrase that points at one known actor."""
        return any((c.dep_ == "det" and c.lower_ in {"the", "this", "that", "these", "those"}) or c.dep_ == "poss"
                   for c in tok.children)

    def _same_noun(self, tok: Token, low: str, plural: bool) -> _Referent | None:
        """The latest unnamed referent opened by the same noun within the description window, when the noun
        phrase narrows it no further ("the land surface" is not "the ocean surface", "the children of Tyom"
        not "the children")."""
        ref = self.unnamed_by_noun.get((low, plural))
        if ref is None or self.sent_of[tok.i] - ref.sent > NOMINAL_WINDOW or ref.last >= tok.i:
            return None
        return ref if self._modifiers(tok) <= self._modifiers(self.doc[ref.opener]) else None

    @staticmethod
    def _modifiers(tok: Token) -> frozenset[str]:
        """Content words that narrow a noun: compounds, adjectives, numbers, "of"-phrases, relative clauses."""
        out = set()
        for c in tok.children:
            if c.dep_ in {"compound", "amod", "nummod", "nmod", "npadvmod"}:
                out.add(c.lemma_.lower())
            elif c.dep_ == "prep":
                out.update(f"{c.lower_} {o.lemma_.lower()}" for o in c.children if o.dep_ == "pobj")
            elif c.dep_ in {"relcl", "acl"}:
                out.add(f"clause {c.lemma_.lower()}")
        return frozenset(out)

    def _np_start(self, head: Token) -> int:
        """First token of an unnamed noun phrase, with its determiner or possessive pronoun ("my father")."""
        start = self._left(head)
        kids = [c for c in head.children if c.i < start and c.dep_ in {"det", "poss"} and c.pos_ in {"DET", "PRON"}]
        return min([start] + [c.i for c in kids])

    @staticmethod
    def _thing_with_purpose(tok: Token, cls: tuple | None) -> bool:
        """ "offered to the president, Erdogan, a deal to exploit gold": the object the parser hung on a person's
        name as an apposition is a thing with a purpose (a noun that is no person's, with a "to" clause), not what
        the person is."""
        return tok.dep_ == "appos" and not (cls is not None and cls[0] == "person") and any(
            c.dep_ in {"acl", "relcl"} and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in tok.children)

    def _predicated(self, tok: Token) -> _Referent | None:
        """The referent a noun phrase is said to be: the name it is in apposition to, or the subject of the
        copula or naming verb it completes ("X is a professor", "X was named player of the year")."""
        if tok.dep_ == "appos":
            return self.by_head.get(tok.head.i) or self.by_head.get(self._head_of_name(tok.head))
        if tok.dep_ in {"attr", "oprd"}:
            verb = tok.head
            for c in verb.children:
                if c.dep_ in self._described_deps(tok) and c.i < tok.i:
                    ref = self.by_head.get(c.i) or self.by_head.get(self._head_of_name(c))
                    if ref is not None and ref.plural == (tok.tag_ in {"NNS", "NNPS"}):
                        return ref
        return None

    @staticmethod
    def _negated(tok: Token) -> bool:
        """ "X is not a terrorist", "X is no friend of Y": the noun denies rather than describes."""
        return any(c.dep_ == "neg" for c in tok.head.children) or any(
            c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in tok.children)

    @staticmethod
    def _bare_role(tok: Token) -> bool:
        """ "Fuad Basya, spokesman for the Indonesian military", "Khaled Al-Maeena, editor at large at the Saudi
        Gazette": news writes a role after a name without an article, when a phrase says whose role it is."""
        cls = descriptions().get(tok.lemma_.lower())
        return (cls is not None and cls[0] == "person" and tok.tag_ == "NN"
                and any(c.dep_ in {"prep", "amod"} and c.i > tok.i for c in tok.children))

    def _said_of_name(self, tok: Token) -> bool:
        """A predicate noun becomes a mention only when said of a name ("Cleveland is an industrial town"),
        not of a pronoun ("it is a long game", where "it" is often the situation, not the actor); an
        apposition only when it is a full noun phrase after the name."""
        if tok.dep_ == "appos":  # "Ihara Saikaku, a 17th-century writer": a noun phrase after the name, not "(90 days)"
            start = self._left(tok)
            return (tok.head.i < tok.i and tok.head.i in self.by_token and not tok.ent_type_ and self.doc[start - 1].text != "("
                    and (any(c.dep_ in {"det", "poss"} and c.lower_ not in {"this", "that", "these", "those"} for c in tok.children)
                         or self._bare_role(tok)))
        return any(c.dep_ in self._described_deps(tok) and (c.i in self.by_token or self._head_of_name(c) in self.by_token)
                   for c in tok.head.children)

    @staticmethod
    def _described_deps(tok: Token) -> frozenset[str]:
        """Who a predicate noun is said of: the object when the verb has one ("X called Y a dictator": Y),
        else the subject ("X is a professor", "X was named player of the year")."""
        if any(c.dep_ == "dobj" and c.i < tok.i for c in tok.head.children):
            return frozenset({"dobj"})
        return frozenset({"nsubj", "nsubjpass"})

    # --- pronouns ------------------------------------------------------------------------------
    def pronoun(self, tok: Token) -> None:
        low = tok.lower_
        gender, plural = PRONOUNS[low]
        if low in {"it", "its", "itself"} and self._pleonastic(tok):
            return
        here = self.sent_of[tok.i]
        subject_ref = self._clause_subject(tok)
        cands, rule_scores = self._candidates(tok, gender, plural, subject_ref, self._speaks_after_quote(tok))
        if not cands:
            return
        near = [k for k, score in enumerate(rule_scores) if score is not None]
        if near:
            best = cands[max(near, key=lambda k: (rule_scores[k], cands[k].named))]
        else:  # nobody of that gender nearer: the document's most mentioned named person of it, if mentioned again
            best = max(cands, key=lambda ref: (ref.count, ref.last))
            if best.count < 2:
                return
        if best is None:
            return
        if gender in {"m", "f"} and best.gender is None:
            best.gender = gender
        far = here - best.sent
        self._touch(best, tok)
        if not best.named and best.opener is not None:
            best.chain.append((tok.i, tok.i + 1, "pronoun", f'"{tok.text}" agrees ({far} sentence(s) after)'))
        if best.named and best.target is not None:
            why = "subject of its clause" if best is subject_ref else "same sentence" if far == 0 else f"{far} sentence(s) before"
            self.links.append(Link(tok.i, tok.i + 1, "pronoun", best.target, f'"{tok.text}" agrees with {best.name} ({why})'))

    def _candidates(self, tok: Token, gender: str | None, plural: bool, subject_ref,
                    narrative: bool = False) -> tuple[list[_Referent], list[float | None]]:
        """Referents a pronoun may stand for, with the salience score of those within the window (None beyond):
        every agreeing referent of the last ``PRONOUN_WINDOW`` sentences, and named ones of fitting gender before.
        With `narrative`, each is weighed by its mentions outside quotation marks only."""
        low = tok.lower_
        reflexive = low.endswith(("self", "selves"))
        here = self.sent_of[tok.i]
        cands, scores = [], []
        speaker = self._last_speaker(tok, gender, plural, here)
        for found in self.referents:
            ref = found
            if narrative and ref.last >= 0 and self.quoted[ref.last]:
                ref = self._told(ref)
            if ref.last < 0 or ref.last >= tok.i or not self._agrees(ref, gender, plural):
                continue
            if found is subject_ref and not (reflexive or tok.dep_ == "poss") and tok.dep_ in OBJECTS:
                continue  # "Putin refused to meet her": not the clause's own subject
            if ref.sent < here - PRONOUN_WINDOW:
                if ref.named and ref.target is not None and gender in {"m", "f"} and ref.gender == gender:
                    cands.append(found)
                    scores.append(None)
                continue
            score = self._salience(ref, here)
            if ref.subject and tok.dep_ in SUBJECTS:
                score += WEIGHTS["parallel"]
            if ref.named:
                score += WEIGHTS["named"]
            if ref.sent == here:
                score -= WEIGHTS["distance"] * (tok.i - ref.last)
            if ref.named and gender in {"m", "f"}:
                score += WEIGHTS["prominence"] * math.log1p(ref.count)
            if found is subject_ref and (reflexive or tok.dep_ == "poss"):
                score += WEIGHTS["binding"]
            if speaker >= 0 and found.spoke == speaker:
                score += WEIGHTS["speaker"]  # '… Roger Knapman has said … "…," he said': who spoke goes on speaking
            if tok.dep_ == "dobj" and tok.head.dep_ == "conj" and self.doc[ref.last].dep_ == "dobj" and (
                tok.head.head.i in {self.doc[ref.last].head.i, self.doc[ref.last].head.head.i}
            ):
                score += WEIGHTS["conjoined object"]  # "dislodge Maduro or convince him to change direction"
            cands.append(found)
            scores.append(score)
        return cands, scores

    def _last_speaker(self, tok: Token, gender: str | None, plural: bool, here: int) -> int:
        """For the subject of a verb of saying outside quotes, the sentence where the last fitting named person said
        something, while only quotes stand between and nobody else became the subject since ("… Olsen said. My
        mother has softened, but she still says" turned to the mother); -1 otherwise."""
        if not (tok.dep_ == "nsubj" and cue_kinds().get(tok.head.lemma_.lower()) in SAYING_KINDS and not self.quoted[tok.i]):
            return -1
        agreeing = [r for r in self.referents if 0 <= r.last < tok.i and self._agrees(r, gender, plural)]
        latest = max((r.spoke for r in agreeing if r.named), default=-1)
        if latest < 0 or any(r.subject and r.sent > latest and r.spoke != r.sent for r in agreeing):
            return -1
        return -1 if any(self._narrative[k] for k in range(latest + 1, here)) else latest

    def relative(self, tok: Token) -> None:
        """ "Alexei Navalni, who said …": the relative pronoun stands for the noun its clause modifies."""
        clause = tok.head
        if clause.dep_ != "relcl":
            return
        ref = self.by_head.get(clause.head.i)
        if ref is not None and not ref.named and ref.opener is not None and ref.last < tok.i:
            ref.chain.append((tok.i, tok.i + 1, "pronoun", f'"{tok.text}" opens a clause about it'))
            return
        if ref is None or not ref.named or ref.target is None:
            return
        if tok.dep_ in SUBJECTS:
            # "the return of Juan Guaidó, who left the country … in his quest to replace Maduro. He visited Brazil": the
            # "who" mentions Guaidó again, as Lappin & Leass count every mention; as the subject of a side clause it
            # gains no subject weight (with it GUM dev scores the same and ECB+ 0.1 more, but "Muhammad Ali, who died
            # three months ago" then takes a later "the president" in a PolNeAR text)
            self._touch(ref, tok)
        self.links.append(Link(tok.i, tok.i + 1, "pronoun", ref.target, f'"{tok.text}" opens a clause about {ref.name}'))

    def _agrees(self, ref: _Referent, gender: str | None, plural: bool) -> bool:
        if gender in {"m", "f"}:
            return not ref.plural and ref.type in {"person", "unknown"} and ref.gender in (None, gender)
        if gender == "n":
            return not ref.plural and ref.type not in {"person", "unknown"}
        # they/them/their: several people or things, or a company, team, party or government
        return ref.plural or ref.type in {"organization"}

    def _pleonastic(self, tok: Token) -> bool:
        """ "it is clear that", "it was discovered that", "it is not the first time that", "it is imperative to"."""
        if tok.dep_ == "expl":
            return True
        if tok.dep_ not in {"nsubj", "nsubjpass"}:
            return False
        verb = tok.head
        if verb.lemma_.lower() not in _PLEONASTIC_VERBS and tok.dep_ != "nsubjpass":
            return False
        kids = [c for c in verb.children if c.i > tok.i]
        if any(c.dep_ in {"ccomp", "xcomp", "csubj"} for c in kids):
            return True
        if verb.lemma_.lower() == "be":
            if any(c.dep_ == "acomp" for c in kids) and any(
                c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in kids
            ):
                return True  # "it is imperative for Maduro to keep control": the parser hangs the clause on the verb
            if not any(c.dep_ in {"acomp", "attr"} for c in kids) and any(
                c.dep_ == "prep" and c.lower_ == "about" and any(g.dep_ == "pcomp" for g in c.children) for c in kids
            ):
                return True  # "it's about intimidating Trump": the situation, no actor
        return any(c.dep_ in {"acomp", "attr"} and any(g.dep_ in {"xcomp", "ccomp", "relcl", "acl", "advcl"} for g in c.children)
                   for c in kids)

    def _clause_subject(self, tok: Token) -> _Referent | None:
        node = tok.head
        for _ in range(8):
            if node.pos_ in {"VERB", "AUX"}:
                for c in node.children:
                    if c.dep_ in {"nsubj", "nsubjpass"} and c.i != tok.i:
                        return self.by_head.get(c.i) or self.by_head.get(self._head_of_name(c))
                if node.dep_ not in {"xcomp", "advcl", "conj", "acl", "pcomp"} or node.dep_ == "acl" and node.tag_ == "VBN":
                    return None  # (a passive participle on a noun is a clause of its own: "violated a ban imposed on him")
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    def _relative_place(self, tok: Token) -> _Referent | None:
        """The country a "where" (or "in which") relative clause around `tok` is about: in "the crisis in Venezuela,
        where Maduro has been mortgaging part of the country's oil", the country is Venezuela, not the sentence's
        subject. (In "Russia, which says the country must pay", "which" is Russia and the country another one.)"""
        node = tok
        for _ in range(12):
            if node.dep_ == "relcl":
                if not any(t.lower_ == "where" or t.lower_ == "which" and t.dep_ == "pobj" and t.head.lower_ == "in"
                           for t in node.subtree if t.i < node.i):
                    return None
                ref = self.by_head.get(node.head.i) or self.by_head.get(self._head_of_name(node.head))
                return ref if ref is not None and ref.named and ref.target is not None and ref.type == "country" else None
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    def _owner_of_thing_around(self, ref: _Referent, head: Token) -> bool:
        """Whether `ref` was last named, in this sentence, as the owner of a thing that goes from one state to
        another (``CROSS_BORDER_NOUNS``), and `head` is where it goes: "Russia's loans to the country", "loans from
        Russia to the country", "U.S. troops in the country", or "Maduro halted U.S. aid from entering the country".
        Then the country is not the owner's. Elsewhere it may well be: "U.S. aid to Ukraine has divided the
        country", "Russia's ambassador said the country would respond"."""
        if self.sent_of[ref.last] != self.sent_of[head.i]:
            return False
        owner = self.tokens[ref.last]
        thing = owner.head
        if owner.dep_ == "pobj" and thing.lower_ in {"from", "by"} and thing.dep_ == "prep":
            thing = thing.head
        elif owner.dep_ not in {"compound", "poss", "amod", "nmod"}:
            return False
        if thing.pos_ != "NOUN" or thing.lemma_.lower() not in CROSS_BORDER_NOUNS:
            return False
        node = head
        while node.dep_ in {"poss", "compound", "pobj", "prep", "conj", "dobj"} and node.head.i != node.i:
            node = node.head
            if node.i == thing.i:
                return True  # in the thing's own prepositional tail
            if node.pos_ in {"VERB", "AUX"}:
                doer = would_be_doer(node)
                return doer is not None and doer.i == thing.i
        return False

    def _head_of_name(self, tok: Token) -> int:
        m = self.by_token.get(tok.i)
        if m is None:
            return tok.i
        return self.last_token.get(m, tok.i)

    # --- descriptions --------------------------------------------------------------------------
    def description(self, head: Token, cls: str, gender: str | None) -> bool:
        """Link a definite description to a named referent; True when it was linked."""
        kids = list(head.children)
        doc = self.doc
        # "Putin, the Russian president": an apposition to a name
        if head.dep_ == "appos" and head.head.i in self.by_token:
            if self._fixed(head, self.by_token[head.head.i], cls, "apposition"):
                return True
        # "the president of Turkey, Recep Tayyip Erdogan", "the director of MUSIAD is Hayri Kucukyavuz"
        after = head.right_edge.i + 1
        named_after = [c.i for c in kids if c.dep_ == "appos"]
        if after + 1 < len(doc) and doc[after].text == ",":
            named_after.append(after + 1)
        if head.dep_ == "nsubj" and head.head.lemma_ == "be":
            named_after += [c.i for c in head.head.children if c.dep_ == "attr"]
        beside = name_beside_role(head)
        if beside is not None:
            named_after.append(beside.i)  # "director of the Trust, Norman Brennan, accused"
        for i in named_after:
            if i in self.by_token:
                return self._fixed(head, self.by_token[i], cls, "apposition")
        if any(c.dep_ in {"compound", "flat"} and c.i in self.by_token for c in kids):
            return False  # "the Kremlin spokesman Dmitry Peskov": the name is inside
        if head.dep_ in {"attr", "compound", "oprd"} or (head.dep_ == "pobj" and head.head.lower_ == "as"):
            return False  # predicative: "recognized Guaido as Venezuela's interim president"
        allowed, region_words = self._regions(head)
        states = self._states(head, kids, region_words)
        for c in kids:  # "the director of MUSIAD", "the regime of Nicolás Maduro": somebody else's
            if c.dep_ == "prep" and c.lower_ == "of":
                if any(o.i in self.by_token and not self.mentions[self.by_token[o.i]].place for o in c.children):
                    return False
        if cls == "country":
            where = self._relative_place(head)
            if where is not None and (allowed is None or where.states & allowed):
                self._link(head, where, "the place its relative clause is about")
                return True
        here = self.sent_of[head.i]
        word = head.lemma_.lower()
        subject_ref = self._clause_subject(head) if head.dep_ in OBJECTS else None
        claimed = self.claimed.get(here, set())
        window = 1 if word in WEAK_PERSON else NOMINAL_WINDOW
        best, best_score, why = None, -math.inf, ""
        for k, ref in enumerate(self.referents):
            if not ref.named or ref.target is None or ref.last >= head.i or ref is subject_ref:
                continue
            if ref.type not in FITS[cls] and not (ref.type == "unknown" and cls in {"person", "company"}):
                continue
            named_so = word in ref.words or word in self.kinds.get(ref.name, ())
            if ref.words & _LESSER_TITLES and not {c.lower_ for c in kids} & _LESSER_TITLES and cls == "person":
                continue  # "the chancellor" is not the shadow chancellor, "the prime minister" not his deputy
            if cls in {"organization", "institution"} and not named_so and ref.type != "country":
                continue  # "the party" only for a party named so
            if cls == "institution" and ref.type == "country" and not states:
                continue
            if cls == "company" and (ref.words & INSTITUTION_WORDS or ref.place_kind is not None):
                continue  # nor is a state, the EU or the UN "the carrier"
            if cls == "company" and ref.name in self.products and not named_so:
                continue  # "the firm" is not the iPod a report mentioned
            if word in OUTLET_HEADS and (ref.words & NOT_OUTLET_WORDS or not (
                    ref.name in outlets() or ref.words & OUTLET_NAME_WORDS or ref.name.split()[0].lower() in _ARTICLES)):
                continue  # "the paper said" is a newspaper's, not the IMF's nor a carmaker's
            if cls == "country" and word in {"north", "south"} and not ref.name.lower().startswith(word):
                continue
            if gender and ref.gender not in (None, gender):
                continue
            if allowed is not None and (ref.states or ref.type == "country") and not ref.states & allowed:
                continue  # "the South American nation" is no state outside South America
            if cls in {"country", "government"} and self._owner_of_thing_around(ref, head):
                continue
            far = here - ref.sent
            if far > window and not (named_so and cls == "person"):
                continue
            if word in _VOICES_OF_OTHERS and not named_so:
                continue  # "the spokesman" speaks for the band, and is not its ill bass player named before
            reason = ""
            score = self._salience(ref, here)
            if named_so:
                score += 100
                reason = "its name" if cls != "person" else "its title"
            if states:
                if ref.states & states:
                    score += 80
                    reason = reason or f"tied to {gazetteer().places[next(iter(ref.states & states))].name}"
                elif ref.states or cls in {"country", "government", "institution"}:
                    continue  # "the president of Russia" is not the Venezuelan leader
            if k in claimed:
                score -= 150
            if cls != "person":
                score += 15 * min(ref.count, 10)  # "the country", "the company": the one the story is about
            if score > best_score:
                best, best_score, why = ref, score, reason or "the most salient fitting actor nearby"
        if best is None:
            return False
        self._link(head, best, why, learn=cls == "person")
        return True

    def _name_head(self, tok: Token) -> bool:
        """ "the station" after "Chiang Kai Shek Memorial Hall Station", "the festival" after "the Taipei Lantern
        Festival": a definite noun that is the last word of a longer name seen before stands for the latest such name."""
        if tok.tag_ != "NN" or not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            return False
        if any(c.dep_ in {"compound", "amod", "poss", "nmod", "prep", "appos"} for c in tok.children):
            return False  # "the Italian court", "the court of appeal": a description of its own
        word = tok.lower_
        if word in _NOT_NAME_HEADS:
            return False  # "the world's democracies" after "BBC World"
        fits = [r for r in self.referents if r.named and r.target is not None and word in r.name_words and r.last < tok.i]
        if not fits:
            return False
        self._link(tok, max(fits, key=lambda r: r.last), "the last word of its name")
        return True

    def _fixed(self, head: Token, idx: int, cls: str, why: str) -> bool:
        """Link a description to the name written right beside it, when the name can be described so."""
        ref = self._named(idx)
        if ref is None or not (ref.type in FITS[cls] or ref.type == "unknown"):
            return False
        self._link(head, ref, why, target=idx, learn=cls == "person")
        return True

    def _link(self, head: Token, ref: _Referent, why: str, target: int | None = None, learn: bool = False) -> None:
        start = self._left(head)
        self.links.append(Link(start, head.i + 1, "nominal", target if target is not None else ref.target,
                               f'"{self.doc[start:head.i + 1].text}" describes {ref.name} ({why})'))
        if learn:
            ref.words.add(head.lemma_.lower())  # a title learnt: "the president" again later is the same person
        self.claimed.setdefault(self.sent_of[head.i], set()).add(self.referents.index(ref))
        self._touch(ref, head)

    def _left(self, head: Token) -> int:
        """First token of a description: its determiner and premodifiers, not a possessor or adverb before them."""
        start = head.i
        for j in range(head.i - 1, max(-1, head.i - 10), -1):
            tok = self.tokens[j]
            if head not in tok.ancestors or tok.dep_ in {"poss", "case"} or (tok.is_punct and tok.text != "-"):
                break
            if tok.dep_ in {"advmod", "cc", "prep"} and tok.head == head:
                break
            start = j
        return start

    def _regions(self, head: Token) -> tuple[frozenset[str] | None, set[int]]:
        """The states a region word before a description's head allows ("the oil-rich South American nation":
        the twelve South American states), or None when it has none; and the tokens of those region words.
        Two words are read before one, and a pair the table of states knows ("South African") is a state."""
        table, known = regions(), gazetteer()
        words = [t for t in self.doc[head.left_edge.i: head.i] if head in t.ancestors]
        allowed: frozenset[str] | None = None
        used: set[int] = set()
        k = 0
        while k < len(words):
            pair = f"{words[k].lower_} {words[k + 1].lower_}" if k + 1 < len(words) else ""
            if pair and known.lookup(f"{words[k].text} {words[k + 1].text}") is not None:
                k += 2  # "the South African government": a state's own name, not "African"
                continue
            if pair in table:
                found, span = table[pair], (words[k].i, words[k + 1].i)
                k += 2
            elif words[k].lower_ in table:
                found, span = table[words[k].lower_], (words[k].i,)
                k += 1
            else:
                k += 1
                continue
            allowed = found if allowed is None else allowed & found
            used.update(span)
        return allowed, used

    def _states(self, head: Token, kids: list[Token], skip: set[int] = frozenset()) -> set[str]:
        """States a description names: "the Venezuelan leader", "Russia's president", "the president of Russia";
        not a region word (`skip`): "the South American country" names a continent, not the United States."""
        out = set()
        for c in kids:
            if c.dep_ in {"amod", "compound", "poss", "nmod"}:
                d = self.by_token.get(c.i)
                if c.i in skip:
                    continue
                if d is not None and self.mentions[d].place:
                    out.add(self.mentions[d].place)
            if c.dep_ == "prep" and c.lower_ == "of":
                for o in c.children:
                    d = self.by_token.get(o.i)
                    if o.dep_ == "pobj" and d is not None and self.mentions[d].place:
                        out.add(self.mentions[d].place)
        return out

    # --- the pass ------------------------------------------------------------------------------
    def run(self) -> list[Link]:
        """One pass over the tokens. Their words and tags are read once as arrays, and a Token object (the
        context's shared one) is taken only for a token some rule looks at: most tokens are none of a name's
        first token, a pronoun, a relative or a noun."""
        table = descriptions()
        doc = self.doc
        tokens = self.tokens
        strings = doc.vocab.strings
        rows = doc.to_array([LOWER, TAG, POS, DEP, LEMMA]).tolist() if len(doc) else []
        pronoun_tags = {strings[t] for t in ("PRP", "PRP$")}  # a string's hash (the store is not changed)
        relative_tags = {strings[t] for t in ("WP", "WP$")}
        plural_tags = {strings[t] for t in ("NNS", "NNPS")}
        np_deps = {strings[d] for d in NP_DEPS}
        starts, by_token = self.starts, self.by_token
        for i, (lower, tag, pos, dep, lemma) in enumerate(rows):
            idx = starts.get(i)
            if idx is not None:
                tok = tokens[i]
                if self._compass(idx, tok):
                    continue
                self._see_name(idx, tok)
            if i in by_token:
                continue
            low = strings[lower]
            if low in PRONOUNS and tag in pronoun_tags:
                self.pronoun(tokens[i])
            elif low in RELATIVES and tag in relative_tags:
                self.relative(tokens[i])
            elif pos == NOUN or (pos == PROPN and low in {"north", "south"}):
                if dep not in np_deps:
                    continue
                tok = tokens[i]
                entry = table.get(strings[lemma].lower()) or table.get(low)
                if entry is not None and tag not in plural_tags and self._definite(tok):
                    if self.description(tok, *entry):
                        continue
                elif entry is None and self._name_head(tok):
                    continue
                self._see_noun(tok)
        return self.links

    def local_chains(self) -> list[list[tuple[int, int, str, str]]]:
        """Chains no name heads: a noun phrase ("the company", "my father", "a spokesman") and the pronouns and
        definite descriptions after it. An indefinite opener counts too: measured on GUM dev, its chains are as
        precise as those of definite ones."""
        out = []
        for ref in self.referents:
            if ref.named or ref.opener is None or not ref.chain:
                continue
            start = self._np_start(self.doc[ref.opener])
            text = self.doc[start:ref.opener + 1].text
            out.append([(start, ref.opener + 1, "nominal", f'"{text}" opens a chain no name heads')] + ref.chain)
        return out

    def _compass(self, idx: int, tok: Token) -> bool:
        """ "the North" that the NER took for a name of its own: a description of North Korea when one is near."""
        m = self.mentions[idx]
        word = m.name.lower()
        if word not in {"north", "south"} or m.refers_to is not None or m.place or tok.i == 0 or self.doc[tok.i - 1].lower_ != "the":
            return False
        here = self.sent_of[tok.i]
        fits = [r for r in self.referents if r.named and r.target is not None and r.type == "country"
                and r.name.lower().startswith(word + " ") and here - r.sent <= NOMINAL_WINDOW]
        if not fits:
            return False
        ref = max(fits, key=lambda r: r.last)
        self.renamed[idx] = Link(tok.i - 1, tok.i + 1, "nominal", ref.target, f'"the {m.name}" describes {ref.name} (its name)')
        self._touch(ref, tok)
        return True

    def _definite(self, tok: Token) -> bool:
        for c in tok.children:
            if c.dep_ == "det" and c.lower_ in {"the", "this", "that"}:
                return True
            if c.dep_ == "poss":
                d = self.by_token.get(c.i)
                return d is not None and self.mentions[d].place is not None  # "Russia's president"
        return False


def find_links(ctx: Context) -> tuple[list[Link], dict[int, Link]]:
    """The pronoun and description links of one document in text order, and the name mentions that turn out
    to be descriptions (mention index -> link); the *find* step, no writes."""
    links, renamed, _ = find_chains(ctx)
    return links, renamed


def find_chains(ctx: Context) -> tuple[list[Link], dict[int, Link], list[list[tuple[int, int, str, str]]]]:
    """``find_links`` and the document-local chains (token spans, form, reason), no writes."""
    resolver = _Resolver(ctx)
    links = resolver.run()
    return links, resolver.renamed, resolver.local_chains()


def extract(ctx: Context) -> None:
    """Add a Mention for every link, keep the list in text order, and point tokens at the new mentions;
    chains that no name heads go to ``local_mentions``."""
    links, renamed, chains = find_chains(ctx)
    for idx, link in renamed.items():
        m = ctx.result.mentions[idx]
        m.form = m.kind = "nominal"
        m.refers_to, m.link_reason = link.target, link.reason
    add_links(ctx, links)
    add_local_chains(ctx, chains)


def add_local_chains(ctx: Context, chains: list[list[tuple[int, int, str, str]]]) -> None:
    """Append chains (token spans, form, reason) to ``local_mentions``, all kept in text order and the chains
    numbered by their first mention. A mention whose head is already in a named mention is left out of a chain
    ("A Coca-Cola spokesman" keeps its name inside), and a chain left with one mention is dropped."""
    taken = set(ctx._mention_by_token)
    old: dict[int, list] = {}
    for lm in ctx.result.local_mentions:
        old.setdefault(lm.chain, []).append(lm)
    groups: list[list[LocalMention]] = list(old.values())
    for chain in chains:
        rows = []
        seen = set()
        for start, end, form, reason in chain:
            if end - 1 in taken or start in seen:  # its head is a named mention already
                continue
            seen.add(start)
            span = ctx.doc[start:end]
            s, e, text = ctx.span_original(span)
            rows.append(LocalMention(s, e, text, ctx.sentence_index(span[0]), form, -1, reason))
        if len(rows) >= 2:
            groups.append(rows)
    groups.sort(key=lambda g: min(m.start for m in g))
    ctx.result.local_mentions[:] = sorted(
        (replace(m, chain=k) for k, g in enumerate(groups) for m in g), key=lambda m: (m.start, m.end))


def add_links(ctx: Context, links: list[Link]) -> None:
    """A Mention for every link, merged into the mention list in text order.

    Every index into that list moves with it: ``refers_to``, the token index behind
    ``Context.mention_of``, and the mentions that records of earlier stages point at
    (participants, quote speakers, descriptors), so a stage after quotes can add mentions too.
    """
    if not links:
        return
    doc = ctx.doc
    mentions = ctx.result.mentions
    spans: dict[int, list[int]] = {}
    for tok_i, m in ctx._mention_by_token.items():
        spans.setdefault(m, []).append(tok_i)
    new: list[tuple[Mention, tuple[int, int]]] = []
    for link in links:
        span = doc[link.start:link.end]
        start, end, text = ctx.span_original(span)
        name = " ".join(span.text.split())
        new.append((
            Mention(start=start, end=end, text=text, label="PRON" if link.form == "pronoun" else "NOM", name=name,
                    key=fold(name), sentence=ctx.sentence_index(span[0]), kind=link.form, refers_to=link.target,
                    link_reason=link.reason, form=link.form),
            (link.start, link.end),
        ))
    old = list(enumerate(mentions))
    merged = sorted([(m.start, 0, k, m, None) for k, m in old] + [(m.start, 1, k, m, s) for k, (m, s) in enumerate(new)],
                    key=lambda x: (x[0], x[1], x[2]))
    position = {}
    for pos, (_, is_new, k, _, _) in enumerate(merged):
        position[(is_new, k)] = pos
    result = []
    for _, is_new, k, m, _ in merged:
        if m.refers_to is not None:
            m.refers_to = position[(0, m.refers_to)]
        result.append(m)
    ctx.result.mentions[:] = result
    index: dict[int, int] = {}
    for k, toks in spans.items():
        for t in toks:
            index[t] = position[(0, k)]
    for pos, (_, is_new, k, _, s) in enumerate(merged):
        if is_new:
            for t in range(*s):
                index.setdefault(t, pos)
    ctx._mention_by_token = index
    _renumber_records(ctx.result, {k: position[(0, k)] for k in range(len(old))})


def _renumber_records(result, moved: dict[int, int]) -> None:
    """Point the records of earlier stages at the mentions' new places (``mention`` fields, participants)."""

    def fix(value):
        if isinstance(value, Participant) and value.mention is not None:
            return replace(value, mention=moved.get(value.mention, value.mention))
        if isinstance(value, list) and value and isinstance(value[0], Participant):
            return [fix(v) for v in value]
        return value

    for name in ("quotes", "events", "descriptors"):
        records = getattr(result, name, None) or []
        for i, rec in enumerate(records):
            changes = {}
            for f in fields(rec):
                value = getattr(rec, f.name)
                if f.name == "mention" and isinstance(value, int):
                    changes[f.name] = moved.get(value, value)
                else:
                    fixed = fix(value)
                    if fixed is not value:
                        changes[f.name] = fixed
            if changes:
                records[i] = replace(rec, **changes)
