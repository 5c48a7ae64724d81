"""The benchmark: each round builds from nothing, rounds alternate their order, the medians are those of the rounds."""

import re
import statistics
from pathlib import Path

from newsgraph import bench

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


def test_rounds_alternate_and_each_rebuilds_everything(capsys):
    files = [p for p in EXAMPLES.iterdir() if p.suffix == ".txt"]
    assert bench.main([str(EXAMPLES), "--rounds", "3"]) == 0
    out = capsys.readouterr().out

    rounds = re.findall(r"--- round (\d) of 3 \((floor|build) first\)", out)
    assert rounds == [("1", "floor"), ("2", "build"), ("3", "floor")]
    blocks = out.split("--- round ")[1:]
    assert blocks[0].index("bare spaCy") < blocks[0].index("newsgraph build")
    assert blocks[1].index("newsgraph build") < blocks[1].index("bare spaCy")
    # the bench reads .txt/.md only; every round processes all of them again (a fresh database each time)
    processed = [int(n) for n in re.findall(r"\((\d+) processed, \d+ skipped\)", out)]
    assert processed == [len(files)] * 3

    walls = [float(x) for x in re.findall(r"ratio build / bare  : ([\d.]+)", out)]
    cpus = [float(x) for x in re.findall(r"CPU s \(this process and its workers\): floor [\d.]+, build [\d.]+, ratio ([\d.]+)", out)]
    assert len(walls) == len(cpus) == 3
    median = re.search(r"=== median of 3 rounds: ratio build / bare ([\d.]+) \(rounds ([\d., ]+)\), CPU ratio ([\d.]+)", out)
    assert median, out
    assert [float(x) for x in median.group(2).split(", ")] == walls
    assert abs(float(median.group(1)) - statistics.median(walls)) <= 0.01
    assert abs(float(median.group(3)) - statistics.median(cpus)) <= 0.01


def test_one_round_prints_no_median(capsys):
    assert bench.main([str(EXAMPLES), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "--- round" not in out and "median" not in out
    assert re.search(r"\(2 processed, 0 skipped\)", out) and "ratio build / bare" in out
