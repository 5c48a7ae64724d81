"""Build newsgraph/lexicons/data/first_names.tsv from public name statistics.

Source: the US Census Bureau's 1990 frequency tables of first names (dist.male.first,
dist.female.first; public domain), as shipped in the PyPI package `names` (MIT). Run once
with that package installed (`pip install names==0.3.0`); newsgraph itself does not depend
on it. Each kept name gets the share of its bearers who are women, from the two tables'
frequencies; names also used as place names or months are left out, because as the first
word of a name they say nothing ("Georgia", "June").

    python scripts/build_first_names.py
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

MIN_PERCENT = 0.005  # keep names borne by at least this share of the census population (per sex)
OUT = Path(__file__).resolve().parent.parent / "newsgraph" / "lexicons" / "data" / "first_names.tsv"
NOT_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "china", "india", "georgia", "jordan", "israel", "chad", "asia", "america",
             "paris", "london", "florence", "virginia", "carolina", "dakota", "sydney", "austin", "houston",
             "dallas", "phoenix", "denver", "aurora", "lourdes", "easter", "christmas", "summer", "autumn",
             "winter", "spring", "will", "an", "so", "in", "my", "do", "in", "see", "young", "long", "green",
             "brown", "white", "black", "gray", "grey", "major", "king", "rich", "price", "page", "hope", "joy",
             "faith", "grace", "mercy", "honor", "precious", "unique", "else", "ok", "sun", "moon", "star", "rose",
             "lily", "iris", "ivy", "holly", "pearl", "ruby", "crystal", "amber", "ginger", "olive", "cherry"}


def read(table: str) -> dict[str, float]:
    path = resources.files("names") / table
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and float(parts[1]) >= MIN_PERCENT:
            out[parts[0].lower()] = float(parts[1])
    return out


def main() -> None:
    male, female = read("dist.male.first"), read("dist.female.first")
    rows = []
    for name in sorted(set(male) | set(female)):
        if name in NOT_NAMES or len(name) < 2:
            continue
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        rows.append((name, f"{f / (m + f):.2f}"))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# first name\tshare of women; built by scripts/build_first_names.py from the US Census 1990 tables\n")
        csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows)
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
