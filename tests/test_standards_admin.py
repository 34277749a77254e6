"""The analyst's pages in the admin, as third-party checkers see them, in both languages.

The admin's language is negotiated (archive.web.middleware.request_language): the language
cookie, then Accept-Language. For every page an analyst works in (the article's annotator, the
review queue, unknown names and name proposals, "Add from address", the entity merge, the
article and entity lists):

- the Nu HTML checker (vnu.jar, from npm's `vnu-jar`) finds no error in our markup;
- axe-core (npm's `axe-core`), in a real Chromium at 1280 and at 390 px, finds no violation,
  on the annotator also with its forms open (a "New entity", a claim, a suggestion); and no
  page scrolls sideways.

An editor sees them all (an analyst's read-only article page is read by the Nu checker too);
the curated fixtures, with two mentions of each annotated article made suggestions again.

As tests/test_standards_pages.py: without the checkers these tests skip with the reason, and
fail when CI requires them (REQUIRE_BROWSER).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.models import Article, Entity, Mention
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("ADMIN_SHOTS", ROOT / "screenshots"))
PASSWORD = "pw-analyst-1234"

# Errors the Nu checker reports in markup Django's admin writes, not ours: each is matched on
# its whole message and on the markup it is about, so the same error in our templates fails.
DJANGO_ADMIN_NU_ERRORS = {
    # django.contrib.admin.widgets.AutocompleteSelect (the article's source and story, which
    # ArticleAdmin.autocomplete_fields names) writes an empty first <option> for Select2's
    # "clear" button and placeholder; the option is Django's, the widget's script needs it.
    "Element “option” without attribute “label” must not be empty.": (
        'class="admin-autocomplete"',
        '<option value=""></option>',
    ),
}


def _django_admin_error(message: dict, lines: list[str]) -> bool:
    """Whether a Nu error is one of DJANGO_ADMIN_NU_ERRORS: its message, on the markup named."""
    known = DJANGO_ADMIN_NU_ERRORS.get(message["message"])
    if not known or not message.get("lastLine"):
        return False
    parent, element = known
    at = message["lastLine"] - 1
    return element in lines[at] and any(parent in line for line in lines[max(0, at - 2) : at])


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
    # An editor: every page below is one they may open ("Add from address" needs add_article).
    make_user("ed", group="Editor")
    make_user("ana", group="Analyst")
    # The curated mentions are all confirmed: two of each annotated article become suggestions,
    # for the annotator's list of suggestions and the form that accepts or rejects one.
    for article in {article_with_annotations(), arabic_article()}:
        ids = article.mentions.order_by("start").values_list("pk", flat=True)[:2]
        Mention.objects.filter(pk__in=list(ids)).update(status="suggested")


def article_with_annotations() -> Article:
    """The curated article with the most mentions: the annotator's lists are full."""
    from django.db.models import Count

    return Article.objects.annotate(n=Count("mentions")).order_by("-n", "id").first()


def arabic_article() -> Article:
    return Article.objects.filter(language="ar").order_by("id").first()


def page_urls() -> list[str]:
    """Every admin page an analyst works in (GET), from the curated fixtures."""
    article = article_with_annotations()
    ar = arabic_article()
    urls = [
        reverse("admin:archive_article_change", args=[article.pk]),
        reverse("admin:archive_review_queue"),
        reverse("admin:archive_nameproposal_unknown"),
        reverse("admin:archive_nameproposal_changelist"),
        reverse("admin:archive_article_add_url"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_entity_changelist"),
    ]
    if ar and ar.pk != article.pk:
        urls.insert(1, reverse("admin:archive_article_change", args=[ar.pk]))
    return urls


def merge_selection() -> list[int]:
    return list(Entity.objects.order_by("id").values_list("pk", flat=True)[:2])


def fetch_all(language: str) -> dict[str, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(User.objects.get(username="ed"))
    pages = {}
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Language"] == language, url
        pages[url] = response.content.decode()
    # The merge form: the changelist's action, posted with two entities selected.
    changelist = reverse("admin:archive_entity_changelist")
    response = client.post(
        changelist, {"action": "merge_into", "_selected_action": merge_selection()}
    )
    assert response.status_code == 200
    assert b'name="_merge"' in response.content
    pages["merge"] = response.content.decode()
    # An analyst may only view an article: the annotator over a read-only form.
    analyst = Client(HTTP_ACCEPT_LANGUAGE=language)
    analyst.cookies["django_language"] = language
    analyst.force_login(User.objects.get(username="ana"))
    for url in page_urls()[:2]:
        response = analyst.get(url)
        assert response.status_code == 200 and b'id="annotator-body"' in response.content, url
        pages[url + " (analyst)"] = response.content.decode()
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_nu_html_checker_finds_no_error_in_the_admin(seeded, language, tmp_path):
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
    lines = {path: Path(path).read_text(encoding="utf-8").splitlines() for path in files}
    errors = [
        f"{files.get(path, path)}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        for path in [m.get("url", "").removeprefix("file:")]
        if (m["type"] == "error" or m.get("subType") == "fatal")
        and not _django_admin_error(m, lines.get(path, []))
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

# Two words of the text, tagged with nothing yet, selected as a drag of the mouse would.
SELECT_FIRST_WORDS_JS = r"""() => {
  const body = document.getElementById('annotator-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node, match;
  while ((node = walker.nextNode())) {
    match = node.parentElement.classList.contains('annotator-paragraph')
      && /[^\s]+\s+[^\s]+/u.exec(node.data);
    if (match) break;
  }
  const range = document.createRange();
  range.setStart(node, match.index);
  range.setEnd(node, match.index + match[0].length);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
}"""


# Wider than the window: the whole page would scroll sideways (a wide table scrolls alone).
SCROLLS_SIDEWAYS = """() =>
  document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"""


def analyst_page(browser, live_server, language, width, height=900):
    # axe is injected as a script tag: the page's Content-Security-Policy would refuse it.
    context = browser.new_context(
        locale=language, viewport={"width": width, "height": height}, bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def axe(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def open_new_entity_form(page):
    """The tagging form on the text's first words, its "New entity" part open."""
    page.evaluate(SELECT_FIRST_WORDS_JS)
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    page.check("#ann-new")
    page.wait_for_selector("#ann-new-name", state="visible")
    # A name the archive has: the entities so named are offered, each with its button.
    page.fill("#ann-new-name", "Sarraj")
    page.wait_for_selector("#ann-known:not([hidden]) .ann-use")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_core_finds_no_violation_in_the_admin(browser, live_server, seeded, language, width):
    _require(AXE, "axe-core")
    page = analyst_page(browser, live_server, language, width)
    assert page.get_attribute("html", "lang") == language
    found = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for url in page_urls():
        page.goto(live_server.url + url)
        if "/change/" in url:
            # The annotator is JavaScript: its lists are drawn once it has loaded.
            page.wait_for_selector("#annotator-suggested h3")
        found[url] = axe(page)
        if page.evaluate(SCROLLS_SIDEWAYS):
            found[url].append({"id": "page scrolls sideways", "width": width})
        if "/change/" in url:
            page.wait_for_selector("#annotator-body .annotator-paragraph")
            text = page.get_attribute("#annotator-body", "lang")
            page.locator("#annotator").scroll_into_view_if_needed()
            shot = f"admin-annotator-{language}-admin-{text}-text-{width}.png"
            page.screenshot(path=str(SHOTS / shot))
            open_new_entity_form(page)
            found[url + " (New entity)"] = axe(page)
            name = f"admin-new-entity-{language}-admin-{text}-text-{width}.png"
            page.screenshot(path=str(SHOTS / name))
            page.keyboard.press("Escape")
            page.wait_for_selector(".annotator-popup", state="detached")
            # The same form recording a claim: speaker, kind, subjects, date.
            page.evaluate(SELECT_FIRST_WORDS_JS)
            page.dispatch_event("#annotator-body", "mouseup")
            page.check("#ann-mode-claim")
            page.wait_for_selector("#ann-speaker", state="visible")
            found[url + " (claim)"] = axe(page)
            page.keyboard.press("Escape")
            page.wait_for_selector(".annotator-popup", state="detached")
            # A suggestion opened from the text: accept or reject it.
            page.locator(".ann-mention.ann-suggested").first.click()
            page.wait_for_selector("#ann-accept")
            found[url + " (suggestion)"] = axe(page)
            page.keyboard.press("Escape")
    # The merge form, as the entity list's action opens it.
    page.goto(live_server.url + reverse("admin:archive_entity_changelist"))
    for pk in merge_selection():
        page.check(f"input.action-select[value='{pk}']")
    page.select_option("select[name=action]", "merge_into")
    page.click("button[name=index]")
    page.wait_for_selector("input[name=_merge]")
    found["merge"] = axe(page)
    if page.evaluate(SCROLLS_SIDEWAYS):
        found["merge"].append({"id": "page scrolls sideways", "width": width})
    page.context.close()
    found = {url: v for url, v in found.items() if v}
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
