"""Publication date inferred from the text when metadata has none (issue 3, "Time")."""

from __future__ import annotations

import pytest

from newsgraph.extract.times import Reading
from newsgraph.extract.pubdate import infer_from


def stage_result(nlp, text: str, published: str | None = None):
    """Only the sentence, amount, time and pubdate stages: other stages are tested on their own."""
    from newsgraph.pipeline import analyze_texts

    return next(analyze_texts([text], nlp, only={"amounts", "times", "pubdate"}, published=published))


TEXTS = [
    # text, inferred date
    ("The minister promised on Feb. 18, 2019 to act. She flew to the border Feb. 23 with her aides.", "2019-02-23"),
    ("In Dec. 2018 the navy sent two ships. Earlier this year the port closed.", "2019-02-01"),
    ("In Dec. 2018 the navy sent two ships. In January the port closed.", "2019-01-01"),
    ("The mandate will expire after January 10, 2020. In February 2019 the firm opened an office.", "2019-12-11"),
    ("The museum reopened on March 3, 2017 after a long closure.", "2017-03-03"),
    ("The vote was held in May 2016. The results were known a week later.", "2016-06-01"),
    ("In 2017 the mill closed. The envoys met on Friday, March 1, in the capital.", "2019-03-01"),
]


@pytest.mark.parametrize("text, expected", TEXTS)
def test_inferred_dates(nlp, text, expected):
    assert stage_result(nlp, text).published_guess == expected


@pytest.mark.parametrize(
    "text",
    [
        "The mayor spoke on Monday.",
        "Established 1984. The council met on Monday and will meet again on Friday.",
        "The strike began on January 29 and the union said so last month.",
    ],
)
def test_no_guess_without_a_year_next_to_a_month(nlp, text):
    assert stage_result(nlp, text).published_guess is None


def test_metadata_date_wins(nlp):
    result = stage_result(nlp, "The talks ended on Feb. 18, 2019. Today the envoys left.", published="2019-03-04")
    assert result.published_guess is None
    assert ("Today", "2019-03-04") in [(t.text, t.value) for t in result.times]


def test_times_are_anchored_to_the_inferred_date(nlp):
    result = stage_result(nlp, "The minister promised on Feb. 18, 2019 to act. On Monday she met the envoys.")
    assert result.published_guess == "2019-02-18"
    assert ("Monday", "2019-02-18", "2019-02-18") in [(t.text, t.value, t.anchor) for t in result.times]


def test_a_yearless_date_far_after_the_full_dates_belongs_to_the_year_before():
    readings = [
        Reading("absolute", year=2005, month=1, day=10, tense="past"),
        Reading("partial", month=12, day=None, tense="past"),
    ]
    assert infer_from(readings) == "2005-01-10"


def test_a_yearless_coming_date_is_the_next_one_after_what_happened():
    readings = [
        Reading("absolute", year=2018, month=2, tense="past"),
        Reading("partial", month=1, day=10, tense="future"),
    ]
    assert infer_from(readings) == "2018-12-11"


def test_years_alone_give_no_guess():
    readings = [Reading("absolute", year=1984, tense="past"), Reading("partial", month=3, day=None, tense="past")]
    assert infer_from(readings) is None


def test_dates_before_a_preposition_like_before_bound_nothing():
    readings = [
        Reading("absolute", year=2019, month=1, day=10, tense="past", bound="before"),
        Reading("absolute", year=2018, month=6, day=2, tense="past"),
    ]
    assert infer_from(readings) == "2018-06-02"


# The true dates of the seeds lie between early December 2018 and early March 2019.
SEED_WINDOWS = [
    ("000", "2019-02-15", "2019-03-15"),  # Feb. 23 in the past; Trump walked out of the Hanoi talks on 2019-02-28
    ("002", "2018-12-01", "2018-12-31"),  # "after January 10, when ... will be unrecognized"; the Dec. 2018 meeting
    ("004", "2019-02-01", "2019-03-15"),  # "Earlier this year"; "In January"; "In Dec. 2018" in the past
]
NO_YEAR = "the text names no year beside a month or day, so the year cannot be read from it"
SEED_WINDOWS += [
    pytest.param("001", "2019-02-01", "2019-03-15", marks=pytest.mark.xfail(strict=True, reason=NO_YEAR + " ('January 29')")),
    pytest.param("003", "2019-02-01", "2019-02-28", marks=pytest.mark.xfail(strict=True, reason=NO_YEAR + " (only 'Established 1984')")),
]


@pytest.fixture(scope="module")
def seed_guesses(nlp, seeds_dir):
    return {p.name[:3]: stage_result(nlp, p.read_text(encoding="utf-8")).published_guess for p in sorted(seeds_dir.glob("*.txt"))}


@pytest.mark.parametrize("seed, earliest, latest", SEED_WINDOWS)
def test_seed_publication_dates(seed_guesses, seed, earliest, latest):
    guess = seed_guesses[seed]
    assert guess is not None and "2018-12-01" <= guess <= "2019-03-15", guess
    assert earliest <= guess <= latest, guess


def test_inferred_date_and_times_reach_the_store(nlp, seeds_dir, tmp_path):
    from newsgraph.store.queries.events import export_times
    from newsgraph.store.sqlite import open_store

    path = next(seeds_dir.glob("000_*.txt"))
    result = stage_result(nlp, path.read_text(encoding="utf-8"))
    with open_store(tmp_path / "kb.db") as store:
        store.write_document(result, pipeline="test")
        row = store.conn.execute("SELECT published, published_inferred FROM documents").fetchone()
        times = export_times(store.conn)
    assert (row["published"], row["published_inferred"]) == ("2019-02-23", 1)
    assert {"text": "Jan. 23", "value": "2019-01-23", "granularity": "day", "anchor": "2019-02-23"}.items() <= next(
        t for t in times if t["text"] == "Jan. 23"
    ).items()


def test_a_dateline_at_the_top_is_the_publication_date(nlp):
    text = "April 27, 2005\n\nThe council voted to close the plant. It will reopen in August 2006, officials said."
    result = stage_result(nlp, text)
    assert result.published_guess == "2005-04-27"
    assert ("April 27, 2005", "2005-04-27") in [(t.text, t.value) for t in result.times]


def test_a_weekday_named_in_the_past_moves_the_guess_after_the_latest_date(nlp):
    # Feb. 18, 2019 was a Monday: "on Thursday" in the past puts the article on or after the 21st
    text = "The minister promised on Feb. 18, 2019 to act. On Thursday she flew to the border."
    assert stage_result(nlp, text).published_guess == "2019-02-21"


@pytest.fixture(scope="module")
def seed_readings(nlp, seeds_dir):
    """Per seed: (inferred date, readings of its times), the readings taken before the pubdate stage drops them."""
    from newsgraph.extract.time_readings import candidates

    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        guess = stage_result(nlp, text).published_guess
        out[path.name[:3]] = (guess, [c.reading for c in candidates(nlp(text))])
    return out


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_no_seed_is_dated_before_what_it_reports_in_the_past(seed_readings, seed):
    guess, readings = seed_readings[seed]
    if guess is None:
        pytest.skip(f"seed {seed} gets no date from its text")
    past = [f"{r.year:04d}-{r.month:02d}-{r.day or 1:02d}" for r in readings
            if r.kind == "absolute" and r.month and r.tense == "past" and r.bound not in {"before", "until", "by"}]
    assert past and guess >= max(past), (guess, past)


def test_times_and_pubdate_do_not_import_each_other():
    """The readings both stages use live in time_readings; pubdate never imports times (no import circle)."""
    import ast
    from pathlib import Path

    import newsgraph.extract as extract

    def imports(name: str) -> set[str]:
        tree = ast.parse((Path(extract.__file__).parent / f"{name}.py").read_text(encoding="utf-8"))
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}

    assert "newsgraph.extract.times" not in imports("pubdate")
    assert not {"newsgraph.extract.times", "newsgraph.extract.pubdate"} & imports("time_readings")
