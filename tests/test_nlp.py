"""The spaCy components newsgraph adds (newsgraph.nlp.components)."""

from __future__ import annotations


def _line_break_starts_token_by_token(doc):
    return [tok.i + 1 for tok in doc[:-1] if "\n" in tok.text or "\n" in tok.whitespace_]


def _closing_quotes_token_by_token(doc):
    return [tok.i for tok in doc[1:]
            if tok.text in {'"', "'"} and doc[tok.i - 1].text in {".", "!", "?", "...", ","} and not doc[tok.i - 1].whitespace_]


def test_line_breaks_and_closing_quotes_from_arrays_equal_the_token_by_token_definitions(seeds_dir, shared_corpus):
    """Both are found on token arrays; the same indices as the plain definitions over Token objects."""
    from newsgraph.nlp import load_bare
    from newsgraph.nlp.components import closing_quotes, line_break_starts

    nlp = load_bare()
    made = ['HEADLINE\nFirst line.\n\n"Done." She said "yes," he said.\'\nEnd\n', "", "x", "\n", 'a."', '"\n"']
    paths = sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::60][:30]
    breaks = quotes = 0
    for doc in nlp.tokenizer.pipe(made + [p.read_text(encoding="utf-8") for p in paths]):
        assert line_break_starts(doc) == _line_break_starts_token_by_token(doc), doc.text[:40]
        assert closing_quotes(doc) == _closing_quotes_token_by_token(doc), doc.text[:40]
        breaks += len(line_break_starts(doc))
        quotes += len(closing_quotes(doc))
    assert breaks >= 250 and quotes >= 80, (breaks, quotes)  # 285 and 95: both paths are exercised, not only empty lists


def test_a_line_break_starts_a_sentence_and_a_glued_quote_closes_one(nlp):
    doc = nlp('Big News Today\nThe minister said "we will win." Then he left.')
    starts = [t.text for t in doc if t.is_sent_start]
    assert "The" in starts and '"' not in starts


# The model's rule components made cheap (newsgraph.nlp.rule_components): exactly the model's annotations.

_COLUMNS = ("POS", "TAG", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE")
_MADE = [
    "We're gonna win, y'all, and I ain't done. C'mon, let's go! Nothin' stops us, we gotta try.\n\n  Then   there is a gap.",
    "I told you it was him; give it to me. Did they do it? They did, and there are three of them, which is odd.",
    "She doesn't know whether it's true, though it is.  That's all.\n\t\nTHE END",
]


def _annotations(doc):
    from spacy.attrs import IDS

    return doc.to_array([IDS[c] for c in _COLUMNS]).tolist()


def test_the_compiled_ruler_and_kept_lemmas_give_every_token_the_models_own_annotations(seeds_dir, shared_corpus):
    """Two copies of the model, one with its stock attribute ruler and lemmatizer, one with the compiled table and
    the lemma memo: every token's part of speech, tag, morphology, lemma, dependency, head and entity are equal, on
    made sentences that fire the two-token and dependency patterns and on whole news texts (the table and memo
    are filled as they go, so later documents read what earlier ones left)."""
    from newsgraph.nlp import load_bare
    from newsgraph.nlp.rule_components import AttributeTable, LemmaMemo, use_attribute_table, use_lemma_memo

    stock, fast = load_bare(), load_bare()
    assert use_attribute_table(fast) and use_lemma_memo(fast)
    assert stock.pipe_names == fast.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(fast.get_pipe("lemmatizer"), LemmaMemo)
    paths = (sorted(seeds_dir.glob("*.txt")) + sorted((shared_corpus / "bbc").rglob("*.txt"))[::90]
             + sorted((shared_corpus / "polnear").rglob("*.txt"))[::60])
    texts = _MADE + [p.read_text(encoding="utf-8") for p in paths]
    assert len(texts) > 35
    tokens = 0
    for text, a, b in zip(texts, stock.pipe(texts), fast.pipe(texts)):
        assert _annotations(a) == _annotations(b), text[:60]
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        tokens += len(a)
    assert tokens > 20_000
    made = list(fast.pipe(_MADE))
    lemmas = {(t.text, t.lemma_) for d in made for t in d}
    # two-token patterns ("gon na", "let 's"), a word pattern (a negation) and a dependency pattern all fired
    assert {("gon", "go"), ("na", "to"), ("'s", "us"), ("n't", "not")} <= lemmas, sorted(lemmas)
    assert any(t.lower_ == "there" and t.head.pos_ == "VERB" and t.head.lower_ in {"is", "are"} for d in made for t in d)


def test_later_ruler_patterns_override_earlier_ones_in_the_table_as_in_the_ruler():
    """A blank pipeline whose ruler has overlapping one- and two-token patterns, set words and a regular
    expression: the table annotates as the ruler does, the later pattern winning on each attribute."""
    import spacy

    from newsgraph.nlp.rule_components import compile_ruler

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "bank"}]], {"POS": "NOUN", "MORPH": "Number=Sing", "LEMMA": "bank"})
    ruler.add([[{"LOWER": {"IN": ["bank", "banks"]}}]], {"POS": "VERB"})
    ruler.add([[{"LOWER": "the"}, {"LOWER": "bank"}]], {"POS": "PROPN"}, index=1)
    ruler.add([[{"LOWER": "the"}, {"LOWER": {"REGEX": "^ban"}}]], {"LEMMA": "det"}, index=0)
    ruler.add([[{"LOWER": {"NOT_IN": ["the", "bank"]}, "IS_SPACE": False}]], {"MORPH": "Foreign=Yes"})
    table = compile_ruler(ruler)
    assert table is not None
    text = "the bank banks on the banks of the Bank ."
    by_ruler, by_table = ruler(nlp.make_doc(text)), table(nlp.make_doc(text))
    rows = [(t.text, t.pos_, str(t.morph), t.lemma_) for t in by_table]
    assert rows == [(t.text, t.pos_, str(t.morph), t.lemma_) for t in by_ruler]
    assert rows[1] == ("bank", "PROPN", "Number=Sing", "bank")  # all three patterns, the latest winning on POS
    assert rows[0] == ("the", "", "", "det") and rows[2] == ("banks", "VERB", "Foreign=Yes", "")


def test_a_ruler_the_table_cannot_read_is_left_in_the_pipeline():
    import spacy

    from newsgraph.nlp.rule_components import compile_ruler, use_attribute_table

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a"}, {"IS_PUNCT": True, "OP": "+"}]], {"POS": "X"})
    assert compile_ruler(ruler) is None
    assert use_attribute_table(nlp) is False
    assert nlp.get_pipe("attribute_ruler") is ruler and nlp.pipe_names == ["attribute_ruler"]


def test_the_build_pipeline_uses_the_cheap_rule_components(nlp):
    from newsgraph.nlp.rule_components import AttributeTable, LemmaMemo

    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(nlp.get_pipe("lemmatizer"), LemmaMemo)
    # the rule lemmatizer's word index is searched with `in` for every new word: from a set, not the model's lists;
    # it is still the same list for anything else (the lemmatizer can still be saved)
    from newsgraph.nlp.rule_components import _IndexList

    lemmatizer = nlp.get_pipe("lemmatizer").lemmatizer
    index = lemmatizer.lookups.get_table("lemma_index")
    assert len(index["noun"]) > 50_000 and all(type(index[k]) is _IndexList for k in index.keys())
    assert "zebra" in index["noun"] and "zebras" not in index["noun"] and list(index["noun"])[:3] == index["noun"][:3]
    assert len(lemmatizer.to_bytes()) > 1_000_000
