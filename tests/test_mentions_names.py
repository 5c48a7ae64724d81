"""Names in one document: headings, acronyms, company forms, titles, name order, places that are not the place."""

from __future__ import annotations


def names(analysis) -> list[str]:
    return [m.name for m in analysis.mentions]


def mention(analysis, name):
    found = [m for m in analysis.mentions if m.name == name]
    assert found, (name, names(analysis))
    return found[0]


def target(analysis, m):
    return analysis.mentions[m.refers_to] if m.refers_to is not None else None


def test_a_title_case_headline_yields_its_names_not_one_long_name(analyze_text):
    a = analyze_text(
        "Lindsay Lohan Checks Into Betty Ford Clinic, Rehires Attorney Shawn Holley\n"
        "Lindsay Lohan checked into the Betty Ford Center on Friday, her attorney Shawn Holley said. "
        "Holley said Lohan checked in after a court hearing."
    )
    assert {"Lindsay Lohan", "Shawn Holley"} <= set(names(a))
    assert not any("Checks" in n or "Rehires" in n for n in names(a))


def test_a_heading_of_ordinary_words_is_no_name(analyze_text):
    a = analyze_text(
        "Friendship\nPropoganda Game\nThe friendship between the two leaders is a game of propaganda, "
        "the minister said in Brussels on Monday. Smith et al. wrote about it."
    )
    assert not {"Friendship", "Propoganda Game", "Game", "al"} & set(names(a))


def test_an_acronym_defined_in_the_text_points_at_its_expansion(analyze_text):
    a = analyze_text("Advanced Micro Devices (AMD) said on Wednesday it would buy SeaMicro. AMD shares rose 5 percent.")
    acronyms = [m for m in a.mentions if m.name == "AMD"]
    assert acronyms
    for m in acronyms:
        assert target(a, m).name == "Advanced Micro Devices"
    assert any("acronym of Advanced Micro Devices" in (m.link_reason or "") for m in acronyms)


def test_a_company_form_belongs_to_the_name(analyze_text):
    a = analyze_text("Shares of Dutch retailer Ahold NV rose on Monday. Ahold NV said sales grew.")
    assert "Ahold NV" in names(a)
    assert "NV" not in names(a) and "Ahold" not in [m.name for m in a.mentions if m.label == "PERSON"]


def test_titles_and_list_labels_leave_the_name(analyze_text):
    a = analyze_text("Defender Hassan Abbas scored twice on Sunday. Coroner Gary Hargrove said the man died at home.")
    assert mention(a, "Hassan Abbas").role == "Defender"
    assert "Gary Hargrove" in names(a)
    assert not any(n.startswith(("Defender", "Coroner")) for n in names(a))


def test_korean_family_name_comes_first(analyze_text):
    a = analyze_text("Moon Jae-in met Kim Jong Un in Pyongyang on Tuesday. Kim said the talks went well, and Moon agreed.")
    assert "Moon Jae-in" in names(a)  # the hyphenated given name is not cut
    kim = [m for m in a.mentions if m.name == "Kim"]
    assert kim and target(a, kim[0]).name == "Kim Jong Un"


def test_places_only_when_the_whole_mention_is_the_place(analyze_text):
    a = analyze_text("T-Mobile USA and Air China signed a deal on Monday. The Pentagon said it would review the contract.")
    assert "T-Mobile USA" in names(a)
    assert not [m for m in a.mentions if m.place == "US"]  # neither T-Mobile USA nor the Pentagon is the United States
    assert not [m for m in a.mentions if m.place == "CN"]
    assert mention(a, "Pentagon").label == "ORG"


def test_a_title_of_nobility_keeps_the_person_apart_from_the_country(analyze_text):
    a = analyze_text("Baroness Scotland spoke in the House of Lords on Monday. Voters in Scotland were not convinced.")
    assert "Baroness Scotland" in names(a)
    scotland = [m for m in a.mentions if m.name == "Scotland"]
    assert scotland and all(target(a, m) is None for m in scotland)


def test_a_lone_surname_goes_to_the_salient_bearer(analyze_text):
    a = analyze_text(
        "Donald Trump arrived in Paris with Melania Trump on Friday. Donald Trump met Emmanuel Macron, "
        "and Donald Trump praised the visit. Trump said the talks were good."
    )
    trump = [m for m in a.mentions if m.name == "Trump"]
    assert trump and all(target(a, m).name == "Donald Trump" for m in trump)


def test_a_lone_first_name_and_an_organisation_short_name(analyze_text):
    a = analyze_text("Breitbart News reported the arrest of Jermayne Timmons. Breitbart said Jermayne was 15.")
    assert target(a, mention(a, "Breitbart")).name == "Breitbart News"
    assert target(a, mention(a, "Jermayne")).name == "Jermayne Timmons"


def test_a_team_named_after_a_city_is_an_organisation(analyze_text):
    a = analyze_text("Leicestershire beat Somerset by an innings on Friday.\nCHICAGO 5 Houston 3")
    assert mention(a, "Somerset").label == "ORG"
    assert mention(a, "CHICAGO").label == "ORG"


# --- heading lines read from arrays -------------------------------------------------------------

def _headings_token_by_token(doc):
    """The definition ``mentions._headings`` computes from arrays, written plainly over Token objects."""
    lines, line, body = {}, [], []

    def close(tokens):
        words = [t for t in tokens if t.is_alpha]
        if not words:
            return
        content = [t for t in words if len(t) > 3] or words
        caps = all(t.is_upper for t in words) and len(words) >= 2
        title = sum(1 for t in content if t.text[:1].isupper()) / len(content) >= 0.75 and len(words) <= 20
        ends = tokens[-1].text in {".", "?", "!"} and not caps
        if (caps or title) and not ends and (len(words) >= 2 or tokens[0].i == 0 or len(tokens) <= 3):
            for t in tokens:
                lines[t.i] = caps
        else:
            body.extend(tokens)

    for tok in doc:
        if not tok.is_space:
            line.append(tok)
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            if line:
                close(line)
            line = []
    if line:
        close(line)
    capitalised = {t.text for t in body if t.is_alpha and t.text[:1].isupper() and not t.is_sent_start}
    capitalised |= {t.text for e in doc.ents if e.start not in lines and len(e) > 1 for t in e if t.is_alpha and t.text[:1].isupper()}
    from newsgraph.extract.mentions import _stem

    return lines, capitalised, {_stem(w) for w in {t.text for t in body if t.is_lower and t.is_alpha}}


def test_headings_from_arrays_equal_the_token_by_token_definition(nlp, seeds_dir, shared_corpus):
    from newsgraph.extract.mentions import _headings

    made = "BREAKING NEWS\n\nPutin Backs Venezuelan Regime\nThe president said so.\n\nA\n \nUK  AND US\nend"
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::100][:20]
    headed = 0
    for doc in nlp.pipe([made, ""] + [p.read_text(encoding="utf-8") for p in paths]):
        h = _headings(doc)
        assert (h.lines, h.capitalised, h.lower) == _headings_token_by_token(doc), doc.text[:60]
        headed += bool(h.lines)
    assert headed >= 4  # the made text and documents with headline lines


# --- further occurrences searched over arrays ----------------------------------------------------

def _propagate_token_by_token(doc, cands, heads):
    """The definition ``mentions._propagate`` computes from arrays, written plainly over Token objects."""
    from newsgraph.extract.mentions import _Candidate

    taken = {i for c in cands for i in range(c.start, c.end)}
    index = {}
    for c in cands:
        if c.place is not None or c.label in {"GAZ", "NORP"}:
            continue
        words = tuple(t.text for t in doc[c.start:c.end])
        if not words[0][:1].isupper() or len("".join(words)) < 3:
            continue
        index.setdefault(words[0], []).append((words, c))
        if c.label == "PERSON" and len(words) >= 2 and len(words[-1]) >= 3 and words[-1][:1].isupper():
            index.setdefault(words[-1], []).append(((words[-1],), c))
    for v in index.values():
        v.sort(key=lambda x: len(x[0]), reverse=True)
    caps_lines = {i for i, caps in heads.lines.items() if caps}
    lowered = {}
    if caps_lines:
        for first, entries in index.items():
            lowered.setdefault(first.lower(), []).extend(entries)
    added = []
    for tok in doc:
        if tok.i in taken:
            continue
        caps = tok.i in caps_lines
        for words, target in (lowered.get(tok.lower_, ()) if caps else index.get(tok.text, ())):
            j = tok.i + len(words)
            if (j <= len(doc)
                    and all((doc[tok.i + k].lower_ == w.lower()) if caps else (doc[tok.i + k].text == w) for k, w in enumerate(words))
                    and not taken.intersection(range(tok.i, j))
                    and not any(doc[k].is_sent_start for k in range(tok.i + 1, j))):
                cand = _Candidate(tok.i, j, target.label, " ".join(words) if not caps else doc[tok.i:j].text)
                if cand.name != target.name or target.target is not None:
                    cand.target = target
                    cand.link_reason = f"another occurrence of {target.name} in the same document"
                added.append(cand)
                taken.update(range(tok.i, j))
                break
    return added


def test_propagation_over_arrays_equals_the_token_by_token_definition(nlp, seeds_dir, shared_corpus):
    from newsgraph.extract import mentions as m

    made = ("LEICESTERSHIRE BEAT GLAMORGAN\n\nLeicestershire beat Glamorgan on Sunday. Mr Smith said Leicestershire "
            "had played well.\nJohn Smith and Smith's team. Smith\nSmith went home.")
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::60][:30]
    found = 0
    for doc in nlp.pipe([made, ""] + [p.read_text(encoding="utf-8") for p in paths]):
        heads = m._headings(doc)
        cands = m._candidates(doc, heads)
        m._link_places(doc, cands)
        m._teams(doc, cands)
        m._link_names(doc, cands)
        got, want = m._propagate(doc, cands, heads), _propagate_token_by_token(doc, cands, heads)
        as_rows = lambda added: [(c.start, c.end, c.label, c.name, id(c.target), c.link_reason) for c in added]  # noqa: E731
        assert as_rows(got) == as_rows(want), doc.text[:60]
        found += len(got)
    assert found >= 40  # 42 names the NER skipped: the comparison is not between empty lists


def test_name_cleaning_on_the_token_list_equals_cleaning_on_the_doc(nlp, seeds_dir, shared_corpus):
    """``_clean`` and ``_role_before`` read the context's token list instead of indexing the Doc: same bounds and titles."""
    from newsgraph.extract.mentions import _clean, _role_before

    made = "Colts QB Andrew Luck met Defender Hassan Abbas, Ahold NV and Intel Corp. with Russian Foreign Minister Sergei Lavrov."
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::40][:40]
    titled = 0
    for doc in nlp.pipe([made] + [p.read_text(encoding="utf-8") for p in paths]):
        tokens = list(doc)
        for ent in doc.ents:
            assert _clean(ent, tokens) == _clean(ent), ent.text
            titled += _clean(ent)[2] is not None
        for i in range(len(doc) + 1):
            assert _role_before(tokens, i) == _role_before(doc, i)
    assert titled >= 1  # a title found inside an entity span (the made text): the comparison covers that path too


def test_a_demonym_inside_a_longer_name_is_not_the_state(analyze_text):
    """"Latin American", "North American box office", "The New American" (a magazine), "African-American": the NER
    tags a longer name that ends in a demonym; the demonym in it is no mention of the United States."""
    a = analyze_text(
        "Latin American exports to China grew last year, the bank said. The film topped the North American box office "
        "on Sunday. The claim was first made last month by The New American: the magazine cited no source. "
        "The director said an African-American film rarely wins, and she was the first African - American woman "
        "to head the board. Protests by pro-Russian rebels grew, and Russian "
        "officials said American diplomats had left."
    )
    us = [m.text for m in a.mentions if m.place == "US"]
    assert us == ["American"], us  # "American diplomats" alone
    assert [m.text for m in a.mentions if m.place == "RU"] == ["Russian", "Russian"]  # a stance or a start keeps its state
    assert mention(a, "China").place == "CN"


def test_a_demonym_joined_to_a_word_that_is_no_actor_is_one_word(analyze_text):
    a = analyze_text("Anglo-American said its profits rose. Russian-American relations soured after the vote.")
    assert [m.place for m in a.mentions if m.text == "American"] == ["US"]  # of "Russian-American" only
    assert [m.place for m in a.mentions if m.text == "Russian"] == ["RU"]


def test_an_outlet_is_the_short_name_of_its_service(analyze_text):
    a = analyze_text("A report by the BBC World said the mine had opened in February. The BBC said the deal was signed. "
                     "The story ran on Reuters News Online, and Reuters later corrected it.")
    assert target(a, mention(a, "BBC")).name == "BBC World"
    assert target(a, mention(a, "Reuters")).name == "Reuters News Online"


def test_a_name_the_tagger_took_for_a_person_keeps_its_kind_from_its_last_word(nlp):
    """"the Truman Doctrine" tagged PERSON is a law, "the Carnegie Endowment" a body, "Wembley Stadium" a building."""
    from spacy.tokens import Span

    from newsgraph.extract.mentions import find_mentions

    doc = nlp("Officials cited the Truman Doctrine, the Carnegie Endowment and Wembley Stadium, said Jude Law and John Tower.")
    words = [t.text for t in doc]
    spans = [("Truman", 2), ("Carnegie", 2), ("Wembley", 2), ("Jude", 2), ("John", 2)]
    doc.ents = [Span(doc, words.index(w), words.index(w) + n, label="PERSON") for w, n in spans]
    found = {c.name: c.label for c in find_mentions(doc)}
    assert (found["Truman Doctrine"], found["Carnegie Endowment"], found["Wembley Stadium"]) == ("LAW", "ORG", "FAC")
    assert found["Jude Law"] == found["John Tower"] == "PERSON"  # surnames that are also such words stay people


def test_an_untagged_name_ending_in_doctrine_is_a_law_not_a_person(analyze_text):
    analysis = analyze_text("As usual, Putin wants to test Trump's resolve when it comes to enforcing the Truman Doctrine, "
                            "keeping Russia out of the hemisphere.")
    assert {m.text: m.label for m in analysis.mentions}["Truman Doctrine"] == "LAW"


def test_a_double_barrelled_surname_is_one_name(analyze_text):
    """"Robert Kilroy-Silk … Mr Kilroy-Silk": the surname again, not "Kilroy" and "Silk" as two actors."""
    a = analyze_text("East Midlands MEP Robert Kilroy-Silk has said he wants to lead a new party. "
                     "Mr Kilroy-Silk said the party would be honest.")
    assert "Kilroy" not in names(a) and "Silk" not in names(a)
    later = [m for m in a.mentions if m.name == "Kilroy-Silk"]
    assert later and all(target(a, m).name == "Robert Kilroy-Silk" for m in later)


def test_a_titled_surname_makes_a_person_of_a_name_the_ner_called_an_organisation(analyze_text):
    a = analyze_text("Former Worldcom boss Bernie Ebbers never made accounting decisions, a witness said. "
                     "Lawyers argued that Mr Ebbers was not responsible.")
    assert mention(a, "Bernie Ebbers").label == "PERSON"


def test_a_name_beside_a_company_description_is_an_organisation(analyze_text):
    a = analyze_text("Shares in Solidere, the Lebanese company founded by Rafik Hariri, fell 15% in Beirut.")
    assert mention(a, "Solidere").label == "ORG"


def test_a_description_that_opens_the_next_clause_or_fits_a_person_leaves_the_name_alone(analyze_text):
    """", the party said", ", the company is fighting …" are the next clause's subject, and a broadcaster or a
    newspaper publisher can be a person: none of them makes the name before it an organisation."""
    for text, name, label in [("The money went to John Prescott, the party said. He denied it.", "John Prescott", "PERSON"),
                              ("In California, the company is fighting the new rules.", "California", "GPE"),
                              ("David Dimbleby, the broadcaster, said he would retire.", "David Dimbleby", "PERSON"),
                              ("Conrad Black, the newspaper publisher, denied it.", "Conrad Black", "PERSON")]:
        assert mention(analyze_text(text), name).label == label, text


def test_a_form_of_address_makes_a_person_and_is_no_part_of_the_name(analyze_text):
    """"Dr Vancheshwar" (a name the NER left untyped) and "Dr Haldane" (one it took for an organisation) are
    people, named without the title, as the NER's own "Mr X" is."""
    a = analyze_text("A spokesman for Halden Builders, Dr Vancheshwar, told the BBC the rules would help. "
                     "Dr Haldane said the results were encouraging.")
    for name in ("Vancheshwar", "Haldane"):
        assert mention(a, name).label == "PERSON"
    assert not [m for m in a.mentions if m.name.startswith("Dr")]


def test_a_role_alone_is_no_organisation(analyze_text):
    """"MEP" and "MP" are roles: no mention of their own, and no first word of the next name with the role."""
    a = analyze_text("A UK Independence Party MEP said Germany saw the EU as an empire. "
                     "UKIP MEP Nigel Farage said the party would win.")
    assert "MEP" not in names(a) and "MEP Nigel Farage" not in names(a)
    assert mention(a, "Nigel Farage").label == "PERSON"


def test_a_city_the_ner_mistyped_is_a_place_where_the_text_puts_a_place(analyze_text):
    """A name of a city (GeoNames, data/cities.tsv) that the NER called a person or a body is a place after "in",
    "near" or before ", <state>", and so is every other mention of it in the text; "at Toyota" is the company."""
    a = analyze_text("The band cancelled Tuesday's Glasgow date. Fans who had a ticket for the show in Glasgow were "
                     "angry. Pubs in Guildford were bombed in 1974.")
    assert {m.label for m in a.mentions if m.name == "Glasgow"} == {"GPE"}
    assert mention(a, "Guildford").label == "GPE"
    a = analyze_text("At Toyota, labour and management talk every day.")
    assert mention(a, "Toyota").label == "ORG"


def test_what_only_looks_like_a_form_of_address_makes_no_person(analyze_text):
    """The verb "miss", the "DR" of "DR Congo", a firm named after a doctor and a judge's title are no forms of
    address before a person's name."""
    for text, name in [("Wilkinson to miss Ireland match.", "Ireland"), ("Mbala of DR Congo scored twice.", "Congo"),
                       ("Dr Reddy's said profits rose. The firm said sales grew.", "Reddy")]:
        assert all(m.label != "PERSON" for m in analyze_text(text).mentions if m.name == name), text
    assert "Justice" not in names(analyze_text("Mr Justice Harrison said the case was closed."))


def test_a_city_name_that_speaks_or_is_held_is_no_place(analyze_text):
    """"Shares in Toyota", "Toyota said", "Toyota, Japan's biggest carmaker": a firm, though GeoNames has a city so
    named; "Dr Vancheshwar's new clinic" is still a person's."""
    for text in ("Shares in Toyota fell 3%. Toyota said sales were weak.", "Toyota, Japan's biggest carmaker, said profits rose."):
        assert {m.label for m in analyze_text(text).mentions if m.name == "Toyota"} == {"ORG"}, text
    assert mention(analyze_text("Dr Vancheshwar's new clinic opened on Monday. He said it was busy."), "Vancheshwar").label == "PERSON"


def test_a_writer_in_the_byline_is_no_actor(analyze_text):
    """The byline's writers are not the story's people, and no description of them ("the boy") goes to them."""
    text = ("By Andrew Hay, Reuters, September 2, 2018: The boy was among 11 children at the compound. The judge, "
            "Sarah Backus, ordered his release.\n(Reporting by Nick Brown and Jo Biddle; Editing by Will Dunham)\n"
            "By Labor Day, Joe Biden had hired staff.")
    names = [m.name for m in analyze_text(text).mentions if m.form == "name"]
    assert "Sarah Backus" in names and "Joe Biden" in names and "Reuters" in names
    assert not {"Andrew Hay", "Nick Brown", "Jo Biddle", "Will Dunham"} & set(names)


def test_a_pictures_credit_names_no_actor(analyze_text):
    """Photographers and picture agencies in the credits scraped with a story are no actors of it, in each way
    credits are written; the same words in prose are left alone, and a name run on after a credit stays."""
    text = ("President Nicolas Maduro spoke in Caracas on Monday. (AP Photo/Ariana Cubillos)\n"
            "| Rick Bowmer/AP Photo Trump pardons Oregon ranchers\n"
            "Protesters marched in Madrid. (Photo by Jack Taylor/Getty Images)\n"
            "Paras Griffin via Getty Images.\n"
            "Photo: Reuters/Carlos Garcia Rawlins\n"
            "Photo credit: Keilana Mura\n"
            "A video by Lena Park shows the march, Tomas Ruiz said.\n"
            "The film will be produced by Columbia/Sony Pictures.")
    analysis = analyze_text(text)
    names = {m.name for m in analysis.mentions if m.form == "name"}
    assert {"Nicolas Maduro", "Caracas", "Trump", "Oregon", "Madrid", "Lena Park", "Tomas Ruiz", "Columbia/Sony Pictures"} <= names
    credited = {"Ariana Cubillos", "AP", "Rick Bowmer", "Jack Taylor", "Getty Images", "Paras Griffin", "Reuters",
                "Carlos Garcia Rawlins", "Keilana Mura"}
    assert not credited & names and not [m for m in analysis.mentions if "Photo" in m.text]
    assert not [q for q in analysis.quotes if "Rawlins" in q.text]  # "Photo:" is no speaker


def test_a_name_the_ner_cut_after_and_goes_on(analyze_text):
    """The NER ends "Organisation for Economic Co-operation and" before "Development": one body, not a fragment."""
    names = [m.name for m in analyze_text("The Organisation for Economic Co-operation and Development cut its "
                                          "forecast for Germany.").mentions if m.form == "name"]
    assert "Organisation for Economic Co-operation and Development" in names
    assert not [n for n in names if n.endswith(" and")]


def test_leaving_a_union_is_an_event_and_an_attitude_no_name(analyze_text):
    """"a Soft Brexit" was a person, "pro-Maduro" an organisation."""
    a = analyze_text("Theresa May still wants a Soft Brexit, the prime minister said. Pro-Brexit MPs oppose it. "
                     "The pro-Maduro rally was large, and pro-Russian rebels marched. Greece may face a Grexit.")
    names = {(m.text, m.label) for m in a.mentions if m.form == "name"}
    assert ("Brexit", "EVENT") in names and ("Grexit", "EVENT") in names
    assert not [m for m in a.mentions if "Soft" in m.text or "Maduro" in m.text]
    assert [(m.text, m.label) for m in a.mentions if "Pro" in m.text] == [("Pro-Brexit", "EVENT")]  # one word, one event
    assert [m.place for m in a.mentions if m.text == "Russian"] == ["RU"]  # the state a stance is to stays named



def test_a_body_before_a_title_keeps_only_a_seats_name(analyze_text):
    b = analyze_text("White House National Security Adviser John Bolton said Maduro must go.")
    assert "White House" in names(b) and "White House National Security" not in names(b)
    c = analyze_text("Maduro threatened to jail Venezuelan National Assembly Leader Juan Guaido.")
    assert "Venezuelan National Assembly" in names(c)  # a body of its own, not a seat's name with title words


def test_a_capital_a_distance_is_measured_from_is_the_city(analyze_text):
    """"35 miles from Seoul" is the city (the seeds' audit found Seoul merged into South Korea); "support from
    Beijing" is the government."""
    a = analyze_text("North Korea's border sits only 35 miles from Seoul. Pyongyang got support from Beijing. "
                     "The tanks stood far away from Moscow.")
    assert {m.text: m.place for m in a.mentions if m.text in {"Seoul", "Beijing", "Moscow"}} == {
        "Seoul": None, "Beijing": "CN", "Moscow": None}


def test_a_surname_under_a_title_of_the_other_gender_is_not_that_man(analyze_text):
    """ "Mrs Howard" after Michael Howard is his wife, not him (Michael is a man's first name); "Mr Howard" is him."""
    analysis = analyze_text("Michael Howard spoke in Brighton on Monday. Mrs Howard made her debut speech at the "
                            "conference. Mr Howard said the Tories would win.")
    ms = analysis.mentions
    lone = [m for m in ms if m.text == "Howard"]
    targets = [ms[m.refers_to].name if m.refers_to is not None else None for m in lone]
    assert targets == [None, "Michael Howard"]


def test_a_man_may_bear_a_name_mostly_womens(analyze_text):
    analysis = analyze_text("Nicola Zingaretti leads the party. Mr Zingaretti said the coalition would hold.")
    ms = analysis.mentions
    assert [ms[m.refers_to].name for m in ms if m.text == "Zingaretti"] == ["Nicola Zingaretti"]
