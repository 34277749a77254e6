"""Record every public page and API answer the archive gives, to compare two versions.

A refactoring must not change what readers and clients get. Run this before and after on
the same data, then compare the folders (`diff -r before after`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/archive_snapshot \\
        python scripts/snapshot_pages.py --out snapshots/before

It crawls from the home page and the API roots through every internal link (up to --limit
addresses), plus a fixed list of searches, filters and error cases, with the page cache off.
Each answer is written as its status, its stable headers and its body.
"""

import argparse
import hashlib
import os
import re
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ARCHIVE_PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]

SEEDS = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "/articles/?language=ar",
    "/articles/?language=en&page=3",
    "/articles/?entity=Haftar",
    "/articles/?entity=%D8%AD%D9%81%D8%AA%D8%B1",
    "/articles/?format=csv",
    "/search/?q=Haftar",
    "/search/?q=Hifter",
    "/search/?q=%D8%AD%D9%81%D8%AA%D8%B1",
    "/search/?q=%22security+talks%22+-Tripoli",
    "/search/?q=oil&language=en",
    "/search/?q=Serraj",
    "/search/?q=Libya&format=csv",
    "/search/?q=",
    "/search/?q=zzzzqqq",
    "/claims/",
    "/claims/?speaker=Haftar",
    "/claims/?status=verified",
    "/claims/?verification=verified",
    "/dates/",
    "/dates/undated/",
    "/people/",
    "/organizations/",
    "/places/",
    "/people/?q=ha",
    "/people/no-such-person/",
    "/articles/no-such-article/",
    "/robots.txt",
    "/sitemap.xml",
    "/api/",
    "/api/articles/",
    "/api/articles/?page=2",
    "/api/articles/?q=Haftar",
    "/api/articles/?q=%D8%AD%D9%81%D8%AA%D8%B1",
    "/api/articles/?entity=Haftar",
    "/api/entities/",
    "/api/entities/?q=Serraj",
    "/api/entities/?q=%D8%A7%D9%84%D8%B3%D8%B1%D8%A7%D8%AC",
    "/api/claims/",
    "/api/claims/?speaker=Haftar",
    "/api/schema/",
    "/api/articles/no-such/",
]
# Headers that differ between two runs for reasons of time or secrets, not of behaviour;
# an ETag carries a digest of the code (archive.release.code_version), so only its
# generation part is compared.
VOLATILE = {"date", "set-cookie", "expires", "x-request-id"}
ETAG = re.compile(r'^(W/"\d+)-[0-9a-f]+"$')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
LINK = re.compile(r'(?:href|src)="([^"]+)"|"(?:url|id|@id|source|next|previous)":\s*"([^"]+)"')


def links(body: str) -> list[str]:
    found = []
    for a, b in LINK.findall(body):
        url = urldefrag((a or b).replace("&amp;", "&"))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver", "localhost"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(("/static/", "/admin/")):
            found.append(path)
    return found


def name_for(url: str) -> str:
    digest = hashlib.sha1(url.encode()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9]+", "_", url).strip("_")[:80] or "root"
    return f"{safe}.{digest}"


def record(client: Client, url: str, out: Path, accept: str | None) -> str:
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    stable = sorted(
        (
            k.lower(),
            "; ".join(sorted(v.split("; "))) if k.lower().startswith("content-security") else v,
        )
        for k, v in response.items()
        if k.lower() not in VOLATILE
    )
    stable = [(k, ETAG.sub(r"\1", v) if k == "etag" else v) for k, v in stable]
    body = CSRF.sub(b'name="csrfmiddlewaretoken" value="-"', body)
    head = f"GET {url} ({accept or 'default'})\n{response.status_code}\n" + "".join(
        f"{k}: {v}\n" for k, v in stable
    )
    name = name_for(url + (accept or ""))
    (out / f"{name}.head").write_text(head)
    (out / f"{name}.body").write_bytes(body)
    return body.decode("utf-8", "replace") if response.status_code == 200 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=1500)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    client = Client()
    seen, queue = set(), deque(SEEDS)
    for lang in ("en", "ar"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        seen, queue = set(), deque(SEEDS)
        out = args.out / lang
        out.mkdir(exist_ok=True)
        while queue and len(seen) < args.limit:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            body = record(client, url, out, None)
            if url.startswith("/api/articles/") and url.count("/") == 4 and "?" not in url:
                record(client, url, out, "application/ld+json")
                record(client, url + "annotations/", out, None)
            queue.extend(u for u in links(body) if u not in seen)
        print(f"{lang}: {len(seen)} addresses recorded in {out}")


if __name__ == "__main__":
    main()
