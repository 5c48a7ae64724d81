"""Attributions: who said, believes, claims, denies, endorses or reports what, and the words that say it.

Each record has its content (the words attributed), its cue (the verb, "according
to", or a headline colon), its source as written and the person or organisation
it refers to (``quote_speakers``), and two labels: ``kind`` (direct: all in quote
marks; partial: a reported clause with quoted words; indirect: no marks) and
``attribution`` (speech, belief, claim, denial, endorsement, report: from the
cue's lemma, or report when a document speaks).

Found in these passes, the first that claims a cue wins:

1. Quotation marks (``quote_marks``). A span between marks is a quote when a cue
   stands where news prose puts it: right after the closing mark with only the
   speaker between (``"…," Rodriguez said``), governing the quoted words (``He
   called the plan "a gamble"``: the content is then the whole clause, kind
   partial), or right before the opening mark (``Peskov said: "…"``). Titles
   (``NBC's "Meet the Press"``) and terms (``a phenomenon called "differential
   nonresponse"``) are not quotes; a quote interrupted by its own attribution
   (``"…," she said. "…"``) is one record whose ``parts`` are the pieces, unless the second quote has a
   cue of its own (``"…," she said, adding that "…"``). With no cue, a byline names the speaker (``"…" ― Carla
   Sanchez``, ``_byline``). A cue after a quote that ends its sentence, with a clause of its own, is the next
   sentence's (``"…true." He said Clinton would …``).
2. Cue words with their content: a clausal complement (``said that …``), the
   rest of the clause around a parenthetical cue (``…, he added, assumes …``),
   an open complement (``wants to …``, ``urged X to …``), a noun phrase for cues
   that take one (``denied the charge``, ``backing Clinton``), a prepositional
   complement (``talked about …``, ``called for …``), ``according to`` any noun
   phrase, and a headline colon (``Trump: Generals don't …``). A second cue of the speaker that the parser
   hangs on the reported clause's verb (``X said A and warned B``, ``…, citing B``, ``…, though she noted B``,
   ``…, which he said B``) ends the first content and is a record of its own (``_without_sibling``).
3. Cue nouns: a preposition's object (``his support for Clinton``, ``_nominal_cues``; a "from"/"by" phrase is the
   source: ``the plan faced criticism from X``), and a claim noun's "that" clause or a speech noun's "to" clause
   (``Trump's claim that …``, ``his promise to …``, ``_that_nouns``; the same nouns and clause finder as a claim
   verb's ``broke the news that …`` in pass 2).

Cue verbs are looked up by ``lexicons.lemmas.lemma_of``, which puts right the model's "hopes" -> "hop".
A few cue verbs take only some frames: "read" and "order" a clause, a quote or a speech noun ("the sign read: …",
not "read a novel"; ``_CLAUSE_CUES``), "refuse" only a cue to refuse ("refused to say whether …", not "refused to
intervene"; ``_REFUSALS``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from spacy.attrs import IDX
from spacy.symbols import ADJ, AUX, NOUN, VERB
from spacy.tokens import Span, Token

from newsgraph.extract import Context, parsed_text
from newsgraph.extract.quote_marks import QuotedSpan, quoted_spans, single_quoted_spans, title_case
from newsgraph.extract.quote_speakers import (
    CLAIM_VERBS, GLUED_FORMS, NOT_SPEAKERS, Source, gender_of_pronoun, inverted_subject, is_cue, person_gender, speaker,
    named_before, subject_of, subject_since,
)
from newsgraph.lexicons.attribution import ADDRESSEE_CUES, DOCUMENT_NOUNS, cue_kinds
from newsgraph.lexicons.coref import descriptions
from newsgraph.lexicons.lemmas import LEMMA_FIXES, lemma_of
from newsgraph.model import Participant, Quote

_AFTER_WINDOW = 7  # tokens after a closing mark within which "X said" must stand
_MIN_UNATTRIBUTED_WORDS = 4
_MARKS = frozenset({'"', "'"})
# Rubrics before a headline colon ("The Latest: …"), which are no speakers.
_RUBRICS = frozenset("latest update updates editorial opinion analysis correction clarification related watch video photos "
                     "exclusive breaking live recap review commentary photo photograph image images picture pictures "
                     "caption credit credits footage graphic illustration".split())
# An editor's or translator's label, when it ends the words before the colon: "Editor's note:", "Translation:" (but
# "Merkel on Disclosure:" is Merkel's).
_NOTE_RUBRICS = frozenset("note notes notice translation disclosure disclaimer".split())
# Documents that state findings themselves ("In this poll, Trump rose"); other documents are given by a speaker.
_FINDINGS = frozenset("poll polls survey study report analysis research findings results audit review".split())
_FRONTED = frozenset({"which", "what", "who", "whom", "that", "whatever", "whoever"})
# Cues that take a noun phrase as their content ("denied the charge", "backing Clinton"); speech verbs mostly do not
# ("told reporters").
_NP_CUES = frozenset("""describe discuss mention announce confirm acknowledge admit predict propose suggest recall repeat
    explain express cite recommend demand question reveal tweet write post reject deny dismiss dispute refute rebut
    disavow repudiate contradict endorse back support praise favor favour prefer defend oppose criticize criticise condemn
    attack slam applaud welcome embrace champion laud hail question challenge approve denounce decry blast mock ridicule
    claim allege accuse blame fault report show find indicate document project estimate want expect fear echo express offer
    address name tout call vow urge promise pledge demand outline detail highlight note disclose emphasize emphasise
    signal unveil""".split())
# Prepositions that carry a cue's content: "talked about the economy", "called for a ban".
_PREP_CUES = {
    "talk": {"about"}, "speak": {"about", "of", "on"}, "refer": {"to"}, "call": {"for"}, "comment": {"on"},
    "write": {"about", "of", "on"}, "complain": {"about", "of"}, "warn": {"of", "against", "about"},
    "argue": {"for", "against"}, "ask": {"about", "for"}, "joke": {"about"}, "boast": {"about", "of"},
    "testify": {"about", "on"}, "agree": {"with", "on"}, "disagree": {"with"}, "think": {"about", "of"},
    "worry": {"about"}, "hope": {"for"}, "push": {"for"}, "brag": {"about"}, "rail": {"against"},
    "point": {"to"}, "vote": {"for", "against"}, "focus": {"on"}, "respond": {"to", "with", "by"}, "reply": {"to", "with"},
}
# Cues that attribute a clause, a quote or a speech noun ("the sign read: …", "ordered that the files be released",
# "read a statement"), never another noun phrase ("read a novel", "ordered a new boat").
_CLAUSE_CUES = frozenset({"read", "order"})
# Cues only when what is refused is itself a cue: "refused to say whether …", "refuses to endorse Trump" (PolNeAR's);
# "refused to intervene", "refusing to leave" are deeds, of which it counts fewer (on train about 25 of 35).
_REFUSALS = frozenset({"refuse"})
# Cues only with "as": "Obama sees Netanyahu as captured by …", "Trump is seen as the stronger candidate" frame one
# actor in another's eyes; "lining up to see Kasich" and "we've seen this before" attribute nothing.
_AS_CUES = frozenset({"see", "identify"})
# Cues whose question the parser hangs as an adverbial clause: "asked workers if they planned to attend".
_QUESTION_CUES = frozenset({"ask", "wonder", "question", "inquire", "enquire"})
# Cues that in "As X reported, …" give their source for the clause after; verbs of an activity ("As the minister
# spoke", "as the lawyers argued", "as the reporter asked") mostly say when, and are not among them.
_AS_REPORTED = frozenset("""say report note write explain point observe predict warn suggest claim state announce
    reveal confirm acknowledge recall mention show find forecast estimate indicate disclose detail tweet insist
    stress emphasize emphasise concede admit remark document describe""".split())
# What is asked for rather than asked ("would ask questions if she had the chance").
_ASKED_THINGS = frozenset("question favor favour permission help money aid leave forgiveness".split())
_XCOMP_CUES = frozenset("want expect urge ask call promise vow pledge refuse decline threaten hope wish plan intend warn tell vote "
                        "encourage advise demand push agree seem appear seek".split())
_PRONOUN_CONTENT = frozenset({"it", "this", "that", "so", "them", "him", "her", "nothing", "something", "anything", "what", "which"})
_TERM_VERBS = frozenset({"call", "dub", "term", "name", "label", "know", "brand", "nickname", "title"})
# The author's and the reader's own voice: PolNeAR-style attribution counts "I know …", "we asked whether …".
_VOICES = frozenset({"i", "we"})
# Cues whose subject "it" is a document or a recording: "It says the campaign violated …", "It shows an officer …".
_DOCUMENT_CUES = frozenset({"say", "show", "state", "find", "report", "conclude", "note", "indicate", "suggest", "warn"})
# Cue verbs that show, obtain or keep the things named here rather than attribute them.
_NP_OTHER_SENSE = frozenset({"show", "find", "maintain", "seek"})
_NOT_CONTENT_OBJECTS = frozenset("way ways sign signs means relationship relationships relations ties contact".split())
# What one writes that is a thing, not a claim: "wrote an op-ed for The Hill", "wrote the letter Feb. 2", "wrote a
# children's book". Its words, when the text gives them, come with another cue ("… a letter saying that …").
_WRITINGS = frozenset("""letter letters op-ed op-eds book books column columns profile profiles dissertation thesis
    introduction foreword preface commentary speech speeches piece pieces article articles essay essays memo memos
    story stories song songs melody check checks cheque cheques novel novels poem poems bill bills legislation script
    scripts editorial editorials chapter chapters paper papers blog report reports opinion show shows sitcom sitcoms
    series episode episodes play plays film films screenplay screenplays lyrics music album albums poetry biography
    memoir memoirs musical opera code software programme programs program""".split())
# Deeds, states and events: a subject like these "shows" the author's inference, no one's words ("Maduro's decision
# to move the company shows the extent of …", "his popularity shows how deeply the party misjudged …"). Polls,
# records and documents still show what they report.
_DEED_SUBJECTS = frozenset("""decision decisions move moves choice choices action actions popularity discovery failure
    failures success successes refusal reluctance willingness absence presence fact rise fall growth decline departure
    arrival defeat victory win loss collapse survival behavior behaviour conduct silence resignation""".split())
_AUTHOR_MODALS = frozenset({"should", "must", "can", "could", "may", "might", "would"})
# Verbs whose subject is an evidence or an inference, not a speaker, when it is a deed: "shows", "proves", "means".
# ("suggests that", "confirms that" and "indicates that" stay: a ruling or a statement says so).
_INFERENCE_CUES = frozenset("show prove demonstrate illustrate underscore underline highlight reveal mean".split())
# Who is addressed, not what is said: "addressed a delegation", "addressed the nation" (but "addressed the crisis").
_AUDIENCES = frozenset("""delegation delegations delegates audience audiences crowd crowds nation supporters rally reporters
    journalists press assembly conference convention summit meeting session parliament congress senate lawmakers legislators
    students graduates members troops soldiers voters people public country gathering forum council committee""".split())


def _audience(tok: Token) -> bool:
    """Whether the object of "address" is whom a speaker addresses: a person, a group or a body, or a gathering."""
    return tok.ent_type_ in {"PERSON", "NORP", "ORG"} or lemma_of(tok) in _AUDIENCES or tok.lower_ in _AUDIENCES
# Cue verbs with a particle that leave speech for another sense: "written off the regime" (given up on), "called off
# the talks", "showed up". ("Backed off his proposals" still takes a stance: PolNeAR counts it.)
_OTHER_SENSE_PARTICLES = {"write": {"off"}, "call": {"off"}, "show": {"up", "off"}, "knock": {"out", "off", "down", "over"}}
# What is called, tweeted or posted without being words: a procedure ("called a vote", "called an election") or a thing
# put online ("tweeted a link", "posted a video").
_POSTED_THINGS = frozenset("""vote election elections referendum meeting meetings strike strikes halt truce ceasefire
    recess session inquiry hearing summit link links video videos photo photos picture pictures image images clip clips
    selfie gif meme""".split())
_CHANNELS = frozenset("facebook twitter instagram youtube tiktok reddit snapchat linkedin website blog".split())
# What a seller offers ("EMI offers its catalogue", "offers a cheaper service", "offering discounts"): wares, not
# words ("offered his condolences", "offered an olive branch", "offered no specifics" attribute).
_WARES = frozenset("""service services music song songs catalogue catalog product products discount discounts storage
    subscription subscriptions download downloads feature features software device devices phone phones handset handsets
    game games content tickets ticket price prices rate rates mortgage mortgages broadband channel channels model models
    version versions flight flights room rooms range experience facility facilities capacity memory coverage""".split())
# Doers whose showing or finding is a deed, not a report: "the striker found the bottom corner", "the side showed great
# composure" ("the poll showed a lead", "investigators found no evidence" report).
_PLAYERS = frozenset("""striker player midfielder defender goalkeeper keeper forward winger captain side squad
    star champion runner rider driver bowler batsman athlete sprinter actor actress singer band man woman boy girl
    youngster teenager veteran""".split())


@dataclass
class _Found:
    parts: list[tuple[int, int]]  # canonical character pieces of the content
    kind: str
    cue: Token | None
    cue_span: tuple[int, int] | None  # canonical characters of the cue
    cue_text: str | None
    source: Source | None
    attribution: str = "speech"
    closes: int = -1  # canonical offset of the closing mark, for direct quotes
    marks: list[tuple[int, int]] = field(default_factory=list)  # quoted spans (open, close+1) inside the content

    @property
    def lo(self) -> int:
        return self.parts[0][0]

    @property
    def hi(self) -> int:
        return self.parts[-1][1]


def extract(ctx: Context) -> None:
    doc = ctx.doc
    if ctx.norm is not None:  # the text that was parsed: no need to join the tokens again
        doc.user_data.setdefault("newsgraph_text", ctx.norm.text)
    starts = ctx.doc.to_array(IDX).tolist() if len(ctx.doc) else []  # t.idx of every token
    used_cues: set[int] = set()
    double = quoted_spans(_text(doc))
    spans = sorted(double + single_quoted_spans(_text(doc), double), key=lambda q: q.open)
    speakers: dict[int, Token] = {}  # a cue cut from a record's content as its sibling -> that record's subject
    found = _direct_all(ctx, starts, spans, used_cues, speakers)
    found.extend(_indirect(ctx, starts, found, used_cues, speakers))
    found.extend(_colons(ctx, found))
    found.extend(_nominal_cues(ctx, found))
    found.extend(_that_nouns(ctx, found))
    found.sort(key=lambda f: f.lo)
    _continue_speakers(ctx, found)
    ctx.result.quotes.extend(_quote(ctx, f) for f in found if not ctx.repeated(f.lo))


def _continue_speakers(ctx: Context, found: list[_Found]) -> None:
    """"he said" after quotes of a named person is that person, when the gender allows: news keeps quoting one speaker
    at a time, so the last named source a few sentences back beats the nearest name, which is often someone talked about."""
    last: tuple[int, int, int] | None = None  # (sentence, mention, end of its record) of the last named source
    quoted = [p for f in found for p in f.parts]
    for f in found:
        src = f.source
        if src is None:
            continue
        sent = ctx.sentence_index(f.lo)
        if src.form == "name" and src.participant.mention is not None:
            last = (sent, src.participant.mention, f.hi)
        elif src.form == "pronoun" and not src.unnamed and last is not None and sent - last[0] <= 6 and \
                src.participant.mention != last[1]:
            wanted = gender_of_pronoun(src.participant.text)
            known = person_gender(ctx, last[1])
            own = src.participant.mention
            fits = own is not None and wanted is not None and person_gender(ctx, own) == wanted
            if fits and subject_since(ctx, own, last[2], f.lo, quoted):
                continue  # "… Lord Ashcroft," Fox said. Kennedy is touring … He said: "…": the text turned to Kennedy
            if known is None and fits and named_before(ctx, own, f.lo):
                # "Chris Christie described Hillary Clinton as a 'disgrace' after she attacked …": the person named
                # just before in the pronoun's own sentence, whose gender the text says, beats a speaker whose it does not;
                # so does one the text turned to after that speaker ("Juan Guaidó, who left the country … He announced").
                continue
            if wanted is not None and known in {None, wanted} and ctx.result.mentions[last[1]].label == "PERSON":
                f.source = replace(src, participant=replace(src.participant, mention=last[1]))


def _stripped(text: str, lo: int, hi: int) -> tuple[int, int]:
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, hi


def _quote(ctx: Context, f: _Found) -> Quote:
    text_c = _text(ctx.doc)
    f.parts = [_stripped(text_c, a, b) for a, b in f.parts]  # an unclosed quote's clause may end at its line break
    start, end, text = ctx.original(f.lo, f.hi)
    parts = tuple(ctx.original(a, b)[:2] for a, b in f.parts) if len(f.parts) > 1 else ()
    cue_start = cue_end = None
    if f.cue_span is not None:
        cue_start, cue_end, _ = ctx.original(*f.cue_span)
    src = f.source
    return Quote(
        start, end, text, f.kind, f.cue_text, src.participant if src else None, ctx.sentence_index(f.lo),
        attribution=f.attribution, source_start=src.start if src else None, source_end=src.end if src else None,
        source_text=src.text if src else None, cue_start=cue_start, cue_end=cue_end, parts=parts,
        affiliation=src.affiliation if src else None,
    )


def _attribution(cue: Token | None, source: Source | None, subject: Token | None = None) -> str:
    if subject is not None and lemma_of(subject) in DOCUMENT_NOUNS:
        return "report"
    if cue is None:
        return "speech"
    return cue_kinds().get(lemma_of(cue), "speech")


_text = parsed_text  # the parsed text, built once per Doc


def _tok_span(tok: Token) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok.text)


# --- direct quotes ---------------------------------------------------------------------------------


def _tokens(doc, starts: list[int], start: int, end: int) -> Span:
    """The tokens starting inside the canonical range [start, end)."""
    return doc[bisect.bisect_left(starts, start): bisect.bisect_left(starts, end)]


def _direct_all(ctx: Context, starts: list[int], spans: list[QuotedSpan], used_cues: set[int],
                speakers: dict[int, Token]) -> list[_Found]:
    out: list[_Found] = []
    for qs in spans:
        if out and out[-1].lo <= qs.start < out[-1].hi:
            continue  # inside a clause already taken whole (a partial quote)
        if _cue_after(ctx.doc, starts, qs) is None and _join(ctx, starts, out, qs):
            continue
        f = _direct(ctx, starts, qs, used_cues, speakers)
        if f is not None:
            out.append(f)
        else:
            _next_paragraph(ctx, starts, out, qs)
    return out


def _next_paragraph(ctx: Context, starts: list[int], found: list[_Found], qs: QuotedSpan) -> bool:
    """A paragraph that opens with a quote and names no speaker goes on with the quote of the paragraph before, when
    that one ended with a direct quote and at most its attribution (`Mr Khan continued: "…"` then a paragraph
    `"I think diversity is a strength …`): news quotes one speaker over several paragraphs this way. The paragraph
    becomes a part of that quote (PolNeAR annotates such paragraphs so: pieces of one attribution)."""
    if not found:
        return False
    prev = found[-1]
    if prev.kind != "direct" or prev.source is None or prev.closes < 0 or prev.closes >= qs.open:
        return False
    text = _text(ctx.doc)
    line_start = text.rfind("\n", 0, qs.open) + 1
    if text[line_start: qs.open].strip() or line_start <= prev.closes:
        return False  # the mark must open its paragraph, the one after the quote's
    tail, _, rest = text[prev.closes + 1: line_start].partition("\n")
    if rest.strip() or '"' in tail or len(tail.split()) > 8:
        return False  # another paragraph, or more than the quote's attribution ('"…," she said.'), stands between
    if tail.strip(" .,;:") and not (prev.cue_span is not None and prev.closes < prev.cue_span[0] < prev.closes + 1 + len(tail)):
        return False
    words = text[qs.start: qs.end]
    if len(words.split()) < _MIN_UNATTRIBUTED_WORDS:
        return False
    line_end = text.find("\n", qs.close)
    line_end = len(text) if line_end < 0 else line_end
    if qs.closed and (text[qs.close + 1: line_end].strip() or not words.rstrip().endswith((".", "!", "?", "\u2026"))):
        return False  # the paragraph is the quote, in sentences ("Trump walked onto the stage, chanting" is not)
    if title_case(words.split()):
        return False  # a title on its line ("All Bets Are Off.", "What Is the Real Cost of Brexit for Britain?")
    after = text[line_end + 1:].lstrip()
    if re.match(r"(?:That|This|Such|Those)\s+(?:was|is|were|are|quote|statement|remark|line|passage|comment)\b|So\b|[\u2014\u2013\u2015-]", after):
        return False  # the next paragraph says whose words they were ("That was the headline of a column by …")
    prev.parts.append((qs.start, qs.end))
    prev.closes = qs.close
    return True


def _join(ctx: Context, starts: list[int], found: list[_Found], qs: QuotedSpan) -> bool:
    """`"…," she said. "…"`: a cue-less quote right after the attribution of the quote before it continues that quote."""
    if not found:
        return False
    prev = found[-1]
    if prev.kind != "direct" or prev.cue is None or prev.closes < 0 or prev.cue_span is None:
        return False
    between = _text(ctx.doc)[prev.closes + 1: qs.open]
    if "\n" in between or '"' in between or not (prev.closes < prev.cue_span[0] < qs.open) or len(between.split()) > 14:
        return False
    sentence_end = prev.cue.sent.end_char
    if prev.cue.sent.end < len(ctx.doc) and sentence_end < qs.open and _text(ctx.doc)[sentence_end: qs.open].strip():
        return False  # '"…," he told BBC News. The co-chairman attacked the pledges as "vacuous"': a new sentence
    inside = _tokens(ctx.doc, starts, qs.start, qs.end)
    own = _cue_governing(inside) if len(inside) else None
    if own is not None and own.i != prev.cue.i and prev.closes < own.idx < qs.open:
        return False  # '"…," he said, adding that "…"': the second quote has a cue of its own
    prev.parts.append((qs.start, qs.end))
    prev.closes = qs.close
    return True


def _is_title(ctx: Context, starts: list[int], qs: QuotedSpan, inside: Span) -> bool:
    """NBC's "Meet the Press", the film "The Post": a possessive or Title Case words without sentence punctuation."""
    words = _text(ctx.doc)[qs.start: qs.end].split()
    if not words or len(words) > 8 or _text(ctx.doc)[qs.start: qs.end].rstrip().endswith((".", "!", "?")):
        return False
    i = bisect.bisect_left(starts, qs.open) - 1
    if i >= 0 and ctx.doc[i].tag_ == "POS":
        return True
    return len(words) > 1 and title_case(words)


def _is_term(ctx: Context, starts: list[int], qs: QuotedSpan) -> bool:
    """A term in marks: `a phenomenon called "differential nonresponse"`, `so-called "volunteers"`, `known as "X"`."""
    if len(_text(ctx.doc)[qs.start: qs.end].split()) > 5:
        return False
    i = bisect.bisect_left(starts, qs.open) - 1
    for j in range(i, max(-1, i - 3), -1):
        tok = ctx.doc[j]
        if tok.lower_ in {"so-called", "called", "dubbed", "termed", "named", "nicknamed", "titled", "labeled", "labelled"} or (
            tok.lower_ == "as" and j > 0 and ctx.doc[j - 1].lemma_.lower() in {"know", "refer", "describe", "brand"}
        ):
            verb = tok if tok.lower_ != "as" else ctx.doc[j - 1]
            if tok.lower_ == "so-called" or verb.dep_ in {"acl", "amod"} or verb.tag_ == "VBN" and not any(
                c.dep_ in {"nsubj", "aux"} for c in verb.children
            ):
                return True
        if tok.lower_ == "called" and j > 1 and ctx.doc[j - 1].text == "-" and ctx.doc[j - 2].lower_ == "so":
            return True
    return False


def _direct(ctx: Context, starts: list[int], qs: QuotedSpan, used_cues: set[int], speakers: dict[int, Token]) -> _Found | None:
    doc = ctx.doc
    inside = _tokens(doc, starts, qs.start, qs.end)
    if not len(inside):
        return None
    after = _cue_after(doc, starts, qs)
    if after is None and (_is_title(ctx, starts, qs, inside) or _is_term(ctx, starts, qs)):
        return None
    governing = None if after is not None else _cue_governing(inside)
    cue = after or governing or _cue_before(ctx, starts, qs)
    glued = None if cue is not None else _glued_cue(ctx, starts, qs)
    if cue is None and glued is None:
        return _byline(ctx, starts, qs)
    text = _text(doc)[qs.start: qs.end]
    skip = ctx.original(qs.start, qs.end)[:2]
    if glued is not None:
        cue, subject = glued
        cue_text = cue.text[: cue.text.index('"')].rstrip(",: ")
        cue_span = (cue.idx, cue.idx + len(cue_text))
    else:
        subject, cue_text, cue_span = subject_of(cue), cue.text, _tok_span(cue)
    source: Source | None = None
    if subject is not None and not (inside.start <= subject.i < inside.end) and subject.lower_ not in NOT_SPEAKERS:
        source = speaker(ctx, subject, skip=skip)
    if source is None and len(text.split()) < _MIN_UNATTRIBUTED_WORDS:
        return None
    if len(text.split()) < 2 and after is None:
        return None  # a single word in marks inside a sentence is a term or a title ("Today"); '"Yes," he said' is a quote
    used_cues.add(cue.i)
    attribution = _attribution(cue, source, subject)
    if after is None and glued is None:
        clause = _content(ctx, cue)
        if clause:
            clause, sibling = _without_sibling(ctx, starts, cue, clause)
            if sibling is not None and subject is not None and not _own_subject(sibling):
                speakers[sibling.i] = subject
        if clause and clause[0][0] <= qs.open and clause[-1][1] > qs.start:
            outside = len(_text(doc)[clause[0][0]: qs.open].split()) + len(_text(doc)[qs.close + 1: clause[-1][1]].split())
            if outside >= 2:
                # 'He called the plan "a gamble"': the quoted words are part of the reported clause
                clause[0] = (min(clause[0][0], qs.open), clause[0][1]) if len(clause) > 1 else clause[0]
                clause[-1] = (clause[-1][0], max(clause[-1][1], qs.close + 1))
                return _Found(clause, "partial", cue, cue_span, cue_text, source, attribution, qs.close, [(qs.open, qs.close + 1)])
    return _Found([(qs.start, qs.end)], "direct", cue, cue_span, cue_text, source, attribution, qs.close)


# A dash that opens a byline, with the blank space around it: at most one blank line between the quote and the dash.
_BYLINE_DASH = re.compile(r"[ \t]*(?:\n[ \t]*){0,2}(\u2015|\u2014|\u2013|--?)[ \t]*(?=[A-Z])")
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _byline(ctx: Context, starts: list[int], qs: QuotedSpan) -> _Found | None:
    """A vox pop's or epigraph's byline: `"…" ― Carla Sanchez`, a quote closed by a dash and a name (`"…"` then a line
    `-Michelle Marks, Philadelphia.`). The name ends its line, or only a place or a description without a finite verb
    follows it (`-President Obama, tweeting after Clinton's speech.`); a dash in running prose (`"…" — Trump, of
    course, disagreed`) is no byline. The tokenizer often glues the dash to the mark or the name ('"―', '-Michelle'),
    so the dash and the name are read on the characters."""
    if not qs.closed:
        return None
    doc, text = ctx.doc, _text(ctx.doc)
    m = _BYLINE_DASH.match(text, qs.close + 1)
    if m is None:
        return None
    name_lo = m.end()
    line_end = text.find("\n", name_lo)
    line_end = len(text) if line_end < 0 else line_end
    k = bisect.bisect_right(starts, name_lo) - 1  # the token the name starts in (it may begin with the dash)
    names: list[Token] = []
    while k < len(doc) and doc[k].idx < line_end and (doc[k].pos_ == "PROPN" or doc[k].text == "." and names
                                                      and len(doc[k - 1].text) <= 3):
        if doc[k].pos_ == "PROPN":
            names.append(doc[k])
        k += 1  # the name's words ("Sonya Herridge", "Mr. Smith")
    if not names:
        return None
    rest = [t for t in doc[k:] if t.idx < line_end and not t.is_space]
    if rest and not (rest[0].text in {".", ",", "("} and not any(t.tag_ in _FINITE_TAGS for t in rest)):
        return None
    last = names[-1]
    start, end, written = ctx.original(name_lo, last.idx + len(last.text))
    mention = ctx.mention_of(last)
    source = Source(Participant("source", start, end, written, mention), start, end, written, None, "name")
    dash = (m.start(1), m.end(1))
    return _Found([(qs.start, qs.end)], "direct", None, dash, text[dash[0]: dash[1]], source, "speech", qs.close)


def _glued_cue(ctx: Context, starts: list[int], qs: QuotedSpan) -> tuple[Token, Token | None] | None:
    """'Maduro said,"What …': the tokenizer left the cue glued to the mark, so the parse around it is
    unreliable; the speaker is the name right before the glued cue."""
    i = bisect.bisect_right(starts, qs.open) - 1
    if i < 0:
        return None
    tok = ctx.doc[i]
    if '"' not in tok.text or tok.text[: tok.text.index('"')].rstrip(",: ").lower() not in GLUED_FORMS:
        return None
    prev = ctx.doc[i - 1] if i > 0 else None
    return tok, prev if prev is not None and (prev.pos_ in {"PROPN", "PRON"} or ctx.mention_of(prev) is not None) else None


def _cue_after(doc, starts: list[int], qs: QuotedSpan) -> Token | None:
    """`"…," X said` or `"…" said X`: a cue verb right after the closing mark, only its subject in between."""
    if not qs.closed:
        return None
    before = _text(doc)[:qs.open].rstrip()[-1:]
    if before.isalnum() and _text(doc)[qs.start: qs.end].rstrip()[-1:] in {".", "!", "?"}:
        return None  # 'the probe is "ongoing." He said …': a quote closing its sentence inside it; "He said" is the next one
    closes_sentence = _text(doc)[qs.start: qs.end].rstrip()[-1:] in {".", "!", "?"}
    introduced = _text(doc)[:qs.open].rstrip().endswith(":")  # 'He said: "…"': a speaker named before the quote
    i = bisect.bisect_left(starts, qs.close + 1)
    limit = min(len(doc), i + _AFTER_WINDOW)
    sent_end = doc[i].sent.end if i < len(doc) else i
    for j in range(i, min(limit, max(sent_end, i + 1))):
        tok = doc[j]
        if tok.text in _MARKS or "\n" in tok.text:
            return None
        if is_cue(tok) or _says_so(tok):
            subject = subject_of(tok)
            between = doc[i:j]
            allowed = set(range(subject.left_edge.i, subject.right_edge.i + 1)) if subject is not None and subject.i < j else set()
            if all(t.is_punct or t.is_space or t.i in allowed for t in between):
                if any(t.text in {"(", "["} for t in between):
                    return None  # '"…" [emphasis added]', '(paragraph breaks added)': an editor's note, not a speaker
                if closes_sentence and tok.i + 2 < len(doc) and doc[tok.i + 1].text in {":", ","} and doc[tok.i + 2].text in _MARKS:
                    return None  # '"… hard." Kennedy added: "…"': the cue opens the next quote
                if closes_sentence and tok.i + 1 < len(doc) and not doc[tok.i + 1].is_punct and any(
                        c.dep_ == "ccomp" and c.i > tok.i and (introduced or not any(t.text in _MARKS for t in c.subtree))
                        for c in tok.children):
                    # '"It's just not true." He said Clinton would not …', and after 'Mr Frost added: "…."' also
                    # 'Ian McCafferty said the economy had "slowed …"': the cue of the next sentence's clause
                    return None
                if closes_sentence and introduced and lemma_of(tok) not in ADDRESSEE_CUES and any(
                        c.dep_ == "dobj" and c.i > tok.i for c in tok.children):
                    # 'He said: "… Scotland and Wales." The Lib Dems accuse Mr Blair of …': the quote has its speaker
                    # before it, and the next sentence its own object ('"We will appeal." The club confirmed the
                    # decision' has none before it: the club's)
                    return None
                return tok
            return None
    return None


# Verbs of how words were said, not in the cue lexicon because they attribute only right after a quote.
_MANNER_VERBS = frozenset("""press joke laugh smile grin chuckle giggle sigh shrug snap bark shout yell scream whisper
    mutter murmur mumble stammer gasp sob beam gush enthuse muse quip retort interject interrupt persist venture
    plead beg surmise counter confess answer charge mock retaliate repeat read question wonder elaborate tease taunt
    scoff sneer boast brag marvel reflect lament protest fume vent chide scold demand""".split())


def _says_so(verb: Token) -> bool:
    """ '"…?" Mr Weingarten pressed.', '"…," she joked.': a verb of how words are said (``_MANNER_VERBS``), standing
    bare after a quote with its subject before it and nothing after it ("United lost." is no way of speaking)."""
    if verb.pos_ != "VERB" or verb.tag_ not in {"VBD", "VBZ"} or verb.i + 1 >= len(verb.doc) or lemma_of(verb) not in _MANNER_VERBS:
        return False
    if verb.doc[verb.i + 1].text not in {".", ","}:
        return False
    if any(c.i > verb.i and c.dep_ in {"dobj", "ccomp", "xcomp", "prep", "dative", "attr", "acomp", "advcl"} for c in verb.children):
        return False
    return any(c.dep_ == "nsubj" and c.i < verb.i and (c.pos_ in {"PROPN", "PRON"}) for c in verb.children)


def _cue_governing(inside: Span) -> Token | None:
    """A cue verb outside the quote that the quoted words hang from (partial quotes)."""
    lo, hi = inside.start, inside.end
    for tok in inside:
        if lo <= tok.head.i < hi:
            continue
        node = tok.head
        for _ in range(4):
            if lo <= node.i < hi:
                break
            if is_cue(node):
                return node
            if node.head.i == node.i:
                break
            node = node.head
    return None


def _cue_before(ctx: Context, starts: list[int], qs: QuotedSpan) -> Token | None:
    """A cue verb in the lead-in before the opening mark: the lead-in ends with a colon or comma (``Peskov said: "…"``),
    or the cue stands right before the mark (``told reporters "…"``)."""
    doc = ctx.doc
    first = bisect.bisect_left(starts, qs.open)
    if first == 0:
        return None
    sent = doc[first - 1].sent
    lo = sent.start
    lead = _text(doc)[sent.start_char: qs.open].rstrip()
    if not lead.strip() and sent.start > 0:
        # The quote opens a sentence: the lead-in is the previous sentence when it ends with a colon.
        prev = doc[sent.start - 1].sent
        if _text(doc)[prev.start_char: prev.end_char].rstrip().endswith(":"):
            lo, lead = prev.start, _text(doc)[prev.start_char: qs.open].rstrip()
    window = [t for t in doc[lo:first] if t.idx < qs.open]
    if any(t.text in _MARKS for t in window):
        window = window[max(i for i, t in enumerate(window) if t.text in _MARKS) + 1:]
    opens_clause = lead.endswith((":", ","))
    for k, tok in enumerate(reversed(window)):
        if is_cue(tok) and (opens_clause or k <= 3):
            return tok
    if opens_clause:
        for tok in reversed(window):
            if tok.pos_ == "VERB" and tok.lower_ != "according" and subject_of(tok) is not None:
                return tok
    return None


# --- cues with their content -------------------------------------------------------------------------


def _trimmed(doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Token range [lo, hi) without a leading "that", leading/trailing punctuation and spaces."""
    while lo < hi and ((doc[lo].lower_ == "that" and doc[lo].dep_ == "mark") or (doc[lo].is_punct and doc[lo].text not in _MARKS) or doc[lo].is_space):
        lo += 1
    while hi > lo and ((doc[hi - 1].is_punct and doc[hi - 1].text not in _MARKS and doc[hi - 1].text not in _UNIT_SIGNS)
                       or doc[hi - 1].is_space or doc[hi - 1].lower_ in {"and", "but"}):
        hi -= 1
    return (lo, hi) if hi > lo else None


_UNIT_SIGNS = frozenset({"%", "\u2030", "\u00b0"})  # part of the figure before them: "fell to 0.8%"


def _chars(doc, lo: int, hi: int) -> tuple[int, int]:
    return doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)


def _subtree_parts(doc, head: Token, minus: Token | None = None) -> list[tuple[int, int]]:
    """`head`'s subtree as canonical character pieces, without `minus`'s subtree (a parenthetical cue)."""
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    if minus is None or not (lo <= minus.i < hi):
        r = _trimmed(doc, lo, hi)
        return [_chars(doc, *r)] if r else []
    out = []
    for a, b in ((lo, minus.left_edge.i), (minus.right_edge.i + 1, hi)):
        r = _trimmed(doc, a, b)
        if r:
            out.append(_chars(doc, *r))
    return out


def _kind(doc, parts: list[tuple[int, int]]) -> str:
    """An attribution's kind from its content: partial when a piece holds a pair of quotation marks, else indirect."""
    return "partial" if any(_text(doc)[a:b].count('"') >= 2 for a, b in parts) else "indirect"


def _words(doc, parts: list[tuple[int, int]]) -> int:
    return sum(len(_text(doc)[a:b].split()) for a, b in parts)


_HEARERS_FIRST = frozenset({"tell", "inform", "assure", "remind", "advise", "warn", "notify"})


def _lost_subject(verb: Token, clause: Token, kids: list[Token], lemma: str) -> int | None:
    """Where a reported clause starts when the parser took its subject for the cue's object: "added underlying
    mortgage lending rose by £4m", "told the BBC lessons were being learned" (the clause has no subject of its own,
    and the object stands between the cue and it). After "told", the hearer's name comes first and is no part of
    it. None when the clause has its subject."""
    if clause.tag_ in {"VB", "VBG", "TO"} or any(c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj", "mark"} and c.i < clause.i
                                                   for c in clause.children):
        return None
    obj = next((c for c in kids if c.dep_ == "dobj" and verb.i < c.i < clause.i and c.pos_ in {"NOUN", "PROPN"}), None)
    if obj is None or obj.right_edge.i + 1 != clause.left_edge.i:
        return None
    start = obj.left_edge.i
    if lemma not in _HEARERS_FIRST:
        return start
    before = [t for t in obj.subtree if t.i < obj.i]
    if before and all(t.dep_ in {"det", "compound"} for t in before):
        return obj.i  # "told the committee MPs were wrong": the hearer is all before the clause's subject
    # "told the BBC senior officials were …": the hearer's name, with its article, opens the object
    names = [t for t in before if t.ent_type_ or t.pos_ == "PROPN" or t.dep_ == "det"]
    if not names or names[-1].i + 1 >= obj.i and obj.pos_ == "PROPN" and not obj.ent_type_:
        return None
    if any(t.i != k for k, t in enumerate(names, start=start)):
        return None  # "told reporters the plan had failed" has its hearer as the object, and no lost subject
    return names[-1].i + 1


def _content(ctx: Context, verb: Token) -> list[tuple[int, int]] | None:
    """The canonical character pieces a cue verb attributes (see the module docstring, pass 2)."""
    doc = ctx.doc
    lemma = lemma_of(verb)
    if lemma in _AS_CUES:
        return _seen_as(doc, verb)
    kids = list(verb.children)
    if any(c.dep_ == "prt" and c.lower_ in _OTHER_SENSE_PARTICLES.get(lemma, ()) for c in kids):
        return None
    things = [c for c in kids if c.dep_ in {"dobj", "nsubjpass"}]
    said = any(c.dep_ in {"ccomp", "xcomp", "oprd"} for c in kids)
    if (lemma == "assure" and any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ == "rest" for c in kids)
            or lemma in {"call", "tweet", "post"} and not said and any(lemma_of(c) in _POSTED_THINGS for c in things)
            or lemma == "post" and not said and not things and any(o.lower_ in _CHANNELS for o in _prep_objects(verb, "on"))):
        # "called a vote of no confidence", "tweeted a link to an essay", "a video posted on Facebook", "rest assured
        # that …": a procedure, a thing put online or an idiom, no words attributed
        return None
    if lemma == "find" and not any(c.dep_ == "ccomp" and (c.tag_ in _FINITE_TAGS or any(
            m.lower_ == "that" or m.dep_ == "aux" and m.tag_ in _FINITE_TAGS for m in c.children)) for c in kids) and any(
        c.dep_ == "dobj" and c.lower_.endswith(("self", "selves")) or c.dep_ == "aux" and c.lower_ == "to" for c in kids
    ):
        # "found himself at the centre of …" and "went to the border, only to find the military blocking …",
        # "trying to find a job": a finding of the doer's own, no report ("went on to find the mayor had lied" is one)
        return None
    for c in kids:
        if c.dep_ == "ccomp" and c.i > verb.i and c.left_edge.i < verb.i:
            # "which Mr. Clarke says he is doing everything to keep open", "what Trump says his plan would do": the
            # relative or wh- word fronted before the cue, then the clause after it
            front = [t for t in c.subtree if t.i < verb.i]
            if all(t.lower_ in _FRONTED for t in front):
                after = _trimmed(doc, verb.i + 1, c.right_edge.i + 1)
                return [_chars(doc, front[0].i, front[-1].i + 1)] + ([_chars(doc, *after)] if after else [])
        if c.dep_ == "ccomp" and c.i > verb.i or (c.dep_ == "ccomp" and any(t.text in _MARKS for t in c.subtree)):
            subject = _lost_subject(verb, c, kids, lemma)
            if subject is not None:
                r = _trimmed(doc, subject, c.right_edge.i + 1)
                return [_chars(doc, *r)] if r else None
            return _subtree_parts(doc, c) or None
    for c in kids:
        if c.dep_ == "ccomp":
            return _subtree_parts(doc, c) or None
    if lemma in _QUESTION_CUES:
        question = _asked_question(verb)
        if question is not None:
            return _subtree_parts(doc, question) or None
    if _as_reported(verb, lemma):
        return _subtree_parts(doc, verb.head, minus=verb) or None
    if verb.dep_ in {"conj", "dep"} and inverted_subject(verb) is not None:
        return _subtree_parts(doc, verb.head, minus=verb) or None  # "Prices will rise again, predicted the economist"
    if verb.dep_ in {"parataxis", "ccomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"} and (
        doc[verb.left_edge.i].text in {",", "—", "--", "("} or verb.left_edge.i > 0 and doc[verb.left_edge.i - 1].text in {",", "—", "--", "("}
    ) and not any(c.dep_ in {"dobj", "xcomp"} for c in kids) and not _own_prepositional_content(verb, lemma):
        # "The plan, he added, assumes …": the clause around the cue ("…, he said, referring to X" has its own)
        return _subtree_parts(doc, verb.head, minus=verb) or None
    if lemma in {"call", "push", "press", "argue"} and verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ == "for":
        # "called for the strongholds to be hit": the parser often makes "for" the mark of a clause
        clause = [c for c in kids if c.i > verb.i and c.dep_ not in {"punct", "cc", "conj"}]
        if clause:
            r = _trimmed(doc, verb.i + 2, max(c.right_edge.i for c in clause) + 1)
            return [_chars(doc, *r)] if r else None
    if lemma in _REFUSALS and not any(c.dep_ == "xcomp" and _is_cue_verb(c) for c in kids):
        return None
    for c in kids:
        if c.dep_ == "xcomp" and lemma == "continue" and not _is_cue_verb(c) or (
            c.dep_ == "xcomp" and lemma == "call" and any(o.dep_ in {"dobj", "oprd", "dative"} and o.i < c.i for o in kids)
            and not (verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ == "on")
        ):
            # "continuing to strengthen an alliance" is aspect, no speech ("continue to support him" still endorses);
            # "called Lavrov to arrange a meeting" and "called Mr. Maduro to relay his support" are telephone calls
            # ("called on young people to participate" asks)
            return None
        if c.dep_ == "xcomp" and (lemma in _XCOMP_CUES or c.i > verb.i and not any(o.dep_ == "dobj" for o in kids)):
            # "wants to …", "urged X to …"; and "He said legalizing it could …", a clause the parser took for a complement
            objs = [o for o in kids if o.dep_ in {"dobj", "dative"} and o.i < c.i]
            lo = objs[0].left_edge.i if objs else c.left_edge.i
            r = _trimmed(doc, lo, c.right_edge.i + 1)
            return [_chars(doc, *r)] if r else None
    if lemma in _CLAUSE_CUES and not any(c.dep_ == "dobj" and lemma_of(c) in _THAT_NOUNS for c in kids):
        return _after_colon(doc, verb)
    oprd = [c for c in kids if c.dep_ in {"oprd", "ccomp"} and c.i > verb.i]
    for c in kids:
        if c.dep_ == "dobj" and oprd and lemma in {"call", "name", "label", "brand", "dub", "deem", "consider"}:
            r = _trimmed(doc, c.left_edge.i, oprd[0].right_edge.i + 1)  # "called Clinton a liar"
            return [_chars(doc, *r)] if r else None
    if lemma == "write" and any(c.dep_ == "dobj" and _last_word(doc[c.left_edge.i: c.i + 1].text) in _WRITINGS
                                and _that_clause(c) is None for c in kids):
        return None  # "wrote an op-ed for The Hill" ("wrote his opinion that …" still attributes the clause)
    if not said and any(c.dep_ == "dobj" for c in kids) and (
            lemma == "offer" and not any(c.dep_ == "dative" for c in kids) and any(
                c.dep_ == "dobj" and lemma_of(c) in _WARES for c in kids)
            or lemma in {"show", "find"} and any(s.dep_ == "nsubj" and lemma_of(s) in _PLAYERS for s in kids)):
        # "EMI offers its catalogue", "the striker found the bottom corner": no words attributed
        return None
    if lemma in _NP_OTHER_SENSE and any(c.dep_ == "dobj" and c.lower_ in _NOT_CONTENT_OBJECTS for c in kids) or (
        lemma == "speak" and any(c.dep_ == "dobj" and c.lower_ == "volumes" for c in kids)
    ):
        # "Russia shows no signs of …", "the regime has found another way", "managed to maintain a relationship":
        # these verbs show, get or keep such things, and attribute nothing; "X speaks volumes about Y" says nothing
        return None
    for c in kids:
        if c.dep_ == "dobj" and (lemma in _NP_CUES or lemma_of(c) in _THAT_NOUNS):
            if c.lower_ in _PRONOUN_CONTENT or (lemma in ADDRESSEE_CUES) or (lemma == "address" and _audience(c)):
                continue
            if all(t.ent_type_ in {"DATE", "TIME"} or t.is_punct for t in c.subtree):
                continue  # "promised Feb. 18 at … he would not …": a date the parser made the object is no content
            hi = c.right_edge.i + 1
            for p in kids:
                if p.dep_ == "prep" and p.i > c.i and p.lower_ in {"of", "for", "over", "as"}:
                    hi = max(hi, p.right_edge.i + 1)
            r = _trimmed(doc, c.left_edge.i, hi)
            return [_chars(doc, *r)] if r else None
    obj = _prep_object(verb, lemma)
    if obj is not None:
        r = _trimmed(doc, obj.left_edge.i, obj.right_edge.i + 1)
        return [_chars(doc, *r)] if r else None
    if lemma not in {"say", "tell", "add", "continue"}:
        for c in kids:
            if c.dep_ == "prep" and c.lower_ in {"about", "for", "against", "on", "of"} and c.i > verb.i:
                objs = [o for o in c.children if o.dep_ in {"pobj", "pcomp"}]
                if objs and objs[0].lower_ not in _PRONOUN_CONTENT and objs[0].ent_type_ not in {"DATE", "TIME"}:
                    r = _trimmed(doc, objs[0].left_edge.i, objs[0].right_edge.i + 1)
                    return [_chars(doc, *r)] if r else None
        for c in kids:
            if c.dep_ == "dobj" and c.lower_ not in _PRONOUN_CONTENT and lemma not in ADDRESSEE_CUES and cue_kinds().get(lemma, "speech") != "speech":
                r = _trimmed(doc, c.left_edge.i, c.right_edge.i + 1)
                return [_chars(doc, *r)] if r else None
    passive = [c for c in kids if c.dep_ == "nsubjpass"]
    if passive and any(c.dep_ == "agent" for c in kids) and passive[0].lower_ not in _PRONOUN_CONTENT:
        # "Clinton has been endorsed by dozens of papers", "was first reported by the Post": the subject is what the
        # by-phrase endorses or reports
        r = _trimmed(doc, passive[0].left_edge.i, passive[0].right_edge.i + 1)
        return [_chars(doc, *r)] if r else None
    if lemma in {"warn", "urge", "tell", "estimate"}:
        objs = [c for c in kids if c.dep_ in {"dobj", "dative"}]
        comps = [c for c in kids if c.dep_ in {"xcomp", "oprd"}]
        if objs and comps:
            r = _trimmed(doc, min(objs[0].left_edge.i, comps[0].left_edge.i), max(objs[-1].right_edge.i, comps[-1].right_edge.i) + 1)
            return [_chars(doc, *r)] if r else None
    return _after_colon(doc, verb)


def _asked_question(verb: Token) -> Token | None:
    """ "asked workers if they planned to attend", "was asked by reporters whether …": the parser hangs the question
    as an adverbial clause. Not when something else is asked for or the clause is set off as a condition: "will ask
    for aid if the river rises", "would ask questions if she had the chance", "asked them to call if they saw the
    car", "asked about the budget, even if it was late"."""
    kids = list(verb.children)
    if any(c.dep_ in {"xcomp", "ccomp"} or c.dep_ == "prep" and c.lower_ in {"for", "about"} for c in kids):
        return None
    if any(c.dep_ == "dobj" and c.lemma_.lower() in _ASKED_THINGS for c in kids):
        return None
    doc = verb.doc
    for c in kids:
        mark = next((m for m in c.children if m.dep_ == "mark" and m.lower_ in {"if", "whether"}), None)
        if c.dep_ != "advcl" or mark is None or c.i < verb.i or mark.i != c.left_edge.i:
            continue
        between = doc[verb.i + 1: mark.i]
        if any(t.is_punct or t.pos_ in {"VERB", "AUX"} for t in between) or doc[mark.i - 1].lower_ in {"even", "only", "as"}:
            return None
        return c
    return None


def _seen_as(doc, verb: Token) -> list[tuple[int, int]] | None:
    """ "sees Mr. Netanyahu as captured by …", "see the campaign as most unfair": the object and what it is seen as.
    The parser hangs "as" on the verb (a preposition) or on the clause after the object (a mark or an adverb)."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    for c in verb.children:
        if c.i <= obj.i:
            continue
        if c.dep_ == "prep" and c.lower_ == "as":
            end = c.right_edge.i
        elif c.dep_ in {"advcl", "xcomp", "oprd", "ccomp", "acomp"} and any(
            g.lower_ == "as" and g.dep_ in {"mark", "advmod", "prep"} and g.i < c.i for g in c.children
        ) and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children):  # "saw the suspect as he fled": a time
            end = c.right_edge.i
        else:
            continue
        r = _trimmed(doc, obj.left_edge.i, end + 1)
        return [_chars(doc, *r)] if r else None
    return None


def _as_reported(verb: Token, lemma: str) -> bool:
    """ "As Reuters reported, the talks collapsed", "As Clyburn noted, those voters will …": a cue in a clause opened
    by "as", with a subject and nothing of its own to say, attributes the clause it hangs on. ("As he said he would,
    …" has its own; "as expected" has no speaker.)"""
    if verb.dep_ != "advcl" or verb.head.pos_ not in {"VERB", "AUX"} or lemma not in _AS_REPORTED:
        return False  # "As the minister spoke, protesters gathered", "as he welcomed the guests": a time, not a source
    if _is_cue_verb(verb.head):
        return False  # "As the senator testified, she denied …": the clause has its own cue
    kids = list(verb.children)
    if any(c.dep_ == "prep" and (c.lower_ in _PREP_CUES.get(lemma, ()) or c.lower_ == "to") for c in kids):
        return False  # "as she called for the amendment", "As Clinton talked about …", "as they speak to voters"
    return (any(c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i for c in kids)
            and any(c.dep_ == "nsubj" and c.i < verb.i for c in kids)
            and not any(c.dep_ in {"dobj", "ccomp", "xcomp", "dative", "attr", "oprd"} for c in kids))


def _own_prepositional_content(verb: Token, lemma: str) -> bool:
    """ "…, he said, referring to other comments", "calling for heavy tariffs", "…, although Nelson voted against the
    package": a participle or a subordinate clause set off by a comma whose own prepositional phrase is what it
    attributes. A parenthetical cue keeps the clause around it ("The deal, he wrote on Monday, was …", "The
    tariffs, he wrote on Truth Social, will …"), and a date is no content."""
    if verb.tag_ != "VBG" and not any(c.dep_ == "mark" for c in verb.children):
        return False
    return _prep_object(verb, lemma) is not None


def _prep_objects(tok: Token, word: str) -> list[Token]:
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == word for g in c.children if g.dep_ == "pobj"]


def _prep_object(verb: Token, lemma: str) -> Token | None:
    """The object of the preposition that gives a cue its content ("talked about the harbour", ``_PREP_CUES``),
    when it is one: no pronoun ("spoke of it") and no date ("wrote on Monday")."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in _PREP_CUES.get(lemma, ()):
            objs = [o for o in c.children if o.dep_ in {"pobj", "pcomp"}]
            if objs and objs[0].lower_ not in _PRONOUN_CONTENT and objs[0].ent_type_ not in {"DATE", "TIME"}:
                return objs[0]
    return None


def _last_word(text: str) -> str:
    """The last word of a noun phrase as written, lower-cased: "an op-ed" → "op-ed", "the 'letter'" → "letter"."""
    words = re.findall(r"[\w-]+", text.lower())
    return words[-1] if words else ""


def _after_colon(doc, verb: Token) -> list[tuple[int, int]] | None:
    """"The governor added: It's typical of …": a colon right after the cue opens its content, to the end of the
    sentence, or the next sentence when the colon ends this one (the parser often starts a sentence after it)."""
    sent = verb.sent
    j = verb.i + 1
    while j < min(sent.end, verb.i + 5) and not doc[j].is_punct:
        j += 1
    if j >= len(doc) or doc[j].text != ":":
        return None
    lo, hi = j + 1, sent.end
    if _trimmed(doc, lo, hi) is None and hi < len(doc):
        hi = doc[hi].sent.end
    if "\n" in doc[lo:hi].text.strip():
        hi = next(t.i for t in doc[lo:hi] if "\n" in t.text and t.i > lo)
    r = _trimmed(doc, lo, hi)
    return [_chars(doc, *r)] if r and r[1] - r[0] >= 3 else None


def _one_name(ctx: Context, parts: list[tuple[int, int]]) -> bool:
    span = ctx.doc.char_span(parts[0][0], parts[-1][1], alignment_mode="expand")
    return span is not None and len(span) == 1 and (span[0].pos_ == "PROPN" or ctx.mention_of(span[0]) is not None)


def _claim_noun_content(ctx: Context, verb: Token) -> tuple[list[tuple[int, int]], Token] | None:
    """"broke the news that …", "issued a statement that …": the object of a verb that carries a claim only through a
    claim noun (``CLAIM_VERBS``) is a noun of ``_THAT_NOUNS``, and its "that" clause (``_that_clause``) the content."""
    for child in verb.children:
        if child.dep_ in {"dobj", "attr"} and lemma_of(child) in _THAT_NOUNS:
            clause = _that_clause(child)
            parts = _subtree_parts(ctx.doc, clause) if clause is not None else None
            if parts:
                return parts, child
    return None


def _covered(found: list[_Found], parts: list[tuple[int, int]]) -> bool:
    """Whether earlier records make up most of `parts`: then it is already found."""
    lo, hi = parts[0][0], parts[-1][1]
    covered = sum(max(0, min(b, hi) - max(a, lo)) for f in found for a, b in f.parts)
    return covered > 0.6 * max(1, hi - lo)


def _is_cue_verb(tok: Token) -> bool:
    return tok.pos_ in {"VERB", "AUX"} and lemma_of(tok) in cue_kinds() and not (
        tok.i >= 2 and tok.nbor(-1).text == "-" and tok.nbor(-2).lower_ == "so"
    ) and not (lemma_of(tok) in _AS_CUES and _seen_as(tok.doc, tok) is None)


def _may_cue(ctx: Context, lowers: set[str], lemmas: frozenset[str] | set[str], pos: set[int],
             deps: set[str] | None = None) -> list[Token]:
    """The tokens a cue search must look at, found on the context's arrays: those whose lower-case form is one of
    `lowers`, or whose part of speech is in `pos`, lower-cased lemma in `lemmas` and (when given) dependency in `deps`.
    The search itself then runs on each unchanged; every other token it would have passed over."""
    strings = ctx.doc.vocab.strings
    words = {strings[w] for w in lowers}
    dep_ids = {strings[d] for d in deps} if deps is not None else None
    lemma_ok: dict[int, bool] = {}
    fixed = {strings[form]: lemma in lemmas for form, lemma in LEMMA_FIXES.items()}  # "hoping": the model says "hop"
    tokens = ctx.tokens()
    out = []
    for i, (_, lower, lemma, p, _, dep) in enumerate(ctx.columns()):
        if lower in words:
            out.append(tokens[i])
        elif p in pos and (dep_ids is None or dep in dep_ids):
            ok = fixed.get(lower)
            if ok is None:
                ok = lemma_ok.get(lemma)
            if ok is None:
                ok = lemma_ok[lemma] = strings[lemma].lower() in lemmas
            if ok:
                out.append(tokens[i])
    return out


def _indirect(ctx: Context, starts: list[int], direct: list[_Found], used_cues: set[int],
              speakers: dict[int, Token]) -> list[_Found]:
    doc = ctx.doc
    out: list[_Found] = []
    # "according", "in", and verbs that are cues or claim verbs: no other token passes the tests below
    for tok in _may_cue(ctx, {"according", "in"}, cue_kinds().keys() | CLAIM_VERBS, {VERB, AUX}):
        if tok.i in used_cues:
            continue
        if tok.lower_ == "according":
            f = _according(ctx, tok, direct + out)
            if f is not None:
                out.append(f)
            continue
        if tok.lower_ == "in" and tok.dep_ == "prep":
            f = _in_document(ctx, tok, direct + out)
            if f is not None:
                out.append(f)
            continue
        cue_word = tok
        claim = None
        if _is_cue_verb(tok):
            if any(c.dep_ == "neg" for c in tok.children) and lemma_of(tok) in {"say", "tell", "add", "explain", "comment"}:
                continue  # "did not say in what way …" reports nothing; "did not mention Trump" still attributes
            parts = _content(ctx, tok)
        elif tok.pos_ == "VERB" and lemma_of(tok) in CLAIM_VERBS:
            claim = _claim_noun_content(ctx, tok)
            parts = claim[0] if claim else None
        else:
            continue
        sibling = None
        if parts and claim is None:
            parts, sibling = _without_sibling(ctx, starts, tok, parts)
        if not parts or _covered(direct + out, parts):
            continue
        if _words(doc, parts) < 2 and not _one_name(ctx, parts):
            continue  # one word is a name ("endorsed Clinton") or nothing worth attributing ("said so")
        lo, hi = parts[0][0], parts[-1][1]
        if lo <= tok.idx < hi and len(parts) == 1:
            continue
        if any(a <= tok.idx < b and not (a <= lo and hi <= b) for f in direct for a, b in f.parts):
            continue  # a cue inside quoted words ("who told her: “We think …”") attributes nothing outside them
        subject = speakers.get(tok.i) or subject_of(tok)
        source = None
        if subject is not None:
            if any(a <= subject.idx < b for a, b in parts) or (subject.lower_ in NOT_SPEAKERS and subject.lower_ not in _VOICES and not (
                subject.lower_ == "it" and lemma_of(tok) in _DOCUMENT_CUES)) or subject.lower_ == "there":
                continue
            if subject.pos_ == "NOUN" and subject.lower_ in _DEED_SUBJECTS and lemma_of(tok) in _INFERENCE_CUES:
                continue
            source = speaker(ctx, subject, skip=ctx.original(lo, hi)[:2])
        elif any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in tok.children) and any(
            c.dep_ == "aux" and c.lower_ in _AUTHOR_MODALS for c in tok.children
        ):
            continue  # "It should be noted that …", "it must be said that …": the author's own voice
        elif not (tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children)) and not (
            tok.tag_ in {"VBD", "VBZ", "VBP"} and any(c.dep_ == "ccomp" for c in tok.children)
        ):
            continue  # a finite cue with a clause still attributes it when the parser lost its subject
        marks = [(f.closes, f) for f in direct if lo <= f.lo and f.hi <= hi]
        kind = "partial" if marks else _kind(doc, parts)
        for _, f in marks:
            direct.remove(f)  # the quoted words are part of this clause
        if claim is not None:
            cue_span = (tok.idx, claim[1].idx + len(claim[1].text))
        else:
            cue_span = _tok_span(cue_word)
        cue_text = _text(doc)[cue_span[0]: cue_span[1]]
        attribution = _attribution(tok, source, subject)
        if claim is not None and attribution != "report":
            attribution = _THAT_NOUNS[lemma_of(claim[1])]  # "made the claim that …" claims, "issued a statement" speaks
        out.append(_Found(parts, kind, tok, cue_span, cue_text, source, attribution))
        used_cues.add(tok.i)
        if sibling is not None and subject is not None and not _own_subject(sibling):
            speakers[sibling.i] = subject  # "X said A and warned B", "X said A, citing B": B is X's too
    return out


def _own_subject(verb: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "csubj"} for c in verb.children)


def _without_sibling(ctx: Context, starts: list[int], verb: Token,
                     parts: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], Token | None]:
    """A content without the attribution that closes it. The parser often hangs a second cue of the same speaker on
    the verb of the first one's clause: "X said A and warned B", "X said A, citing B", "X said A, though she noted B",
    or a fronted relative "X said A, which he said B". Each is an attribution of its own (PolNeAR gives them apart,
    and never one inside the other's content: "X said he believes A" stays one). Returns the content cut before the
    first such cue, and that cue; a cue lower in the clause ("… when police located her and told her to leave") is
    part of what is reported."""
    doc = ctx.doc
    lo, hi = parts[0][0], parts[-1][1]
    inside = _tokens(doc, starts, lo, hi)
    tops = {t.i for t in inside if not (lo <= t.head.idx < hi) or t.head.i == t.i}  # the clause's own verb (or noun)
    for t in inside:
        if t.i <= verb.i or not _is_cue_verb(t) or t.right_edge.idx + len(t.right_edge.text) < hi:
            continue
        first = t.left_edge
        if first.idx <= lo:
            continue
        before = doc[first.i - 1]
        lead = _text(doc)[lo: first.idx]
        if (lead.count('"') + lead.count("''")) % 2:
            continue  # inside the speaker's own quoted words
        clause = t.head.i in tops and t.head.dep_ == "ccomp" and t.head.head.i == verb.i  # "X said [A …]"
        if t.dep_ == "conj":
            # "… and warned B": coordinated with the reported clause's verb, without a subject of its own
            ok = clause and not _own_subject(t) and before.lower_ in {"and", "but", ","}
        elif t.dep_ == "advcl":
            # ", citing B", ", adding that B"; ", though she noted B"
            ok = clause and (
                (t.tag_ == "VBG" and first.i == t.i and before.text in {",", "—", "--", "―"})
                or (first.dep_ == "mark" and first.lower_ in {"though", "although"} and _own_subject(t)))
        elif t.dep_ == "relcl":
            # ", which he said B": the relative word is part of what is said, not its speaker
            ok = first.lower_ in {"which", "who", "whom"} and before.text == "," and any(
                c.dep_ == "nsubj" and c.i != first.i for c in t.children)
        else:
            ok = False
        if not ok:
            continue
        own = _content(ctx, t)
        if not own or own[0][0] < first.idx or _words(doc, own) - (first.lower_ in _FRONTED) < 2:
            continue
        kept = [(a, min(b, first.idx)) for a, b in parts if a < first.idx]
        kept = [r for r in (_trimmed_chars(doc, starts, a, b) for a, b in kept) if r]
        if kept:
            return kept, t
    return parts, None


def _trimmed_chars(doc, starts: list[int], a: int, b: int) -> tuple[int, int] | None:
    """The canonical characters [a, b) without what ``_trimmed`` drops at either end."""
    r = _trimmed(doc, bisect.bisect_left(starts, a), bisect.bisect_left(starts, b))
    return _chars(doc, *r) if r else None


# Nouns and adjectives that attribute what their preposition introduces ("his support for Clinton", "took a swipe at
# Rubio", "was critical of the deal"), with the kind of attribution each makes.
_NOUN_CUES = {
    **dict.fromkeys("support endorsement praise tribute defense defence backing".split(), "endorsement"),
    **dict.fromkeys("criticism critique attack swipe dig shot opposition complaint jab broadside".split(), "endorsement"),
    **dict.fromkeys("denial rejection".split(), "denial"),
    **dict.fromkeys("claim accusation allegation argument case charge".split(), "claim"),
    **dict.fromkeys("hope view position stance concern fear belief doubt".split(), "belief"),
    **dict.fromkeys("comment remark statement mention reference call request promise pledge vow warning message question "
                    "plea demand speech announcement declaration".split(), "speech"),
}
_ADJ_CUES = {
    **dict.fromkeys("critical supportive dismissive".split(), "endorsement"),
    **dict.fromkeys("skeptical sceptical confident upbeat optimistic pessimistic worried concerned sure certain proud "
                    "tired angry convinced hopeful aware unsure doubtful fearful wary".split(), "belief"),
}
_CUE_PREPS = frozenset({"for", "of", "on", "about", "at", "to", "against", "over"})


# Verbs whose subject receives what their object noun gives: "the plan faced criticism from X", "Clinton won support
# from the unions", "the deal sparked criticism from Congress".
_RECEIVE_VERBS = frozenset("face draw spark earn win receive get attract garner gain secure trigger prompt provoke invite "
                           "court enjoy".split())
# Of those, and of verbs of bearing, the ones whose subject is no source of a cue noun's words when nobody gives them
# ("the law drew criticism for its wording", "received praise for the deal"); PolNeAR gives the subject of "faces
# questions about" and "won support for" as their source, so those stay with `subject_of`.
_RECEIVING_VERBS = frozenset("receive draw attract weather endure".split())
# Cue nouns that also name a use of force ("the attack by Hamas on Israel", "a shot from Berger", "a jab"): given by
# anyone but a person, they are words only when they are about something ("an attack from the union over the plan").
_FORCE_NOUNS = frozenset("attack shot jab defence defense".split())


def _nominal_cues(ctx: Context, found: list[_Found]) -> list[_Found]:
    """"his support for Clinton", "X took a swipe at Y", "X was critical of Y": the object of the preposition is the
    content; the possessor, or the subject of the verb the noun or adjective completes, is the source. A noun's
    "from"/"by" phrase names its source instead ("the criticism of her actions by Comey"), and then a noun without a
    content preposition attributes what the verb's subject receives ("the plan faced criticism from environmentalists",
    "Clinton won support from the unions": the plan, Clinton)."""
    doc = ctx.doc
    out: list[_Found] = []
    # cue nouns, and cue adjectives completing a verb: no other token passes the tests below
    may = _may_cue(ctx, set(), _NOUN_CUES.keys(), {NOUN}) + _may_cue(ctx, set(), _ADJ_CUES.keys(), {ADJ}, {"acomp", "oprd"})
    for tok in sorted(may, key=lambda t: t.i):
        low = lemma_of(tok)
        if tok.pos_ == "NOUN" and low in _NOUN_CUES:
            kind = _NOUN_CUES[low]
        elif tok.pos_ == "ADJ" and low in _ADJ_CUES and tok.dep_ in {"acomp", "oprd"}:
            kind = _ADJ_CUES[low]
        else:
            continue
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in _CUE_PREPS and c.i > tok.i), None)
        giver = _giver(tok, prep) if tok.pos_ == "NOUN" else None
        if prep is None and giver is None:
            continue
        received = False
        if tok.dep_ == "attr" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            continue  # "the gangs are no doubt on the lookout for …": an adverb, no belief of theirs
        if prep is not None and prep.lower_ == "of" and low in {"support", "endorsement"} and lemma_of(tok.head) in {
                "have", "win", "get", "gain", "enjoy", "receive", "draw", "attract"}:
            continue  # "Clinton has the support of women": the possessor is the content, the of-phrase the source
        if prep is not None:
            objs = [o for o in prep.children if o.dep_ in {"pobj", "pcomp"}]
            if not objs or objs[0].lower_ in _PRONOUN_CONTENT:
                continue
            content = objs[0]
        else:
            content = _receiver(tok)
            if content is None:
                continue
        r = _trimmed(doc, content.left_edge.i, content.right_edge.i + 1)
        if r is None:
            continue
        parts = [_chars(doc, *r)]
        if _covered(found + out, parts):
            continue
        if giver is not None:
            source = speaker(ctx, giver, skip=ctx.original(*parts[0])[:2])
            cue_end = prep if prep is not None and prep.i > tok.i and (giver.i > prep.i or prep.i == tok.i + 1) else tok
        else:
            poss = next((c for c in tok.children if c.dep_ == "poss"), None)
            if poss is None and low in {"call", "criticism", "support", "attack"}:
                # "the Obama/Clinton calls for regime change": a name before the noun is whose call it is
                poss = next((c for c in tok.children if c.dep_ == "compound" and ctx.mention_of(c) is not None), None)
            subject = poss
            received = subject is None and tok.dep_ == "dobj" and lemma_of(tok.head) in _RECEIVING_VERBS
            if subject is None and not received and (tok.dep_ in {"dobj", "acomp", "oprd", "attr"}) and tok.head.pos_ in {"VERB", "AUX"}:
                subject = subject_of(tok.head)
            if received:
                source = None  # "the plan drew criticism over its cost": who criticised is not said
            elif subject is None or subject.lower_ in NOT_SPEAKERS or subject.lower_ in {"there", "it", "its"}:
                continue
            else:
                source = _possessive(ctx, subject, parts) if subject.lower_ in {"his", "her"} else \
                    speaker(ctx, subject, skip=ctx.original(*parts[0])[:2])
            cue_end = prep
        if source is None and not received:
            continue
        cue_span = (tok.idx, cue_end.idx + len(cue_end.text))
        out.append(_Found(parts, _kind(doc, parts), tok, cue_span, _text(doc)[cue_span[0]: cue_span[1]], source, kind))
    return out


def _giver(tok: Token, prep: Token | None) -> Token | None:
    """The noun phrase of a cue noun's "from" or "by" phrase ("criticism from many environmentalists"), when it can be a
    speaker; for a noun of force (``_FORCE_NOUNS``) only a person, or anyone when the content preposition `prep` says
    what the words are about ("over", "about")."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in {"from", "by"} and c.i > tok.i:
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is not None and obj.lower_ not in NOT_SPEAKERS and obj.pos_ in {"PROPN", "NOUN", "PRON"} and \
                    obj.ent_type_ not in {"DATE", "TIME", "GPE", "LOC"}:
                if lemma_of(tok) in _FORCE_NOUNS and obj.ent_type_ != "PERSON" and (prep is None or prep.lower_ not in {"over", "about"}):
                    return None  # "the attack by Hamas on Israel", "Israel faced an attack from Hamas"
                return obj
    return None


def _receiver(tok: Token) -> Token | None:
    """The subject that receives a cue noun which is the object of a verb of receiving ("the plan faced criticism")."""
    if tok.dep_ == "dobj" and lemma_of(tok.head) in _RECEIVE_VERBS:
        return subject_of(tok.head)
    return None


# Nouns whose "that" clause is what someone said, claimed or believes ("Trump's claim that …", "a Times report that
# …", "complaints that …", "broke the news that …"), with the kind of attribution each makes; a cue verb's object of
# one of these is its content too ("denied the report"). Nouns whose clause is nobody's words ("the fact
# that", "the idea that", "the possibility that", "a sign that") are left out.
_THAT_NOUNS = {
    **dict.fromkeys("""claim assertion allegation accusation charge argument contention insistence conclusion estimate
                    prediction projection pronouncement rumor rumour speculation""".split(), "claim"),
    **dict.fromkeys("""statement announcement warning suggestion promise pledge vow assurance remark complaint criticism
                    acknowledgment acknowledgement admission reminder demand message testimony report news word""".split(),
                    "speech"),
    **dict.fromkeys("belief fear hope concern worry suspicion".split(), "belief"),
    "denial": "denial",
}
# Of these, nouns that are nobody's word unless someone is named for them ("the news that …" is the author's own).
_SOURCED_NOUNS = frozenset({"news", "word"})
# Nouns of a speech act whose "to" clause is what someone said they would do or asked for ("Obama's promise to close
# Guantanamo", "her call to resign"). An intention ("his decision to act alone", "a plan to", "a bid to") is what
# someone did or meant, not what they said, and a refusal's clause reads as the opposite of its source's word.
_TO_NOUNS = dict.fromkeys("promise pledge vow threat offer proposal call request demand plea".split(), "speech")
# Verbs whose object noun is the subject's own claim: "X made the claim that …", "X repeated his warning that …".
_OWN_NOUN_VERBS = frozenset("make issue repeat reiterate voice express offer give deliver echo level raise renew "
                            "double stand".split())
# Verbs of a clause that, with no object of their own, show a relative clause the parser took for a complement
# ("the claim that he made", "the warning that she issued").
_RELATIVE_VERBS = _OWN_NOUN_VERBS | frozenset("hear dismiss reject deny cite support back rebut refute spread publish "
                                              "release write send post tweet receive read generate prompt fuel spark "
                                              "stoke trigger draw create cause".split())


def _that_clause(tok: Token) -> Token | None:
    """The verb of the "that" clause `tok` governs: a child clause opened by "that" ("the claim that …"), or one the
    parser hung on a verb above the noun, right after it ("repeated his claim that …", "seized on a report that …")."""
    def opens_with_that(verb: Token) -> bool:
        return any(c.dep_ == "mark" and c.lower_ == "that" and c.i > tok.i for c in verb.children)

    clause = next((c for c in tok.children if c.dep_ in {"acl", "ccomp", "relcl", "appos"} and c.i > tok.i
                   and opens_with_that(c)), None)
    if clause is None and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "that" and tok.nbor(1).dep_ == "mark":
        verb = tok.nbor(1).head
        if verb.dep_ in {"advcl", "ccomp"} and verb.i > tok.i and tok.dep_ in {"dobj", "attr", "pobj"} and any(
                a == verb.head for a in tok.ancestors):
            clause = verb
    if clause is None:
        return None
    if lemma_of(clause) in _RELATIVE_VERBS and not any(
            c.dep_ in {"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "nsubjpass", "dative", "prt"} for c in clause.children):
        return None
    return clause


def _that_nouns(ctx: Context, found: list[_Found]) -> list[_Found]:
    """"Trump's claim that …", "a New York Times report that …", "his warning that …", "complaints that …": the "that"
    clause is the content, the noun the cue; the source is the possessor, a "by"/"from" phrase, a name before the noun
    ("the DOJ demand that …"), or the subject of a verb that makes the noun its own ("X made the claim that …"); with
    none of these the claim is written without a source ("despite complaints that …"). "Obama's promise to …", "her
    call to …": a speech noun's "to" clause is the content too, but only with a source of its own (a promise nobody is
    named for is no one's word)."""
    doc = ctx.doc
    out: list[_Found] = []
    for tok in _may_cue(ctx, set(), _THAT_NOUNS.keys() | _TO_NOUNS.keys(), {NOUN}):
        low = lemma_of(tok)
        clause = _that_clause(tok) if low in _THAT_NOUNS else None
        to_clause = _to_clause(tok) if clause is None and low in _TO_NOUNS else None
        if clause is None and to_clause is None:
            continue
        parts = _subtree_parts(doc, clause or to_clause)
        if not parts or _words(doc, parts) < 3 or _covered(found + out, parts):
            continue
        if to_clause is not None and _inside_cue(tok):
            continue  # "Scarborough slammed Trump's promise to …": the promise is what the outer cue reports
        source = _noun_source(ctx, tok, clause or to_clause, parts)
        if source is None and (to_clause is not None or low in _SOURCED_NOUNS):
            continue
        cue_span = _tok_span(tok)
        kind = _kind(doc, [(parts[0][0], parts[-1][1])])  # the marks may stand in the gaps between the pieces
        attribution = _THAT_NOUNS[low] if clause is not None else _TO_NOUNS[low]
        out.append(_Found(parts, kind, tok, cue_span, _text(doc)[cue_span[0]: cue_span[1]], source, attribution))
    return out


def _inside_cue(tok: Token) -> bool:
    """Whether the noun phrase of `tok` is the object of a cue verb or of a cue noun's preposition ("criticized his
    promise to …", "her support for his call to …")."""
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif tok.dep_ not in {"dobj", "attr", "nsubjpass"}:
        return False
    return _is_cue_verb(head) or (head.pos_ == "NOUN" and lemma_of(head) in _NOUN_CUES)


def _to_clause(tok: Token) -> Token | None:
    """The verb of the "to" clause a speech noun governs ("his promise to act alone")."""
    return next((c for c in tok.children if c.dep_ in {"acl", "xcomp", "relcl"} and c.i > tok.i and c.pos_ in {"VERB", "AUX"}
                 and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)


def _noun_source(ctx: Context, tok: Token, clause: Token, parts) -> Source | None:
    """Whose claim noun `tok` is: its possessor, a "by"/"from" phrase, a name before it, or the subject of a verb that
    makes the noun its own; None when the text names nobody."""
    skip = ctx.original(parts[0][0], parts[-1][1])[:2]
    poss = next((c for c in tok.children if c.dep_ == "poss"), None)
    if poss is not None:
        if poss.lower_ in {"his", "her", "their"}:
            return _possessive(ctx, poss, parts)
        return None if poss.lower_ in NOT_SPEAKERS | {"its", "my", "our", "your"} else speaker(ctx, poss, skip=skip)
    by = next((o for c in tok.children if c.dep_ == "prep" and c.lower_ in {"by", "from"} and c.i < clause.i
               for o in c.children if o.dep_ == "pobj"), None)
    if by is not None and by.lower_ not in NOT_SPEAKERS:
        return speaker(ctx, by, skip=skip)
    named = next((c for c in tok.children if c.dep_ == "compound" and ctx.mention_of(c) is not None), None)
    if named is not None:
        return speaker(ctx, named, skip=skip)
    if tok.dep_ in {"dobj", "attr"} and lemma_of(tok.head) in _OWN_NOUN_VERBS:
        subject = subject_of(tok.head)
        if subject is not None and subject.lower_ not in NOT_SPEAKERS:
            return speaker(ctx, subject, skip=skip)
    return None


def _possessive(ctx: Context, tok: Token, parts) -> Source | None:
    """"his support for …": the person his stands for, resolved like a "he"."""
    from newsgraph.extract.quote_speakers import resolve_pronoun

    start, end, text = ctx.span_original(tok)
    mention = resolve_pronoun(ctx, tok, skip=ctx.original(*parts[0])[:2])
    return Source(Participant("source", start, end, text, mention), start, end, text, None, "pronoun")


def _in_document(ctx: Context, tok: Token, found: list[_Found]) -> _Found | None:
    """"In this poll, Trump rose 1 point", "Clinton led by 5 points in the previous Post/ABC poll": a clause that a poll,
    report or statement states, when its verb is no cue of its own ("In a statement, X said" is the cue's)."""
    doc = ctx.doc
    head = tok.head
    objs = [c for c in tok.children if c.dep_ == "pobj"]
    if not objs or lemma_of(objs[0]) not in DOCUMENT_NOUNS or lemma_of(objs[0]) in {"data", "story", "book", "video"}:
        return None
    if head.pos_ not in {"VERB", "AUX"} or head.dep_ not in {"ROOT", "conj"} or _is_cue_verb(head) or lemma_of(head) in {
        "be", "appear", "publish", "write", "say", "tell", "include", "mention", "cite", "quote"}:
        return None
    if not any(c.dep_ in {"nsubj", "nsubjpass"} for c in head.children):
        return None
    parts = _subtree_parts(doc, head, minus=tok)
    if not parts or _covered(found, parts) or _words(doc, parts) < 3:
        return None
    skip = ctx.original(parts[0][0], parts[-1][1])[:2]
    if lemma_of(objs[0]) in _FINDINGS:
        source, cue = speaker(ctx, objs[0], skip=skip), tok
    else:
        # "In an interview with The Post, Mr. Schultz likened RT to the BBC": the subject speaks, its verb is the cue
        subject = next(c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"})
        if subject.lower_ in NOT_SPEAKERS or subject.i > head.i:
            return None
        source, cue = speaker(ctx, subject, skip=skip), head
        pieces = [(head.i + 1, head.right_edge.i + 1)]
        if head.i < tok.i <= head.right_edge.i:
            pieces = [(head.i + 1, tok.left_edge.i), (tok.right_edge.i + 1, head.right_edge.i + 1)]
        parts = [_chars(doc, *r) for r in (_trimmed(doc, a, b) for a, b in pieces) if r]
        if not parts or _words(doc, parts) < 3 or _covered(found, parts):
            return None
    cue_span = _tok_span(cue)
    return _Found(parts, "indirect", cue, cue_span, _text(doc)[cue_span[0]: cue_span[1]], source,
                  "report" if cue.i == tok.i else _attribution(cue, source, None))


def _according(ctx: Context, tok: Token, found: list[_Found]) -> _Found | None:
    """`according to X, …` / `…, according to X`: X's claim is the rest of the sentence (``_according_clause``); X is any
    noun phrase."""
    doc = ctx.doc
    if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
        return None
    to = doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
    if not objs:
        return None
    source_tok = objs[0]
    phrase_lo, phrase_hi = tok.i, max(tok.right_edge.i, to.right_edge.i, source_tok.right_edge.i) + 1
    named = _name_set_off(doc, phrase_hi) if source_tok.tag_ == "NN" and descriptions().get(lemma_of(source_tok), ("",))[0] == "person" else None
    if named is not None:
        source_tok, phrase_hi = named  # "According to its Paris lawyer, Emmanuel Gaillard of Shearman, the claim …"
    pieces = _according_clause(doc, tok, phrase_lo, phrase_hi)
    if not pieces:
        return None
    parts = [_chars(doc, *r) for r in pieces]
    if _covered(found, parts):
        return None
    lo, hi = parts[0][0], parts[-1][1]
    source = speaker(ctx, source_tok, skip=ctx.original(lo, hi)[:2])
    kind = _kind(doc, parts)
    cue_span = (tok.idx, to.idx + len(to.text))
    return _Found(parts, kind, tok, cue_span, _text(doc)[cue_span[0]: cue_span[1]], source, "report")


def _name_set_off(doc, i: int) -> tuple[Token, int] | None:
    """A person's name set off by commas at token `i` (", Emmanuel Gaillard of Shearman and Sterling,"): its last
    word and the token after the closing comma; None when the words there are no such apposition (a verb, no name
    first, no closing comma within a few words)."""
    if i + 2 >= len(doc) or doc[i].text != "," or doc[i + 1].ent_type_ != "PERSON" or doc[i + 1].ent_iob_ != "B":
        return None
    last = i + 1
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I" and doc[last + 1].ent_type_ == "PERSON":
        last += 1
    if doc[last].dep_ in {"nsubj", "nsubjpass"}:
        return None  # "According to police, John Smith, 45, was arrested": the content's own subject
    for k in range(last + 1, min(len(doc), last + 8)):
        if doc[k].text == ",":
            return doc[last], k + 1
        if doc[k].pos_ in {"VERB", "AUX"} or doc[k].is_sent_start:
            return None
    return None


def _according_clause(doc, tok: Token, phrase_lo: int, phrase_hi: int) -> list[tuple[int, int]]:
    """The token range an "according to" phrase (tokens [phrase_lo, phrase_hi)) attributes: the rest of its sentence on
    the side of the word the phrase hangs on (PolNeAR gives it all, coordinated clauses too: "X raised $2 million,
    while Y raised $6 million, according to …"), so "… after, according to him, the network censured his report" is the
    censure and "59 percent view her unfavorably, according to a poll last week - the same as …" the 59 percent; the
    longer side when the phrase hangs on nothing there. "That's according to X": "that" is the claim."""
    sent = tok.sent
    head = tok.head
    if head.lemma_ == "be" and head.i == tok.i - 1 and head.i > sent.start and doc[head.i - 1].lower_ in {"that", "this"} \
            and doc[head.i - 1].dep_ == "nsubj":
        return [(head.i - 1, head.i)]
    sides = [r for r in (_trimmed(doc, sent.start, phrase_lo), _trimmed(doc, phrase_hi, sent.end)) if r and r[1] - r[0] >= 3]
    if head.i != tok.i and sent.start <= head.i < sent.end and not phrase_lo <= head.i < phrase_hi:
        side = [r for r in sides if (r[1] <= phrase_lo) == (head.i < phrase_lo)]
        if side:
            return side
    return [max(sides, key=lambda r: r[1] - r[0])] if sides else []


def _colons(ctx: Context, found: list[_Found]) -> list[_Found]:
    """Headline and lead-in colons: `Trump: Generals don't want …` (a short name phrase, a colon, the content)."""
    doc = ctx.doc
    out = []
    colon = doc.vocab.strings[":"]
    tokens = ctx.tokens()
    for tok in [tokens[i] for i, row in enumerate(ctx.columns()) if row[0] == colon]:
        if tok.text != ":" or tok.i == 0 or tok.i + 2 >= len(doc):
            continue
        line_start = _text(doc).rfind("\n", 0, tok.idx) + 1
        first = tok.i
        while first > 0 and doc[first - 1].idx >= line_start and tok.i - first <= 7:
            first -= 1
        head = [t for t in doc[first:tok.i] if t.idx >= line_start and not t.is_space]
        if not head or len(head) > 6 or not any(t.pos_ == "PROPN" or ctx.mention_of(t) is not None or t.text[:1].isupper() for t in head):
            continue
        if any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBN" for t in head) or head[-1].pos_ not in {"PROPN", "NOUN"}:
            continue
        if {t.lower_ for t in head} & _RUBRICS or head[-1].lower_ in _NOTE_RUBRICS and not any(t.pos_ == "ADP" for t in head):
            continue  # "The Latest: Trump urges …", "UPDATE:", "Editor's note:": a newspaper's rubric, not a speaker
        line_end = _text(doc).find("\n", tok.idx)
        line_end = len(_text(doc)) if line_end < 0 else line_end
        last = tok.i + 1
        while last < len(doc) and doc[last].idx < line_end:
            last += 1
        body = [t for t in doc[tok.i + 1:last] if not t.is_space]
        if len(body) < 3:
            continue
        r = _trimmed(doc, body[0].i, body[-1].i + 1)
        if r is None:
            continue
        parts = [_chars(doc, *r)]
        if _covered(found + out, parts):
            continue
        src_tok = head[-1]
        prep = next((t for t in head[1:] if t.pos_ == "ADP" and t.lower_ in {"on", "about", "to", "at"}), None)
        if prep is not None and doc[prep.i - 1].pos_ == "PROPN":
            src_tok = doc[prep.i - 1]  # "Obama on Climate Change: The Trends Are 'Terrifying'": the name before "on"
        source = speaker(ctx, src_tok, skip=ctx.original(*parts[0])[:2])
        text = _text(doc)[parts[0][0]: parts[0][1]]
        kind = "direct" if text[:1] in _MARKS and text.rstrip(".")[-1:] in _MARKS else _kind(doc, parts)
        out.append(_Found(parts, kind, None, _tok_span(tok), ":", source, "speech"))
    return out
