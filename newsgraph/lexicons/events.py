"""The event ontology (``data/events.tsv``) and the small closed word classes the event stage needs.

The ontology is a table rather than code so that adding a verb or noun is a
one-line change reviewed as data; it is read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TYPES = (
    "MEET", "CONSULT", "STATEMENT", "SUPPORT", "AID", "COOPERATE", "AGREE", "FINANCE", "TRADE", "REQUEST", "DEMAND",
    "ACCUSE", "THREATEN", "SANCTION", "RECOGNIZE", "REJECT", "COERCE", "ARREST", "MOBILIZE", "DEPLOY", "ASSAULT",
    "PROTEST", "DEFECT", "OTHER",
)


@dataclass(frozen=True, slots=True)
class Sense:
    type: str
    flow: str | None  # "out": money goes from the subject to the other party; "in": the reverse
    alt: str | None  # the type when the predicate moves no money
    of_role: str | None  # for nouns: the role of X in "the N of X"


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, Sense], dict[str, Sense]]:
    """(verbs, nouns): lemma -> Sense."""
    verbs: dict[str, Sense] = {}
    nouns: dict[str, Sense] = {}
    text = (resources.files("newsgraph.lexicons") / "data" / "events.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, pos, type_, flow, alt, of_role = (line.split("\t") + ["-"] * 6)[:6]
        if type_ not in TYPES:
            raise ValueError(f"events.tsv: unknown type {type_!r} for {lemma!r}")
        sense = Sense(type_, None if flow == "-" else flow, None if alt == "-" else alt, None if of_role == "-" else of_role)
        if pos in ("V", "B"):
            verbs[lemma] = sense
        if pos in ("N", "B"):
            nouns[lemma] = sense
    return verbs, nouns


def verb_sense(lemma: str) -> Sense | None:
    return lexicon()[0].get(lemma.lower())


def noun_sense(lemma: str) -> Sense | None:
    return lexicon()[1].get(lemma.lower())


# Verbs whose clausal complement is what someone says or believes: its events are reported, with the speaker as source.
SPEECH = frozenset({
    "say", "tell", "state", "report", "claim", "announce", "declare", "add", "note", "explain", "write", "estimate",
    "believe", "reveal", "confirm", "argue", "insist", "warn", "acknowledge", "assure", "allege", "suggest", "tweet",
    "lament", "complain", "highlight", "indicate", "stress", "emphasize", "deny", "predict", "think", "describe",
    "break", "disclose", "admit", "maintain", "speculate",
})
# Speech verbs the ontology leaves untyped, because they have other senses ("added 500 jobs", "noted for its wines",
# "confirmed as captain"): a statement when they carry what is said (a clause, or a quote they are the cue of).
SAYING_VERBS = frozenset({
    "add", "argue", "note", "stress", "emphasize", "emphasise", "admit", "predict", "reveal", "respond", "reply",
    "indicate", "assure", "confirm", "suggest", "disclose", "concede", "point out", "insist", "observe",
    "remark", "recall", "contend", "assert", "reiterate", "testify", "boast", "forecast", "speculate", "maintain",
})
# Verbs of giving whose aid needs a giver and something given: "Russia supplied the missiles"; "this speed has helped
# Tata", "software that could help us", "we haven't delivered" move nothing from one actor to another.
GIVING_VERBS = frozenset({"give", "provide", "supply", "deliver", "help", "aid", "assist"})
# What a host puts on that meets nobody in particular: a show, a programme, a concert ("will host a spoof nostalgia
# show"); a host of a summit, a leader, a dinner or a roundtable holds a meeting.
HOSTED_SHOWS = frozenset({
    "show", "shows", "programme", "programmes", "program", "programs", "series", "concert", "concerts", "podcast",
    "podcasts", "broadcast", "quiz", "timeslot", "slot", "episode", "episodes", "gig", "gigs", "night", "party",
})
# What is attacked in words ("attacked Labour's record", "an attack on the government's plans"): a record, a claim,
# a plan; a party or its people attacked are criticised too ("Short attacks US over tsunami aid" by its "over").
CRITICISED_THINGS = frozenset({
    "record", "lie", "lies", "policy", "policies", "plan", "plans", "proposal", "proposals", "pledge", "pledges",
    "remark", "remarks", "comment", "comments", "claim", "claims", "idea", "ideas", "decision", "decisions", "speech",
    "budget", "poster", "posters", "stance", "approach", "handling", "reform", "reforms", "bill", "law", "tax", "taxes",
    "view", "views", "statement", "report", "strategy", "stance", "leadership", "failure", "failures", "campaign",
    "manifesto", "party", "critics", "media", "press", "tories", "labour", "conservatives",
    "democrats", "republicans", "rhetoric", "language", "attitude", "agenda", "programme", "program", "scheme",
    "move", "measures", "response", "deal", "treaty", "verdict", "ruling", "judgment", "article", "book", "film",
})
# Verbs of talking, a consultation only with a partner ("talked with Putin", "had spoken to Brosnan"); alone, or to
# an audience ("talked of wanting to direct", "spoke to reporters"), they are statements.
TALKING_VERBS = frozenset({"talk", "speak"})
AUDIENCE_NOUNS = frozenset({
    "reporter", "reporters", "journalist", "journalists", "press", "media", "audience", "audiences", "crowd", "crowds",
    "supporter", "supporters", "student", "students", "parliament", "congress", "senate", "assembly", "conference",
    "rally", "nation", "public", "viewers", "listeners", "readers", "fans", "voters", "delegates", "website",
    "programme", "program", "newspaper", "magazine", "radio", "television", "tv", "station", "agency", "channel",
    "committee", "panel", "hearing", "inquiry", "court", "jury", "tribunal",
})
# What is offered in a deal with someone ("offered a new deal", "offered a ceasefire"); "Napster offers rented music",
# "offering discounts", "offers considerable experience" make no agreement.
OFFERED_DEALS = frozenset({
    "deal", "deals", "referendum", "vote", "contract", "contracts", "agreement", "terms", "ceasefire", "truce", "peace", "compromise",
    "concession", "concessions", "settlement", "amnesty", "asylum", "pardon", "immunity", "guarantee", "guarantees",
    "loan", "loans", "credit", "credits", "aid", "help", "support", "assistance", "protection", "mediation", "talks",
    "dialogue", "negotiations", "olive", "swap", "pause", "release", "reprieve", "break", "withdrawal", "halt", "freeze", "exchange", "partnership", "alliance", "cooperation", "job", "post",
    "position", "place", "seat", "chance", "opportunity", "resignation", "bribe", "reward", "bounty", "plea",
})
# The types where "from X" names the giver: "support from China", "loans from Russia".
GIVING_TYPES = ("SUPPORT", "AID", "FINANCE")
# Nouns that carry a that-clause of reported content ("the news that ...", "the claim that ...").
SPEECH_NOUNS = frozenset({"news", "report", "claim", "statement", "announcement", "word", "allegation", "assertion", "estimate"})
# Verbs that leave the event they govern unrealized: planned, hypothetical or threatened.
PLAN_VERBS = frozenset({"plan", "intend", "aim", "prepare", "decide", "agree", "promise", "pledge", "vow", "hope", "want", "seek", "try", "expect", "arrange", "schedule", "mean"})
PLAN_NOUNS = frozenset({"decision", "plan", "intention", "attempt", "effort", "bid", "offer", "pledge", "promise", "proposal", "quest"})
THREAT_VERBS = frozenset({"threaten", "warn"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "would", "should", "can"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
NEGATORS = frozenset({"not", "n't", "never", "no"})
# Verbs whose complement happens only if they do ("has not managed to dislodge him": no dislodging), and verbs and
# nouns whose complement does not happen ("failed to pay", "refused to step down", "the reluctance to hand over").
IMPLICATIVE_VERBS = frozenset({"manage", "succeed", "bother", "dare", "get"})
NOT_DONE_VERBS = frozenset({"fail", "refuse", "decline", "neglect", "omit"})
NOT_DONE_NOUNS = frozenset({"failure", "refusal", "reluctance", "unwillingness", "inability"})
# Verbs that keep somebody from doing something: in "stopping Guaido and the U.S. from seeking regime change" and
# "halted U.S. aid from entering the country" the one held back is the one who would act (and speak).
HINDER_VERBS = frozenset("stop prevent bar ban keep block deter prohibit discourage dissuade restrain forbid hinder "
                         "preclude halt".split())
# Verbs that push somebody into doing something: "intimidate the U.S. into backing down" (not "poured billions into
# propping up Maduro", where the subject props him up).
PUSH_INTO_VERBS = frozenset("intimidate pressure force push bully trick scare frighten talk coerce goad provoke "
                            "lure shame cajole manipulate deceive fool lull nudge prod tempt drag blackmail browbeat".split())
# Heads that stand for the actor they belong to: "the regime of Maduro", "Guaidó's representatives".
PROXY_NOUNS = frozenset({
    "regime", "government", "administration", "headquarters", "camp", "representative", "representatives", "people",
    "force", "forces", "official", "officials", "leadership", "army", "military", "ministry", "embassy", "office",
    "offices", "company", "companies", "economy", "asset", "assets", "colectivo", "colectivos", "allies", "ally",
})
# Heads of descriptions that refer back to a person named before ("the Venezuelan leader", "the dictator").
PERSON_DESCRIPTIONS = frozenset({
    "president", "leader", "dictator", "strongman", "minister", "premier", "chancellor", "spokesman", "spokeswoman",
    "autocrat", "ruler", "despot", "tyrant", "successor", "predecessor", "ambassador", "secretary", "businessman",
    "envoy", "official", "chief", "head",
})
# Money words: a money verb with one of these (or a money amount) moves money.
MONEY_NOUNS = frozenset({
    "money", "cash", "fund", "funds", "loan", "loans", "credit", "credits", "dollar", "dollars", "billion", "million",
    "ruble", "rubles", "rouble", "roubles", "euro", "euros", "yuan", "payment", "payments", "investment", "investments",
    "financing", "advance", "advances", "debt", "debts", "bailout", "aid", "capital",
})
# Idioms a verb makes with its object, which override the verb's own type: "buy time" is no purchase,
# "give evidence/his views/an interview" is speaking, not aid; "delivered a speech", "gave no details", "provide the
# findings to Congress" hand over words; "grants you access", "spend his night", "gave the thumbs-up" move no goods.
# Each verb maps the lemmas (and forms) of its object to the type they make.
_SAID = frozenset({
    "view", "views", "opinion", "evidence", "testimony", "speech", "interview", "talk", "lecture", "address", "account",
    "briefing", "comment", "assessment", "verdict", "reading", "answer", "reply", "response", "detail", "details",
    "information", "update", "explanation", "indication", "remark", "remarks", "report", "result", "results",
    "finding", "findings", "documentation", "statement", "ruling", "judgment", "judgement", "sermon", "message",
    "thought", "thoughts", "apology", "assurance", "assurances", "yes",
})
_NO_GOODS = frozenset({
    "access", "time", "right", "rights", "chance", "opportunity", "thumbs-up", "thumbs", "nod", "go-ahead", "permission",
    "approval", "mandate", "pass", "rise", "birth", "way", "priority", "attention", "impression", "boost", "finger",
    "fingers", "bail", "immunity", "waiver", "exemption", "licence", "license", "extension", "pardon", "clemency",
    "status", "blow", "victory", "performance", "try", "look", "example",
    # what a goal gives a team or a film gives a franchise: a state of affairs, no goods moved
    "confidence", "hope", "hopes", "lifeline", "space", "problem", "problems", "trouble", "headache", "headaches", "edge",
    "advantage", "lead", "record", "focus", "ability", "avenue", "avenues", "sense", "feeling", "idea", "ideas", "reason",
    "reasons", "incentive", "lash", "go", "shot", "kick", "lift", "fright", "scare", "hint", "insight", "glimpse", "taste",
    "task", "role", "place", "start", "debut", "run", "lesson", "reminder", "impetus", "momentum", "platform", "event",
    "events", "experience", "pleasure", "satisfaction", "joy", "headroom", "breathing", "cushion", "hug", "hugs", "kiss",
    "handshake", "ahead", "volumes",
})
_TIME_SPENT = frozenset({
    "night", "nights", "day", "days", "week", "weeks", "weekend", "weekends", "month", "months", "year", "years",
    "hour", "hours", "minute", "minutes", "time", "evening", "evenings", "morning", "afternoon", "summer", "winter",
    "holiday", "holidays", "vacation", "life", "career", "decade", "decades", "season", "spell", "stint",
})


def _objects(**types: frozenset[str]) -> dict[str, str]:
    return {word: type_ for type_, words in types.items() for word in words}


IDIOM_OBJECTS: dict[str, dict[str, str]] = {
    "buy": {"time": "OTHER"},
    # "took a swipe at Arsenal", "took aim at the budget", "took issue with Brown": criticism
    "take": _objects(ACCUSE=frozenset({"swipe", "swipes", "aim", "issue"})),
    "give": _objects(STATEMENT=_SAID, OTHER=_NO_GOODS, MEET=frozenset({"welcome", "reception", "audience"})),
    "grant": _objects(STATEMENT=frozenset({"interview", "interviews"}), OTHER=_NO_GOODS - {"time"}),
    "deliver": _objects(STATEMENT=_SAID, OTHER=_NO_GOODS),
    "provide": _objects(STATEMENT=_SAID, OTHER=_NO_GOODS - {"time"}),
    "offer": _objects(STATEMENT=_SAID - {"talk"}),  # "offered talks" are talks
    # "pay attention", "paid the price", "paid a visit to Moscow", "paid tribute to the victims"
    "pay": _objects(OTHER=frozenset({"attention", "heed", "price", "penalty"}), MEET=frozenset({"visit", "visits"}),
                    STATEMENT=frozenset({"tribute", "tributes", "homage", "compliment", "compliments"})),
    "spend": _objects(OTHER=_TIME_SPENT),
    # "meet its obligations", "met the deadline": a standard reached, nobody met
    "meet": _objects(OTHER=frozenset({
        "obligation", "obligations", "target", "targets", "deadline", "deadlines", "demand", "demands", "need", "needs",
        "requirement", "requirements", "criterion", "criteria", "standard", "standards", "cost", "costs", "expectation",
        "expectations", "goal", "goals", "commitment", "commitments", "condition", "conditions", "rule", "rules", "test",
        "threshold", "payment", "payments", "challenge", "fate", "end", "death", "match", "quota", "bill", "bills",
        "aim", "aims", "objective", "objectives", "ambition", "ambitions", "pledge", "pledges", "promise", "promises"})),
    # "halted production", "halt its operations": work stopped, nobody forced
    "halt": _objects(OTHER=frozenset({
        "production", "work", "operations", "operation", "output", "sales", "trading", "construction", "flights",
        "services", "service", "shipments", "exports", "imports", "deliveries", "plans", "decline", "slide", "fall",
        "losses"})),
    # "sent a letter to MCI's board" is written words, not a deployment
    "send": _objects(STATEMENT=frozenset({
        "letter", "letters", "message", "messages", "note", "email", "emails", "e-mail", "memo", "telegram", "tweet",
        "condolence", "condolences", "greeting", "greetings", "congratulation", "congratulations", "invitation", "signal",
        "warning"})),
}
# What a plan, a crowd or a police patrol is "met with" meets nobody: "were met with gunfire", "met with resistance".
MET_WITH = frozenset({
    "gunfire", "fire", "bullet", "resistance", "criticism", "skepticism", "scepticism", "protest", "anger",
    "outrage", "silence", "approval", "applause", "derision", "ridicule", "disbelief", "suspicion", "hostility",
    "success", "failure", "violence", "force", "gas", "cheer", "boo", "jeer", "indifference", "dismay", "alarm",
    "concern", "praise", "scorn", "laughter", "acclaim", "enthusiasm", "backlash", "rejection", "resentment", "fury",
    "condemnation", "disapproval", "surprise", "shock", "relief", "delight", "caution",
})
# What a signature agrees to: "signed a pact", "signed the bill"; "signing a red hat" or an autograph agrees to nothing.
SIGNED = frozenset({
    "deal", "agreement", "treaty", "accord", "pact", "contract", "memorandum", "declaration", "law", "bill", "order",
    "decree", "charter", "protocol", "petition", "document", "documents", "legislation", "convention", "armistice",
    "ceasefire", "truce", "communique", "deals", "agreements", "treaties", "accords", "pacts", "contracts", "laws",
    "bills", "orders", "decrees", "letter", "statement", "resolution", "budget", "mou", "deed", "lease", "pledge",
    "partnership", "alliance", "compact", "settlement", "framework", "motion", "measure", "measures", "package", "act",
    "acts",
})
# Verbs that name or describe their object ("called the move a bad deal", "called it pragmatic"): with a second
# complement after the object the verb is a statement about it, not a call to it.
NAMING_VERBS = frozenset({"call"})
# Verbs without a type of their own whose subject does not do what their nominal object names: "Maduro survived
# the uprising" is no protest by Maduro, "the army crushed the protests" no protest by the army.
UNDERGO_VERBS = frozenset({
    "survive", "withstand", "weather", "endure", "outlast", "face", "suffer", "escape", "avoid", "fear", "resist",
    "crush", "quell", "suppress", "prevent", "repel", "thwart", "foil", "witness",
})
# Light verbs take their meaning from their object: "issued a statement", "relay his support", "arrange a meeting".
LIGHT_VERBS = frozenset({
    "issue", "make", "hold", "have", "give", "relay", "express", "voice", "arrange", "offer", "provide", "extend",
    "conduct", "carry", "take", "announce", "stage", "lead", "head", "seek", "round", "impose", "launch", "slap",
})
