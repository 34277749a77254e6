"""Every kind of public page, as third-party checkers and a phone see it, in both interfaces.

- the Nu HTML checker (vnu.jar, from npm's `vnu-jar`) finds no error in any page;
- axe-core (npm's `axe-core`), run in a real Chromium, finds no violation;
- at 390 px wide no page scrolls sideways;
- axe-core reads every page at 1280 and at 390 px, in both languages.

The checkers come from `package-lock.json` (`npm ci`, as `make lint` runs it) and Java 17;
without them these tests skip with the reason, and fail when CI requires them
(REQUIRE_BROWSER, set by .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from archive.models import Article, Claim, Entity, EntityKind
from tests.conftest import SCREENSHOTS

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PLURAL = {EntityKind.PERSON: "people", EntityKind.ORGANIZATION: "organizations"}
PLURAL[EntityKind.PLACE] = "places"


def _require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} missing ({path}): run `npm ci`"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message + "; REQUIRE_BROWSER is set, so the checkers must run")
    pytest.skip(message)


@pytest.fixture
def seeded():
    files = sorted(str(f) for f in (ROOT / "fixtures").glob("*.json"))
    call_command("loaddata", *files, verbosity=0)


def page_urls() -> list[str]:
    """One URL of every kind of public page, from the curated fixtures."""
    urls = ["/", "/articles/", "/articles/?language=ar", "/claims/", "/dates/"]
    urls += ["/search/?q=Sarraj", "/search/?q=السراج", "/search/?q=zzzznothing", "/search/"]
    # A spelling card, and hits marked in titles.
    urls += ["/search/?q=Serraj", '/search/?q="Libyan government"']
    for article in Article.objects.public().order_by("id"):
        urls.append(article.get_absolute_url())
    translated = Article.objects.public().filter(translation_of__isnull=False).first()
    if translated:
        original = translated.translation_of
        urls.append(f"/articles/{original.slug}/compare/{translated.slug}/")
    dated = Article.objects.public().filter(published_precision="day").first()
    if dated:
        d = dated.published
        urls += [f"/dates/{d:%Y}/", f"/dates/{d:%Y}/{d:%m}/", f"/dates/{d:%Y}/{d:%m}/{d:%d}/"]
    for kind, plural in PLURAL.items():
        urls.append(f"/{plural}/")
        entity = Entity.objects.public().filter(kind=kind).order_by("id").first()
        if entity:
            urls.append(f"/{plural}/{entity.slug}/")
    claim = Claim.objects.visible().order_by("id").first()
    if claim:
        urls.append(f"/claims/{claim.pk}/")
    urls.append("/people/no-such-person/")  # the 404 page is a page readers see too
    return urls


def at(language: str, url: str) -> str:
    """The page's address in `language`: Arabic pages live under /ar/ (the cookie is only a
    preference: tests/test_arabic_urls.py)."""
    return f"/ar{url}" if language == "ar" else url


def fetch_all(language: str) -> dict[str, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    pages = {}
    for url in page_urls():
        response = client.get(at(language, url))
        assert response.status_code in (200, 404), (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_nu_html_checker_finds_no_error(seeded, language, tmp_path):
    _require(VNU, "the Nu HTML checker (vnu-jar)")
    java = shutil.which("java")
    if not java:
        _require(Path("/nonexistent/java"), "Java")
    files = {}
    for i, (url, html) in enumerate(fetch_all(language).items()):
        path = tmp_path / f"page{i}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = url
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "\n".join(errors)


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary),
    count: v.nodes.length,
  }));
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_core_finds_no_violation(browser, live_server, seeded, language, width):
    _require(AXE, "axe-core")
    # axe is injected as a script tag: the page's Content-Security-Policy would refuse it.
    context = browser.new_context(
        locale=language, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    found = {}
    for url in page_urls():
        page.goto(live_server.url + at(language, url))
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(AXE_RUN)
        if violations:
            found[url] = violations
    context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


WIDTHS = """() => ({
  scroll: document.scrollingElement.scrollWidth,
  client: document.scrollingElement.clientWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 &&
      (r.right > document.documentElement.clientWidth + 1 || r.left < -1); })
    .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className),
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_page_scrolls_sideways_at_phone_width(browser, live_server, seeded, language):
    context = browser.new_context(locale=language, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    too_wide = {}
    SCREENSHOTS.mkdir(exist_ok=True)
    for i, url in enumerate(page_urls()):
        page.goto(live_server.url + at(language, url))
        widths = page.evaluate(WIDTHS)
        if widths["scroll"] > widths["client"]:
            too_wide[url] = widths
            page.screenshot(path=SCREENSHOTS / f"phone-{language}-{i}.png")
    context.close()
    assert not too_wide, json.dumps(too_wide, ensure_ascii=False, indent=1)
