"""Events: who did what to whom, for how much, when, and who says so — one record per clause that links actors.

Read from the dependency parse, in one pass over the tokens:
1. verbal predicates, with subjects found through the constructions that hide
   them: passives (the by-agent is the subject, the passive subject the object),
   coordination (coordinated subjects each become a subject; a coordinated verb
   inherits its subject), relative clauses ("Navalni, who said ..."), participial
   and infinitive clauses (controlled by the clause above, or by the object of
   "urge"-like verbs), reduced relatives ("the money granted to Caracas");
2. nominal events from the ontology ("Russia's investment in Venezuela",
   "the defection of China", "his meeting with Putin"); a light verb takes the
   type of its nominal object ("issued a statement", "relay his support"); a verb
   is typed with its particle first ("back down" is no backing), idiomatic objects
   override it ("buy time", "give evidence"), "call X Y" names X (a statement), and
   a verb whose subject undergoes its nominal object ("survived the uprising") does
   not take the noun's type;
3. for each event: negation, modality (threatened > hypothetical > planned >
   reported > asserted), the amounts inside its clause, the time expression of
   its clause (else of the sentence's main clause), and its cited source (a quote's
   speaker, the subject of a speech verb whose complement holds the event,
   "according to X", "X broke the news that ...").
Participants are mentions; pronouns and definite descriptions arrive as mentions
linked to their name by the coreference stage (``coref``, through ``event_coref``). A clause that links no actor at all yields no event.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import HEAD, LOWER
from spacy.tokens import Token

from newsgraph.extract import Context, parsed_text
from newsgraph.extract.event_coref import GROUP_PRONOUNS, MALE, PERSON_PRONOUNS, SPEAKER_PRONOUNS, Coreference
from newsgraph.extract.doers import orphan_subject, would_be_doer
from newsgraph.extract.quote_marks import quoted_spans, title_case
from newsgraph.lexicons.events import (
    AUDIENCE_NOUNS, CRITICISED_THINGS, FUTURE_AUX, GIVING_TYPES, GIVING_VERBS, HYPOTHETICAL_AUX, IDIOM_OBJECTS, IMPLICATIVE_VERBS, LIGHT_VERBS, MET_WITH, MONEY_NOUNS, NAMING_VERBS, NEGATORS,
    HOSTED_SHOWS, NOT_DONE_NOUNS, NOT_DONE_VERBS, OFFERED_DEALS, PERSON_DESCRIPTIONS, PLAN_NOUNS, PLAN_VERBS, PROXY_NOUNS, SAYING_VERBS, SIGNED, SPEECH, SPEECH_NOUNS,
    TALKING_VERBS, THREAT_VERBS, UNDERGO_VERBS, Sense, noun_sense, verb_sense,
)
from newsgraph.lexicons.lemmas import lemma_of
from newsgraph.lexicons.names import outlets
from newsgraph.model import Event, Mention, Participant, Quote

CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "parataxis", "pcomp", "csubj"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
PARTITIVES = frozenset({"all", "some", "most", "part", "half", "much", "many", "any", "none", "each", "both",
                        "dozens", "scores", "hundreds", "thousands", "millions", "billions", "one"})
# Words no target of an event is, when they name no actor: amounts, degrees and question words.
_NOT_THINGS = frozenset({"what", "whatever", "which", "whichever", "more", "less", "much", "most", "least", "little",
                         "lot", "lots", "enough", "nothing", "something", "anything", "everything", "worth", "so"})


def _no_thing(tok: Token) -> bool:
    """An object that names nothing an analyst could follow: an adjective or adverb ("called it unjustified"), a
    figure or a money amount's unit ("imported 21.5bn pounds": the amount is the event's own), a degree or a question
    word ("pays more", "did what")."""
    return (tok.pos_ in {"ADJ", "ADV", "NUM", "ADP", "SCONJ", "PART"} or tok.like_num or tok.lower_ in _NOT_THINGS
            or tok.ent_type_ in {"MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
OBJECT_CONTROL = frozenset({"urge", "encourage", "ask", "force", "push", "persuade", "help", "allow", "invite", "tell", "order", "pressure",
                            "warn", "advise", "instruct", "command", "beg", "implore", "compel", "oblige", "enable", "permit",
                            "convince", "remind", "prompt", "lead", "cause", "require", "authorize", "authorise", "empower",
                            "challenge", "dare", "teach", "inspire", "entice", "tempt", "coax", "press", "call"})
# "called Mr. Maduro to relay his support": with these verbs after it, "call X to" is a telephone call, not a summons.
CALLED_TO_SAY = frozenset("relay express congratulate discuss offer thank convey assure reassure wish pledge "
                          "confirm reaffirm".split())
# Verbs that a preposition turns into another verb, with the prepositions that do ("called for", "called on X to").
PREPOSITIONAL_VERBS = {"call": {"for", "on", "upon"}}
# Where a thing is said, not to whom: "called on Twitter for protests".
CHANNELS = frozenset("twitter facebook instagram youtube television tv radio telegram whatsapp air camera".split())
MOTION = frozenset({"send", "relocate", "move", "transfer", "fly", "travel", "go", "shift", "return", "come", "head", "deploy", "dispatch", "bring", "flee", "defect"})
WITH_HELP_TYPES = frozenset({"AID", "SUPPORT", "FINANCE"})  # "with assistance/backing/funding from X": X helps the clause's subject
AID_WORDS = frozenset({"relief", "aid", "humanitarian", "food", "medicine", "wheat", "supplies", "assistance", "vaccine"})
ACCUSE_OF = frozenset({"accuse", "blame", "charge", "suspect", "criticize", "criticise", "condemn", "praise", "thank", "punish", "sanction"})
# Heads that stand for an actor named inside them: "Maduro's regime", "Russian officials", "13 other European countries".
ACTOR_HEADS = PROXY_NOUNS | PERSON_DESCRIPTIONS | frozenset({
    "leaders", "authorities", "authority", "troops", "diplomats", "lawmakers", "negotiators", "investors", "bank", "banks",
    "firm", "firms", "state", "states", "nation", "nations", "country", "countries", "side", "delegation", "team",
    "partners", "partner", "advisers", "advisors", "agency", "agencies", "services", "party", "parliament", "court",
    "police", "navy", "army", "ministers", "presidents", "spokesperson", "giant", "operator", "producer", "lender",
})
# People an employer, a court or a club lets go: "dismissed 300 workers", "its manager", "the jury".
STAFF_NOUNS = frozenset({"worker", "staff", "employee", "manager", "coach", "jury", "player", "officer", "director",
                         "executive", "boss", "teacher", "nurse", "doctor", "soldier", "judge", "aide", "adviser"})
# Verbs of saying whose direct object is who hears it: "told Reuters", "briefed reporters".
HEARER_VERBS = frozenset({"tell", "inform", "brief", "notify", "remind"})
# Words of outlets' names, heard rather than talked with: "speaking to the Radio Times", "the Press Association".
OUTLET_WORDS = frozenset("""times post journal news herald guardian telegraph mail tribune gazette express mirror
    press agency association radio television tv channel magazine newspaper""".split())
# Who fights rather than argues: "drones attacked Kyiv", "militants attacked the government".
ARMED = frozenset("""jet jets drone drones force forces troop troops militant militants army armies rebel rebels missile
    missiles soldier soldiers gunman gunmen fighter fighters aircraft warplane warplanes plane planes artillery navy militia
    militias insurgent insurgents terrorist terrorists bomber bombers tank tanks police mob gang gangs""".split())
TIME_NOUNS = frozenset("weekend night nights day days week weeks month months year years morning evening hour hours time".split())
# Givers that are no names: "donors have given $500m".
GIVERS = frozenset({"donor", "sponsor", "lender", "investor", "benefactor", "philanthropist", "charity", "taxpayer"})
# Duties one is charged with ("the minister charged with delivering Brexit"), not offences.
DUTIES = frozenset("""deliver run oversee lead manage implement ensure review investigate organise organize develop
    coordinate supervise draft negotiate protect build prepare handle head monitor enforce""".split())
# Verbs of force aimed "at" someone: "fired at the crowd", "threw stones at police".
AIMED_VERBS = frozenset({"fire", "shoot", "throw", "hurl", "lunge", "swing", "strike", "lash", "aim", "point"})
# Whom one speaks to as a partner, beside persons and states: "spoke to his Russian counterpart".
COUNTERPARTS = frozenset({"counterpart", "leader", "official", "minister", "diplomat", "envoy", "negotiator", "delegation",
                          "ambassador", "president", "premier", "chancellor", "king", "queen", "prince"})
MEASURE_VERBS = frozenset({"be", "reach", "total", "amount", "stand", "exceed", "top", "hit", "surpass"})
SKIP_VERBS = frozenset({"be", "have", "do", "seem", "appear", "become", "remain", "get", "accord"})
NOUN_TAGS = frozenset({"NOUN", "PROPN"})


# Verbs that undo what their nominal object names: "withdrawing their recognition", "revoked the deal".
REVERSAL_VERBS = frozenset({
    "withdraw", "revoke", "rescind", "suspend", "end", "abandon", "cancel", "reject", "drop", "halt", "freeze", "call off", "give up",
    "terminate", "scrap", "sever", "break off", "tear up",
})
# Money verbs that move money only when their object is money (their other type otherwise).
_RECEIVE_MONEY = frozenset({"receive"})
_MONEY_RECEIVED = (MONEY_NOUNS - {"million", "billion"}) | frozenset(
    "donation donations fee fees grant grants subsidy subsidies compensation payout payouts royalties salary wages bonus "
    "bonuses dividend dividends ransom bribe bribes pension pensions benefit benefits refund refunds funding".split())
_CURRENCY = frozenset("$ £ € ¥ US$ C$ A$".split())
_UNITS = frozenset("m bn mn k million billion trillion".split())
DATE_WORDS = frozenset("""jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june july august
    september october november december monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow""".split())


def _holds_money(tok: Token) -> bool:
    """A phrase with money in it: "a £20bn boost", "£1.3bn", "an extra £6bn"."""
    return any(t.ent_type_ == "MONEY" or t.text in _CURRENCY for t in tok.subtree)


def _within(quote: Quote, start: int, end: int) -> bool:
    """Whether a span lies in the words a quote reports: in one of its pieces, and not its own attribution ("he
    said" between the pieces of a joined quote, or inside an indirect one: "In some places, he said, the roads …")."""
    if quote.cue_start is not None and quote.cue_start <= start and end <= quote.cue_end:
        return False
    if quote.parts:
        return any(s <= start and end <= e for s, e in quote.parts)
    return quote.start <= start and end <= quote.end


def _acronym(tok: Token) -> bool:
    """"MPs", "NGOs": a plural acronym the tagger took for a verb."""
    return sum(ch.isupper() for ch in tok.text) >= 2


@dataclass
class _Draft:
    trigger: Token
    sense: Sense | None
    predicate: str
    roles: list[tuple[str, Token, int | None]] = field(default_factory=list)  # (role, token, mention)
    scope: list[Token] = field(default_factory=list)  # extra tokens whose amounts belong to the event
    unscoped: list[Token] = field(default_factory=list)  # tokens whose amounts do not ("called the move 'two corrupt governments'")


class _Events:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc = ctx.doc
        # children of every token, once: spaCy's Token.children walks the token's span on every call
        self.toks: list[Token] = ctx.tokens()  # one Token object per position, reused by every pass
        self.kids: list[list[Token]] = [[] for _ in self.toks]
        # heads and words read as arrays: a Token's .head and .lower_ make new objects on every access
        table = ctx.doc.to_array([HEAD, LOWER]) if self.toks else np.zeros((0, 2), dtype=np.uint64)
        strings = ctx.doc.vocab.strings
        for i, rel in enumerate(table[:, 0].astype(np.int64).tolist()):
            if rel:
                self.kids[i + rel].append(self.toks[i])
        lower = table[:, 1]
        self.according = np.flatnonzero(lower == strings["according"]).tolist()
        # original offsets of the cues of quoted words: an indirect "quote" of a plain noun is no saying ("recalled
        # its ambassador", "revealed the iPod"), nor is an endorsement ("maintained its support")
        self.cues = {q.cue_start for q in ctx.result.quotes
                     if q.cue_start is not None and q.attribution != "endorsement" and q.kind in {"direct", "partial"}}
        self.coref = Coreference(ctx, self.kids)
        pronouns = np.isin(lower, [strings[w] for w in sorted(PERSON_PRONOUNS)])
        for i in np.flatnonzero(pronouns).tolist():  # in text order, so the genders learnt from earlier pronouns guide later ones
            self.coref.pronoun(self.toks[i])
        self.mention_tokens: dict[int, list[int]] = {}
        for tok_i, m in ctx._mention_by_token.items():
            self.mention_tokens.setdefault(m, []).append(tok_i)
        self.amount_spans = [self._tokens(a.start, a.end) for a in ctx.result.amounts]
        self.time_spans = [self._tokens(t.start, t.end) for t in ctx.result.times]
        # token -> the date or clock time it is part of ("Feb. 18, 2019", "next May"): such a token is when, never who or
        # what; durations and frequencies ("spent two days") are left to be objects
        self.dated: dict[int, int] = {
            i: k for k, (t, span) in enumerate(zip(ctx.result.times, self.time_spans))
            if span is not None and t.type in {None, "DATE", "TIME"} for i in range(*span)
        }
        self.consumed: set[int] = set()

    # --- offsets -------------------------------------------------------------------------------
    def _tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range [a, b) of the canonical text for an original character span."""
        norm = self.ctx.norm
        cs = bisect.bisect_left(norm.starts, start)
        ce = bisect.bisect_left(norm.ends, end) + 1
        ce = min(ce, len(norm.text))
        if cs >= ce:
            return None
        span = self.doc.char_span(cs, ce, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        return span.start, span.end

    # --- actors --------------------------------------------------------------------------------
    def actor(self, tok: Token, speaker: int | None = None) -> int | None:
        """The mention standing for the actor a token heads, or None."""
        if tok.ent_type_ in {"DATE", "TIME"} or tok.lower_.rstrip(".") in DATE_WORDS:
            return None  # "pledged on Feb. 2": a date is never a participant
        if self._on_date(tok) is not None:
            return None  # a name the time stage reads as a date ("New Year"); "the Sunday Telegraph" reaches past it
        m = self.ctx.mention_of(tok)
        if m is not None:
            return self._repaired(tok, m)
        low = tok.lower_
        if low in PERSON_PRONOUNS or low in GROUP_PRONOUNS or low in SPEAKER_PRONOUNS:
            return self.coref.pronoun(tok, speaker)
        if low in RELATIVE_PRONOUNS and tok.dep_ in {"nsubj", "nsubjpass", "dobj"}:
            return self._antecedent(tok)
        for c in self.kids[tok.i]:
            if c.dep_ == "appos":
                m = self.ctx.mention_of(c)
                if m is not None:
                    return m
        if tok.pos_ not in NOUN_TAGS:
            return None
        m = self.coref.description(tok)
        if m is not None:
            return m
        lemma = tok.lemma_.lower()
        if not (low in ACTOR_HEADS or lemma in ACTOR_HEADS):
            return None  # "Farrakhan's history" is not Farrakhan; "Maduro's regime", "Russian officials" are
        # the words that say who they are before the one whose they are: "our Venezuelan partners" are Venezuelans,
        # "Maduro's Cuban advisers" Cubans
        inner = sorted((c for c in self.kids[tok.i] if c.dep_ in {"poss", "compound", "amod", "nmod"}), key=lambda c: c.dep_ == "poss")
        if low in PROXY_NOUNS or lemma in PROXY_NOUNS:
            inner += self._prep_objects(tok, "of")
        for c in inner:
            m = self.ctx.mention_of(c)
            if m is None and c.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
                m = self.coref.pronoun(c, speaker)
            if m is not None:
                return m
        return None

    def _on_date(self, tok: Token) -> int | None:
        """The time expression (DATE or TIME) a token is part of, unless a name it belongs to reaches beyond it."""
        k = self.dated.get(tok.i)
        if k is None:
            return None
        raw = self.ctx._mention_by_token.get(tok.i)
        if raw is not None and any(self.dated.get(i) != k for i in self.mention_tokens.get(raw, [])):
            return None  # "the Sunday Telegraph": the paper, not the day
        return k

    def _repaired(self, tok: Token, m: int) -> int:
        """A name the NER ran into a figure ("Venezuela six billion dollars") stands for the same name seen alone.

        Such a mention would become an entity of its own; when the token is a name
        the document also mentions on its own, that mention is the actor.
        """
        raw = self.ctx._mention_by_token.get(tok.i)
        tokens = self.mention_tokens.get(raw, [])
        if len(tokens) < 2 or not any(span and span[0] <= max(tokens) and span[1] > min(tokens) for span in self.amount_spans):
            return m
        if any(span and span[0] <= tok.i < span[1] for span in self.amount_spans):
            return None  # the figure inside the broken name is not an actor
        for k, other in enumerate(self.ctx.result.mentions):
            if other.name == tok.text and k != raw and k in self.mention_tokens:
                return self.ctx.mention_of(self.doc[min(self.mention_tokens[k])])
        return m

    def _antecedent(self, rel: Token) -> int | None:
        """What a relative pronoun stands for: the noun its clause modifies, else the nearest name before it."""
        clause = rel.head
        head = clause.head if clause.dep_ == "relcl" else None
        if head is not None:
            m = self.ctx.mention_of(head) or self.actor(head)
            if m is not None:
                return m
        for i in range(rel.i - 1, rel.sent.start - 1, -1):
            m = self.ctx.mention_of(self.doc[i])
            if m is not None and self.coref.kind.get(m) is not None:
                return m
            if self.doc[i].pos_ in {"VERB"}:
                break
        return None

    def actors(self, tok: Token, speaker: int | None = None) -> list[tuple[Token, int | None]]:
        """The actor a token heads and those coordinated with it ("France, Germany, Britain and 13 other countries")."""
        out = [(tok, self.actor(tok, speaker))]
        stack = [c for c in self.kids[tok.i] if c.dep_ == "conj"]
        while stack:
            c = stack.pop(0)
            out.append((c, self.actor(c, speaker)))
            stack.extend(x for x in self.kids[c.i] if x.dep_ == "conj")
        return out

    # --- subjects ------------------------------------------------------------------------------
    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        """The tokens standing for a verb's subject, through the constructions that hide it."""
        if depth > 6:
            return []
        subj = [c for c in self.kids[verb.i] if c.dep_ in {"nsubj", "csubj"}]
        agent = [g for c in self.kids[verb.i] if c.dep_ == "agent" for g in self.kids[c.i] if g.dep_ == "pobj"]
        if agent:
            return agent
        if subj:
            if subj[0].lower_ in {"there"}:
                return []
            if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in SPEECH and subj[0].lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS and depth < 6:
                # "France, Germany ... announced that they were withdrawing": the speakers speak of themselves
                governing = self.subjects(verb.head, depth + 1)
                if governing and self._agrees(subj[0], governing[0]):
                    return governing
            return subj
        if any(c.dep_ == "nsubjpass" for c in self.kids[verb.i]):
            return []
        dep, head = verb.dep_, verb.head
        orphan = self._orphan_subject(verb)
        if orphan is not None:
            return [orphan]
        if head == verb:
            return []
        if dep == "conj":
            return self.subjects(head, depth + 1)
        if dep == "xcomp":
            if head.lemma_.lower() in OBJECT_CONTROL:
                phoned = head.lemma_.lower() == "call" and verb.lemma_.lower() in CALLED_TO_SAY
                obj = [c for c in self.kids[head.i] if c.dep_ in {"dobj", "dative"}] if not phoned else []
                obj = obj or [g for c in self.kids[head.i] if c.dep_ == "prep" and c.lower_ in {"on", "upon"}
                              for g in self.kids[c.i] if g.dep_ == "pobj" and g.ent_type_ not in {"DATE", "TIME"}]
                if obj:
                    return obj[:1]  # "called on Washington to lift", "called Venezuelans to protest": they act
                # ("called Mr. Maduro to relay his support" is a telephone call: the caller relays it)
            return self.subjects(head, depth + 1)
        pushed = would_be_doer(verb)
        if pushed is not None:
            return [pushed]
        if dep == "advcl" and verb.tag_ == "VBN" and verb.lemma_.lower() not in {"face", "confront"} and not any(
            c.dep_ in {"aux", "auxpass", "mark", "dobj", "dative"} or (c.dep_ == "prep" and c.lower_ == "to") for c in self.kids[verb.i]
        ):
            # "Deprived of food and medicine, Venezuelans …": the subject undergoes it ("faced with" faces; an object or
            # a "to" betrays a participle written for an active verb: "Owed billions to Russia, Venezuela …" owes)
            return []
        if dep == "pcomp" and head.head.lemma_.lower() in ACCUSE_OF:
            # "Chile accused Peru of hiding the report": the accused is the one said to act
            obj = [c for c in self.kids[head.head.i] if c.dep_ == "dobj"]
            if obj:
                return obj[:1]
        if dep in {"advcl", "pcomp"} or (dep == "prep" and verb.tag_ == "VBG"):
            if verb.lemma_.lower() in SPEECH and verb.tag_ == "VBG":
                for t in reversed(list(verb.sent[: verb.i - verb.sent.start])):
                    if t.lemma_.lower() in SPEECH and t.pos_ == "VERB" and t.i != verb.i:
                        return self.subjects(t, depth + 1)
            clause = head
            while clause.pos_ not in {"VERB", "AUX"} and clause.head != clause:
                clause = clause.head
            return self.subjects(clause, depth + 1) if clause != verb else []
        if dep == "relcl":
            return []  # handled by the relative pronoun or by the object rule
        if dep == "acl":
            if verb.tag_ == "VBG":
                return [head]
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in self.kids[verb.i]):
                return [c for c in self.kids[head.i] if c.dep_ == "poss"]  # "Maduro's decision to relocate"; "any attempt to" has none
            if verb.tag_ == "VBN":
                # "the Russian state oil giant Rosneft transferred to Venezuela ...": a misparsed finite verb after a name
                # ("Maduro, elected in 2018" stays passive: only an object or a "to" recipient betrays an active verb)
                if self.ctx.mention_of(head) is not None and any(
                    c.dep_ in {"dobj", "dative"} or (c.dep_ == "prep" and c.lower_ == "to") for c in self.kids[verb.i]
                ):
                    return [head]
                sense = verb_sense(verb.lemma_)
                if sense is not None and sense.flow and head.head.pos_ in {"VERB", "AUX"}:
                    # "the Kremlin will not recover the money granted to Caracas": the lender is the clause's subject
                    return self.subjects(head.head, depth + 1)
        return []

    def _agrees(self, pronoun: Token, antecedent: Token) -> bool:
        """Whether a pronoun can stand for a phrase: "they" for several actors or a group, "he"/"she" for a person."""
        group = self.actors(antecedent)
        kinds = {self.coref.kind.get(m) for _, m in group if m is not None}
        if pronoun.lower_ in PERSON_PRONOUNS:
            gender = "m" if pronoun.lower_ in MALE else "f"
            known = {self.coref.gender.get(m, gender) for _, m in group if m is not None}
            return kinds == {"person"} and len(group) == 1 and known == {gender}
        if pronoun.lower_ in {"they", "them", "their"}:
            return len(group) > 1 or kinds == {"group"}
        return kinds == {"group"} and len(group) == 1

    def _orphan_subject(self, verb: Token) -> Token | None:
        """A subject the parser hung on the phrase before its verb (`doers.orphan_subject`), when it is an actor."""
        node = orphan_subject(verb)
        return node if node is not None and self.actor(node) is not None else None

    def objects(self, verb: Token) -> list[Token]:
        objs = [c for c in self.kids[verb.i] if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd"}]
        # a small clause: "declared himself interim president"
        objs += [g for c in self.kids[verb.i] if c.dep_ in {"ccomp", "oprd"} and c.pos_ in NOUN_TAGS
                 for g in self.kids[c.i] if g.dep_ in {"poss", "nsubj"} and g.lower_.endswith(("self", "selves"))]
        if verb.dep_ in {"acl", "relcl"} and verb.head.pos_ in NOUN_TAGS:
            has_subject = any(c.dep_ == "nsubj" and c.lower_ not in RELATIVE_PRONOUNS for c in self.kids[verb.i])
            is_subject = self.subjects(verb)[:1] == [verb.head]
            complement = any(c.dep_ == "mark" for c in self.kids[verb.i])  # "the news that Qatar paid": not a relative clause
            # "the regime, whose services worked with Russian advisers", "the city where they met", "the firm with
            # which it merged": the noun owns an argument or is a place, time or partner, not the thing done
            elsewhere = any(
                (t.lower_ in {"where", "when", "why"} and t.head == verb)
                or (t.lower_ == "whose" and t.head.head == verb)
                or (t.lower_ in {"whom", "which"} and t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head == verb)
                for t in self.doc[verb.left_edge.i: verb.i])  # the relative word of this clause, not of one inside it
            if not is_subject and not complement and not elsewhere and (has_subject or verb.tag_ == "VBN" or not objs):
                if not any(c.dep_ == "nsubj" and c.lower_ in RELATIVE_PRONOUNS for c in self.kids[verb.i]):
                    objs.append(verb.head)
        return objs

    # --- building ------------------------------------------------------------------------------
    def verbal(self, verb: Token) -> _Draft | None:
        lemma = lemma_of(verb)
        if lemma in SKIP_VERBS or verb.dep_ in {"aux", "auxpass", "amod"} or _acronym(verb):
            return None
        particle = [c.lower_ for c in self.kids[verb.i] if c.dep_ == "prt"]
        if not particle and lemma in PREPOSITIONAL_VERBS:
            # a verb whose preposition makes another verb: "called for new elections", "called on Washington to lift"
            # (not "called on Monday for …" nor "called on Twitter for …": a date or a channel is no one called on)
            for c in (c for c in self.kids[verb.i] if c.dep_ == "prep" and verb.i < c.i <= verb.i + 4):
                objs = [g for g in self.kids[c.i] if g.dep_ == "pobj"]
                if not objs or objs[0].ent_type_ in {"DATE", "TIME"} or objs[0].lower_ in CHANNELS:
                    continue  # "called on Monday for new elections": past the date
                if c.lower_ in PREPOSITIONAL_VERBS[lemma]:
                    particle = [c.lower_]
                break
        predicate = " ".join([lemma, *particle])
        # "back down" is no backing: the verb with its particle is read before the verb alone
        phrasal = verb_sense(predicate) if particle else None
        sense = phrasal or verb_sense(lemma)
        light_verb = lemma in LIGHT_VERBS and phrasal is None  # "gave up its claim" is no claim
        if lemma == "warn" and not any(c.dep_ in {"dobj", "dative"} or c.dep_ == "prep" and c.lower_ == "against"
                                       for c in self.kids[verb.i]):
            # "Sri Lanka's banks face hard times, officials have warned", "warned of a recession": a warning about what
            # may come is said, not a threat ("warned Maduro that …", "warned the U.S. against …" threaten)
            sense = verb_sense("say")
        if (predicate in SAYING_VERBS or lemma in SAYING_VERBS and not particle) and self._says(verb, lemma):
            sense = verb_sense("say")  # "Mr Brown argued that taxes must rise", '"We will win," he added'
        draft = _Draft(verb, sense, predicate)
        idiomatic, idiom_type = self._idiom(verb, lemma)
        if idiomatic:
            sense = draft.sense = Sense(idiom_type, None, None, None)  # "buy himself more time", "giving his views"
            if lemma != "meet":  # "Anil's demand … was not met" was still a demand
                self.consumed.update(c.i for c in idiomatic)  # "gave a talk" holds no talks
        elif predicate == "sell out" and any(c.dep_ == "dobj" and not self._actor_like(c) for c in self.kids[verb.i]):
            sense = draft.sense = verb_sense("sell")  # "sold out its stake to Rosneft" is a sale; "sold out America" none
        elif lemma == "sign" and not any(c.dep_ == "prep" and c.lower_ == "into" for c in self.kids[verb.i]) and sense is not None and any(
                c.dep_ in {"dobj", "nsubjpass"} and c.pos_ == "NOUN" and c.lower_ not in SIGNED and c.lemma_.lower() not in SIGNED
                and noun_sense(c.lemma_) is None for c in self.kids[verb.i]):
            sense = draft.sense = None  # "signing a red hat" agrees to nothing; "signed a pact" or "the bill" does
        elif predicate in {"dismiss", "throw out"} and any(c.dep_ in {"dobj", "nsubjpass"} and (
                self._actor_like(c) or c.lemma_.lower() in STAFF_NOUNS or c.like_num) for c in self.kids[verb.i]):
            sense = draft.sense = None  # "dismissed the coach", "will throw him out": let go; "dismissed reports" rejects
        elif lemma == "work" and sense is not None and not self._works_with(verb):
            sense = draft.sense = None  # "worked tirelessly", "working for Trump": no partner, no cooperation
        elif lemma in GIVING_VERBS and sense is not None and sense.type in {"AID", "FINANCE"} and not self._gives(verb):
            sense = draft.sense = None  # "this speed has helped Tata", "we haven't delivered": nothing handed over
        elif lemma == "attack" and sense is not None and self._in_words(verb):
            sense = draft.sense = verb_sense("criticize")  # "attacked Labour's record", "Short attacks US over aid"
        elif lemma in TALKING_VERBS and any(c.dep_ == "dobj" and c.lower_ == "volumes" for c in self.kids[verb.i]):
            sense = draft.sense = None  # "speaks volumes about": it shows, nobody talks
        elif lemma == "charge" and sense is not None and not self._charged_with_offence(verb):
            sense = draft.sense = None  # "charged £5 a month", "the minister charged with delivering Brexit"
        elif lemma == "host" and sense is not None and any(c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() in HOSTED_SHOWS
                                                           for c in self.kids[verb.i]):
            sense = draft.sense = None  # "will host a spoof nostalgia show", "hosting a concert": nobody met
        elif lemma == "offer" and sense is not None and sense.type == "AGREE" and not self._offers_a_deal(verb):
            sense = draft.sense = None  # "Napster offers rented music", "offers considerable experience"
        elif lemma in TALKING_VERBS and sense is not None and sense.type == "CONSULT" and not self._talks_with(verb):
            sense = draft.sense = verb_sense("say")  # "talked of wanting to direct it", "spoke to reporters"
        if lemma in NAMING_VERBS and verb.dep_ == "acl" and verb.tag_ == "VBN":
            sense = draft.sense = None  # "a BBC documentary called 'No More Mr Nasty'": a name, no call
        if lemma in NAMING_VERBS and any(c.dep_ == "dobj" for c in self.kids[verb.i]):
            named = [c for c in self.kids[verb.i] if c.dep_ == "oprd"]
            if named:
                # "called the move 'two corrupt governments ...'": a statement about the object; the name is no amount
                sense = draft.sense = verb_sense("describe") or Sense("STATEMENT", None, None, None)
                draft.unscoped.extend(named)
        speaker = self._quote_speaker(verb)
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in self.kids[verb.i])
        for s in self.subjects(verb):
            if s.lower_ in RELATIVE_PRONOUNS and s.dep_ in {"nsubj", "nsubjpass"}:
                draft.roles.append(("subject", s, self._antecedent(s)))
                continue
            for tok, m in self.actors(s, speaker):
                draft.roles.append(("subject", tok, m))
        objects = self.objects(verb)
        for o in objects:
            light = noun_sense(o.lemma_) if o.pos_ == "NOUN" and lemma not in UNDERGO_VERBS and o not in idiomatic else None
            if light is not None and o.dep_ == "dobj" and sense is None and (lemma in REVERSAL_VERBS or predicate in REVERSAL_VERBS) and not (
                    lemma == "end" and light.type == "MEET"):  # "ended his visit" finished it; "ended their talks" broke them off
                # "ended their alliance", "suspended the talks": the undoing of what the noun names, as "withdraw" is
                draft.sense = verb_sense("withdraw")
                self.consumed.add(o.i)
                self._noun_roles(o, light, draft, speaker, skip_subject=True)
                continue
            if light is not None and o.dep_ == "dobj" and (light_verb or sense is None):
                draft.sense = light  # "issued a statement", "relay his support"
                self.consumed.add(o.i)
                self._noun_roles(o, light, draft, speaker, skip_subject=True)
                continue
            if light is not None and o.dep_ in {"dobj", "nsubjpass"}:
                # "withdrawing their recognition of Maduro": the object is whom the nominal event concerns
                if sense is not None and (light.type == sense.type or lemma in REVERSAL_VERBS or predicate in REVERSAL_VERBS):
                    # "signed a pact with Peru" is one agreement, not two; "withdrawing their recognition of Maduro"
                    # is no recognition at all
                    self.consumed.add(o.i)
                self._noun_roles(o, light, draft, speaker, skip_subject=True)
                continue
            role = "addressee" if lemma in HEARER_VERBS and o.dep_ == "dobj" else "object"  # "told Reuters": who heard it
            o = self._whole_of(o)  # "bought all of Hexal": Hexal
            for tok, m in self.actors(o, speaker):
                if m is None and _no_thing(tok):
                    continue  # "called the rebate unjustified", "pays more", "imported 21.5bn pounds", "said what"
                draft.roles.append((role, tok, m))
        type_ = self._type(draft)  # what the prepositions' objects are to the event ("to Cuba": recipient or destination)
        for c in self.kids[verb.i]:
            if c.dep_ == "dative" and c.lower_ == "to":
                self._prep_roles(c, draft, speaker, passive, type_)
            elif c.dep_ == "dative":
                target = [g for g in self.kids[c.i] if g.dep_ == "pobj"] or [c]
                role = "addressee" if draft.sense is not None and draft.sense.type == "STATEMENT" else "recipient"
                for t in target:
                    for tok, m in self.actors(t, speaker):
                        draft.roles.append((role, tok, m))  # "told BBC Radio": the audience, not a receiver
        preps = [c for c in self.kids[verb.i] if c.dep_ == "prep"]
        # "gave an interview to the BBC": the idiom's noun carries the audience
        preps += [c for o in idiomatic for c in self.kids[o.i] if c.dep_ == "prep" and c.lower_ == "to"]
        for o in objects:
            if o.i not in self.consumed and not (o.pos_ == "NOUN" and noun_sense(o.lemma_)):
                preps += [c for c in self.kids[o.i] if c.dep_ == "prep" and c.lower_ in {"from", "to", "with"}]
        for prep in preps:
            self._prep_roles(prep, draft, speaker, passive, type_)
        if not any(m is not None for _, _, m in draft.roles):
            return None
        return draft

    def _says(self, verb: Token, lemma: str) -> bool:
        """Whether a speech verb of ``SAYING_VERBS`` carries what is said: it is a quote's cue, or has a clause of
        content; "insisted on a recount" and "insisted that he resign" (a should-clause) are demands, not sayings."""
        kids = self.kids[verb.i]
        if lemma == "insist" and (any(c.dep_ == "prep" and c.lower_ == "on" for c in kids) or any(
                c.dep_ == "ccomp" and (c.tag_ == "VB" and not any(a.dep_ == "aux" for a in self.kids[c.i])
                                       or any(a.lower_ in {"should", "must"} for a in self.kids[c.i])
                                       or any(a.dep_ == "auxpass" and a.tag_ == "VB" for a in self.kids[c.i]))
                for c in kids)):
            return False  # "insisted that all parties be included", "… the minister resign", "… it must stop"
        if self.ctx.span_original(verb)[0] in self.cues:
            return True
        return any(c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"} for c in kids)

    def _whole_of(self, o: Token) -> Token:
        """The whole a part of it stands for as an object: "all of Germany's Hexal", "most of its shares" (not "the
        rest of the world": a noun names a thing of its own)."""
        if o.lower_ not in PARTITIVES and not o.like_num and o.ent_type_ not in {"CARDINAL", "PERCENT"}:
            return o  # ("represents eight of the detainees", "building dozens of new roads", "sold 20% of its equity")
        whole = self._prep_objects(o, "of")
        return whole[0] if whole else o

    def _prep_roles(self, prep: Token, draft: _Draft, speaker: int | None, passive: bool, type_: str) -> None:
        word = prep.lower_
        lemma = draft.trigger.lemma_.lower()
        for pobj in (g for g in self.kids[prep.i] if g.dep_ == "pobj"):
            for tok, m in self.actors(pobj, speaker):
                if m is None:
                    continue
                if word == "to":
                    if type_ == "STATEMENT":
                        role = "addressee"  # "gave interviews to the BBC", "complained to the IRB": who hears it
                    elif type_ in {"FINANCE", "AID", "TRADE", "AGREE", "SUPPORT"} and not (lemma in MOTION and not self._moves_money(draft)):
                        role = "recipient"
                    elif lemma in MOTION or draft.trigger.pos_ in NOUN_TAGS and lemma in {"transfer", "relocation", "move"}:
                        role = "destination"
                    else:
                        role = "other"
                elif word == "from":
                    role = "origin"
                elif word in {"with", "against", "between"}:
                    role = "object" if not any(r == "object" and mm is not None for r, _, mm in draft.roles) else "other"
                elif word in {"on", "upon"} and pobj.lower_ not in CHANNELS and (type_ in {"SANCTION", "ASSAULT", "THREATEN", "DEMAND", "ACCUSE"}
                                                 or draft.predicate in {"call on", "call upon"}):
                    role = "object"  # "imposed sanctions on Iran", "called on Washington to lift"
                elif word == "at" and (type_ in {"ACCUSE", "THREATEN"} or type_ == "ASSAULT" and lemma in AIMED_VERBS):
                    role = "object"  # "hit out at Howard", "took a swipe at Arsenal", "fired at the crowd" (not "killed at
                    # Villa Park")
                elif word in {"in", "at", "into"}:
                    role = "recipient" if type_ == "FINANCE" and word in {"in", "into"} else "location"
                elif word == "by" and passive:
                    role = "subject"
                else:
                    role = "other"
                draft.roles.append((role, tok, m))

    def _noun_roles(self, noun: Token, sense: Sense, draft: _Draft, speaker: int | None, skip_subject: bool = False) -> None:
        by_agent = any(c.dep_ == "prep" and c.lower_ == "by" for c in self.kids[noun.i])
        given_from = sense.type in GIVING_TYPES and any(
            c.dep_ == "prep" and c.lower_ == "from" and any(g.dep_ == "pobj" and self.actor(g, speaker) is not None for g in self.kids[c.i])
            for c in self.kids[noun.i])  # a giver, not a time ("support from the outset") nor a fund
        for c in self.kids[noun.i]:
            if c.dep_ == "poss" and not skip_subject:
                # "P&O Princess's takeover by Carnival": with a by-agent the possessor is what the event is done to;
                # "Maduro's support from China": with a giver the possessor is who gets it
                role = "object" if by_agent else "recipient" if given_from else "subject"
                draft.roles.append((role, c, self.actor(c, speaker)))
            elif c.dep_ in {"compound", "amod", "nmod"} and not skip_subject and self.ctx.mention_of(c) is not None and (
                    self.ctx.result.mentions[self.ctx.mention_of(c)].label not in {"EVENT", "LAW", "WORK_OF_ART", "PRODUCT"}):
                draft.roles.append(("subject", c, self.ctx.mention_of(c)))  # "Russian loans" (not "the Brexit deal")
            elif c.dep_ == "prep":
                word = c.lower_
                for pobj in (g for g in self.kids[c.i] if g.dep_ == "pobj"):
                    for tok, m in self.actors(pobj, speaker):
                        if m is None:
                            continue
                        if word == "of":
                            role = sense.of_role or "object"
                            if role == "subject" and any(r == "subject" for r, _, _ in draft.roles):
                                role = "object"
                        elif word == "by":
                            role = "subject"
                        elif word in {"with", "against"}:
                            role = "object"
                        elif word in {"on", "upon"} and sense.type in {"SANCTION", "ASSAULT", "THREATEN", "DEMAND", "ACCUSE"}:
                            role = "object"  # "sanctions on Iran"
                        elif word == "between":
                            role = "subject" if not any(r == "subject" for r, _, _ in draft.roles) else "object"
                        elif word == "to":
                            role = "addressee" if sense.type == "STATEMENT" else "recipient"  # "a statement to MPs"
                        elif word in {"in", "into"}:
                            role = "recipient" if sense.type == "FINANCE" else "location"
                        elif word == "from":
                            role = "origin"
                        else:
                            role = "other"
                        if role == "subject" and tok != pobj:
                            role = "object"  # "between Putin and Maduro": the second is the counterpart
                        draft.roles.append((role, tok, m))

    def nominal(self, noun: Token) -> _Draft | None:
        if noun.i in self.consumed or self.ctx.mention_of(noun) is not None:
            return None
        sense = noun_sense(noun.lemma_) or noun_sense(noun.lower_)
        if sense is None:
            return None
        if noun.lower_ == "charges" and not self._brought(noun):
            return None  # "its line rental charges", "interchange charges": fees
        if sense.type == "ASSAULT" and noun.lemma_.lower() == "attack" and self._in_words(noun):
            sense = verb_sense("criticize")  # "his attack on the government's record"
        draft = _Draft(noun, sense, noun.lemma_.lower())
        self._noun_roles(noun, sense, draft, self._quote_speaker(noun))
        self._helped_clause(noun, sense, draft)
        if noun.dep_ in {"nsubj", "nsubjpass"} and noun.head.lemma_ in MEASURE_VERBS:
            # "Russia's investment ... to be $30 billion", "Japan's investment reached $2 billion"
            draft.scope.extend(c for c in self.kids[noun.head.i] if c.dep_ in {"attr", "acomp", "dobj"})
        if not any(m is not None for _, _, m in draft.roles):
            return None
        return draft

    def _helped_clause(self, noun: Token, sense: Sense, draft: _Draft) -> None:
        """Help given "with" a clause goes to that clause's subject: "Venezuela has become a failed state ..., with
        assistance from China" (China → Venezuela), "the spear Maduro is using, with Cuban assistance" (Cuba → Maduro);
        so does help "in exchange for" which or "thanks to" which it acts ("Maduro has been mortgaging … in exchange
        for financial and military support from Moscow")."""
        prep = noun.head
        if sense.type not in WITH_HELP_TYPES or noun.dep_ != "pobj" or prep.dep_ != "prep":
            return
        verb = prep.head
        if prep.lower_ == "for" and verb.lower_ == "exchange" and verb.head.lower_ == "in" and verb.head.dep_ == "prep":
            verb = verb.head.head  # "in exchange for support"
        elif prep.lower_ == "to" and prep.i > 0 and prep.nbor(-1).lower_ == "thanks":
            verb = verb.head if verb.lower_ == "thanks" else verb  # "stayed in power thanks to support from Cuba"
        elif prep.lower_ != "with":
            return
        if verb.pos_ in NOUN_TAGS and verb.dep_ in {"dobj", "attr", "oprd"}:
            verb = verb.head  # "kept power with Cuban assistance": the phrase hangs on the object
        if verb.pos_ not in {"VERB", "AUX"} or any(r in {"recipient", "object"} for r, _, m in draft.roles if m is not None):
            return
        passive = [c for c in self.kids[verb.i] if c.dep_ == "nsubjpass"]
        givers = {m for r, _, m in draft.roles if r in {"subject", "origin"} and m is not None}
        for subj in passive or self.subjects(verb):
            for tok, m in self.actors(subj, self._quote_speaker(noun)):
                if m is not None and m not in givers:
                    draft.roles.append(("recipient", tok, m))

    def _resolved(self, tok: Token) -> bool:
        """Whether a token's actor came from coreference (a pronoun or description), not from a name."""
        raw = self.ctx._mention_by_token.get(tok.i)
        if raw is not None:
            return self.ctx.result.mentions[raw].form != "name"
        return tok.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS or tok.pos_ == "NOUN"

    def _idiom(self, verb: Token, lemma: str) -> tuple[list[Token], str | None]:
        """The objects that make an idiom with the verb ("gave no details", "the findings must be provided"), and its type."""
        idiom = IDIOM_OBJECTS.get(lemma)
        if not idiom:
            return [], None
        things = [c for c in self.kids[verb.i] if c.dep_ in {"dobj", "nsubjpass"}]
        if lemma in {"provide", "supply"}:  # "provide Congress with the findings"
            things += self._prep_objects(verb, "with")
        things += [g for c in things for g in self.kids[c.i] if g.dep_ == "compound"]  # "the thumbs-up"

        def kind(c: Token) -> str | None:
            type_ = idiom.get(c.lemma_.lower()) or idiom.get(c.lower_)
            if type_ is None or c.pos_ not in {"NOUN", "PROPN", "INTJ", "VERB"}:
                return None
            if _holds_money(c):
                return None  # "gave the NHS a £20bn boost" moves money
            if type_ == "STATEMENT" and any(g.dep_ == "compound" and g.pos_ == "NOUN" for g in self.kids[c.i]):
                return None  # "a software update" is a thing, "an update" words
            return type_

        found = [c for c in things if kind(c)]
        return (found, kind(found[0])) if found else ([], None)

    def _prep_objects(self, tok: Token, word: str) -> list[Token]:
        """The objects of a token's preposition `word`: "met with gunfire" -> gunfire."""
        return [g for c in self.kids[tok.i] if c.dep_ == "prep" and c.lower_ == word for g in self.kids[c.i] if g.dep_ == "pobj"]

    def _met_with_a_thing(self, verb: Token) -> bool:
        if verb.lemma_.lower() != "meet":
            return False
        return any(g.lemma_.lower() in MET_WITH for g in self._prep_objects(verb, "with"))

    def _actor_like(self, tok: Token) -> bool:
        return (self.ctx.mention_of(tok) is not None or tok.pos_ in {"PROPN", "PRON"}
                or tok.lemma_.lower() in ACTOR_HEADS or tok.lower_ in {"people", "voters", "public"})

    def _charged_with_offence(self, verb: Token) -> bool:
        """"Charged with fraud", "charged with murdering", "charged over the death"; not a price charged, nor a duty
        ("the minister charged with delivering Brexit")."""
        preps = [c for c in self.kids[verb.i] if c.dep_ == "prep" and c.lower_ in {"with", "over"}]
        return bool(preps) and not any(g.dep_ in {"pobj", "pcomp"} and g.lemma_.lower() in DUTIES
                                       for c in preps if c.lower_ == "with" for g in self.kids[c.i])

    def _brought(self, noun: Token) -> bool:
        """Charges as accusations: brought, faced, dropped, denied … or "against" someone or "of" an offence."""
        if any(c.dep_ == "prep" and c.lower_ in {"against", "of", "over"} for c in self.kids[noun.i]):
            return True
        return noun.dep_ in {"dobj", "nsubjpass", "pobj"} and noun.head.lemma_.lower() in {
            "bring", "file", "face", "drop", "press", "deny", "level", "lay", "clear", "acquit", "dismiss", "plead", "admit"}

    def _in_words(self, tok: Token) -> bool:
        """Whether an attack is made in words: on a record, a plan or a claim, on a party, or over or for something
        ("attacked Labour's six pledges as vacuous", "Short attacks US over tsunami aid", "attacking the EC for
        backing down"); not "jets attacked rebel positions", "the attack on the embassy"."""
        kids = self.kids[tok.i]
        if any(s.lemma_.lower() in ARMED or s.ent_type_ in {"NORP"} and s.head.lemma_.lower() in ARMED
               for s in self.subjects(tok) if tok.pos_ == "VERB") or any(
                c.dep_ in {"compound", "amod"} and c.lemma_.lower() in ARMED for c in kids):
            return False  # "Russian drones attacked Kyiv", "militants attacked the government", "a drone attack"
        if any(c.dep_ == "prep" and c.lower_ in {"over", "for", "as"} and c.i > tok.i and not any(
                g.ent_type_ in {"DATE", "TIME"} or g.lemma_.lower() in TIME_NOUNS for g in self.kids[c.i]) for c in kids):
            return True  # not "over the weekend", "for the third night"
        targets = [c for c in kids if c.dep_ in {"dobj", "nsubjpass"}] + self._prep_objects(tok, "on")
        if tok.dep_ == "relcl" or tok.dep_ == "acl":
            targets.append(tok.head)
        for t in targets:
            if t.lemma_.lower() in CRITICISED_THINGS or t.lower_ in CRITICISED_THINGS:
                return True
            named = self._named(t)
            if named is not None and (named.name.split()[-1] in {"Party", "party"} or named.name.lower() in CRITICISED_THINGS):
                return True
        return False

    def _named(self, tok: Token) -> Mention | None:
        """The mention the token is part of, as found (not what it refers to)."""
        raw = self.ctx._mention_by_token.get(tok.i)
        return None if raw is None else self.ctx.result.mentions[raw]

    def _gives(self, verb: Token) -> bool:
        """Whether a verb of giving hands something from an actor to another: a thing given (or someone given to or
        helped) and a giver who is an actor when one is named. "China supplied the drones", "Russia helped Maduro";
        not "this speed of set-up has helped Tata", "software that could help us", "we haven't delivered"."""
        kids = self.kids[verb.i]
        if any(_holds_money(c) for c in kids if c.dep_ in {"dobj", "dative", "prep"}):
            return True  # "the budget gives the NHS an extra £6bn": money is handed over whoever hands it
        if verb.dep_ not in {"acl", "relcl"} and not any(  # "the £50m given by the government": the noun is given
                c.dep_ in {"dobj", "nsubjpass", "dative", "xcomp", "ccomp"} or c.dep_ == "prep" and c.lower_ in {
                    "to", "with", "for"} for c in kids):
            return False
        for s in (c for c in kids if c.dep_ == "nsubj"):
            if s.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                s = verb.head  # "software that could help us": the software helps
            if not self._actor_like(s) and s.ent_type_ not in {"ORG", "GPE", "NORP", "PERSON"} and s.lemma_.lower() not in GIVERS:
                return False
        return True

    def _offers_a_deal(self, verb: Token) -> bool:
        """Whether an offer is made to someone or of a deal: "offered him the chance to return", "was offered a new
        deal", "offered to mediate", "offered a ceasefire"; not "Napster offers rented music"."""
        kids = self.kids[verb.i]
        if any(c.dep_ in {"dative", "nsubjpass", "xcomp"} for c in kids):
            return True
        if any(c.lower_ == "exchange" for c in verb.subtree):
            return True  # "offered a hostage release in exchange for a ceasefire"
        if any(_holds_money(c) for c in kids if c.dep_ == "dobj"):
            return True  # "has offered £1.3bn for the London Stock Exchange": a bid
        if any(self._actor_like(g) for g in self._prep_objects(verb, "to")):
            return True
        return any(c.dep_ == "dobj" and any(w.lemma_.lower() in OFFERED_DEALS or noun_sense(w.lemma_) is not None
                                            for w in [c, *(g for g in self.kids[c.i] if g.dep_ == "compound")])
                   for c in kids)  # "an olive branch", "a pause in the fighting"

    def _talks_with(self, verb: Token) -> bool:
        """Whether talking is done with a partner: "talked with Putin", "had spoken to Brosnan", "spoke to the Russian
        president", "Russia and China talked"; not to an audience ("spoke to reporters", "talking to the BBC's
        Newsnight") nor about something alone ("talked of wanting to direct it", "we did not talk about it")."""
        kids = self.kids[verb.i]
        if any(self._actor_like(g) and not self._audience(g) for g in self._prep_objects(verb, "with")):
            return True
        heard = self._prep_objects(verb, "to")
        if any(self._counterpart(g) for g in heard):
            return True
        if heard:
            return False  # "Ministers spoke to reporters": an audience, whoever speaks
        if any(c.dep_ == "advmod" and c.lower_ in {"together", "directly"} for c in kids):
            return True
        # "Russia and China talked", "the two leaders had talked about Afghanistan": the partners are the subject
        return any(c.dep_ == "nsubj" and (c.tag_ == "NNS" or any(g.dep_ == "conj" for g in self.kids[c.i])) for c in kids)

    def _audience(self, tok: Token) -> bool:
        """Who hears rather than talks back: reporters, a crowd, an outlet or its programme ("the BBC's Today")."""
        if tok.lemma_.lower() in AUDIENCE_NOUNS or tok.lower_ in AUDIENCE_NOUNS or tok.lower_ in {"us", "me"}:
            return True
        if any(c.dep_ == "poss" for c in self.kids[tok.i]):
            return tok.pos_ == "PROPN"  # "the BBC's Newsnight": a programme
        named = self._named(tok)
        return named is not None and (named.name in outlets() or bool(
            {w.lower() for w in named.name.split()} & OUTLET_WORDS))  # "the Radio Times"

    def _counterpart(self, tok: Token) -> bool:
        """One spoken "to" as a partner: a person, a state, an organisation or their officials ("talking to Nissan"),
        never an audience."""
        if self._audience(tok):
            return False
        named = self._named(tok)
        label = named.label if named is not None else tok.ent_type_
        return (label in {"PERSON", "GPE", "NORP", "ORG"} or tok.lower_ in {"him", "her", "them"}
                or tok.lemma_.lower() in PERSON_DESCRIPTIONS or tok.lemma_.lower() in COUNTERPARTS)

    def _works_with(self, verb: Token) -> bool:
        """Whether working is done with a partner: "worked closely with Russian advisers", "working together",
        "working hand in glove with the government"."""
        for c in self.kids[verb.i]:
            if c.dep_ == "advmod" and c.lower_ in {"together", "jointly"}:
                return True
            if c.dep_ == "prep" and c.lower_ in {"with", "alongside"}:
                return True
            if c.dep_ in {"npadvmod", "dobj"} and any(t.lower_ in {"with", "alongside"} and t.dep_ == "prep" for t in c.subtree):
                return True
        # "Russia and China are working to undermine the sanctions": the partners are the subject
        return any(c.dep_ in {"nsubj", "nsubjpass"} and any(g.dep_ == "conj" for g in self.kids[c.i]) for c in self.kids[verb.i])

    # --- qualities -----------------------------------------------------------------------------
    def _type(self, draft: _Draft) -> str:
        """The event's type: its sense's, or the sense's other type when a money verb moves no money ("send bombers")."""
        sense = draft.sense
        if sense is None:
            return "OTHER"
        if sense.alt and not self._moves_money(draft):  # "a donation of blankets" is aid, "his contribution to the debate" none
            return "AID" if self._aid(draft) else sense.alt
        return sense.type

    def _moves_money(self, draft: _Draft) -> bool:
        if lemma_of(draft.trigger) in _RECEIVE_MONEY:
            # "received $5 billion", "received payments": what is received is money ("received a $3.25bn takeover
            # offer", "received 12 million e-mails" are none)
            trig = draft.trigger
            objs = [c for c in self.kids[trig.i] if c.dep_ in {"dobj", "nsubjpass"}]
            if trig.dep_ == "relcl":
                objs.append(trig.head)  # "the $5 billion that Venezuela received"
            return any(o.ent_type_ == "MONEY" or o.lower_ in _MONEY_RECEIVED or (o.tag_ == "CD" or o.lower_ in _UNITS) and any(
                t.ent_type_ == "MONEY" or t.text in _CURRENCY for t in self.doc[o.left_edge.i: o.i])
                for o in objs)  # "£1m", "£3.5bn": an amount of money itself, not "a $3bn takeover offer"
        if any(self.ctx.result.amounts[k].kind == "money" for k in self._amounts(draft)):
            return True
        trig = draft.trigger
        words = [t for c in self.kids[trig.i] if c.dep_ in {"dobj", "nsubjpass", "prep", "dative"} for t in c.subtree]
        if trig.dep_ in {"acl", "relcl"}:
            words.append(trig.head)
        # the noun that gave the event its sense is no money it moves: "achieved a major advance"
        own = {c.i for c in self.kids[trig.i] if c.dep_ == "dobj" and c.pos_ == "NOUN" and noun_sense(c.lemma_) is draft.sense}
        return any(t.lower_ in MONEY_NOUNS and t.i not in own or t.ent_type_ == "MONEY" for t in words)

    def _aid(self, draft: _Draft) -> bool:
        return any(t.lower_ in AID_WORDS for c in self.kids[draft.trigger.i] if c.dep_ in {"dobj", "prep", "dative"} for t in c.subtree)

    def _clause(self, tok: Token) -> set[int]:
        """Token indices of a predicate's own clause: its subtree without the clauses embedded in it."""
        out = set()
        stack = [tok]
        while stack:
            t = stack.pop()
            out.add(t.i)
            for c in self.kids[t.i]:
                if c.dep_ in CLAUSE_DEPS and c.pos_ in {"VERB", "AUX"}:
                    continue
                stack.append(c)
        return out

    def _amounts(self, draft: _Draft) -> list[int]:
        clause = self._clause(draft.trigger)
        for t in draft.scope:
            clause.update(x.i for x in t.subtree)
        for t in draft.unscoped:
            clause.difference_update(x.i for x in t.subtree)
        trig = draft.trigger
        if trig.dep_ in {"acl", "relcl"}:
            head = trig.head
            clause.update(x.i for x in head.lefts for x in x.subtree)
            clause.add(head.i)
        out = []
        for k, span in enumerate(self.amount_spans):
            if span is not None and any(i in clause for i in range(*span)):
                out.append(k)
        return out

    def _time(self, draft: _Draft) -> int | None:
        if not self.time_spans:
            return None
        trig = draft.trigger
        clause = self._clause(trig)
        best = None
        for k, span in enumerate(self.time_spans):
            if span is not None and any(i in clause for i in range(*span)):
                dist = min(abs(i - trig.i) for i in range(*span))
                if best is None or dist < best[0]:
                    best = (dist, k)
        if best is not None:
            return best[1]
        # else the time of the clause above, for clauses that share their time with it (coordination, control, reduced relatives)
        node = trig
        for _ in range(6):
            if node.head == node or node.dep_ in {"ccomp", "relcl", "advcl", "parataxis"}:
                break
            node = node.head
            clause = self._clause(node)
            for k, span in enumerate(self.time_spans):
                if span is not None and any(i in clause for i in range(*span)):
                    return k
        return None

    def _negated(self, draft: _Draft) -> bool:
        trig = draft.trigger
        if self._negated_verb(trig):
            return True
        if trig.pos_ in NOUN_TAGS and any(c.dep_ == "det" and c.lower_ == "no" for c in self.kids[trig.i]):
            return True
        # "shows no signs of abandoning", "made no attempt to meet": the negated noun governs the event
        head = trig.head
        if trig.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        if trig.dep_ in {"pcomp", "acl"} and head.pos_ in NOUN_TAGS and any(c.dep_ == "det" and c.lower_ == "no" for c in self.kids[head.i]):
            return True
        if trig.dep_ == "acl" and head.pos_ in NOUN_TAGS and head.lemma_.lower() in NOT_DONE_NOUNS and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in self.kids[trig.i]
        ):
            return True  # "the Bank of England's reluctance to hand over the gold": nothing handed over
        first = trig
        while first.dep_ == "conj" and first.head.pos_ == "VERB" and first.head.i < first.i and trig.tag_ == first.head.tag_ == "VB":
            first = first.head  # "refused to step down or hand over power": the infinitive's scope holds both
        if first.dep_ == "xcomp" and first.head.pos_ == "VERB":
            hl = first.head.lemma_.lower()
            if hl in NOT_DONE_VERBS and not self._negated_verb(first.head):
                return True  # "failed to pay", "refused to step down"
            if hl in IMPLICATIVE_VERBS and self._negated_verb(first.head):
                return True  # "has not managed to dislodge Maduro", "neither X nor Y has managed to …"
        return False

    def _negated_verb(self, verb: Token) -> bool:
        """A verb said not to happen: a negation of its own, or a subject opened by "neither" or "no one"."""
        kids = self.kids[verb.i]
        if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in NEGATORS) for c in kids):
            return True
        if any(c.dep_ == "advmod" and c.lower_ == "longer" and any(d.lower_ == "no" for d in self.kids[c.i]) for c in kids):
            return True  # "Maduro no longer refuses to talk"
        return any(c.dep_ in {"nsubj", "nsubjpass"} and (
            c.lower_ in {"nobody", "nothing", "none", "neither"} or any(d.lower_ in {"neither", "no"} for d in c.children)
        ) for c in kids)

    def _modality(self, draft: _Draft, source: Participant | None) -> str:
        trig = draft.trigger
        node = trig
        kinds = set()
        for _ in range(4):
            aux = {c.lower_ for c in self.kids[node.i] if c.dep_ == "aux"}
            if aux & HYPOTHETICAL_AUX or any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in self.kids[node.i]):
                kinds.add("hypothetical")
            if aux & FUTURE_AUX or (node.head.lemma_ == "go" and node.dep_ == "xcomp" and node.head.tag_ == "VBG"):
                kinds.add("planned")
            head = node.head
            if head == node:
                break
            hl = head.lemma_.lower()
            if node.dep_ == "xcomp" and hl in THREAT_VERBS:
                kinds.add("threatened")
            elif node.dep_ in {"xcomp", "acl"} and (hl in PLAN_VERBS or hl in PLAN_NOUNS):
                kinds.add("planned")
            elif node.dep_ == "xcomp" and hl == "be" and node.lemma_.lower() != "blame" and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in self.kids[node.i]):
                kinds.add("planned")  # "the company is to hold an emergency meeting", "the two leaders are to meet"
            if node.dep_ not in {"xcomp", "conj", "acl"} and not (node.dep_ == "acomp" and node.pos_ == "ADJ"):
                break  # (an adjective's complement: "will only be too glad to arrest him" is still ahead)
            node = head
        for k in ("threatened", "hypothetical", "planned"):
            if k in kinds:
                return k
        return "reported" if source is not None else "asserted"

    # --- sources -------------------------------------------------------------------------------
    def _quote_speaker(self, tok: Token) -> int | None:
        start, end, _ = self.ctx.span_original(tok)
        for q in self.ctx.result.quotes:
            if _within(q, start, end) and q.speaker is not None:
                return q.speaker.mention if q.speaker.mention is not None else q.affiliation
        return None

    def _source(self, draft: _Draft) -> Participant | None:
        trig = draft.trigger
        start, end, _ = self.ctx.span_original(trig)
        for q in self.ctx.result.quotes:
            who = None if q.speaker is None else q.speaker.mention if q.speaker.mention is not None else q.affiliation
            if _within(q, start, end) and who is not None:
                s = q.speaker
                return Participant("source", s.start, s.end, s.text, who)  # a spokesman's words count for whom he speaks
        node = trig
        while node.head != node:
            head = node.head
            hl = head.lemma_.lower()
            if node.dep_ in {"ccomp", "xcomp", "advcl"} and hl in SPEECH and head.pos_ == "VERB" and head != trig:
                found = self._speaker_of(head)
                if found is not None:
                    return found
            if node.dep_ in {"acl", "ccomp", "appos"} and hl in SPEECH_NOUNS and head.pos_ == "NOUN" and head.head.pos_ == "VERB":
                found = self._speaker_of(head.head)
                if found is not None:
                    return found
            node = head
        sent = trig.sent
        for i in self.according:
            if sent.start <= i < sent.end:
                t = self.toks[i]
                for prep in self.kids[t.i]:
                    if prep.lower_ == "to":
                        for pobj in self.kids[prep.i]:
                            m = self.actor(pobj)
                            if m is not None:
                                return self.ctx.participant("source", self._np(pobj, m), m)
        return None

    def _speaker_of(self, verb: Token) -> Participant | None:
        for s in self.subjects(verb):
            m = self._antecedent(s) if s.lower_ in RELATIVE_PRONOUNS else self.actor(s)
            if m is not None:
                return self.ctx.participant("source", self._np(s, m), m)
        return None

    def _np(self, tok: Token, mention: int | None):
        """The span to quote for a participant: its mention's tokens when the token is the name, else the token."""
        raw = self.ctx._mention_by_token.get(tok.i)
        if raw is not None and mention is not None and self.ctx.mention_of(tok) != mention:
            return self.doc[tok.i: tok.i + 1]  # a repaired mention: the name alone
        if raw is None and mention is not None and tok.lower_ in RELATIVE_PRONOUNS:
            raw = mention  # "Navalni, who said": quote the name, not "who"
        if raw is not None:
            idx = sorted(self.mention_tokens.get(raw, [tok.i]))
            return self.doc[idx[0]: idx[-1] + 1]
        return self.doc[tok.i: tok.i + 1]

    # --- output --------------------------------------------------------------------------------
    def finish(self, draft: _Draft) -> Event:
        ctx = self.ctx
        type_ = self._type(draft)
        if type_ == "MEET" and (self._met_with_a_thing(draft.trigger) or draft.sense.type != "MEET" and not any(
                role == "object" and m is not None for role, _, m in draft.roles)):
            # "received the Russian delegation" is a meeting, "received Venezuelan oil" none; "were met with gunfire",
            # "the plan met with resistance" meet nobody
            type_ = "OTHER"
        amounts = self._amounts(draft)
        source = self._source(draft)
        start, end, text = ctx.span_original(draft.trigger)
        participants = []
        seen = set()
        subjects = {m for role, _, m in draft.roles if role == "subject" and m is not None}
        time = self._time(draft)
        dates = []
        for role, tok, m in draft.roles:
            if m is None and self._on_date(tok) is not None:
                dates.append(self._on_date(tok))  # "Trump promised Feb. 18": the date is when he promised, not what
                continue
            if role != "subject" and m in subjects and self._resolved(tok) and not tok.lower_.endswith(("self", "selves")):
                m = None  # "Maduro offered the president ...": a description or pronoun beside the subject is someone else
            key = (role, tok.i if m is None else ("m", m))
            if key in seen:
                continue
            seen.add(key)
            participants.append(ctx.participant(role, self._np(tok, m), m))
        return Event(
            start=start, end=end, trigger=text, predicate=draft.predicate, type=type_,
            sentence=ctx.sentence_index(draft.trigger), participants=participants, amounts=amounts,
            time=time if not dates or time in dates else dates[0], source=source, negated=self._negated(draft),
            modality=self._modality(draft, source),
        )


def _in_titles(ctx: Context) -> set[int]:
    """Tokens inside a title in quotation marks: `CBS News' "Face the Nation"` names a programme, and "Face" is no
    event (a title: two to eight words in Title Case, without a sentence's end)."""
    text = parsed_text(ctx.doc)
    inside: set[int] = set()
    for qs in quoted_spans(text):
        words = text[qs.start: qs.end].split()
        if not 2 <= len(words) <= 8 or words[-1][-1:] in {".", "!", "?"}:
            continue
        if title_case(words):
            inside.update(t.i for t in ctx.doc.char_span(qs.start, qs.end, alignment_mode="expand") or ())
    return inside


def extract(ctx: Context) -> None:
    if not ctx.result.mentions:
        return
    ev = _Events(ctx)
    titles = _in_titles(ctx)  # and a line shown twice was read the first time: neither holds an event
    drafts = []
    for tok in ev.toks:
        if tok.pos_ == "VERB" and tok.i not in titles and not ctx.repeated(tok.idx):
            d = ev.verbal(tok)
            if d is not None:
                drafts.append(d)
    for tok in ev.toks:
        if tok.pos_ == "NOUN" and tok.i not in titles and not ctx.repeated(tok.idx):
            d = ev.nominal(tok)
            if d is not None:
                drafts.append(d)
    drafts.sort(key=lambda d: d.trigger.i)
    for d in drafts:
        ctx.result.events.append(ev.finish(d))
