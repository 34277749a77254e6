"""One key per article address and one per article text: nothing collected twice.

* `url_key(url)` is the address normalized so that the links a feed, a share button or an
  analyst's paste give for one article agree: scheme and host lower-case, `http` and
  `https` one (outlets serve both), `www.` dropped, the default port, user name and
  fragment dropped, percent-escapes written one way, tracking parameters (utm_*, fbclid,
  gclid, ocid, at_medium …) dropped and the rest sorted, no trailing slash, and the simple
  AMP variants (`/amp/` before or after the path, `.amp.html`, `?amp=1`, `outputType=amp`)
  taken back to the article's own address.
* `text_fingerprint(body)` is a digest of the text as the matcher reads it
  (archive.text.normalize) with punctuation and spacing left out: the same text
  re-published under another address, or with curly quotes for straight ones, is one
  article.

No Django here.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from archive.text.normalize import normalize

__all__ = ["url_key", "text_fingerprint", "TRACKING_PARAMETERS"]

# Parameters that say who sent the reader, never which article: dropped from the key.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc", "_hsmi",
        "ocid", "cmpid", "cmp", "xtor", "xtref", "ito", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "s_cid", "icid", "smid", "smtyp",
        "ref", "ref_src", "ref_url", "referrer", "src", "source", "fromrss", "rss",
        "feature", "share", "sharetype", "spm", "sr_share", "wt_mc", "wt.mc_id",
        "__twitter_impression", "oref", "via", "noamp", "amp", "outputtype",
    }
)  # fmt: skip
# Whole families: Google Analytics (utm_…), AT Internet (at_medium, at_campaign …),
# Piwik/Matomo (pk_…, mtm_…), HubSpot (hs…_), Adobe (s_kwcid).
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "itm_", "s_kwcid")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a path may hold unescaped (RFC 3986 unreserved and sub-delims, ':' and '@').
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_AMP_SUFFIX_RE = re.compile(r"/amp/?$", re.IGNORECASE)
_AMP_PREFIX_RE = re.compile(r"^/amp(?=/)", re.IGNORECASE)
_AMP_HTML_RE = re.compile(r"\.amp(?=\.html?$)", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(_TRACKING_PREFIXES)


def url_key(url: str) -> str:
    """The normalized address of `url` (see the module's docstring).

    >>> url_key("HTTPS://www.Example.com:443/news/story/?utm_source=x&b=2&a=1#top")
    'https://example.com/news/story?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"  # one article, whichever of the two the link used
    host = (parts.hostname or "").rstrip(".")
    with contextlib.suppress(UnicodeError):  # not a name IDNA spells: keep it as it is
        host = host.encode("idna").decode("ascii")
    host = host.lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep nothing of it
        port = None
    netloc = host
    if port and port not in _DEFAULT_PORTS.values():
        netloc = f"{host}:{port}"
    # Escapes one way: Arabic paths are linked both raw and percent-encoded.
    path = quote(unquote(parts.path), safe=_PATH_SAFE)
    path = _AMP_PREFIX_RE.sub("", path)
    path = _AMP_SUFFIX_RE.sub("", path)
    path = _AMP_HTML_RE.sub("", path)
    path = path.rstrip("/") or "/"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query, quote_via=quote), ""))


_WORD_RE = re.compile(r"\w+")


def text_fingerprint(body: str, *, normalized: str | None = None) -> str:
    """SHA-256 of the body's words, normalized (archive.text.normalize), one space apart:
    the same text with other punctuation, spacing, case, diacritics or Arabic letter forms
    gives the same fingerprint; any changed word gives another. `normalized`: the body
    already normalized (the importer has it from the matcher), which saves doing it again."""
    words = _WORD_RE.findall(normalize(body) if normalized is None else normalized)
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
