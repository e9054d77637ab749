"""Write the generated country section of searchlib/data/geo_synonyms.txt.

ISO 3166-1 and ISO 3166-3 names (pycountry) + the hand-written table in
``country_curation.py`` -> Solr synonym lines, written between the
``BEGIN_MARKER`` and ``END_MARKER`` lines of the shipped file.  Everything
outside the markers is curated by hand and left alone.

pycountry is a development tool only: searchlib never imports it and does
not depend on it.  Its data come from the Debian iso-codes project under
LGPL-2.1; what we take from them is names of states (see the header the
script writes, and geo_synonyms_decisions.md).

Run from the repository root::

    pip install pycountry==26.2.16
    python scripts/generate_country_synonyms.py           # rewrite the section
    python scripts/generate_country_synonyms.py --check   # exit 1 if it is stale
    python scripts/generate_country_synonyms.py --stdout  # print the section
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pycountry
from country_curation import COUNTRIES, PRECISE, Country, OneWay

SYNONYM_FILE = Path(__file__).resolve().parents[1] / "searchlib" / "data" / "geo_synonyms.txt"
BEGIN_MARKER = "# -- begin generated countries: edit scripts/country_curation.py, not here --"
END_MARKER = "# -- end generated countries --"

# Characters that the Solr synonym format gives a meaning, or that mark an
# ISO name in inverted form ("Korea, Republic of"); no term may hold them.
FORBIDDEN_IN_TERM = (",", "=>", "#", "(", ")", "\\")


@dataclass(frozen=True)
class IsoNames:
    """The names ISO 3166 gives one current state, best-known first."""

    short: str
    others: tuple[str, ...]


def fold(term: str) -> str:
    """Casefold and strip accents: two terms equal here are one term to searchlib."""
    decomposed = unicodedata.normalize("NFKD", term.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def clean_official(name: str) -> str:
    """'the State of Eritrea' -> 'State of Eritrea': the article adds nothing to a term."""
    return name[4:] if name.startswith("the ") else name


def former_names() -> dict[str, list[str]]:
    """ISO 3166-3 names of withdrawn entries, keyed by the numeric code they shared
    with a current state (Burma 104 -> Myanmar, Zaire 180 -> DR Congo)."""
    by_numeric: dict[str, list[str]] = {}
    for entry in pycountry.historic_countries:
        numeric = getattr(entry, "numeric", None)
        if numeric is None:
            continue
        # "Zaire, Republic of" -> "Zaire"
        by_numeric.setdefault(numeric, []).append(entry.name.split(",")[0].strip())
    return by_numeric


def iso_names(alpha_2: str, formers: dict[str, list[str]]) -> IsoNames:
    """Short, ISO, official and former names of one current ISO 3166-1 entry."""
    entry = pycountry.countries.get(alpha_2=alpha_2)
    if entry is None:
        raise SystemExit(f"{alpha_2}: not an ISO 3166-1 code in pycountry {version('pycountry')}")
    common = getattr(entry, "common_name", None)
    official = getattr(entry, "official_name", None)
    names = [common, entry.name, clean_official(official) if official else None]
    names += formers.get(entry.numeric, [])
    present = [name for name in names if name]
    return IsoNames(short=present[0], others=tuple(present[1:]))


def unique(terms: Iterable[str]) -> list[str]:
    """Terms in first-seen order, without those that fold to an earlier one."""
    seen: set[str] = set()
    kept: list[str] = []
    for term in terms:
        key = fold(term)
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return kept


def precise_names(alpha_2: str, country: Country, iso: IsoNames) -> list[str]:
    """The names that, searched alone, mean this state and nothing else."""
    dropped = {fold(name) for name in country.drop}
    iso_terms = [name for name in (iso.short, *iso.others) if fold(name) not in dropped]
    unusable = [name for name in iso_terms if any(c in name for c in FORBIDDEN_IN_TERM)]
    if unusable:
        raise SystemExit(f"{alpha_2}: ISO names {unusable} need 'short' or 'drop' in the table")
    terms = unique([country.short, *iso_terms, *country.names, *country.demonyms])
    return [term for term in terms if term]


def expand(side: Sequence[str], precise: Sequence[str]) -> list[str]:
    """One side of a one-way rule with ``PRECISE`` replaced by the precise names."""
    terms: list[str] = []
    for term in side:
        terms.extend(precise if term == PRECISE else [term])
    return unique(terms)


def check_rule_words(alpha_2: str, rule: OneWay, precise: Sequence[str]) -> None:
    """An ambiguous word named in a rule must not also sit in the two-way group."""
    precise_keys = {fold(term) for term in precise}
    for side, other in ((rule.lhs, rule.rhs), (rule.rhs, rule.lhs)):
        if PRECISE not in other:
            continue
        clash = [term for term in side if term != PRECISE and fold(term) in precise_keys]
        if clash:
            raise SystemExit(f"{alpha_2}: {clash} is both one-way and in the group; drop it")


def comment(text: str) -> Iterator[str]:
    """``text`` as comment lines of at most about 88 characters."""
    line = "#"
    for word in text.split():
        if len(line) + 1 + len(word) > 88:
            yield line
            line = "#"
        line += " " + word
    yield line


def country_lines(alpha_2: str, country: Country, iso: IsoNames) -> list[str]:
    """The comment and rule lines of one state, or none if it has a single name."""
    precise = precise_names(alpha_2, country, iso)
    lines: list[str] = []
    if country.why:
        lines += comment(f"{precise[0] if precise else alpha_2}: {country.why}")
    if len(precise) >= 2:
        lines.append(", ".join(precise))
    for rule in country.one_way:
        check_rule_words(alpha_2, rule, precise)
        lines += comment(rule.why)
        lines.append(
            f"{', '.join(expand(rule.lhs, precise))} => {', '.join(expand(rule.rhs, precise))}"
        )
    for line in lines:
        if not line.startswith("#") and any(c in line for c in ("#", "(", ")", "\\")):
            raise SystemExit(f"{alpha_2}: generated line holds a reserved character: {line}")
    return lines


def render_section() -> str:
    """The whole generated section, markers included, ending in a newline."""
    formers = former_names()
    entries = [(iso_names(code, formers), code, country) for code, country in COUNTRIES.items()]
    entries.sort(key=lambda item: fold(item[0].short))
    lines = [
        BEGIN_MARKER,
        f"# From pycountry {version('pycountry')}: ISO 3166-1 short, official and common names",
        "# and ISO 3166-3 former names (data of the Debian iso-codes project, LGPL-2.1),",
        "# merged with the hand-written demonyms, variants and decisions of",
        "# scripts/country_curation.py.  Regenerate with scripts/generate_country_synonyms.py.",
    ]
    for iso, code, country in entries:
        body = country_lines(code, country, iso)
        if body:
            lines += ["", *body]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def replace_section(text: str, section: str) -> str:
    """``text`` with the lines from BEGIN_MARKER to END_MARKER replaced by ``section``."""
    head, begin, rest = text.partition(BEGIN_MARKER + "\n")
    _, end, tail = rest.partition(END_MARKER + "\n")
    if not begin or not end:
        raise SystemExit(
            f"markers not found; the file needs the lines\n{BEGIN_MARKER}\n{END_MARKER}"
        )
    return head + section + tail


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--file", type=Path, default=SYNONYM_FILE, help="synonym file to update")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    mode.add_argument("--stdout", action="store_true", help="print the section only")
    args = parser.parse_args(argv)

    section = render_section()
    if args.stdout:
        sys.stdout.write(section)
        return 0
    current = args.file.read_text(encoding="utf-8")
    updated = replace_section(current, section)
    if args.check:
        if updated != current:
            print(f"{args.file}: generated section is stale; rerun {Path(__file__).name}")
            return 1
        return 0
    args.file.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
