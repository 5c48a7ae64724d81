"""Word lists for telling names apart: legal suffixes, titles of nobility, role nouns, East Asian family names.

Written by hand for newsgraph from general knowledge of how names are written in English
news; used by the mention finder (extract/mentions.py) and the entity resolver.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Company forms that end a name and say nothing of which company it is ("Intel Corp." is Intel).
LEGAL_SUFFIXES = frozenset({
    "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co.", "ltd", "ltd.", "limited", "llc", "l.l.c.",
    "plc", "p.l.c.", "nv", "n.v.", "sa", "s.a.", "ag", "gmbh", "bv", "b.v.", "spa", "s.p.a.", "llp", "lp", "l.p.",
    "pty", "oyj", "asa", "ab", "se", "kk", "k.k.", "sarl", "s.a.r.l.", "bhd", "tbk", "cia", "sas",
})
# Description heads that name a company or an organisation and nothing else, for ", the Lebanese company founded by
# …" beside a name (ORG_HEADS are words inside names; "a Texas real estate developer", "a letter carrier", "the
# maker of", "the broadcaster" and "the newspaper publisher" can be people).
BODY_NOUNS = frozenset(
    "company firm corporation conglomerate bank lender insurer airline carmaker automaker retailer startup organisation "
    "organization agency association federation charity foundation institute university college school hospital party "
    "union".split()
)
# Words that make a name an organisation's when they end it (besides the legal suffixes).
ORG_HEADS = frozenset({
    "watch", "ministry", "council", "bank", "group", "association", "party", "agency", "institute", "committee", "fund",
    "company", "companies", "corporation", "news", "times", "post", "network", "union", "court", "commission",
    "organization", "organisation", "foundation", "service", "services", "department", "office", "league", "airlines",
    "airways", "motors", "holdings", "industries", "systems", "technologies", "partners", "capital", "securities",
    "university", "college", "school", "hospital", "club", "federation", "board", "authority", "assembly", "senate",
    "congress", "parliament", "police", "army", "navy", "force", "forces", "guard", "team", "united", "city", "rovers",
    "athletic", "magazine", "journal", "herald", "tribune", "daily", "press", "radio", "television", "tv", "channel",
    "studios", "pictures", "records", "labs", "laboratories", "pharmaceuticals", "energy", "petroleum", "oil", "gas",
    "telecom", "communications", "media", "exchange", "trust", "society", "center", "centre", "clinic", "church",
})
# Words after an outlet's name that name one of its services, not another organisation: "BBC World" and
# "BBC News Online" are the BBC's. They make a short name as the words above do ("BBC" / BBC World), and
# are kept apart from them because they say nothing of a name's type ("Third World", "New World").
OUTLET_SERVICES = frozenset({"world", "online"})
# Forms of address before a surname: they make the name a person's and are no part of it ("Mr Blair", "Dr Vancheshwar").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "sen", "rep", "gen", "lt", "col", "capt", "prof",
                        "rev", "mr.", "mrs.", "ms.", "dr."})
# Roles written as letters, which the NER takes for a body ("a UK Independence Party MEP", "MEP Nigel Farage").
ROLE_ACRONYMS = frozenset({"mp", "mep", "msp", "mla"})


def addresses(word: str) -> bool:
    """Whether a word is a form of address as written before a name: "Mr", "Dr.", "Miss"; not the verb "miss" nor
    the "DR" of "DR Congo"."""
    return word.lower() in HONORIFICS and word[:1].isupper() and not (len(word) > 1 and word.isupper())
# Titles of nobility stay inside the name: "Baroness Scotland" is a person, not Scotland.
PEERAGE = frozenset({"lord", "lady", "baroness", "baron", "earl", "viscount", "viscountess", "duke", "duchess",
                     "marquess", "marchioness", "countess", "dame"})
# Roles that newswires put before a name in lists and line-ups ("Defender Hassan Abbas").
ROLE_NOUNS = frozenset({
    "defender", "defenders", "goalkeeper", "goalkeepers", "midfielder", "midfielders", "striker", "strikers",
    "forward", "forwards", "winger", "wingers", "coach", "referee", "umpire", "skipper", "captain", "pitcher",
    "catcher", "quarterback", "jockey", "trainer", "substitute", "substitutes", "reserves", "manager", "actor",
    "actress", "singer", "rapper", "star", "veteran", "rookie", "newcomer", "champion", "president", "chairman",
    "spokesman", "spokeswoman", "candidate", "senator", "governor", "minister", "inmate", "suspect", "attorney",
    "lawyer", "judge", "officer", "detective", "sheriff", "director", "producer", "host", "comedian", "model",
    "guitarist", "drummer", "frontman", "bassist", "designer", "chef", "author", "writer", "journalist", "reporter",
    "analyst", "economist", "professor", "dr", "doctor", "surgeon", "physician", "nurse", "pilot", "driver",
})
# Korean and Chinese family names, which come first ("Kim Jong Un", "Moon Jae-in", "Xi Jinping").
EAST_ASIAN_SURNAMES = frozenset({
    "kim", "lee", "park", "pak", "choi", "jung", "jeong", "kang", "cho", "jo", "yoon", "yun", "jang", "lim", "han", "oh",
    "seo", "shin", "kwon", "hwang", "ahn", "song", "hong", "ko", "moon", "mun", "ri", "yi", "roh", "noh", "chun", "ban",
    "xi", "li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu",
    "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "tang", "feng", "deng", "cao", "peng", "zeng", "xiao",
    "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren", "shen",
    "yao", "qin", "fu", "bo", "jia", "hou", "lai", "kong", "mao", "hua", "wen", "meng",
})
# One romanised Korean or Chinese syllable ("jong", "un", "jae", "ping", "qiang"), for telling a given name.
_SYLLABLE = r"(?:[bcdfghjklmnpqrstwxyz]{0,2}h?[aeiouy]{1,3}(?:ng|n|m|l|k|p|t|r)?)"
_GIVEN = re.compile(rf"^{_SYLLABLE}{{1,2}}$", re.IGNORECASE)


# Generational suffixes and degrees after a person's name: not the surname ("W. Mark Felt Sr.").
AFTER_NAME = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "md", "m.d.", "phd", "ph.d.", "esq", "esq."})


def person_words(words: list[str]) -> list[str]:
    """A person's name without what is not a name: generational suffixes, degrees, commas, quoted nicknames."""
    out = []
    quoted = False
    for w in words:
        if w[:1] in {"'", '"', "‘", "“"}:
            quoted = not (w[-1:] in {"'", '"', "’", "”"} and len(w) > 1)
            continue
        if quoted:
            quoted = w[-1:] not in {"'", '"', "’", "”"}
            continue
        w = w.rstrip(",")
        if w and w.lower() not in AFTER_NAME:
            out.append(w)
    return out or list(words)


def is_east_asian_order(words: list[str]) -> bool:
    """Whether a name is written family name first: a known family name, then one or two romanised syllables.

    "Kim Jong Un", "Kim Jong-un", "Moon Jae-in", "Xi Jinping" yes; "Kim Kardashian" no.
    """
    if len(words) < 2 or words[0].lower() not in EAST_ASIAN_SURNAMES:
        return False
    given = [p for w in words[1:] for p in w.split("-") if p]
    return 1 <= len(given) <= 3 and all(_GIVEN.match(p) for p in given) and len("".join(given)) <= 10


def family_name(words: list[str]) -> str:
    """The family name of a person's name as written: the first word in East Asian order, else the last."""
    words = person_words(words)
    return words[0] if is_east_asian_order(words) else words[-1]


def given_name(words: list[str]) -> str | None:
    """The given name (first word of it, initials skipped: "W. Mark Felt" -> Mark), or None for a one-word name."""
    words = person_words(words)
    if len(words) < 2:
        return None
    if is_east_asian_order(words):
        return words[1].split("-")[0]
    for w in words[:-1]:
        if len(w.rstrip(".")) > 1:
            return w
    return words[0]


def strip_legal_suffix(words: list[str]) -> list[str]:
    """The name without trailing company forms and their commas: ["Ahold", "NV"] -> ["Ahold"]."""
    out = list(words)
    while len(out) > 1 and (out[-1].lower().rstrip(",") in LEGAL_SUFFIXES or out[-1] in {",", "&"}):
        out.pop()
    if len(out) > 1 and out[-1].endswith(","):
        out[-1] = out[-1][:-1]
    return out


# Words an acronym may leave out ("Government Accountability Office" / GAO, "Bank of England" / BoE).
ACRONYM_SKIPPABLE = frozenset({"of", "and", "the", "for", "de", "la", "du", "des", "del", "on", "in", "&"})


def acronym_letters(acronym: str) -> str:
    return acronym.replace(".", "").replace("&", "").lower()


def name_parts(words: list[str]) -> list[str]:
    """The parts an acronym is spelt from: words split at hyphens, lower case, from a letter or digit."""
    return [p.lower() for w in words for p in re.split(r"[-\s]", w) if p and p[0].isalnum()]


def spelling_needs(words: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """What any acronym of a name must have: the letters it may begin with, and the letters it must contain
    (each word that cannot be left out gives at least its first letter). Lets a corpus-wide search
    try `initials_match` only on names that could fit."""
    parts = name_parts(words)
    firsts = set()
    for p in parts:
        firsts.add(p[0])
        if p not in ACRONYM_SKIPPABLE:
            break
    return frozenset(firsts), frozenset(p[0] for p in parts if p not in ACRONYM_SKIPPABLE)


def initials_match(acronym: str, words: list[str]) -> bool:
    """Whether an acronym spells a name: each word gives its first letter or a prefix, function words may give none.

    "AMD" / Advanced Micro Devices, "HP" / Hewlett-Packard, "GAO" / Government Accountability Office,
    "SIA" / Singapore Airlines ("Si" + "A").
    """
    letters = acronym_letters(acronym)
    parts = name_parts(words)
    if len(letters) < 2 or not parts:
        return False
    optional = ACRONYM_SKIPPABLE

    def walk(i: int, k: int) -> bool:
        if k == len(parts):
            return i == len(letters)
        word = parts[k]
        if word in optional and walk(i, k + 1):
            return True
        for n in range(1, min(3, len(word)) + 1):  # one to three leading letters of the word
            if letters[i:i + n] == word[:n] and walk(i + n, k + 1):
                return True
        return False

    return walk(0, 0)


# First names common in international news that the US census tables lack, written here by hand
# (m: men, f: women).
_MORE_FIRST_NAMES = {
    "m": "sergei sergey vladimir dmitry dmitri alexei alexey alexander nikolai igor yuri boris mikhail andrei "
         "viktor oleg pavel ivan gennady vyacheslav ramzan recep tayyip mevlut hakan ahmet mehmet mustafa "
         "mohammed mohammad muhammad mohamed ahmed ahmad ali hassan hussein hossein abdullah abdel abdul omar "
         "osama khalid khaled ibrahim ismail yusuf youssef hamid mahmoud mahmud jamal karim nabil salman "
         "bashar hafez hosni anwar benjamin benny naftali yair ehud ariel shimon yitzhak moshe avigdor "
         "nicolas nicolás hugo juan diosdado evo rafael lula jair luiz andres andrés manuel felipe "
         "enrique mauricio gustavo sebastian sebastián alvaro álvaro emmanuel francois françois jacques "
         "nicolas olaf gerhard helmut angela wolfgang frank-walter matteo giuseppe silvio mario sergio "
         "pedro mariano pablo santiago xi jinping keqiang narendra rahul manmohan imran nawaz shinzo "
         "yoshihide fumio junichiro jong jae kwang bogdan cosmin gheorghe ion vasile nicolae jacek "
         "lech donald andrzej mateusz viktor volodymyr petro leonid milos slobodan aleksandar vojislav "
         "recep alastair hamish angus callum euan fraser gordon nigel boris keir rishi theresa jeremy "
         "kwame kofi nelson jacob cyril thabo uhuru william yoweri paul robert olusegun goodluck muhammadu "
         "bola abiy isaias bernie newt rand reince devin",
    "f": "angela theresa delcy cristina dilma michelle hillary melania ivanka ursula christine marine "
         "segolene ségolène nicola yulia tatiana tatyana natalia natalya olga svetlana irina elena "
         "maria ekaterina valentina ludmila lyudmila galina anastasia aung san suu kyi benazir indira "
         "sonia priyanka golda tzipi jacinda julia ilhan tulsi stormy",
}


# Names of either gender that the gender table leaves out, and words that are also first names somewhere but
# open names of places, months or things far more often ("Georgia", "June", "China").
_MORE_FIRST_NAMES["either"] = "robin jordan alex chris sam kim lee jean dana jamie jessie leslie terry kelly casey"
_NOT_FIRST_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                    "november", "december", "china", "india", "georgia", "israel", "chad", "asia", "america", "paris",
                    "london", "florence", "virginia", "carolina", "dakota", "sydney", "austin", "houston", "dallas",
                    "phoenix", "denver", "aurora", "summer", "autumn", "winter", "spring", "will", "young", "long",
                    "green", "brown", "white", "black", "major", "king", "rich", "price", "page", "hope", "joy", "grace",
                    "star", "rose", "ruby", "crystal", "amber", "olive", "cherry", "royal", "general", "judge",
                    "justice", "president", "bishop", "pastor", "deputy", "earl", "duke", "prince", "princess",
                    "queen", "baron", "lord", "lady", "sir", "doctor", "doc", "internet", "united", "new", "north",
                    "south", "east", "west", "central", "national", "federal", "state", "city", "saint", "san"}


@lru_cache(maxsize=1)
def first_names() -> dict[str, float]:
    """Folded first name -> share of its bearers who are women (1, 0, or 0.5 for either), from ``data/first_names.tsv``
    (shared with the coreference stage) and the lists above."""
    out: dict[str, float] = {}
    path = resources.files("newsgraph.lexicons") / "data" / "first_names.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        name, gender = line.split("\t")[:2]
        out[name] = 1.0 if gender.strip() == "f" else 0.0 if gender.strip() == "m" else 0.5
    for gender, names in _MORE_FIRST_NAMES.items():
        for name in names.split():
            out.setdefault(name, {"f": 1.0, "m": 0.0}.get(gender, 0.5))
    for word in _NOT_FIRST_NAMES:
        out.pop(word, None)
    return out


# Party members named as a group, who act as their party ("the Tories said"): kept as mentions.
PARTY_MEMBERS = frozenset({"Tories", "Tory", "Democrats", "Republicans", "Conservatives", "Liberals", "Socialists",
                           "Lib Dems", "Liberal Democrats", "Greens", "Social Democrats", "Christian Democrats",
                           "Communists", "Labourites", "Nationalists", "Unionists"})

# Words that make a name a place's when they end it ("Wall Street", "Grace Road", "Mount Cook" aside).
PLACE_HEADS = frozenset({"street", "avenue", "road", "square", "park", "river", "mountain", "mountains", "lake", "island",
                         "islands", "bay", "valley", "airport", "stadium", "bridge", "strait", "sea", "ocean", "gulf",
                         "peninsula", "desert", "coast", "county", "province", "district", "region", "boulevard",
                         "lane", "highway", "canal", "harbour", "harbor", "heights", "hills", "beach", "arena"})


# The last word of a name the NER took for a person's that names a law, a body or a building: the label it gets.
NOT_PERSON_HEADS = {
    **dict.fromkeys("doctrine act treaty accord accords agreement protocol convention declaration resolution amendment "
                    "initiative".split(), "LAW"),
    **dict.fromkeys("foundation institute institution endowment university college hospital museum council committee "
                    "commission association society corporation".split(), "ORG"),
    **dict.fromkeys("stadium airport avenue memorial".split(), "FAC"),
}  # not words that are also surnames (Jude Law, John Tower, Picabo Street, Jeff Bridge, Wild Bill, Carl Bank)


@lru_cache(maxsize=1)
def outlets() -> frozenset[str]:
    """Names of news outlets, agencies and online platforms (``data/outlets.txt``), as written: organisations,
    whatever the NER took them for."""
    path = resources.files("newsgraph.lexicons") / "data" / "outlets.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))
