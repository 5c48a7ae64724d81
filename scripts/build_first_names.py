"""Build newsgraph/lexicons/data/first_names.tsv: first names whose bearers are overwhelmingly of one gender.

Source: the name statistics shipped in the PyPI package ``nomquamgender`` (0.1.4, MIT licence;
Van Buskirk, Clauset & Larremore, "An open-source cultural consensus approach to name-based
gender classification", 2023), which pools public name-gender counts from national statistics
offices and other sources. Run once by a maintainer, never at build or run time:

    pip download --no-deps nomquamgender==0.1.4 -d /tmp/nqg && unzip -o /tmp/nqg/*.whl -d /tmp/nqg
    python scripts/build_first_names.py /tmp/nqg/nomquamgender/name_data.json

Kept: plain alphabetic names seen in at least 5 sources and 500 people, with a share of
women of at most 5% (m) or at least 95% (f). Names in between are left out: the coreference
stage then learns the gender from titles and pronouns instead.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "newsgraph" / "lexicons" / "data" / "first_names.tsv"
MIN_SOURCES, MIN_PEOPLE, CLEAR = 5, 500, 0.05


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for name, (sources, people, share_f, *_rest) in data.items():
        if not re.fullmatch(r"[a-z][a-z'\-]+", name) or sources < MIN_SOURCES or people < MIN_PEOPLE:
            continue
        if share_f <= CLEAR:
            rows.append((name, "m"))
        elif share_f >= 1 - CLEAR:
            rows.append((name, "f"))
    rows.sort()
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# first name (lowercase)\tgender; built by scripts/build_first_names.py, see first_names.md\n")
        fh.writelines(f"{n}\t{g}\n" for n, g in rows)
    print(f"{len(rows)} names written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
