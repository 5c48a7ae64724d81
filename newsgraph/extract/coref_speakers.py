"""First and second person: "I" and "we" linked to who says them.

The coreference stage runs before quotes, so it leaves "I", "we" and "you" alone;
this stage runs after quotes and reads only the ``Quote`` records (span, kind,
speaker). Two voices are resolved:

1. Inside a direct quote, "I/me/my" stands for the quote's speaker when the
   speaker is a person ("I will not resign," Maduro said), and "we/us/our" for
   the organisation the speaker speaks for: the speaker itself when it is an
   organisation or a state ("an M&S spokesman said"), else an organisation tied
   to the speaker's name in the text ("Coca-Cola spokesman John Smith", "Smith,
   Coca-Cola's chief", "Smith of Coca-Cola", "Russian Foreign Minister Lavrov").
2. Outside quotes, "I" is the document's own voice. It is linked only when the
   text names that voice: a self-introduction ("my name is X", "I'm X", "I, X,"),
   an interview's headline or caption ("Wikinews interviews X", "Interview with X",
   "X tells …", "interviewee X"), a speech's title ("Remarks by X", "X's speech"),
   or a letter's signature ("Best wishes, X"). A letter's salutation ("Dear X")
   names who "you" is. An op-ed author who never names themselves stays unlinked.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Token

from newsgraph.extract import Context
from newsgraph.extract.coref import Link, add_links, add_local_chains
from newsgraph.lexicons.coref import FEMALE_TITLES, LETTER_CLOSINGS, MALE_TITLES, SPEECH_NOUNS, first_names

FIRST_SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})
FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
SECOND = frozenset({"you", "your", "yours", "yourself"})
_QUOTE_MARK = re.compile('["“”]')
_QUOTED_SPAN_MAX = 2000  # characters: a "quote" longer than this is an unpaired mark, not a quotation
_OPENING_SENTENCES = 3  # where an interview or a speech names its speaker
_GREETINGS = frozenset({"hi", "hey", "hello", "welcome"})


def extract(ctx: Context) -> None:
    links, voices = find_voices(ctx)
    add_links(ctx, links)
    add_local_chains(ctx, voices)
    not_the_speaker(ctx)


THIRD_SINGULAR = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
_BACK_SENTENCES = 4  # how far before the pronoun another person may stand


def not_the_speaker(ctx: Context) -> None:
    """ "He has remarkable ability …," Knapman said of Kilroy-Silk: a speaker calls himself "I", so a "he" or "she" in
    his own direct quote is somebody else. The coreference stage, which runs before quotes, gave such pronouns to the
    most salient person, who is often the speaker; here each goes to another person of its gender, known from a
    title, a first name or other pronouns, a few sentences back at most: one named in its sentence, else the one the
    text names most. It stays with the speaker when there is none."""
    ms = ctx.result.mentions
    quotes = [q for q in ctx.result.quotes if q.kind == "direct" and q.speaker is not None and q.speaker.mention is not None]
    if not quotes:
        return
    roots = [_root(ctx, k) for k in range(len(ms))]
    count: dict[int, int] = {}
    for r in roots:
        count[r] = count.get(r, 0) + 1
    genders: dict[int, set[str]] = {}
    names = first_names()
    pronouns: list[tuple[int, str]] = []  # (mention, gender) of each he and she
    for k, m in enumerate(ms):
        g = THIRD_SINGULAR.get(m.text.lower()) if m.form == "pronoun" else None
        if g:
            pronouns.append((k, g))
        elif m.form == "name" and m.label == "PERSON":  # "Mr Blair", "Baroness Amos", "Ruth Kelly"
            words = m.text.split()
            title = words[0].lower()
            g = "m" if title in MALE_TITLES else "f" if title in FEMALE_TITLES else (
                names.get(title) if len(words) > 1 else None)
        if g:
            genders.setdefault(roots[k], set()).add(g)
    for q in quotes:
        speaker = roots[q.speaker.mention]
        pieces = q.parts or ((q.start, q.end),)
        for k, g in pronouns:
            m = ms[k]
            if roots[k] != speaker or not any(s <= m.start < e for s, e in pieces):
                continue
            fits = []  # (same sentence, position, the person) of each other person before the pronoun
            for j in range(k - 1, -1, -1):
                other = roots[j]
                if ms[j].sentence < m.sentence - _BACK_SENTENCES:
                    break
                if other != speaker and ms[other].label == "PERSON" and ms[other].place is None and genders.get(other) == {g}:
                    fits.append((ms[j].sentence == m.sentence, j, other))
            if not fits:
                continue
            # one named in the same sentence ("John Major and his colleagues"), else the one the story is most about
            # (experts quoted one after another on "his forecast" all speak of the chancellor, not of each other)
            near = [f for f in fits if f[0]]
            other = near[0][2] if near else max(fits, key=lambda f: (count[f[2]], f[1]))[2]
            m.refers_to, m.link_reason = other, f'"{m.text}" in {ms[speaker].name}\'s own words is somebody else'
            roots[k] = other
            count[speaker] -= 1
            count[other] += 1


def find_links(ctx: Context) -> list[Link]:
    """The first- and second-person links of one document (the *find* step, no writes)."""
    return find_voices(ctx)[0]


def find_voices(ctx: Context) -> tuple[list[Link], list[list[tuple[int, int, str, str]]]]:
    """The links, and the document's own voices that no name stands for: every "I/me/my" outside quotes that
    nothing names is one chain (the writer or speaker), every "we/us/our" another, every "you" a third."""
    doc = ctx.doc
    unnamed: dict[str, list[tuple[int, int, str, str]]] = {}
    if not ctx.result.mentions:
        for tok in ctx.tokens():
            voice = _voice_of(tok)
            if voice and tok.tag_ in {"PRP", "PRP$"}:
                unnamed.setdefault(voice, []).append((tok.i, tok.i + 1, "pronoun", _VOICE_REASON[voice]))
        return [], _voice_chains(ctx, unnamed)
    quoted = _quoted_chars(ctx)
    direct = _direct_quotes(ctx)
    voice = None
    links: list[Link] = []
    strings = doc.vocab.strings
    personal = {strings["PRP"], strings["PRP$"]}
    voices = {strings[w] for w in FIRST_SINGULAR | FIRST_PLURAL | SECOND}
    tokens = ctx.tokens()
    # first- and second-person pronouns that no mention covers, found on the context's arrays (tag, lower-case form)
    for i in [i for i, row in enumerate(ctx.columns()) if row[4] in personal and row[1] in voices]:
        tok = tokens[i]
        low = tok.lower_
        if tok.tag_ not in {"PRP", "PRP$"} or tok.i in ctx._mention_by_token:
            continue
        if low not in FIRST_SINGULAR and low not in FIRST_PLURAL and low not in SECOND:
            continue
        quote = _quote_of(ctx, tok, direct)
        if quote is not None:
            link = _in_quote(ctx, tok, quote)
        elif _inside(quoted, tok.idx):
            link = None  # quoted words whose speaker the quote stage did not find
        else:
            if voice is None:
                voice = _Voice(ctx)
            link = voice.link(tok)
            if link is None:
                unnamed.setdefault(_voice_of(tok), []).append((tok.i, tok.i + 1, "pronoun", _VOICE_REASON[_voice_of(tok)]))
        if link is not None:
            links.append(link)
    return links, _voice_chains(ctx, unnamed)


_VOICE_REASON = {"I": "the document's own voice, never named", "we": "the group the document speaks for",
                 "you": "whom the document addresses"}


def _voice_of(tok: Token) -> str | None:
    low = tok.lower_
    return "I" if low in FIRST_SINGULAR else "we" if low in FIRST_PLURAL else "you" if low in SECOND else None


def _voice_chains(ctx: Context, unnamed: dict[str, list[tuple[int, int, str, str]]]) -> list[list[tuple[int, int, str, str]]]:
    quoted = _quoted_chars(ctx)
    return [[m for m in rows if not _inside(quoted, ctx.doc[m[0]].idx)] for rows in unnamed.values()]


# --- quotes --------------------------------------------------------------------------------------

def _direct_quotes(ctx: Context) -> list[tuple[int, int, object]]:
    """(start, end, quote) in original offsets for every direct quote with a speaker, sorted."""
    return sorted((q.start, q.end, q) for q in ctx.result.quotes if q.kind == "direct" and q.speaker is not None)


def _quote_of(ctx: Context, tok: Token, quotes: list[tuple[int, int, object]]):
    if not quotes:
        return None
    start, end, _ = ctx.span_original(tok)
    k = bisect.bisect_right(quotes, (start, float("inf"))) - 1
    while k >= 0:
        qs, qe, q = quotes[k]
        if qs <= start and end <= qe:
            return q
        if qe < start and k < len(quotes) - 1:
            break
        k -= 1
    return None


def _quoted_chars(ctx: Context) -> list[tuple[int, int]]:
    """Canonical character ranges between paired quotation marks (the parity restarts on every line)."""
    text = ctx.norm.text if ctx.norm is not None else ctx.doc.text  # the parsed text; Doc.text rebuilds it token by token
    out = []
    for line_start, line in _lines(text):
        opened = None
        for mark in _QUOTE_MARK.finditer(line):
            i = mark.start()
            if opened is None:
                opened = i
            else:
                if i - opened <= _QUOTED_SPAN_MAX:
                    out.append((line_start + opened, line_start + i))
                opened = None
    return out


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _inside(ranges: list[tuple[int, int]], char: int) -> bool:
    k = bisect.bisect_right(ranges, (char, float("inf"))) - 1
    return k >= 0 and ranges[k][0] <= char <= ranges[k][1]


def _in_quote(ctx: Context, tok: Token, quote) -> Link | None:
    speaker = quote.speaker
    head = _head_in(ctx, speaker.start, speaker.end)
    mention = speaker.mention
    if head is not None and head.pos_ == "PRON" and head.i in ctx._mention_by_token:
        mention = ctx._mention_by_token[head.i]  # "he said": the antecedent coreference found
    if mention is None:
        return None
    low = tok.lower_
    who = _root(ctx, mention)
    person = _is_person(ctx, who) and (head is None or head.i in ctx._mention_by_token or head.pos_ in {"PRON", "PROPN"})
    if low in FIRST_SINGULAR:
        if not person:
            return None  # "an M&S spokesman said: 'I …'" is not M&S
        return Link(tok.i, tok.i + 1, "pronoun", who, f'"{tok.text}" in a quote of {ctx.result.mentions[who].name}')
    if low in FIRST_PLURAL:
        org = _affiliation(ctx, who) if person else (who if _is_group(ctx, who) else None)
        if org is None:
            return None
        return Link(tok.i, tok.i + 1, "pronoun", org,
                    f'"{tok.text}" in a quote of {ctx.result.mentions[who].name}, speaking for {ctx.result.mentions[org].name}')
    return None


def _root(ctx: Context, idx: int) -> int:
    ms = ctx.result.mentions
    seen = set()
    while ms[idx].refers_to is not None and idx not in seen:
        seen.add(idx)
        idx = ms[idx].refers_to
    return idx


def _is_person(ctx: Context, idx: int) -> bool:
    ms = ctx.result.mentions
    if ms[idx].label == "PERSON" or ms[idx].role:
        return True
    return any(m.label == "PERSON" and m.form == "name" and _root(ctx, k) == idx for k, m in enumerate(ms))


def _is_group(ctx: Context, idx: int) -> bool:
    m = ctx.result.mentions[idx]
    return m.label in {"ORG", "NORP", "GPE"} or m.place is not None


def _head_in(ctx: Context, start: int, end: int) -> Token | None:
    toks = [t for t, s in zip(ctx.tokens(), ctx.token_starts()) if start <= s < end]
    if not toks:
        return None
    inside = {t.i for t in toks}
    for t in toks:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return toks[0]


def _affiliation(ctx: Context, person: int) -> int | None:
    """An organisation or state the text ties to one of the person's names, if any."""
    ms = ctx.result.mentions
    for k, m in enumerate(ms):
        if m.form != "name" or _root(ctx, k) != person:
            continue
        toks = [t for t, idx in ctx._mention_by_token.items() if idx == k]
        if not toks:
            continue
        head = ctx.doc[max(toks)]
        found = _org_near(ctx, head, k)
        if found is not None:
            return found
    return None


def _org_near(ctx: Context, head: Token, own: int) -> int | None:
    """ "Coca-Cola spokesman John Smith", "Coca-Cola's Smith", "Smith of Coca-Cola", "Smith, Coca-Cola's chief"."""
    def org_at(t: Token) -> int | None:
        idx = ctx._mention_by_token.get(t.i)
        if idx is None or idx == own:
            return None
        root = _root(ctx, idx)
        return root if _is_group(ctx, root) and not _is_person(ctx, root) else None

    for t in ctx.doc[max(0, head.left_edge.i):head.i]:  # premodifiers and titles
        found = org_at(t)
        if found is not None:
            return found
    for child in head.children:
        if child.dep_ == "poss":
            found = org_at(child)
            if found is not None:
                return found
        if child.dep_ == "prep" and child.lower_ in {"of", "at", "for", "from"}:
            for obj in child.children:
                found = org_at(obj) if obj.dep_ == "pobj" else None
                if found is not None:
                    return found
        if child.dep_ == "appos":
            for t in child.subtree:
                found = org_at(t)
                if found is not None:
                    return found
    return None


# --- the document's own voice ------------------------------------------------------------------

class _Voice:
    """Who "I" and "you" are outside quotes, from what the text says about its speaker and addressee."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.speakers: list[tuple[int, int, str]] = []  # (token where it starts to hold, mention, why)
        self.until: dict[int, int] = {}  # start token -> end token of a voice that holds for one sentence
        self.addressee: tuple[int, str] | None = None
        sents = list(ctx.doc.sents)
        for k, sent in enumerate(sents):
            for tok in sent:
                self._introduction(tok, k < _OPENING_SENTENCES + 2)
                if k < _OPENING_SENTENCES:
                    self._title(tok)
                elif tok.lower_ == "interviewee":
                    self._title(tok)
        if sents:
            self._letter(sents)
        self.speakers.sort()

    def link(self, tok: Token) -> Link | None:
        low = tok.lower_
        if low in FIRST_SINGULAR and self.speakers:
            before = [s for s in self.speakers if s[0] <= tok.i and self.until.get(s[0], len(tok.doc)) > tok.i]
            lasting = [s for s in self.speakers if s[0] not in self.until]
            if not before and not lasting:
                return None
            _, idx, why = before[-1] if before else lasting[0]
            return Link(tok.i, tok.i + 1, "pronoun", idx, f'"{tok.text}" is {self._name(idx)} ({why})')
        if low in SECOND and self.addressee is not None:
            idx, why = self.addressee
            return Link(tok.i, tok.i + 1, "pronoun", idx, f'"{tok.text}" is {self._name(idx)} ({why})')
        return None

    def _name(self, idx: int) -> str:
        return self.ctx.result.mentions[idx].name

    def _person_near(self, tok: Token | None) -> int | None:
        """The person a phrase names: itself, a name inside it ("activist and philosopher Noam Chomsky"),
        or the name it is in apposition to ("Jack Herrick, wikiHow founder")."""
        if tok is None:
            return None
        found = self._person(tok)
        if found is not None:
            return found
        for t in tok.subtree:
            if abs(t.i - tok.i) <= 8:
                found = self._person(t)
                if found is not None:
                    return found
        return self._person(tok.head) if tok.dep_ == "appos" else None

    def _person(self, tok: Token | None) -> int | None:
        if tok is None:
            return None
        idx = self.ctx._mention_by_token.get(tok.i)
        if idx is None:
            return None
        root = _root(self.ctx, idx)
        return root if _is_person(self.ctx, root) else None

    def _introduction(self, tok: Token, opening: bool) -> None:
        """ "My name is Amy Sells", "I'm Lauren", "I'm your host, Dave", "I, Joshua Norton, …".

        In the opening it names the voice of the whole text; later (one speaker among several
        in a talk) it holds for its own sentence only."""
        low = tok.lower_
        idx = None
        greeting = opening and low in {"it", "this"} and any(t.lower_ in _GREETINGS for t in tok.sent)  # "Hey, it's Jackie"
        if (low == "i" and tok.dep_ == "nsubj" or low == "name" and any(c.lower_ == "my" for c in tok.children)
                or greeting and tok.dep_ == "nsubj") and tok.head.lemma_ == "be" and tok.head.i > tok.i:
            for attr in tok.head.children:
                if attr.dep_ == "attr" and tok.head.i < attr.i <= tok.head.i + 8:
                    idx = self._person(attr)
                    if idx is None:
                        idx = next((self._person(c) for c in attr.children if c.dep_ == "appos" and self._person(c) is not None), None)
        elif low == "i" and tok.i + 2 < len(tok.doc) and tok.nbor(1).text == ",":
            idx = self._person(tok.nbor(2))  # "I, Joshua Norton, …"
        if idx is not None:
            self.speakers.append((0 if opening else tok.sent.start, idx, "introduces themselves"))
            if not opening:
                self.until[tok.sent.start] = tok.sent.end

    def _title(self, tok: Token) -> None:
        """An interview's or a speech's title: the person interviewed, or who gives the speech."""
        lemma = tok.lemma_.lower()
        if lemma in {"interview", "interviewee"}:
            idx = self._interviewee(tok)
            if idx is not None:
                self.speakers.append((tok.i if lemma == "interviewee" else 0, idx, "the person interviewed"))
        elif lemma in SPEECH_NOUNS and tok.pos_ in {"NOUN", "PROPN"}:
            own = self.ctx._mention_by_token.get(tok.i)
            for target in self._speech_by(tok):
                idx = self._person(target)
                if idx is not None and self.ctx._mention_by_token.get(target.i) != own:
                    self.speakers.append((0, idx, f"gives the {tok.text.lower()}"))
                    return
        elif lemma == "tell" and tok.pos_ == "VERB" and tok.i < 25:
            # "Biologist Nick Bos tells Wikinews about …": a headline of an interview
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            obj = next((c for c in tok.children if c.dep_ in {"dobj", "dative"}), None)
            if subj is not None and obj is not None and self._person(subj) is not None and self._person(obj) is None \
                    and obj.i in self.ctx._mention_by_token:
                self.speakers.append((0, self._person(subj), "the person interviewed"))

    @staticmethod
    def _speech_by(tok: Token):
        """Who a speech noun names: "by X", "X's speech", "X Floor Speech" (through its compounds)."""
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "by":
                yield from (o for o in c.children if o.dep_ == "pobj")
            elif c.dep_ in {"poss", "compound"}:
                yield c
                for g in c.children:
                    if g.dep_ in {"poss", "compound"} and g.i < c.i:
                        yield g

    def _interviewee(self, tok: Token) -> int | None:
        """ "interviews X", "interview with X", "X … interviewed by", "interviewee X"."""
        if tok.lower_ == "interviewee" or tok.dep_ == "compound":
            return self._person(tok.head) if tok.head.i != tok.i else None
        for c in tok.children:
            if c.dep_ in {"dobj", "appos"}:
                found = self._person_near(c)
                if found is not None:
                    return found
            if c.dep_ == "prep" and c.lower_ == "with":
                for o in c.children:
                    found = self._person_near(o) if o.dep_ == "pobj" else None
                    if found is not None:
                        return found
        if tok.tag_ == "VBN" and tok.dep_ in {"acl", "relcl"}:
            return self._person_near(tok.head)  # "Jack Herrick, wikiHow founder interviewed by Wikinews"
        if tok.dep_ == "ROOT" or tok.head.i == tok.i:
            # a title line: "Frank Messina: An Interview with …", a name before the colon
            for t in tok.sent:
                if t.i >= tok.i:
                    break
                found = self._person(t)
                if found is not None and any(x.text == ":" for x in tok.doc[t.i:tok.i]):
                    return found
        return None

    def _letter(self, sents) -> None:
        """A signature after a closing ("Best wishes, Bill"), a salutation ("Dear Hannah")."""
        doc = self.ctx.doc
        tail = doc[max(0, len(doc) - 12):]
        for t in tail:
            if t.lower_ in LETTER_CLOSINGS:
                # "Best wishes, Bill", "Love and faithful feelings, Zora": a name after the closing's comma, ending the text
                for u in doc[t.i + 1:t.i + 9]:
                    idx = self._person(u)
                    if idx is not None and u.i >= 1 and doc[u.i - 1].text == "," and len(doc) - u.i <= 4:
                        self.speakers.append((0, idx, "signs the letter"))
                        break
                break
        for t in doc[:min(len(doc), 40)]:
            if t.lower_ == "dear" and t.i + 1 < len(doc):
                idx = self._person(doc[t.i + 1]) or (self._person(doc[t.i + 2]) if t.i + 2 < len(doc) else None)
                if idx is not None:
                    self.addressee = (idx, "the letter is addressed to them")
                break
