"""Build newsgraph/lexicons/data/first_names.tsv: first names whose bearers are overwhelmingly of one gender.

Source: the name statistics shipped in the PyPI package ``nomquamgender`` (0.1.4, MIT licence;
Van Buskirk, Clauset & Larremore, "An open-source cultural consensus approach to name-based
gender classification", 2023), which pools public name-gender counts from national statistics
offices and other sources. Run once by a maintainer, never at build or run time:

    pip download --no-deps nomquamgender==0.1.4 -d /tmp/nqg && unzip -o /tmp/nqg/*.whl -d /tmp/nqg
    python scripts/build_first_names.py /tmp/nqg/nomquamgender/name_data.json

Kept: plain alphabetic names seen in at least 5 sources whose majority gender holds for at least
90% of bearers *with 95% confidence* (the lower Wilson score bound of the majority share is
>= 0.9). The bound lets a rare but clear name in ("Barack": 358 of 359 bearers men; "Mitt": 50 of
50) and keeps a common name that leans one way with a stable share in ("Hillary": 92% of 33,000
women), while a share near the line or resting on few bearers stays out. An earlier rule (share
<= 5% or >= 95%, and >= 500 bearers) dropped exactly the well-known names of public figures, whose
namesakes are few or a little mixed. Names in between ("Jean", "Kim", "Robin", "Chris") are left
out: the coreference stage then learns the gender from titles and pronouns instead.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "newsgraph" / "lexicons" / "data" / "first_names.tsv"
MIN_SOURCES, CLEAR, Z = 5, 0.9, 1.96


def lower_bound(share: float, people: int, z: float = Z) -> float:
    """Lower end of the Wilson score interval for a share observed among `people`."""
    if people <= 0:
        return 0.0
    centre = share + z * z / (2 * people)
    spread = z * math.sqrt(share * (1 - share) / people + z * z / (4 * people * people))
    return (centre - spread) / (1 + z * z / people)


def gender(sources: int, people: int, share_f: float) -> str | None:
    """"m", "f" or None (not clear enough) for one name's statistics."""
    if sources < MIN_SOURCES:
        return None
    majority = max(share_f, 1 - share_f)
    if lower_bound(majority, people) < CLEAR:
        return None
    return "f" if share_f > 0.5 else "m"


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for name, (sources, people, share_f, *_rest) in data.items():
        if not re.fullmatch(r"[a-z][a-z'\-]+", name):
            continue
        g = gender(sources, people, share_f)
        if g:
            rows.append((name, g))
    rows.sort()
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# first name (lowercase)\tgender; built by scripts/build_first_names.py, see first_names.md\n")
        fh.writelines(f"{n}\t{g}\n" for n, g in rows)
    print(f"{len(rows)} names written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
