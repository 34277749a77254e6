"""Names of countries and territories in every language, from the Unicode CLDR (through Babel).

``territory_of(names)``: the ISO 3166 code of the territory that an entity's names name, in
English or Arabic ("Egypt", "مصر" → "EG"), or None. ``territory_names(code, languages)``: that
territory's names in those languages ("EG", ["fr", "de"] → [("Égypte", "fr"), ("Ägypten",
"de")]). Nothing here is a list of countries: every name comes from CLDR's data.

Babel ships CLDR's main names only, not its "alt" forms ("US" beside "United States"), so a
few alternates are derived from the main names by general rules: "&" written "and", "St."
written "Saint", both parts of "Myanmar (Burma)" and the part before " - " of "Congo -
Kinshasa". A name that two territories share leads to neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from archive.text.normalize import normalize

MATCH_LANGUAGES = ("en", "ar")  # the languages of an entity's name and Arabic name
_PARENS = re.compile(r"^(.+?)\s*\((.+)\)$")


def _is_territory(code: str) -> bool:
    # Two letters (numbers are continents and regions), with languages in CLDR's data (which
    # leaves out the European Union, the United Nations, "Outlying Oceania", pseudo-locales).
    return len(code) == 2 and code.isalpha() and code in get_global("territory_languages")


def _forms(name: str) -> set[str]:
    forms = {name}
    match = _PARENS.match(name)
    if match:
        forms |= {match.group(1), match.group(2)}
    if " - " in name:
        forms.add(name.split(" - ")[0])
    for form in list(forms):
        forms.add(form.replace(" & ", " and "))
        forms.add(re.sub(r"\bSt\. ", "Saint ", form))
    return {form.strip() for form in forms if form.strip()}


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    """normalize(name) → territory code, for the CLDR names in MATCH_LANGUAGES."""
    found: dict[str, set[str]] = {}
    for language in MATCH_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if not _is_territory(code):
                continue
            for form in _forms(name):
                found.setdefault(normalize(form), set()).add(code)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}


def territory_of(names: Iterable[str]) -> str | None:
    """The one territory these names are CLDR names of, or None (none, or two)."""
    codes = {_codes_by_name().get(normalize(name.strip())) for name in names if name.strip()}
    codes.discard(None)
    return codes.pop() if len(codes) == 1 else None


@lru_cache(maxsize=64)
def _territories(language: str) -> dict:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def territory_names(code: str, languages: Iterable[str]) -> list[tuple[str, str]]:
    """[(name, language)]: the territory's CLDR name in each language CLDR has it in."""
    out = []
    for language in languages:
        name = _territories(language).get(code)
        if name:
            out.append((name, language))
    return out
