"""The canonical copy the NLP reads, and its offset map back to the text as read."""

from __future__ import annotations

import random

import pytest

from newsgraph.normalize import normalize


def _check_map(text: str, seed: int = 0) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    rng = random.Random(seed)
    for _ in range(500):
        a = rng.randrange(0, max(1, len(norm.text)))
        b = min(len(norm.text), a + rng.randrange(1, 40))
        s, e = norm.to_original(a, b)
        assert 0 <= s <= e <= len(text)
    # every canonical character that is a letter comes from the same letter, or from ftfy's repair
    for i, ch in enumerate(norm.text):
        if ch.isalnum() and norm.ends[i] - norm.starts[i] == 1:
            assert text[norm.starts[i]] == ch


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("He said \u201chello\u201d and left.", 'He said "hello" and left.'),
        ("Maduro\u2019s  government", "Maduro's government"),
        ("a\u00a0b", "a b"),
        ("Line one.\r\nLine two.", "Line one.\nLine two."),
        ("First para.\n\n\n\nSecond para.", "First para.\n\nSecond para."),
        ("The U.S. estimates R u ssia \u2019s total investment. Russia denies it.",
         "The U.S. estimates Russia's total investment. Russia denies it."),
        ("the sentence goes on\nhere and ends.", "the sentence goes on here and ends."),
        # two apostrophes or backquotes are one double mark (the New York Times, the Penn Treebank)
        ("''We will win,'' he said. ``Soon.''", '"We will win," he said. "Soon."'),
        ("''It is the 'right''' thing. '''Bad' is wrong,'' she said.", "\"It is the 'right'\" thing. \"'Bad' is wrong,\" she said."),
        ("''We are here,'' he said. ''It is late.\n\n''We go on,'' he added.", '"We are here," he said. "It is late.\n\n"We go on," he added.'),
        # but not inches, a mistyped apostrophe, or a stray pair that closes nothing
        ("He stands 6' 4'' tall.", "He stands 6' 4'' tall."),
        ("The film ''Apollo 13'' opened. ''It is great,'' he said.", 'The film "Apollo 13" opened. "It is great," he said.'),
        ("Voters wouldn''t be fooled, the minister''s office said.", "Voters wouldn''t be fooled, the minister''s office said."),
        ("The players'' union has rejected the offer.", "The players'' union has rejected the offer."),
    ],
)
def test_canonical_text(raw, canonical):
    assert normalize(raw).text == canonical
    _check_map(raw)


def test_broken_word_maps_back_to_the_broken_original():
    raw = "The U.S. estimates R u ssia \u2019s total investment in Venezuela. Russia denies it."
    norm = normalize(raw)
    i = norm.text.index("Russia's")
    s, e = norm.to_original(i, i + len("Russia"))
    assert raw[s:e] == "R u ssia"


def test_broken_word_not_rejoined_without_evidence():
    raw = "Plan B a nd C were on the table."  # "Band" occurs nowhere else: leave it
    assert normalize(raw).text == raw


def test_mojibake_fixed_and_mapped():
    raw = "The minister said \u00e2\u0080\u009cno\u00e2\u0080\u009d to the caf\u00c3\u00a9 owners."
    norm = normalize(raw)
    assert "caf\u00e9" in norm.text
    i = norm.text.index("caf\u00e9")
    s, e = norm.to_original(i, i + 4)
    assert raw[s:e] == "caf\u00c3\u00a9"
    _check_map(raw)


def test_hard_wrapped_seed_is_unwrapped(seeds_dir):
    raw = (seeds_dir / "001_679b24a2dceff029.txt").read_text(encoding="utf-8")
    norm = normalize(raw)
    assert "Maduro sent his vice president, Delcy Rodriguez, to Moscow last week to see" in norm.text
    # the headline stays on its own line; paragraphs stay apart
    assert norm.text.startswith("Maduro's Support from China, Russia Collapsing\nVenezuelan dictator")
    assert "Have a nice day.\n\nIn case" in norm.text
    _check_map(raw)


def test_hard_wrapped_seed_parses_into_normal_sentences(seeds_dir, analyze_text):
    raw = (seeds_dir / "001_679b24a2dceff029.txt").read_text(encoding="utf-8")
    analysis = analyze_text(raw)
    sentences = [raw[s.start:s.end] for s in analysis.sentences]
    assert sentences[0] == "Maduro\u2019s Support from China, Russia Collapsing"
    first = sentences[1]
    assert first.startswith("Venezuelan dictator Nicol\u00e1s Maduro sent his\nvice president")
    assert first.endswith("cash-starved Marxist regime.")
    assert "She came\naway with warm words but no cash." in sentences
    # no sentence ends at a wrapped line break in mid-clause
    for s in sentences[1:]:
        assert not s.endswith(("his", "the", "of", "to")), s


def test_every_seed_maps_back(seeds_dir):
    for path in sorted(seeds_dir.iterdir()):
        _check_map(path.read_text(encoding="utf-8"), seed=len(path.name))


def test_ftfy_finds_no_mojibake_in_ascii_text(shared_corpus):
    """normalize skips ftfy's check on ASCII text: every character class of its badness pattern is non-ASCII
    (range ends included), so a pure-ASCII text never matches; checked on the classes and on BBC texts."""
    import itertools
    import re
    import string

    from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

    for name, chars in MOJIBAKE_CATEGORIES.items():
        ranges = re.findall(r"(.)-(.)", chars)
        literal = re.sub(r".-.", "", chars)
        assert all(not c.isascii() for c in literal), name
        assert all(not a.isascii() and not b.isascii() for a, b in ranges), name
    assert not any(BADNESS_RE.search(a + b) for a, b in itertools.product(string.printable, repeat=2))
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared_corpus / "bbc").rglob("*.txt"))[:300]]
    ascii_texts = [t for t in texts if t.isascii()]
    assert len(ascii_texts) > 100 and not any(BADNESS_RE.search(t) for t in ascii_texts)
