"""Money, quantities and percentages: values, units and spans (issue 3, "Money and quantities")."""

from __future__ import annotations

import pytest

from newsgraph.extract.amounts import parse_number


def stage_result(nlp, text: str, published: str | None = None):
    """Only the sentence, amount, time and pubdate stages: other stages are tested on their own."""
    from newsgraph.pipeline import analyze_texts

    return next(analyze_texts([text], nlp, only={"amounts", "times", "pubdate"}, published=published))


PHRASES = [
    # sentence, expected span text, value, unit, kind
    ("The fund lent the island $17 billion last year.", "$17 billion", 17e9, "USD", "money"),
    ("Officials said the USD $8.8 billion dollars in credits would not come back.", "USD $8.8 billion dollars", 8.8e9, "USD", "money"),
    ("The company paid six billion dollars for the stake.", "six billion dollars", 6e9, "USD", "money"),
    ("Investors have put some $70 billion into the port.", "some $70 billion", 70e9, "USD", "money"),
    ("The bank lent 200 million roubles to the farm.", "200 million roubles", 2e8, "RUB", "money"),
    ("The museum spent 3.5 million euros on repairs.", "3.5 million euros", 3.5e6, "EUR", "money"),
    ("Beijing offered 40bn yuan in loans.", "40bn yuan", 4e10, "CNY", "money"),
    ("The club's debts reached £1.2bn in May.", "£1.2bn", 1.2e9, "GBP", "money"),
    ("The ministry paid €3m for the survey.", "€3m", 3e6, "EUR", "money"),
    ("The province owes 900 Canadian dollars per head.", "900 Canadian dollars", 900, "CAD", "money"),
    ("Smugglers moved billions of dollars through the bank.", "billions of dollars", 1e9, "USD", "money"),
    ("The ship carried 20 tons of gold to the capital.", "20 tons of gold", 20, "ton", "quantity"),
    ("The convoy brought thousands of metric tons of grain to the valley.", "thousands of metric tons of grain", 1000, "metric ton", "quantity"),
    ("The air force flew two long-range bombers to the island.", "two long-range bombers", 2, "bomber", "quantity"),
    ("The new airliner has 400 seats.", "400 seats", 400, "seat", "quantity"),
    ("They sold 1,200 tonnes of wheat.", "1,200 tonnes of wheat", 1200, "tonne", "quantity"),
    ("A dozen ships waited outside the harbour.", "A dozen ships", 12, "ship", "quantity"),
    ("The smugglers carried 20 pounds of silver.", "20 pounds of silver", 20, "pound", "quantity"),
    ("Yesterday 13 other countries joined the pact.", "13 other countries", 13, "country", "quantity"),
    ("Farmers own 70% of the orchard.", "70% of the orchard", 70, "%", "percent"),
    ("Prices rose 12 per cent in a year.", "12 per cent", 12, "%", "percent"),
    ("Turnout fell to 30 percent.", "30 percent", 30, "%", "percent"),
    ("The council collected 100 pc of the rent.", "100 pc of the rent", 100, "%", "percent"),
    ("The motion was backed by 115 MPs.", "115 MPs", 115, "mp", "quantity"),
]


@pytest.mark.parametrize("sentence, text, value, unit, kind", PHRASES)
def test_amount_phrases(nlp, sentence, text, value, unit, kind):
    found = [(a.text, a.value, a.unit, a.kind) for a in stage_result(nlp, sentence).amounts]
    assert (text, pytest.approx(value), unit, kind) in found, found


NOT_AMOUNTS = [
    "The 35-year-old mayor took office in 2013.",
    "He spent six years in office and left on April 19, 2013.",
    "One of the ministers resigned on Friday.",
    "The council finished 11th in the ranking.",
    "The 12 July parade passed the hall.",
]


@pytest.mark.parametrize("sentence", NOT_AMOUNTS)
def test_years_ages_and_durations_are_not_amounts(nlp, sentence):
    assert stage_result(nlp, sentence).amounts == []


@pytest.mark.parametrize(
    "words, expected",
    [
        (["8.8", "billion"], (8.8e9, False)),
        (["six", "billion"], (6e9, False)),
        (["twenty", "-", "five"], (25, False)),
        (["two", "hundred", "thousand"], (2e5, False)),
        (["1.2bn"], (1.2e9, False)),
        (["1,200"], (1200, False)),
        (["thousands"], (1000, True)),
        (["11th"], None),
    ],
)
def test_parse_number(words, expected):
    got = parse_number(words)
    if expected is None:
        assert got is None
    else:
        assert got[0] == pytest.approx(expected[0]) and got[1] is expected[1]


SEED_AMOUNTS = [
    # seed file prefix, span text (whitespace folded), value, unit, kind
    ("002", "six billion dollars", 6e9, "USD", "money"),
    ("002", "USD $8.8 billion dollars", 8.8e9, "USD", "money"),
    ("003", "$30 billion", 30e9, "USD", "money"),
    ("001", "$17 billion", 17e9, "USD", "money"),
    ("001", "some $70 billion", 70e9, "USD", "money"),
    ("004", "20 tons of gold", 20, "ton", "quantity"),
    ("004", "two nuclear-capable bombers", 2, "bomber", "quantity"),
    ("004", "400 seats", 400, "seat", "quantity"),
    ("002", "70% of the mine", 70, "%", "percent"),
    ("002", "30%", 30, "%", "percent"),
    ("000", "thousands of metric tons of humanitarian relief", 1000, "metric ton", "quantity"),
    ("003", "13 other European countries", 13, "country", "quantity"),
]


@pytest.fixture(scope="module")
def seed_amounts(nlp, seeds_dir):
    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        result = stage_result(nlp, path.read_text(encoding="utf-8"))
        out[path.name[:3]] = [(" ".join(a.text.split()), a.value, a.unit, a.kind) for a in result.amounts]
    return out


@pytest.mark.parametrize("seed, text, value, unit, kind", SEED_AMOUNTS)
def test_seed_amounts(seed_amounts, seed, text, value, unit, kind):
    assert (text, pytest.approx(value), unit, kind) in seed_amounts[seed], seed_amounts[seed]


def test_no_seed_amount_is_a_year_or_an_age(seed_amounts):
    texts = {t for found in seed_amounts.values() for t, *_ in found}
    assert not {t for t in texts if "year" in t or t.isdigit()}, texts


def _check_provenance(nlp, paths):
    checked = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        result = stage_result(nlp, text)
        for record in result.amounts + result.times:
            assert record.start < record.end and record.text == text[record.start : record.end], (path.name, record)
            assert 0 <= record.sentence < len(result.sentences)
            checked += 1
    return checked


def test_provenance_seeds(nlp, seeds_dir):
    assert _check_provenance(nlp, sorted(seeds_dir.glob("*.txt"))) > 40


@pytest.mark.slow
def test_provenance_ptc_unlabeled(nlp, shared_corpus):
    paths = sorted((shared_corpus / "ptc-unlabeled").glob("*.txt"))
    if not paths:
        pytest.skip("../shared/corpus/ptc-unlabeled holds no articles")
    assert _check_provenance(nlp, paths) > 1000
