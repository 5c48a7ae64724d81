"""Quotes and claims: quotation-mark pairing, speakers in every common layout, the seed quotes, provenance."""

from __future__ import annotations

import functools

from pathlib import Path

import pytest

from newsgraph.extract.quote_marks import quoted_spans, single_quoted_spans
from newsgraph.lexicons.places import fold


def _speaker_name(analysis, quote) -> str:
    """The speaker as resolved in the document (the full name a surname or pronoun points at), else as written."""
    sp = quote.speaker
    if sp is None:
        return ""
    if sp.mention is not None:
        return analysis.mentions[sp.mention].name
    return sp.text


def _find(analysis, fragment: str):
    hits = [q for q in analysis.quotes if fragment in q.text]
    assert hits, f"no quote containing {fragment!r}; found {[q.text for q in analysis.quotes]}"
    return hits[0]


def _assert_attribution(analysis, text: str, content: str, cue: str, attribution: str, written: str):
    """The quote holding `content` is exactly it, with its cue and kind, and its source as written."""
    quote = _find(analysis, content)
    assert (quote.text, quote.attribution, text[quote.cue_start:quote.cue_end]) == (content, attribution, cue)
    assert quote.source_text == written and text[quote.source_start:quote.source_end] == written


# --- pairing of marks (no parse needed) ----------------------------------------------------------

MARKS = [
    # text, the quoted contents in order
    ('He said: "We are ready." Then he left.', ["We are ready."]),
    ('"One," she said, "and two."', ["One", "and two."]),
    # a quote continued over a paragraph break re-opens the next paragraph and is one quote
    ('She said: "First part.\n"Second part." Done.', ["First part.\n\"Second part."]),
    # an unclosed quote ends with its paragraph
    ('It reported on Monday, "Prices will rise next year.\n\nNext paragraph.', ["Prices will rise next year."]),
    # a mistyped opening mark in place of the closing one still pairs by alternation
    ('He said,"Where is the money? "asked the driver" loudly.', ["Where is the money?"]),
    ("No marks at all here.", []),
    # paragraphs of one quote run together on a line: the re-opening mark continues it
    ('The minister said: "The law stays. "Every murderer gets a life term." The panel disagreed.',
     ['The law stays. "Every murderer gets a life term.']),
    # ... but a closing mark typed after a space, with no closing mark after it, still closes
    ('"It is official: I am hosting the show! "Ellen wrote on Friday.', ["It is official: I am hosting the show!"]),
    ('"I am hosting the show! "Ellen wrote. "Yes," she added.', ["I am hosting the show!", "Yes"]),
    # a closing mark typed after a space still closes at the end of its paragraph
    ('He said: "The first part is long enough here. "The second part is long enough too. "\nNext paragraph.',
     ['The first part is long enough here. "The second part is long enough too.']),
    # three paragraphs of one quote run together re-open it twice
    ('He said: "The first part is long enough here. "The second part is long enough too. "Third." Then he left.',
     ['The first part is long enough here. "The second part is long enough too. "Third.']),
    # one sentence per line, or hard-wrapped: a line break inside a quote does not end it ...
    ('The minister spoke.\n"We will never give up.\nThis is our land," Smith said.\nHe left.',
     ['We will never give up.\nThis is our land']),
    ('He said: "We will never give up.\nThis is our land, and we\nwill stay here," Smith said.',
     ['We will never give up.\nThis is our land, and we\nwill stay here']),
    # ... but a blank line does, and so does a next line whose first mark opens a quote of its own
    ('He said: "We will win.\n\nThis is ours," she said.', ['We will win.']),
    ('He said: "We will win.\nThe mayor called it "absurd," she said.', ['We will win.', 'absurd']),
    # nor into a transcript's next speaker, to a figure's inch mark, or to a byline typed inside the marks
    ('Q: "Will you go?\nA: No, never," he said.', ['Will you go?']),
    ('He said: "We bought it.\nIt has a 55" panel.', ['We bought it.']),
    ('"It could create real problems for her here.\nS.C. Rep. Jim Clyburn."', ['It could create real problems for her here.']),
    # nor does the quote run on through more than a few lines without a mark
    ('He said: "One two three.\nFour.\nFive.\nSix.\nSeven," she said.', ['One two three.']),
]

SINGLE_MARKS = [
    ("He reacted on twitter, 'Don't deal in gold, it's stolen.' Then he left.", ["Don't deal in gold, it's stolen."]),
    ("He said 'I must say, I don't think it looks good' on Friday.", ["I must say, I don't think it looks good"]),
    # apostrophes of plurals and contractions are not marks
    ("The farmers' union said the rules' effect was bad.", []),
    # a single-marked quote nested in a double-marked one belongs to the outer quote
    ('He said "we will use \'national interests\' as a reason" today.', []),
]


@pytest.mark.parametrize("text,expected", MARKS)
def test_quote_marks(text, expected):
    assert [text[s.start:s.end] for s in quoted_spans(text)] == expected


@pytest.mark.parametrize("text,expected", SINGLE_MARKS)
def test_single_quote_marks(text, expected):
    spans = single_quoted_spans(text, quoted_spans(text))
    assert [text[s.start:s.end] for s in spans] == expected


# --- layouts, in sentences written for this test -------------------------------------------------

LAYOUTS = [
    # (layout, text, distinctive words of the quote, expected quote text, expected speaker, kind)
    ("quote, X said", '"We will rebuild the harbour before winter," Maria Olsen said.',
     "rebuild", "We will rebuild the harbour before winter", "Maria Olsen", "direct"),
    ("X said: quote", 'Maria Olsen said: "The harbour will reopen in March."',
     "reopen", "The harbour will reopen in March.", "Maria Olsen", "direct"),
    ("quote, said X", '"The talks are over," said Thomas Berger.',
     "talks", "The talks are over", "Thomas Berger", "direct"),
    ("multi-sentence quote, speaker after", '"The vote surprised us. Nobody expected it," Anna Lindqvist told reporters on Friday.',
     "surprised", "The vote surprised us. Nobody expected it", "Anna Lindqvist", "direct"),
    ("partial quote inside a sentence", 'Karl Weiss described the plan as "a reckless gamble".',
     "gamble", 'the plan as "a reckless gamble"', "Karl Weiss", "partial"),
    ("curly marks", "\u201cPrices will fall next spring,\u201d Lena Holm said.",
     "Prices", "Prices will fall next spring", "Lena Holm", "direct"),
    ("tweet, said X on twitter", '"The deal is dead." said Jonas Ekberg on twitter Tuesday.',
     "deal is dead", "The deal is dead.", "Jonas Ekberg", "direct"),
    ("tweet in single marks", "Jonas Ekberg reacted to the news on twitter, 'Don't buy the gold, it's stolen.'",
     "gold", "Don't buy the gold, it's stolen.", "Jonas Ekberg", "direct"),
    ("role before name", 'Ministry spokesman Ivan Petrov said: "The border stays closed."',
     "border", "The border stays closed.", "Ivan Petrov", "direct"),
    ("relative clause", 'The envoy met Sergio Ramos, who told him: "We expect an answer soon."',
     "answer", "We expect an answer soon.", "Sergio Ramos", "direct"),
    ("institution", 'Amnesty International describes the camps as "places of fear and hunger" in its report.',
     "hunger", 'the camps as "places of fear and hunger"', "Amnesty International", "partial"),
    ("one-word answer", 'Asked whether the mine would close, Maria Olsen paused. "No," she said.',
     "No", "No", "she", "direct"),
    ("X said that", "Ivan Petrov said that the border would stay closed until the spring.",
     "border", "the border would stay closed until the spring", "Ivan Petrov", "indirect"),
    ("according to X", "The ferry service will resume on Monday, according to Reuters.",
     "ferry", "The ferry service will resume on Monday", "Reuters", "indirect"),
    ("X broke the news that", "Bloomberg broke the news that the mine would be sold to a Swiss trader.",
     "mine", "the mine would be sold to a Swiss trader", "Bloomberg", "indirect"),
    # a role subject with its name set off by commas that the parser hangs on the role's own phrase
    ("role of an institution, name, verb", "But the director of the Harbour Workers Trust, Norman Brandt, accused the "
     "council of going soft on polluters.", "council", "the council of going soft on polluters", "Norman Brandt", "indirect"),
    ("role name verb", "Mr Eavis' daughter Emily said the festival would take a year off.",
     "festival", "the festival would take a year off", "Emily", "indirect"),
    ("a cue with a colon after a quote opens the next one", 'Paul Berger said: "None of their figures add up." '
     'Liberal leader Carl Kemp added: "People will not be taken in."', "None of their", "None of their figures add up.",
     "Paul Berger", "direct"),
    ("according to a role, its name,", "According to its Paris lawyer, Emile Garnier of Shearman and Sterling, the "
     "claim rests on the energy treaty.", "treaty", "the claim rests on the energy treaty", "Emile Garnier", "indirect"),
    ("a subject the parser hung on the phrase before", 'In a statement issued on Wednesday Lord Woolf said: "I have no '
     'doubt the new guidelines will help judges."', "guidelines", "I have no doubt the new guidelines will help judges.",
     "Lord Woolf", "direct"),
    ("a bare verb after a quote says how it was spoken", '"Not that I know," Ann Berg replied. "Did you ever see him sign '
     'a ledger?" Tom Walsh pressed.', "ledger", "Did you ever see him sign a ledger?", "Tom Walsh", "direct"),
]


@pytest.mark.parametrize("layout,text,fragment,quote_text,speaker,kind", LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_quote_layouts(analyze_text, layout, text, fragment, quote_text, speaker, kind):
    analysis = analyze_text(text)
    quote = _find(analysis, fragment)
    assert quote.text == quote_text
    assert text[quote.start:quote.end] == quote.text
    assert quote.kind == kind
    assert quote.speaker is not None and speaker in (quote.speaker.text, _speaker_name(analysis, quote))
    assert text[quote.speaker.start:quote.speaker.end] == quote.speaker.text


RESOLVED = [
    # (layout, text, fragment, speaker as written, the person it resolves to)
    ("pronoun", 'Oskar Dahlberg spoke in the capital on Monday. "Our farmers need rain," he said.',
     "farmers", "he", "Oskar Dahlberg"),
    ("role only", 'Finance Minister Eva Strand met the bankers on Monday. "We will not raise taxes," the Finance Minister said.',
     "taxes", "Finance Minister", "Eva Strand"),
    ("pronoun agrees with an honorific", 'Mr. Peter Novak met Ms. Anna Berg on Monday. "We agreed on the budget," she said.',
     "budget", "she", "Anna Berg"),
    ("pronoun skips the people inside the quote", 'Oskar Dahlberg spoke on Monday. "I told Peter Novak to wait," he said.',
     "wait", "he", "Oskar Dahlberg"),
]


@pytest.mark.parametrize("layout,text,fragment,written,person", RESOLVED, ids=[row[0] for row in RESOLVED])
def test_speaker_resolution(analyze_text, layout, text, fragment, written, person):
    analysis = analyze_text(text)
    quote = _find(analysis, fragment)
    assert quote.speaker.text == written
    assert quote.speaker.mention is not None
    assert analysis.mentions[quote.speaker.mention].name == person


# (pattern, text, fragment, content, kind, attribution, source as written, person it names or None, affiliation, cue)
ATTRIBUTIONS = [
    ("spokesman of an organisation", 'Maria Olsen left early. A Microsoft spokesman said: "Supplies will continue."',
     "Supplies", "Supplies will continue.", "direct", "speech", "A Microsoft spokesman", None, "Microsoft", "said"),
    ("a person's spokesman is not the person", "Mr Blair's official spokesman said the decision was final.",
     "decision", "the decision was final", "indirect", "speech", "Mr Blair's official spokesman", None, "Blair", "said"),
    ("anonymous source", "A person familiar with the matter said the deal was off.",
     "deal", "the deal was off", "indirect", "speech", "A person familiar with the matter", None, None, "said"),
    ("according to a nominal", "According to an internal planning document, the harbour will close in May.",
     "harbour", "the harbour will close in May", "indirect", "report", "an internal planning document", None, None, "According to"),
    ("denial without a clause", "Maria Olsen has denied the charge.",
     "charge", "the charge", "indirect", "denial", "Maria Olsen", "Maria Olsen", None, "denied"),
    ("rejected claims that", "Thomas Berger rejected claims that he was soft on crime.",
     "soft", "claims that he was soft on crime", "indirect", "denial", "Thomas Berger", "Thomas Berger", None, "rejected"),
    ("parenthetical cue", "The tax plan, Anna Lindqvist added, assumes growth of four percent a year.",
     "growth", "The tax plan, Anna Lindqvist added, assumes growth of four percent a year", "indirect", "speech",
     "Anna Lindqvist", "Anna Lindqvist", None, "added"),
    ("belief", "Oskar Dahlberg believes the mine will reopen next year.",
     "mine", "the mine will reopen next year", "indirect", "belief", "Oskar Dahlberg", "Oskar Dahlberg", None, "believes"),
    ("endorsement", "Karl Weiss endorsed Maria Olsen for governor on Monday.",
     "Olsen", "Maria Olsen for governor", "indirect", "endorsement", "Karl Weiss", "Karl Weiss", None, "endorsed"),
    ("report", "The survey showed that most farmers expect a dry summer.",
     "farmers", "most farmers expect a dry summer", "indirect", "report", "The survey", None, None, "showed"),
    ("headline colon", "Maria Olsen: Harbour Will Reopen Before Winter\n\nThe mayor spoke on Monday.",
     "Harbour", "Harbour Will Reopen Before Winter", "indirect", "speech", "Maria Olsen", "Maria Olsen", None, ":"),
    ("passive by-phrase", "Maria Olsen has been endorsed by the Harbour Times.",
     "Olsen", "Maria Olsen", "indirect", "endorsement", "the Harbour Times", "Harbour Times", None, "endorsed"),
    ("the author's own voice", "We asked whether the harbour would reopen before winter.",
     "harbour", "whether the harbour would reopen before winter", "indirect", "speech", "We", None, None, "asked"),
    ("respond to", "The Olsen campaign did not immediately respond to requests for comment.",
     "comment", "requests for comment", "indirect", "speech", "The Olsen campaign", None, "Olsen", "respond"),
    ("a document as 'it'", "The city sent a letter on Thursday. It says the campaign broke the law.",
     "law", "the campaign broke the law", "indirect", "speech", "It", None, None, "says"),
    ("fronted relative word", "The union took a stake in the mine, which Tom Clarke says he is keeping open at a loss.",
     "keeping", "which Tom Clarke says he is keeping open at a loss", "indirect", "speech", "Tom Clarke", "Tom Clarke", None,
     "says"),
    ("in a poll", "In the latest Harbour Times poll, Maria Olsen leads Karl Weiss by five points.",
     "five points", "Maria Olsen leads Karl Weiss by five points", "indirect", "report", "the latest Harbour Times poll",
     None, "Harbour Times", "In"),
    ("name before 'on' in a headline colon", "Maria Olsen on Harbour Taxes: We Will Not Raise Them\n\nThe mayor spoke.",
     "Raise", "We Will Not Raise Them", "indirect", "speech", "Maria Olsen on Harbour Taxes", "Maria Olsen", None, ":"),
    ("quote interrupted by its attribution", 'Katelynn Lamoreaux spoke. "It should not be funny," she said. "I did not think it would last."',
     "funny", 'It should not be funny," she said. "I did not think it would last.', "direct", "speech", "she",
     "Katelynn Lamoreaux", None, "said"),
    # Two apostrophes as quotation marks, as the New York Times writes them.
    ("doubled apostrophes", "Senator Mark Kirk spoke on Monday. ''I cannot support my party's nominee,'' said Mr. Kirk.",
     "cannot support", "I cannot support my party's nominee", "direct", "speech", "Mr. Kirk", "Mark Kirk", None, "said"),
    # A cue set after its clause, whose speaker the parser made its object.
    ("cue after its clause, speaker as object", "The band were still hopeful they would play on Wednesday, added the spokesman.",
     "hopeful", "The band were still hopeful they would play on Wednesday", "indirect", "speech", "the spokesman", None,
     None, "added"),
    ("cue joined after its clause", "Prices will rise again next year, predicted the economist.",
     "Prices", "Prices will rise again next year", "indirect", "claim", "the economist", None, None, "predicted"),
    # A form of address makes a name the NER left untyped a person's, and so the name beside a role.
    ("a role's name with a form of address", "A spokesman for Halden Builders, Dr Osei, told reporters the rules would help.",
     "rules", "the rules would help", "indirect", "speech", "Dr Osei", "Osei", None, "told"),
]


@pytest.mark.parametrize("pattern,text,fragment,content,kind,attribution,written,person,affiliation,cue", ATTRIBUTIONS,
                         ids=[row[0] for row in ATTRIBUTIONS])
def test_attribution_patterns(analyze_text, pattern, text, fragment, content, kind, attribution, written, person, affiliation, cue):
    analysis = analyze_text(text)
    quote = _find(analysis, fragment)
    assert (quote.text, quote.kind, quote.attribution) == (content, kind, attribution)
    assert quote.source_text == written and text[quote.source_start:quote.source_end] == written
    assert (analysis.mentions[quote.speaker.mention].name if quote.speaker.mention is not None else None) == person
    assert (analysis.mentions[quote.affiliation].name if quote.affiliation is not None else None) == affiliation
    assert text[quote.cue_start:quote.cue_end] == cue
    for start, end in quote.parts:
        assert quote.start <= start < end <= quote.end


def test_joined_quote_parts(analyze_text):
    text = 'Katelynn Lamoreaux spoke. "It should not be funny," she said. "I did not think it would last."'
    quote = _find(analyze_text(text), "funny")
    assert [text[s:e] for s, e in quote.parts] == ["It should not be funny", "I did not think it would last."]


def test_a_quote_goes_on_in_the_paragraphs_that_open_with_a_mark(analyze_text):
    """News quotes one speaker over several paragraphs: a paragraph that opens with a mark and names no speaker is
    a part of the quote before (PolNeAR annotates them as pieces of one attribution); an unclosed paragraph goes on
    into the next. A title on its own line, or a line that goes on after its quote, is no such part."""
    text = ("Mr Khan continued: \u201cWe are one of the greatest cities in the world.\u201d\n"
            "\u201cI think diversity is a strength and tonight is about celebrating that diversity.\n"
            "\u201cI hope that members of Parliament will reflect on what sort of country they want.\u201d\n"
            "\u201cWe will win,\u201d said Boris Johnson.\n"
            "\u201cAll Bets Are Off.\u201d\n"
            "The show ended at midnight.")
    analysis = analyze_text(text)
    khan = _find(analysis, "greatest cities")
    assert analysis.mentions[khan.speaker.mention].name == "Khan"
    assert [text[s:e] for s, e in khan.parts] == [
        "We are one of the greatest cities in the world.",
        "I think diversity is a strength and tonight is about celebrating that diversity.\n"
        "\u201cI hope that members of Parliament will reflect on what sort of country they want."]
    assert not [q for q in analysis.quotes if q.source_text == "I"]  # no "I think" belief of a speaker named "I"
    johnson = _find(analysis, "We will win")
    assert johnson.parts == () and "All Bets" not in johnson.text


def test_a_quote_broken_by_line_breaks_is_one_quote(analyze_text):
    """Text laid out one sentence per line (the Propaganda Techniques Corpus) breaks a quote of two sentences at a
    line break inside its paragraph: it is still one quote of its speaker, not its last line alone."""
    text = ("The minister spoke at length.\n"
            "\u201cWe will never give up.\n"
            "This is our land,\u201d Amara Diallo said.\n"
            "She left at noon.")
    analysis = analyze_text(text)
    [quote] = analysis.quotes
    assert quote.text == "We will never give up.\nThis is our land"
    assert analysis.mentions[quote.speaker.mention].name == "Amara Diallo"


def test_a_cue_that_opens_the_next_quote_is_not_the_last_ones(analyze_text):
    """'"…." The new priest said, "…"': the cue after a finished quote opens the next one, with a comma as with a
    colon; the quote before keeps the speaker that introduced it."""
    for text in ('The bishop said to the new priest, "Now you can say Mass for your uncle.\n'
                 'Now you are a priest, and you can say Mass." The new priest said, "No, never."',
                 'The bishop said to the new priest, "Now you can say Mass for your uncle." The new priest said, "No, never."'):
        bishop = _find(analyze_text(text), "Now you can")
        assert "No, never" not in bishop.text and bishop.source_text == "The bishop", text


def test_a_reported_clause_keeps_the_subject_the_parser_gave_the_cue(analyze_text):
    """The parser sometimes takes a reported clause's subject for the cue's object ("added underlying mortgage
    lending rose"); the clause still starts with it. After "told", the hearer's name comes first and is none of it."""
    for text, content in [("The BBA added underlying mortgage lending rose by £4m.", "underlying mortgage lending rose by £4m."),
                          ("A senior defence official told the BBC lessons were being learned.", "lessons were being learned"),
                          ("He told reporters the plan had failed.", "the plan had failed"),
                          ("Mr Howard told the committee MPs were wrong.", "MPs were wrong")]:
        [quote] = analyze_text(text).quotes
        assert quote.text == content, text


def test_who_is_blamed_for_saying_it_said_it(analyze_text):
    """ "The party suspended Tom Hale for saying …": the one suspended said it, not the party."""
    for text in ("The party suspended Tom Hale for saying the war was legal.",
                 "Tom Hale was fined for saying the referee was biased.",
                 "Tom Hale apologised for saying the war was legal."):
        [quote] = analyze_text(text).quotes
        assert quote.source_text == "Tom Hale", text


def test_a_reported_figure_keeps_its_sign(analyze_text):
    """A percent sign is part of the figure a reported clause ends on, not punctuation to trim."""
    [quote] = analyze_text("The Bank of England said inflation fell from 1.8% to 0.8%.").quotes
    assert quote.text == "inflation fell from 1.8% to 0.8%"


def test_an_editors_note_after_a_quote_is_no_speaker(analyze_text):
    """'[emphasis added]' after a quote is an editor's note: its words are nobody's, and the cue before the quote
    still names the speaker."""
    text = 'Amara Diallo wrote: "The deal must be stopped at all costs." (emphasis added)\nShe left at noon.'
    [quote] = analyze_text(text).quotes
    assert quote.source_text == "Amara Diallo"


# Two attributions of one speaker in one sentence, the second hung by the parser inside the first one's clause: each is
# its own record, the first clause ends where the second cue's begins (PolNeAR gives them apart).
SIBLINGS = [
    ("and warned against", "Karl Weiss said he would order a review of the harbour's finances and warned against cuts to "
     "the lifeboat service.",
     ("said", "he would order a review of the harbour's finances", "Karl Weiss"),
     ("warned", "cuts to the lifeboat service", "Karl Weiss")),
    ("and urged", "Karl Weiss said the town had lost money on the pier and urged the council to sell it.",
     ("said", "the town had lost money on the pier", "Karl Weiss"), ("urged", "the council to sell it", "Karl Weiss")),
    ("and suggested", "Karl Weiss said the council would raise the port fees by March and suggested that the ferry would "
     "stop running in winter.",
     ("said", "the council would raise the port fees by March", "Karl Weiss"),
     ("suggested", "the ferry would stop running in winter", "Karl Weiss")),
    (", citing", "Harbour officials said storms have damaged the pier, citing the cost of repairs to the northern docks.",
     ("said", "storms have damaged the pier", "Harbour officials"),
     ("citing", "the cost of repairs to the northern docks", "Harbour officials")),
    (", though she noted", "Maria Olsen said the new rules ease the burden on small farms, though she noted prices are "
     "still rising.",
     ("said", "the new rules ease the burden on small farms", "Maria Olsen"), ("noted", "prices are still rising", "Maria Olsen")),
    (", which he said", "Karl Weiss also said the cameras do not show whether the driver had a phone in his hand, which he "
     "said was in his pocket at the time.",
     ("said", "the cameras do not show whether the driver had a phone in his hand", "Karl Weiss"),
     ("said", "which he said was in his pocket at the time", "Karl Weiss")),
    (', adding that "…"', '"We have enough boats for the summer," Maria Olsen said, adding that "the winter will be harder '
     'for everyone."',
     ("said", "We have enough boats for the summer", "Maria Olsen"),
     ("adding", "the winter will be harder for everyone.", "Maria Olsen")),
]


@pytest.mark.parametrize("pattern,text,first,second", SIBLINGS, ids=[row[0] for row in SIBLINGS])
def test_a_second_cue_of_the_speaker_is_its_own_attribution(analyze_text, pattern, text, first, second):
    analysis = analyze_text(text)
    got = [(text[q.cue_start:q.cue_end], q.text, _speaker_name(analysis, q)) for q in analysis.quotes]
    assert got == [first, second]
    for q in analysis.quotes:
        assert text[q.start:q.end] == q.text


@pytest.mark.parametrize("text,content", [
    # a cue lower in the reported clause is part of what is reported
    ("Maria Olsen said the reporter was leaving the hall when guards stopped her and told her to go home.",
     "the reporter was leaving the hall when guards stopped her and told her to go home"),
    # a cue whose clause is the content is never split off ("said he believes" is one attribution)
    ("Karl Weiss said he believes the mine will reopen next year.", "he believes the mine will reopen next year"),
    # a participle inside the speaker's own quoted words belongs to them, the marks written as a double quote or as
    # two apostrophes
    ("Karl Weiss said he had worked at the port \"for the town's sake, knowing that nobody would thank us.\"",
     "he had worked at the port \"for the town's sake, knowing that nobody would thank us.\""),
    ("Karl Weiss said he had worked at the port ''for the town's sake, knowing that nobody would thank us.''",
     "he had worked at the port ''for the town's sake, knowing that nobody would thank us.''"),
])
def test_a_cue_inside_what_is_reported_stays_in_it(analyze_text, text, content):
    assert [q.text for q in analyze_text(text).quotes] == [content]


def test_she_is_never_a_man_named_before(analyze_text):
    """The issue's case: "…," she said, after a woman is named, must not go to a man named nearer in subject position."""
    text = ('Katelynn Lamoreaux waited outside the hall. Donald Trump spoke for an hour inside. '
            '"It was too long," she said.')
    quote = _find(analyze_text(text), "too long")
    assert quote.speaker.text == "she"
    assert quote.speaker.mention is not None and analyze_text(text).mentions[quote.speaker.mention].name == "Katelynn Lamoreaux"


def test_a_possessed_kin_noun_is_the_pronoun_not_the_last_name(analyze_text):
    """"My mother … she still says": an unnamed person, not the person named last, nor a speaker quoted before."""
    text = ('"We will win," Maria Olsen said on Monday. My mother has softened with age, but even now she still says, '
            '"Nobody listens to farmers."')
    analysis = analyze_text(text)
    quote = _find(analysis, "farmers")
    assert quote.speaker.text == "she" and quote.speaker.mention is None


def test_she_is_the_woman_named_in_her_sentence_over_a_speaker_of_unknown_gender(analyze_text):
    """"Chris Christie described Hillary Clinton as a disgrace after she attacked …": the first name says who "she" is;
    "Chris" says nothing, so the headline speaker before does not win."""
    text = ("Chris Berger Calls Mary Olsen a Disgrace\n\nChris Berger criticised Mary Olsen on Tuesday after she told "
            "reporters that the police were to blame.")
    analysis = analyze_text(text)
    quote = _find(analysis, "police")
    assert quote.speaker.text == "she"
    assert quote.speaker.mention is not None and analysis.mentions[quote.speaker.mention].name == "Mary Olsen"


def test_he_is_the_man_the_text_turned_to_over_an_earlier_speaker_of_unknown_gender(analyze_text):
    """A speaker the text says nothing of the gender of ("Breitbart explains …") does not keep a later "he" when a man
    has since become the subject ("the return of Juan Perez, who left the country … He visited Peru and announced …")."""
    text = ("Carlos Mendez has ruled the country since 2013. Mendez rejected the vote in January, and Mendez still "
            "controls the army. Breitbart explains that the militias keep Mendez in power. Some of their crimes include "
            "attacking lawmakers and harassing journalists. The militias are on the lookout for the return of Juan Perez, "
            "who left the country a week ago to round up support from neighbouring governments in his quest to replace "
            "Mendez. He visited Peru, Chile and Bolivia and announced that he would be returning home on Sunday.")
    analysis = analyze_text(text)
    quote = _find(analysis, "returning home")
    assert quote.speaker.text == "He"
    assert _speaker_name(analysis, quote) == "Juan Perez"


@pytest.fixture(scope="module")
def bbc_balls(shared_corpus, analyze_text):
    path = shared_corpus / "bbc" / "politics" / "005.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus/bbc is not present")
    return analyze_text(path.read_text(encoding="utf-8"), path=str(path))


def test_an_honorific_and_surname_the_ner_missed_is_the_person_named_before(bbc_balls):
    """BBC politics/005: "Ed Balls, ex-chief economic adviser …", then "Mr Balls, who stepped down …, had suggested …
    He said he hoped …": "Mr Balls" is Ed Balls, and so is the "He" after him (not Gordon Brown, whom he talks about)."""
    analysis = bbc_balls
    suggested = _find(analysis, "golden economic rule")
    assert suggested.speaker.text == "Mr Balls" and _speaker_name(analysis, suggested) == "Ed Balls"
    hoped = _find(analysis, "tax credit")
    assert hoped.speaker.text == "He" and _speaker_name(analysis, hoped) == "Ed Balls"


def test_a_rubric_before_a_headline_colon_is_no_speaker(analyze_text):
    analysis = analyze_text("The mayor spoke on Monday.\n\nCorrection: An earlier version of this article misstated the date "
                            "of the harbour vote.")
    assert not [q for q in analysis.quotes if "harbour" in q.text]


@pytest.mark.parametrize("text", [
    'Thomas Berger met the press. "I think that if Karl Weiss is elected, the harbour closes," he said.',
    'Mr. Berger chalks it up to politics. "It feels like, \'Meh, Karl Weiss can wait,\'" he said.',
])
def test_he_is_nobody_named_inside_his_own_quote(analyze_text, text):
    """People named inside a quote are not its speaker, even when the coreference stage links the "he" to them."""
    analysis = analyze_text(text)
    quote = _find(analysis, "Karl Weiss")
    assert quote.speaker.text == "he"
    assert quote.speaker.mention is not None and analysis.mentions[quote.speaker.mention].name.endswith("Berger")


@pytest.mark.parametrize("text,content,patient", [
    ("Former Telco boss Bernie Ebbers, who is accused of overseeing a huge fraud, never made accounting decisions.",
     "overseeing a huge fraud", "Bernie Ebbers"),
    ("Fans, who were asked to bring identification, queued for hours outside the arena.", "to bring identification", "Fans"),
])
def test_the_subject_of_a_passive_relative_cue_is_not_its_speaker(analyze_text, text, content, patient):
    """"Ebbers, who is accused of …": the one accused, asked or blamed is not who speaks; without a by-phrase the
    speaker is unnamed."""
    quote = _find(analyze_text(text), content)
    assert quote.speaker is None or patient not in quote.speaker.text


@pytest.mark.parametrize("text,content,receiver", [
    ("The new law attracted criticism for its vague wording.", "its vague wording", "law"),
    ("Obama received praise for the climate deal.", "the climate deal", "Obama"),
])
def test_who_draws_or_receives_a_cue_nouns_words_is_not_their_source(analyze_text, text, content, receiver):
    """"drew criticism over its cost": the plan is criticised; who criticised is not said."""
    quote = _find(analyze_text(text), content)
    assert quote.speaker is None


@pytest.mark.parametrize("text,content", [
    ('"We need new players." United lost, and the manager left.', "We need new players."),
    ('"It is the right thing to do." Her deputy added: the scheme would be reviewed in May.', "It is the right thing to do."),
])
def test_what_follows_a_quote_that_is_no_attribution_of_it(analyze_text, text, content):
    """A verb after a quote that is no way of speaking ("United lost") gives it no speaker; a cue with a colon and no
    quote after it still attributes the quote before it."""
    analysis = analyze_text(text)
    if "United" in text:
        assert not [q for q in analysis.quotes if q.speaker is not None and "United" in q.speaker.text]
    else:
        assert _find(analysis, content).speaker is not None


@pytest.mark.parametrize("text,content,not_speaker", [
    ('"He was never happy in New York," the new biography of the late singer, John Lennon, claims.', "never happy",
     "John Lennon"),
    ("A spokesman for the Labour MP, Jane Jones, said the vote was lost.", "the vote was lost", "Jane Jones"),
    ("The company and the secretary of state for the elderly, Pascale Boistard, confirmed the deal.", "the deal",
     "Pascale Boistard"),
])
def test_a_name_set_off_after_something_else_is_not_the_speaker(analyze_text, text, content, not_speaker):
    """The name beside a role speaks only for a role that can be a person, when it is the last person named before
    the comma, and when the subject is that role alone."""
    quote = _find(analyze_text(text), content)
    assert quote.speaker is None or not_speaker not in (quote.speaker.text, quote.source_text)


def test_a_date_is_no_content(analyze_text):
    assert analyze_text("Thomas Berger spoke on Monday.").quotes == []


TITLES_AND_TERMS = [
    ("Podesta told NBC's \"Meet the Press\" that the campaign was fine.", "Meet the Press"),
    ('Pollsters point to a phenomenon called "differential nonresponse" in the survey.', "differential nonresponse"),
    ('The report, titled "Storm Warning," was released on Friday.', "Storm Warning"),
]


@pytest.mark.parametrize("text,title", TITLES_AND_TERMS)
def test_titles_and_terms_are_not_quotes(analyze_text, text, title):
    assert not [q for q in analyze_text(text).quotes if q.text.strip('"') == title]


NOT_QUOTES = [
    ('The town built a "bridge" to the future.', "bridge"),
    ('So-called "volunteer" units patrol the streets.', "volunteer"),
    ('The senator told "Today" that he would run again.', "Today"),
]


@pytest.mark.parametrize("text,word", NOT_QUOTES)
def test_scare_quotes_are_not_quotes(analyze_text, text, word):
    assert not [q for q in analyze_text(text).quotes if word in q.text]


def test_negated_speech_is_not_a_claim(analyze_text):
    analysis = analyze_text("Maria Olsen did not say in what way the harbour was in danger.")
    assert analysis.quotes == []


# Cue verbs in a sense that attributes nothing: aspect, a telephone call, a phrasal verb, an idiom, things shown, found
# or kept, an adverb "no doubt" (the seeds below add a cue inside quoted words, and a date as object).
OTHER_SENSES = [
    ("continue", "Maria Olsen is continuing to build an alliance of small parties.", "build an alliance"),
    ("phone", "Seeing the opening, Mayor Paul Weber on Saturday called Olsen to arrange a meeting to talk about the harbour.",
     "arrange a meeting"),
    ("phone", "Mr. Weber has called Ms. Olsen to relay his thanks for the ferry.", "relay his thanks"),
    ("particle", "Paul Weber has long since written off the harbour plan.", "harbour plan"),
    ("idiom", "Closing the harbour speaks volumes about the council's priorities.", "priorities"),
    ("shown", "But the ministry shows no signs of abandoning the harbour plan.", "abandoning"),
    ("found", "The Harbour Council has found another way to pay for the bridge.", "pay for the bridge"),
    ("kept", "The town has managed to maintain a close relationship with its neighbours.", "neighbours"),
    ("no doubt", "The guards are no doubt on the lookout for the smugglers from Hamburg.", "smugglers"),
    ("addressed", "Mayor Paul Weber addressed a delegation of fishermen on Tuesday.", "delegation"),
    ("addressed", "Maria Olsen addressed the Harbour Council before the vote.", "Harbour Council"),
    ("own finding", "Paul Weber sailed to the island on Monday, only to find the pier closed to ferries.", "pier closed"),
    ("own finding", "Maria Olsen has found herself at the centre of the harbour dispute.", "centre of the harbour"),
    ("own finding", "The council is trying to find a buyer for the old ferry.", "buyer for the old ferry"),
    ("writing", "Paul Weber wrote an op-ed for the Harbour Gazette last week.", "op-ed"),
    ("writing", "Maria Olsen wrote the letter on Feb. 2 to the ferry company.", "letter"),
    ("deed", "The mayor's decision to close the pier shows the extent of the council's debts.", "extent"),
    ("deed", "Her popularity shows how badly the party misjudged the town.", "misjudged"),
    ("author", "It should be noted that the ferry company was sold in 2016.", "ferry company was sold"),
    ("rubric", "Editor's note: The harbour council is a client of this newspaper's owner.", "client"),
    ("rubric", "Translation: We have nothing more to give you, so go home.", "nothing more to give"),
]


@pytest.mark.parametrize("sense,text,fragment", OTHER_SENSES, ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(OTHER_SENSES)])
def test_cue_words_in_another_sense_attribute_nothing(analyze_text, sense, text, fragment):
    analysis = analyze_text(text)
    assert not [q for q in analysis.quotes if fragment in q.text], [(q.text, q.cue) for q in analysis.quotes]


STILL_ATTRIBUTIONS = [
    # the same verbs where they do attribute
    ("Maria Olsen plans to call on young people to volunteer in the harbour.", "young people", "Olsen"),
    ("Paul Weber called the plan a gamble.", "gamble", "Weber"),
    ("The survey shows a tight race between Olsen and Weber.", "tight race", "survey"),
    ('Paul Weber told her: "We think the bridge is safe."', "bridge is safe", "Weber"),
    ("Paul Weber said the harbour would stay open, and he continues to insist that it will.", "harbour would stay", "Weber"),
    ("Maria Olsen addressed the flooding of the harbour in her speech.", "flooding of the harbour", "Olsen"),
]


@pytest.mark.parametrize("text,fragment,speaker", STILL_ATTRIBUTIONS)
def test_cue_words_that_still_attribute(analyze_text, text, fragment, speaker):
    analysis = analyze_text(text)
    quote = _find(analysis, fragment)
    assert speaker in _speaker_name(analysis, quote) or speaker in (quote.source_text or "")


# Cue verbs the model lemmatizes wrongly ("hopes", "hoped", "hoping" -> "hop"; "lambasted" -> "lambast") are cues all
# the same: the cue lookups read ``lexicons.lemmas.lemma_of``.
MISLEMMATIZED_CUES = [
    ("hopes to", "Maria Olsen hopes to reopen the harbour before winter.",
     "to reopen the harbour before winter", "hopes", "belief", "Maria Olsen"),
    ("is hoping (clause)", "Paul Weber is hoping the ferry will run again in May.",
     "the ferry will run again in May", "hoping", "belief", "Paul Weber"),
    ("hoped that", "The shop owners hoped that the bridge would stay open.",
     "the bridge would stay open", "hoped", "belief", "The shop owners"),
    ("lambasted", "The council lambasted the plan to close the harbour.",
     "the plan to close the harbour", "lambasted", "endorsement", "The council"),
]


@pytest.mark.parametrize("pattern,text,content,cue,attribution,written", MISLEMMATIZED_CUES,
                         ids=[row[0] for row in MISLEMMATIZED_CUES])
def test_a_cue_the_model_lemmatizes_wrongly_is_a_cue(analyze_text, pattern, text, content, cue, attribution, written):
    _assert_attribution(analyze_text(text), text, content, cue, attribution, written)


# Cue verbs of the tail, each of whose new predictions on the PolNeAR train split matched a gold attribution at least as
# often as the system's own precision (``lexicons.attribution``): sentences in our own words.
TAIL_CUES = [
    ("implied that", "The harbour master implied that the ferry contract had been rigged.",
     "the ferry contract had been rigged", "implied", "claim", "The harbour master"),
    ("speculated that", "Several council members speculated that the mayor would resign before spring.",
     "the mayor would resign before spring", "speculated", "claim", "Several council members"),
    ("railed against", "Maria Olsen railed against the plan to close the harbour.",
     "the plan to close the harbour", "railed", "endorsement", "Maria Olsen"),
    ("voiced", "Fishermen voiced concern about the new quotas.",
     "concern about the new quotas", "voiced", "speech", "Fishermen"),
    ("chided", "The union leader chided the council for its silence on wages.",
     "its silence on wages", "chided", "endorsement", "The union leader"),
    ("bemoaned", "Paul Weber bemoaned the loss of the old ferry.",
     "the loss of the old ferry", "bemoaned", "endorsement", "Paul Weber"),
    ("assailed", "Local farmers assailed the decision to raise water prices.",
     "the decision to raise water prices", "assailed", "endorsement", "Local farmers"),
    ("derided", "Weber derided the proposal as a waste of money.",
     "the proposal as a waste of money", "derided", "endorsement", "Weber"),
    ("vouched for", "Several captains vouched for the harbour master's honesty.",
     "the harbour master's honesty", "vouched", "endorsement", "Several captains"),
    ("persuaded that", "The mayor persuaded the council that the bridge needed repairs.",
     "the bridge needed repairs", "persuaded", "speech", "The mayor"),
    ("ordered that", "The judge ordered that the documents be released by Friday.",
     "the documents be released by Friday", "ordered", "speech", "The judge"),
    ("read: (a sign)", "The banner over the harbour read: Keep the ferry running.",
     "Keep the ferry running", "read", "speech", "The banner over the harbour"),
    ("read that (a note)", "A note left on the door read that the shop would not reopen.",
     "the shop would not reopen", "read", "speech", "A note"),
    ("read a statement", "The mayor stood at the pier and read a statement on the ferry's closure.",
     "a statement on the ferry's closure", "read", "speech", "The mayor"),
    # a refusal is a cue when what is refused is one ("refused to intervene" below is not)
    ("refused to say", "The mayor refused to say whether the ferry would run in winter.",
     "to say whether the ferry would run in winter", "refused", "denial", "The mayor"),
    ("refuses to endorse", "Olsen refuses to endorse the harbour plan.",
     "to endorse the harbour plan", "refuses", "denial", "Olsen"),
    # a participle after a comma with its own prepositional content is no parenthetical around a clause
    ("…, referring to X", "Weber said the pier was safe, referring to the survey of the harbour wall.",
     "the survey of the harbour wall", "referring", "speech", "Weber"),
    ("…, pointing to X", "Olsen ducked the question, pointing to her record on the harbour council.",
     "her record on the harbour council", "pointing", "speech", "Olsen"),
    ("…, calling for X", "The union rejected the plan, calling for higher wages for the ferry crews.",
     "higher wages for the ferry crews", "calling", "speech", "The union"),
    # the parser hangs the question after "asked X" as an adverbial clause
    ("asked X if …", "The mayor shook hands and asked the fishermen if they planned to vote.",
     "if they planned to vote", "asked", "speech", "The mayor"),
    # a parenthetical cue keeps the clause around it, whatever its prepositional phrase says (a date, a channel)
    ("the clause around 'he wrote on Monday'", "The deal, he wrote on Monday, was a disaster for the harbour.",
     "The deal, he wrote on Monday, was a disaster for the harbour", "wrote", "speech", "he"),
    # "ask for X if …": X is asked for, the clause is a condition
    ("ask for X if …", "The mayor will ask for federal aid if the river rises again.",
     "federal aid", "ask", "speech", "The mayor"),
    # "see" in a report is no cue of its own
    ("in the report, … saw", "In the report, the ferry company saw profits fall by 10 percent.",
     "the ferry company saw profits fall by 10 percent", "In", "report", "the report"),
    # "As X reported, …": the clause the cue's "as" clause hangs on
    ("as X reported, …", "As the Harbour Times reported, the ferry lost money again.",
     "the ferry lost money again", "reported", "report", "the Harbour Times"),
    ("as X noted, … (not a time)", "As Clinton talked about the harbour, Weber noted the cost.",
     "the harbour", "talked", "speech", "Clinton"),
    ("as X testified, … (a time; the clause has its own cue)", "As the mayor testified, she denied any wrongdoing.",
     "any wrongdoing", "denied", "denial", "she"),
    # "identify" likewise, as a claim
    ("identified X as Y", "Police identified the driver as a harbour worker from Tromso.",
     "the driver as a harbour worker from Tromso", "identified", "claim", "Police"),
    # "see" attributes only what somebody sees another as
    ("sees X as Y", "Paul Weber sees the new pier as a waste of money.",
     "the new pier as a waste of money", "sees", "belief", "Paul Weber"),
    ("see X as (a clause)", "Many fishermen see the harbour plan as deeply unfair.",
     "the harbour plan as deeply unfair", "see", "belief", "Many fishermen"),
]


@pytest.mark.parametrize("pattern,text,content,cue,attribution,written", TAIL_CUES, ids=[row[0] for row in TAIL_CUES])
def test_cue_verbs_of_the_tail(analyze_text, pattern, text, content, cue, attribution, written):
    _assert_attribution(analyze_text(text), text, content, cue, attribution, written)


# "read" and "order" attribute a clause, a quote or a speech noun, never any other thing read or ordered; verbs of an
# intention or a deed that PolNeAR annotates only when they are said ("refused to", "plans to") are no cues.
@pytest.mark.parametrize("text", [
    "Weber read a novel on the train home.",
    "The harbour master ordered a new boat for the coast guard.",
    "The governor refused to intervene in the dispute over the harbour.",
    "The council plans to sell the old ferry next year.",
    "Hundreds of fishermen lined up to see the mayor at the harbour.",
    "Police saw the suspect as he fled the harbour.",
    "She would ask questions if she had the chance.",
    "As expected, the ferry lost money again.",
    "Officials identified the remains on Monday.",
    "As the minister spoke, protesters gathered outside the harbour office.",
    "Police asked anyone with information to call if they saw the boat.",
    "Weber saw that the ferry had left without him.",
    "We have seen this sort of delay before.",
])
def test_tail_cue_verbs_in_another_frame_attribute_nothing(analyze_text, text):
    assert analyze_text(text).quotes == []


# "according to X" attributes the rest of its sentence on the side of the word it hangs on; "That's according to X"
# attributes what "that" stands for.
ACCORDING = [
    ("the clause after, the phrase inside a sentence", "He left the harbour after, according to him, the council cut his pay.",
     "the council cut his pay", "him"),
    ("the clause before, a trailing remark after", "Some 59 percent of voters view her unfavorably, according to a Harbour "
     "Times poll last week - virtually the same as Weber's 60 percent.",
     "Some 59 percent of voters view her unfavorably", "a Harbour Times poll"),
    ("that's according to", "The ferry lost money for the third year. That's according to early results of an audit "
     "conducted for the Harbour Times.", "That", "early results of an audit conducted for the Harbour Times"),
]


@pytest.mark.parametrize("pattern,text,content,written", ACCORDING, ids=[row[0] for row in ACCORDING])
def test_according_to_attributes_the_side_it_hangs_on(analyze_text, pattern, text, content, written):
    analysis = analyze_text(text)
    quotes = [q for q in analysis.quotes if q.cue and q.cue.lower() == "according to"]
    assert [q.text for q in quotes] == [content]
    quote = quotes[0]
    assert text[quote.start:quote.end] == content and quote.attribution == "report"
    assert quote.source_text == written and text[quote.source_start:quote.source_end] == written


# A cue noun's "from" or "by" phrase is its source; without a preposition of its own the noun attributes what the
# subject of a verb of receiving gets ("the plan faced criticism from X": the plan).
GIVEN_NOUNS = [
    ("faced criticism from", "The ferry plan is facing criticism from many shop owners, whom Maria Olsen has courted.",
     "The ferry plan", "criticism", "many shop owners"),
    ("won support from", "Maria Olsen has won overwhelming support from the harbour unions.",
     "Maria Olsen", "support", "the harbour unions"),
    ("criticism of X by Y", "The criticism of her harbour plan by Paul Weber weighed on the campaign.",
     "her harbour plan", "criticism of", "Paul Weber"),
    ("attack from Y over X", "Paul Weber faced a harsh attack from the union over the harbour plan.",
     "the harbour plan", "attack", "the union"),
]


@pytest.mark.parametrize("pattern,text,content,cue,written", GIVEN_NOUNS, ids=[row[0] for row in GIVEN_NOUNS])
def test_a_cue_nouns_from_or_by_phrase_is_its_source(analyze_text, pattern, text, content, cue, written):
    analysis = analyze_text(text)
    quote = _find(analysis, content)
    assert (quote.text, quote.attribution, text[quote.cue_start:quote.cue_end]) == (content, "endorsement", cue)
    assert quote.source_text == written and text[quote.source_start:quote.source_end] == written


@pytest.mark.parametrize("text", [
    "Criticism from the shop owners grew louder in May.",  # no content: neither a preposition nor a receiving verb
    "The attack from the north killed ten soldiers.",
    "The ferry plan drew criticism from Oslo to Bergen.",  # places in a from-phrase are a range, no speaker
])
def test_a_cue_noun_with_a_from_phrase_and_nothing_attributed_is_no_quote(analyze_text, text):
    assert analyze_text(text).quotes == []


@pytest.mark.parametrize("text", [
    "The attack by Hamas on Israel killed 1,200 people.",
    "The attack from Hezbollah on the northern town wounded five.",
    "The harbour town faced a fresh attack from the rebel army.",
])
def test_an_attack_by_force_from_no_person_is_no_quote(analyze_text, text):
    """A noun of force ("attack", "shot") given by a group, an army or a state is a deed, not words: its from/by phrase
    names no source unless a person gives it or the noun says what it is about ("an attack from the union over …")."""
    assert [(q.text, q.cue) for q in analyze_text(text).quotes] == []


def test_an_attack_from_a_person_is_still_that_persons_word(analyze_text):
    text = "Maria Olsen faced a fierce attack from Paul Weber."
    quote = _find(analyze_text(text), "Maria Olsen")
    assert (quote.cue, quote.source_text, quote.attribution) == ("attack", "Paul Weber", "endorsement")


# A quote closed by a dash and a name is that person's (vox pops, epigraphs); the tokenizer glues the dash to the mark
# or the name.
BYLINES = [
    ("dash after the mark", '"Mr. Weber embodies the worst of the harbour council. He has never listened to us." ― Sonya '
     'Herridge\n"During the debate Weber said the harbour is dying. He is ignorant of our lives."― Pamela Padilla\n',
     ["Mr. Weber embodies the worst of the harbour council. He has never listened to us.",
      "During the debate Weber said the harbour is dying. He is ignorant of our lives."], ["Sonya Herridge", "Pamela Padilla"]),
    ("dash line with a place", 'The ferry debate went on.\n\n"The whole idea of a closed harbour is something that we hear '
     'about all the time."\n\n-Michelle Marks, Oslo.\n\nMore later.',
     ["The whole idea of a closed harbour is something that we hear about all the time."], ["Michelle Marks"]),
]


@pytest.mark.parametrize("pattern,text,contents,written", BYLINES, ids=[row[0] for row in BYLINES])
def test_a_quote_closed_by_a_dash_and_a_name_is_that_persons(analyze_text, pattern, text, contents, written):
    quotes = [q for q in analyze_text(text).quotes if q.kind == "direct"]
    assert [q.text for q in quotes] == contents
    assert [q.source_text for q in quotes] == written
    for q in quotes:
        assert text[q.source_start:q.source_end] == q.source_text and text[q.cue_start:q.cue_end] in {"―", "-"}


def test_a_dash_in_running_prose_is_no_byline(analyze_text):
    text = 'The banner read "a harbour for all of us, not just for the rich" — Weber, of course, disagreed with it.'
    assert not [q for q in analyze_text(text).quotes if q.cue in {"—", "-", "―"}]


def test_a_cue_after_a_quote_that_ends_its_sentence_reports_its_own_clause(analyze_text):
    """'"…true." He said the council would …': the cue and its clause are the next sentence's, not the quote's."""
    text = 'Maria Olsen interjected: "It is just not true." He said the council would not go far enough to fix the harbour.'
    analysis = analyze_text(text)
    quote = _find(analysis, "It is just not true.")
    assert (quote.cue, quote.source_text, quote.kind) == ("interjected", "Maria Olsen", "direct")
    clause = _find(analysis, "the council would not go far enough to fix the harbour")
    assert (clause.cue, clause.source_text) == ("said", "He")
    # with no clause of its own, the cue after the quote is the quote's
    quote = _find(analyze_text('"We will win the vote." Olsen said on Monday.'), "We will win the vote.")
    assert (quote.cue, quote.source_text) == ("said", "Olsen")


# A noun whose "that" clause someone said, claimed or believes: the clause is the content, the noun the cue, the source
# its possessor, a "from" phrase or a name before it; with none of these, no source.
THAT_NOUNS = [
    ("possessor", "Reporters checked Maria Olsen's claim that the harbour was safe.",
     "the harbour was safe", "claim", "claim", "Maria Olsen"),
    ("his", "Paul Weber spoke on Monday. Voters cheered his warning that the bridge would close in May.",
     "the bridge would close in May", "warning", "speech", "Paul Weber"),
    ("name before the noun", "The mayor seized on a Harbour Times report that the ferry lost money last year.",
     "the ferry lost money last year", "report", "speech", "Harbour Times"),
    ("from", "The letter came with a demand from the union that the mine stay open.",
     "the mine stay open", "demand", "speech", "the union"),
    ("no source", "Despite complaints that the ferry is too slow, the council kept it running.",
     "the ferry is too slow", "complaints", "speech", None),
    ("promise to", "Paul Weber's promise to keep the harbour open all winter surprised the shop owners.",
     "to keep the harbour open all winter", "promise", "speech", "Paul Weber"),
]


@pytest.mark.parametrize("pattern,text,content,cue,attribution,speaker", THAT_NOUNS, ids=[row[0] for row in THAT_NOUNS])
def test_a_claim_noun_with_a_that_clause_is_an_attribution(analyze_text, pattern, text, content, cue, attribution, speaker):
    analysis = analyze_text(text)
    quote = _find(analysis, content)
    assert (quote.text, quote.kind, quote.attribution, text[quote.cue_start:quote.cue_end]) == (
        content, "indirect", attribution, cue)
    assert text[quote.start:quote.end] == content
    if speaker is None:
        assert quote.speaker is None and quote.source_text is None
    else:
        assert speaker in (_speaker_name(analysis, quote), quote.source_text)
        assert text[quote.source_start:quote.source_end] == quote.source_text


@pytest.mark.parametrize("text,fragment", [
    ("Maria Olsen ignored the fact that the harbour had lost money.", "lost money"),
    ("The idea that the bridge could close worried the shop owners.", "bridge could close"),
    ("Officials raised the possibility that the ferry would stop in May.", "ferry would stop"),
    ("The claim that he made on Monday was quickly forgotten by the voters.", "Monday"),
    # an intention (what someone meant, not said), held or not, and a refusal (its clause is what the source will
    # not do)
    ("The plan to close the harbour in May was dropped after a week.", "close the harbour"),
    ("Paul Weber's decision to keep the harbour open all winter surprised the shop owners.", "keep the harbour open"),
    ("Maria Olsen's refusal to sign the harbour deal angered the union.", "sign the harbour deal"),
])
def test_a_clause_of_no_claim_noun_or_a_relative_clause_is_no_attribution(analyze_text, text, fragment):
    analysis = analyze_text(text)
    assert not [q for q in analysis.quotes if fragment in q.text], [(q.text, q.cue) for q in analysis.quotes]


# A verb that carries a claim only through its object noun ("broke the news that …"): one noun table and one "that"
# clause finder with the claim nouns above, the noun giving the kind.
CLAIM_VERB_NOUNS = [
    ("broke the news", "Maria Olsen broke the news that the harbour would close in May.",
     "the harbour would close in May", "broke the news", "speech", "Maria Olsen"),
    ("made the claim", "Paul Weber made the claim that the ferry lost money.",
     "the ferry lost money", "made the claim", "claim", "Paul Weber"),
    ("shared her belief", "Maria Olsen shared her belief that the harbour would reopen.",
     "the harbour would reopen", "shared her belief", "belief", "Maria Olsen"),
]


@pytest.mark.parametrize("pattern,text,content,cue,attribution,written", CLAIM_VERB_NOUNS,
                         ids=[row[0] for row in CLAIM_VERB_NOUNS])
def test_a_claim_verbs_noun_carries_the_that_clause(analyze_text, pattern, text, content, cue, attribution, written):
    _assert_attribution(analyze_text(text), text, content, cue, attribution, written)


@pytest.mark.parametrize("text", [
    "The news that the harbour would close in May shocked the shop owners.",  # news nobody is named for
    "Paul Weber made the claim that he made.",  # a relative clause, no "that" clause
])
def test_a_claim_noun_without_its_source_or_clause_is_no_quote(analyze_text, text):
    assert analyze_text(text).quotes == []


# --- the seeds -------------------------------------------------------------------------------------

SEED_QUOTES = [
    # (file prefix, distinctive words of the quote, speaker)
    ("000", "industrial investments", "Rodriguez"),
    ("000", "strategic partners", "Rodriguez"),  # attributed to "Rodriquez", the same person misspelt
    ("000", "change of headquarters", "Rodriguez"),
    ("000", "thousands of metric tons", "Lavrov"),
    ("001", "best way to help", "Lavrov"),
    ("001", "ready to participate", "Lavrov"),
    ("001", "sort out as soon as possible", "Peskov"),
    ("001", "probability", "Lukyanov"),
    ("001", "failed state", "Duddy"),
    ("001", "violence with impunity", "Human Rights Watch"),
    ("001", "essential part of the Chavistas", "Breitbart"),
    ("001", "renegotiate contract terms", "Commerce Ministry"),
    ("001", "returning home", "Juan Guaidó"),  # "Juan Guaidó, who left the country … He visited Brazil … and announced"
    ("002", "clear terrorist nature", "Putin"),
    ("002", "reverse the negative trend", "Putin"),
    ("002", "gold mine", "Kucukyavuz"),
    ("003", "full democracy", "Sánchez"),
    ("004", "war for oil", "Maduro"),
    ("004", "crack down on the regime", "Pence"),
    ("004", "two corrupt governments", "Pompeo"),
    ("004", "My advice to bankers", "Bolton"),
    ("004", "lost the military", "Bolton"),
    ("004", "Foreign Minister Sergei Lavrov Friday", "Reuters"),
    ("004", "20 tons of gold", "Bloomberg"),
]


@pytest.fixture(scope="module")
def seed_analyses(seeds_dir, voices_of):
    paths = sorted(Path(seeds_dir).glob("*.txt"))
    return {p.name[:3]: a for p, a in zip(paths, voices_of(paths))}


@pytest.mark.parametrize("prefix,fragment,speaker", SEED_QUOTES, ids=[f"{p}-{s}" for p, _, s in SEED_QUOTES])
def test_seed_quotes(seed_analyses, prefix, fragment, speaker):
    analysis = seed_analyses[prefix]
    quote = _find(analysis, fragment)
    assert fold(speaker) in fold(_speaker_name(analysis, quote)), (quote.speaker, _speaker_name(analysis, quote))


# Attributions the seeds do not make: (file prefix, cue as found, words of the wrong content).
SEED_NOT_QUOTES = [
    ("001", "think", "just too busy"),  # a cue inside Lavrov's quoted words took the sentence around them
    ("001", "written", "Maduro regime"),  # "has long since written off the Maduro regime"
    ("001", "called", "arrange a meeting"),  # a telephone call
    ("001", "doubt", "lookout"),  # "the gangs are no doubt on the lookout"
    ("000", "promised", "Feb. 18"),  # a date the parser made the object
    ("000", "speaks", "surviving"),  # "… speaks volumes about Maduro surviving …"
    ("002", "found", "another way"),
    ("003", "maintain", "relationship"),
    ("003", "shows", "no signs"),
    ("003", "called", "relay his support"),
    ("004", "continuing", "alliance"),
]


@pytest.mark.parametrize("prefix,cue,fragment", SEED_NOT_QUOTES, ids=[f"{p}-{c}" for p, c, _ in SEED_NOT_QUOTES])
def test_seed_non_quotes(seed_analyses, prefix, cue, fragment):
    analysis = seed_analyses[prefix]
    wrong = [q for q in analysis.quotes if (q.cue or "").startswith(cue) and fragment in q.text]
    assert not wrong, [(q.text, q.cue) for q in wrong]


def test_seed_quote_spans(seed_analyses):
    """Direct quotes are the words inside the marks, curly marks left outside, in original offsets."""
    analysis = seed_analyses["001"]
    text = analysis.article.text
    quote = _find(analysis, "best way to help")
    assert text[quote.start - 1] == "\u201c" and text[quote.end] == "\u201d"
    assert quote.text.startswith("We think the") and quote.text.endswith("cooperation.")
    assert quote.kind == "direct" and quote.cue == "told"
    # a quote whose closing mark the writer forgot runs to the end of its paragraph
    ministry = _find(analysis, "renegotiate contract terms")
    assert ministry.text.endswith("remaining debts.")


def test_seed_speaker_counts(seed_analyses):
    """Rodriguez is quoted twice directly in 000, once under the misspelling 'Rodriquez'."""
    analysis = seed_analyses["000"]
    direct = [q for q in analysis.quotes if q.kind == "direct"]
    assert sorted(q.speaker.text for q in direct) == ["Rodriguez", "Rodriquez"]
    assert {_speaker_name(analysis, q) for q in direct} == {"Delcy Rodriguez"}


def _provenance(analysis) -> None:
    text = analysis.article.text
    for q in analysis.quotes:
        assert text[q.start:q.end] == q.text, (analysis.article.path, q)
        assert q.text.strip() == q.text and q.text
        if q.speaker is not None:
            assert text[q.speaker.start:q.speaker.end] == q.speaker.text, (analysis.article.path, q.speaker)
        assert 0 <= q.sentence < len(analysis.sentences)


def test_seed_quote_provenance(seed_analyses):
    for analysis in seed_analyses.values():
        _provenance(analysis)


@pytest.mark.slow
@pytest.mark.xdist_group("ptc-voices")
def test_quote_provenance_over_ptc_unlabeled(shared_corpus, voices_of):
    folder = shared_corpus / "ptc-unlabeled"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/ptc-unlabeled is not present")
    total = 0
    for analysis in voices_of(sorted(folder.glob("*.txt"))):
        _provenance(analysis)
        total += len(analysis.quotes)
    assert total > 100  # 165 news articles quote people a lot; a collapse of the stage shows here


# --- store reads -----------------------------------------------------------------------------------


def test_export_quotes(seeds_conn):
    from newsgraph.store.queries import export_quotes

    rows = export_quotes(seeds_conn)
    texts = dict(seeds_conn.execute("SELECT id, text FROM documents"))
    entities = {r[0] for r in seeds_conn.execute("SELECT id FROM entities")}
    assert len(rows) >= len(SEED_QUOTES)
    for r in rows:
        assert {"id", "doc", "start", "end", "text", "speaker", "cue", "kind", "source_outlet"} <= set(r)
        assert texts[r["doc"]][r["start"]:r["end"]] == r["text"]
        assert r["speaker"] is None or r["speaker"] in entities
        assert r["kind"] in {"direct", "partial", "indirect"}
        assert r["attribution"] in {"speech", "belief", "claim", "denial", "endorsement", "report"}
        text = texts[r["doc"]]
        if r["source_start"] is not None:
            assert text[r["source_start"]:r["source_end"]] == r["source_text"]
        if r["cue_start"] is not None:
            assert r["cue"] and r["cue_end"] > r["cue_start"]
        for start, end in r["parts"]:
            assert r["start"] <= start < end <= r["end"]
        assert r["affiliation"] is None or r["affiliation"] in entities
    # the events a quote reports are linked to it, and stand inside it
    events = {r[0]: (r[1], r[2], r[3]) for r in seeds_conn.execute('SELECT id, doc, start, "end" FROM events')}
    linked = [(r, e) for r in rows for e in r["events"]]
    assert linked
    for r, e in linked:
        doc, start, end = events[e]
        assert doc == r["doc"] and r["start"] <= start and end <= r["end"]
    lavrov = [r for r in rows if "ready to participate" in r["text"]]
    assert len(lavrov) == 1 and lavrov[0]["speaker"] == seeds_conn.execute(
        "SELECT entity FROM mentions WHERE name = 'Sergei Lavrov' LIMIT 1").fetchone()[0]


def test_quotes_by_speaker(seeds_conn):
    from newsgraph.store.queries import quotes

    bolton = quotes(seeds_conn, speaker="John Bolton")
    assert len(bolton) == 2
    assert all(r["speaker_display"] == "John Bolton" for r in bolton)
    # every quote by the misspelt surname too: the entity collects them all
    assert len([r for r in quotes(seeds_conn, speaker="Delcy Rodriguez") if r["kind"] == "direct"]) >= 2


def test_a_states_quotes_hold_its_officials(seeds_conn):
    """Quotes by Russia are also those of the men the seeds call Russian officials, said for it; not those of the
    Russian opposition leader."""
    from newsgraph.store.queries import quotes

    rows = quotes(seeds_conn, speaker="Russia")
    lavrov = [r for r in rows if "ready to participate" in r["text"]]
    assert len(lavrov) == 1 and lavrov[0]["speaks_for"] == "russia"
    assert lavrov[0]["speaker_display"] == "Sergei Lavrov (for Russia)"
    assert {r["speaker_display"].split(" (")[0] for r in rows if r["speaks_for"]} == {"Sergei Lavrov", "Vladimir Putin", "Dmitry Peskov"}
    assert not [r for r in rows if "Navalni" in (r["speaker_display"] or "")]
    assert [r["speaks_for"] for r in rows if r["speaker"] == "russia"] == [None] * len([r for r in rows if r["speaker"] == "russia"])


def test_quotes_cli(seeds_db):
    from click.testing import CliRunner

    from newsgraph.cli import main

    result = CliRunner().invoke(main, ["quotes", "--db", str(seeds_db), "--speaker", "Peskov", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    assert len(rows) == 1 and rows[0]["text"].startswith("We hope our Venezuelan")
    result = CliRunner().invoke(main, ["quotes", "--db", str(seeds_db)])
    assert result.exit_code == 0 and "quotes" in result.output


@pytest.fixture(scope="module")
def analyze_text(analyze_text):
    """Only the stages quotes and descriptors need, so these tests do not depend on the others."""
    return functools.partial(analyze_text, only={"mentions", "quotes", "descriptors"})


def test_cue_searches_on_arrays_look_at_every_token_their_tests_pass(nlp, seeds_dir, shared_corpus):
    """``quotes._indirect``, ``quotes._nominal_cues`` and ``quotes._that_nouns`` run their unchanged tests only on the tokens ``_may_cue`` finds
    on arrays: every token that passes the first test of either, written plainly over Token objects, is among them."""
    from newsgraph.extract import Context
    from newsgraph.extract import quotes as q
    from newsgraph.extract.quote_speakers import CLAIM_VERBS
    from newsgraph.lexicons.lemmas import lemma_of
    from newsgraph.model import Article, DocumentAnalysis

    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::40][:40]
    texts = [p.read_text(encoding="utf-8") for p in paths] + ["According to the report, she said he was critical of it."]
    seen = 0
    for text, doc in zip(texts, nlp.pipe(texts)):
        article = Article(id="x", text=text, path="x.txt")
        ctx = Context(article=article, norm=None, doc=doc, result=DocumentAnalysis(article=article))
        indirect = {t.i for t in doc if t.lower_ == "according" or (t.lower_ == "in" and t.dep_ == "prep") or q._is_cue_verb(t)
                    or (t.pos_ == "VERB" and lemma_of(t) in CLAIM_VERBS)}
        found = {t.i for t in q._may_cue(ctx, {"according", "in"}, q.cue_kinds().keys() | CLAIM_VERBS, {q.VERB, q.AUX})}
        assert indirect <= found
        nominal = {t.i for t in doc if (t.pos_ == "NOUN" and lemma_of(t) in q._NOUN_CUES)
                   or (t.pos_ == "ADJ" and lemma_of(t) in q._ADJ_CUES and t.dep_ in {"acomp", "oprd"})}
        assert nominal == {t.i for t in q._may_cue(ctx, set(), q._NOUN_CUES.keys(), {q.NOUN})} | {
            t.i for t in q._may_cue(ctx, set(), q._ADJ_CUES.keys(), {q.ADJ}, {"acomp", "oprd"})}
        clauses = {t.i for t in doc if t.pos_ == "NOUN" and lemma_of(t) in q._THAT_NOUNS.keys() | q._TO_NOUNS.keys()}
        assert clauses == {t.i for t in q._may_cue(ctx, set(), q._THAT_NOUNS.keys() | q._TO_NOUNS.keys(), {q.NOUN})}
        seen += len(indirect) + len(nominal) + len(clauses)
    assert seen > 1000


@pytest.mark.parametrize("text,fragment,speaker", [
    ("We must recall the words of the mayor, Paul Weber, who said that the harbour was safe, adding that the ferry "
     "would run all winter.", "ferry would run", "Paul Weber"),
    ("Reporters quote Maria Olsen, who said on Monday that fares would rise, noting that fuel costs more.",
     "fuel costs more", "Maria Olsen"),
    ("Paul Weber said the harbour was safe, adding that the ferry would run.", "ferry would run", "Paul Weber"),
])
def test_a_speech_participle_goes_on_with_the_speech_before_it(analyze_text, text, fragment, speaker):
    """", who said that X, adding that Y": the parser hangs "adding" on the sentence's main verb; its speaker is the
    one of the cue it continues, not the main clause's subject."""
    analysis = analyze_text(text)
    assert _speaker_name(analysis, _find(analysis, fragment)) == speaker


@pytest.mark.parametrize("text,fragment,speaker", [
    # a long coordinated subject makes the parser take "as" for a preposition and the subject for its object
    ("The pressure grew on Monday as Norway, Denmark, Iceland and 13 other northern countries announced that they "
     "were closing their ports to the fleet.", "closing their ports", "Norway"),
    # "stopping X from doing": X does it, not the subject of "stopping"
    ("Paul Weber accepts the offer for one purpose: stopping Maria Olsen and the council from seeking a new vote "
     "on the harbour.", "a new vote", "Maria Olsen"),
    # an infinitival relative on a noun that is no actor ("capital") names no speaker: the one who has it argues
    ("Paul Weber has the political capital to argue that the reform worked.", "reform worked", "Paul Weber"),
    # "pushed X into V-ing": X does it, but a reflexive X is the subject itself
    ("Paul Weber tricked himself into believing that the pier was safe.", "pier was safe", "Paul Weber"),
    # an infinitival relative names no speaker: the one who arranges the meeting talks
    ("Seeing the opening, Mayor Paul Weber on Saturday called Olsen to arrange a meeting to talk about the harbour.",
     "harbour", "Paul Weber"),
])
def test_the_speaker_of_a_cue_the_parser_misattaches(analyze_text, text, fragment, speaker):
    analysis = analyze_text(text)
    quote = _find(analysis, fragment)
    assert quote.speaker is not None and quote.speaker.text == speaker, (quote.speaker, [(q.text, q.speaker) for q in analysis.quotes])


@pytest.mark.parametrize("text,fragment,speaker", [
    ("The survey found that most fishermen oppose the new pier.", "most fishermen oppose", "The survey"),
    ("The panel went on to find the mayor had broken the law.", "mayor had broken the law", "The panel"),
    ("The court's decision confirms that the mayor broke the law.", "mayor broke the law", "The court's decision"),
    ("Paul Weber wrote his opinion that the pier should close.", "pier should close", "Paul Weber"),
    ("Merkel on Disclosure: We must publish all the files now.", "publish all the files", "Merkel"),
    ("Weber made a career from arguing that the pier was unsafe.", "pier was unsafe", "Weber"),
    ("Olsen gave Weber no time to explain that the pier would close.", "pier would close", "Weber"),
])
def test_the_rules_for_other_senses_leave_reports_alone(analyze_text, text, fragment, speaker):
    """A finding with a clause, a ruling that confirms, a writing with its claim, a name's colon line, "made a career
    from arguing" (no hindering verb), "gave Weber no time to explain" (the one given the time speaks)."""
    analysis = analyze_text(text)
    assert _find(analysis, fragment).speaker.text == speaker


def test_a_headline_entity_over_its_verb_gives_the_name_alone(analyze_text, seeds_dir):
    """Seed 002's headline "Putin Backs Venezuelan Regime, as Maduro …": the parser's entity runs over "Backs"; the
    speaker of the endorsement is "Putin", not the whole headline."""
    path = next(p for p in seeds_dir.iterdir() if p.name.startswith("002"))
    analysis = analyze_text(path.read_text(encoding="utf-8"))
    quote = next(q for q in analysis.quotes if q.cue == "Backs")
    assert (quote.text, quote.speaker.text) == ("Venezuelan Regime", "Putin")


def test_whom_a_cue_after_its_clause_tells_is_no_inverted_speaker(nlp):
    """The parse that gave "… Malkia Cyril, the executive director …, told The Huffington Post" its newspaper for a
    speaker, written out: a cue after a comma with no subject, its clause before it, a name as its object. "added"
    there names its speaker; "told" names whom it tells."""
    from spacy.tokens import Doc

    from newsgraph.extract.quote_speakers import inverted_subject

    words = ["Prices", "will", "rise", ",", "VERB", "the", "Courier", "."]
    for verb, lemma, expected in (("added", "add", "Courier"), ("told", "tell", None)):
        doc = Doc(nlp.vocab, words=[verb if w == "VERB" else w for w in words],
                  heads=[2, 2, 2, 2, 2, 6, 4, 2], deps=["nsubj", "aux", "ROOT", "punct", "conj", "det", "dobj", "punct"],
                  pos=["NOUN", "AUX", "VERB", "PUNCT", "VERB", "DET", "PROPN", "PUNCT"],
                  tags=["NNS", "MD", "VB", ",", "VBD", "DT", "NNP", "."],
                  lemmas=["price", "will", "rise", ",", lemma, "the", "Courier", "."])
        found = inverted_subject(doc[4])
        assert (found.text if found is not None else None) == expected


def test_of_two_subjects_the_speaker_is_the_one_outside_the_quote(nlp):
    """The parse that gave '"… The fact that he … really tried to do something," Huckabee said' no speaker, written
    out: "said" with two subjects, "fact" inside the quotation marks and the name outside them."""
    from spacy.tokens import Doc

    from newsgraph.extract.quote_speakers import subject_of

    words = ['"', "The", "fact", "is", "plain", ",", '"', "Huckabee", "said", "."]
    doc = Doc(nlp.vocab, words=words, heads=[8, 2, 8, 8, 3, 8, 8, 8, 8, 8],
              deps=["punct", "det", "nsubj", "ccomp", "acomp", "punct", "punct", "nsubj", "ROOT", "punct"],
              pos=["PUNCT", "DET", "NOUN", "AUX", "ADJ", "PUNCT", "PUNCT", "PROPN", "VERB", "PUNCT"],
              tags=["``", "DT", "NN", "VBZ", "JJ", ",", "''", "NNP", "VBD", "."],
              lemmas=['"', "the", "fact", "be", "plain", ",", '"', "Huckabee", "say", "."])
    assert subject_of(doc[8]).text == "Huckabee"


def test_members_of_parliament_are_no_one_person(analyze_text):
    """"MP" is a role in a name ("UKIP MEP Nigel Farage"), but "the MPs" who speak are a group, not the last man named."""
    quote = _find(analyze_text("Alan Johnson spoke on Monday. The MPs who make up the committee said the plan was "
                               "flawed."), "plan was flawed")
    assert quote.speaker is None or quote.speaker.mention is None


def test_the_mp_is_the_mp_named_before(analyze_text):
    quote = _find(analyze_text("Labour MP Diane Abbott said the bill was unfair. The MP added that she would vote against it."),
                  "vote against")
    assert quote.speaker.mention is not None


def test_whom_a_coordinated_cue_speaks_of_is_no_speaker(analyze_text):
    """"…, accused Macron of weakness": Macron is spoken of, not the speaker of the clause before."""
    analysis = analyze_text("Trump arrived in Paris on Friday, accused Macron of weakness.")
    assert not [q for q in analysis.quotes if q.speaker is not None and "Macron" in q.speaker.text]


@pytest.mark.parametrize("text", [
    "EMI currently offers its entire 200,000 download catalogue for use by both PCs and mobile phones.",
    "Napster already offers a cheaper service for downloading music to the PC.",
    "In the 70th minute the Greek striker found the bottom corner with a first-time strike.",
    "The side showed great composure in the second half at Anfield.",
    "The opposition party called a vote of no confidence in the Prime Minister.",
    "Monica Lewinsky also tweeted a link to a personal essay she wrote.",
    "A video was posted on Facebook by the group.",
    "If an average citizen did this, rest assured that they would be in jail.",
])
def test_wares_deeds_procedures_and_things_put_online_are_no_quote(analyze_text, text):
    """A seller offers wares, not words; a player finding the corner or showing composure reports nothing; nor does
    calling a vote, tweeting a link, a video posted on Facebook or the idiom "rest assured"."""
    assert [(q.text, q.cue) for q in analyze_text(text).quotes] == []


@pytest.mark.parametrize("text,content,cue", [
    ("The Kremlin offered its condolences to the families of the victims.", "its condolences", "offered"),
    ("The new poll showed Clinton leading in Florida.", "Clinton leading in Florida", "showed"),
    ("Investigators found no evidence of a break-in at the embassy.", "no evidence of a break-in", "found"),
])
def test_words_offered_and_what_a_poll_shows_are_still_attributed(analyze_text, text, content, cue):
    hits = [(q.cue, q.text) for q in analyze_text(text).quotes if content in q.text]
    assert hits and hits[0][0] == cue, analyze_text(text).quotes


@pytest.mark.parametrize("text,content,cue,speaker", [
    ('Charles Kennedy spoke in Harrogate. He said: "This is three-party politics. We will win seats in Scotland and '
     'Wales." The Lib Dems accuse Mr Blair of making a "touchy-feely" speech.',
     "This is three-party politics. We will win seats in Scotland and Wales.", "said", "Charles Kennedy"),
    ('Mr Frost added: "The housing market outlook remains highly uncertain. "Prices will slow considerably." CBI '
     'chief economist Ian McCafferty said the economy had "slowed in recent months" and would recover.',
     'The housing market outlook remains highly uncertain. "Prices will slow considerably.', "added", "Frost"),
    ('Liam Fox spoke on Monday. "What we learned is that they have nothing but fear and smear," he told BBC News. '
     'The Tory co-chairman attacked Labour\'s six new pledges as "vacuous" and empty.',
     "What we learned is that they have nothing but fear and smear", "told", "Liam Fox"),
])
def test_a_sentence_after_a_closed_quote_with_its_own_content_is_not_its_attribution(analyze_text, text, content, cue,
                                                                                        speaker):
    """After a quote that ends its sentence, the next sentence's verb with an object or clause of its own ("The Lib
    Dems accuse Mr Blair of …", "McCafferty said the economy had …") starts a new statement: it neither takes the
    quote nor joins the next quoted words to it."""
    analysis = analyze_text(text)
    quote = next(q for q in analysis.quotes if q.text.startswith(content[:30]))
    assert (quote.text, quote.cue, _speaker_name(analysis, quote).split()[-1]) == (content, cue, speaker.split()[-1])


def test_a_hyphenated_title_is_the_whole_source(analyze_text):
    analysis = analyze_text("Liam Fox spoke on Monday. The Tory co-chairman attacked Labour's six new pledges as "
                            '"vacuous" and empty.')
    assert [q.source_text for q in analysis.quotes if "pledges" in q.text] == ["The Tory co-chairman"]


def test_writing_a_show_is_no_quote(analyze_text):
    assert analyze_text("Ricky Gervais wrote the show with Stephen Merchant.").quotes == []


def test_a_he_after_the_text_turned_to_someone_else_is_not_the_last_speaker(analyze_text):
    """ "He said" continues the last named speaker only while the text has not made somebody else its subject."""
    analysis = analyze_text('"We repay loans when they are due," Liam Fox said. Meanwhile Lib Dem leader Charles Kennedy '
                            'is expected to attack Mr Blair. Mr Kennedy is touring the country this week. He said: "This '
                            'is three-party politics."')
    quote = next(q for q in analysis.quotes if q.text.startswith("This is three-party"))
    assert _speaker_name(analysis, quote) == "Charles Kennedy"


def test_a_posting_with_words_is_still_a_quote(analyze_text):
    quotes = analyze_text("She posted on Facebook that she was leaving the party.").quotes
    assert [q.cue for q in quotes] == ["posted"]


def test_a_quote_in_single_marks_over_several_paragraphs_goes_on(analyze_text):
    """The style that opens every paragraph of a long quote with a single mark and closes only the last."""
    text = ("Speaking on a visit to Singapore, Jeremy Hunt told BBC Radio that MPs could back the deal.\n"
            "'We have a clear opportunity to leave the EU in March,' he said.\n"
            "'It has the vast majority of things that people wanted, not absolutely everything.\n"
            "'There will be tough negotiations to follow in the years ahead but I think this language will help.'\n")
    analysis = analyze_text(text)
    quote = next(q for q in analysis.quotes if "vast majority" in q.text)
    assert _speaker_name(analysis, quote) == "Jeremy Hunt"
    assert "tough negotiations" in text[quote.start:quote.end]


@pytest.mark.parametrize("text,content,speaker", [
    ('"We have done nothing wrong." The company denied the allegations in a statement on Monday.',
     "We have done nothing wrong.", "The company"),
    ('"This is a scandal." Labour\'s Angela Rayner accused the government of cronyism.', "This is a scandal.", "Angela Rayner"),
])
def test_a_quote_with_no_speaker_before_it_takes_the_next_sentences(analyze_text, text, content, speaker):
    """Only a quote whose speaker stands before it ('He said: "…"') loses a next sentence with its own object."""
    analysis = analyze_text(text)
    quote = next(q for q in analysis.quotes if q.text == content)
    assert speaker in (quote.source_text or "")


def test_what_a_team_of_inspectors_finds_is_attributed(analyze_text):
    quotes = analyze_text("A team of UN inspectors found evidence of chemical weapons use in Douma.").quotes
    assert [q.cue for q in quotes] == ["found"]
