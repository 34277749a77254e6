"""Template context shared by every page."""

from collections import defaultdict

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language


def site_text(setting: str) -> str:
    """One of the archive's own words (ARCHIVE_SITE_NAME, ARCHIVE_SITE_DESCRIPTION,
    ARCHIVE_HOME_INTRO) in the active language: its _AR value in Arabic.

    Settings, not translation catalogues: the topic is a deployment's choice."""
    if (get_language() or "").startswith("ar"):
        return getattr(settings, f"{setting}_AR")
    return getattr(settings, setting)


def language_addresses(request) -> dict[str, str]:
    """This page's address in each language (its path, as the canonical link gives it), by
    language code: its route reversed in that language (English unprefixed, Arabic under
    /ar/). Empty for what has no address per language (a 404, the API, an error page)."""
    match = getattr(request, "resolver_match", None) if request is not None else None
    if match is None or not match.view_name:
        return {}
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return {}
        found[code] = path
    if len(set(found.values())) < len(found):  # the same address in every language
        return {}
    return found


def site(request):
    """`site_name`, `site_description`, `home_intro` and `og_locale` in the active language,
    and `language_addresses` (this page in each language: hreflang and the switch)."""
    language = get_language() or ""
    arabic = language.startswith("ar")
    addresses = language_addresses(request)
    other = next((code for code in addresses if code != language), None)
    # The switch keeps the query (the same list, the same search) in the other language.
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    other_address = addresses.get(other, "") if other else ""
    if other_address and query:
        other_address = f"{other_address}?{query}"
    return {
        "site_name": site_text("ARCHIVE_SITE_NAME"),
        "site_description": site_text("ARCHIVE_SITE_DESCRIPTION"),
        "home_intro": site_text("ARCHIVE_HOME_INTRO"),
        "og_locale": settings.ARCHIVE_OG_LOCALE_AR if arabic else "en_GB",
        "language_addresses": addresses,
        "default_address": addresses.get(settings.LANGUAGE_CODE, ""),
        # The switch: the other language and this page there (its home page when this page
        # has no address per language).
        "other_language": other or ("en" if arabic else "ar"),
        "other_address": other_address,
    }


def query_params(request):
    """`params`: the request's query parameters (the last value of each), "" when absent.

    Templates read the chosen filters through it, not request.GET: a missing key of a
    QueryDict makes the template engine call dir() on it to tell a missing key from a
    broken property, about 0.3 ms each, and the outlet menu asked once per outlet.
    """
    return {"params": defaultdict(str, request.GET.items())}
