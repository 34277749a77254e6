"""Review work in a real Chromium: nested names on the public page (both links visible
and reachable by keyboard), the merge screen, and the review queue. Screenshots go to
screenshots/ (git-ignored)."""

import pytest
from django.urls import reverse

from archive.models import Entity
from tests.conftest import SCREENSHOTS
from tests.factories import make_article, make_entity, make_mention, make_source, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The Political Agreement of Skhirat was signed in December 2015.\n"
    "Talks in Skhirat had lasted a year, said Tripoli officials."
)


def login(browser, live_server, username, password="pw-analyst-1234"):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def test_reader_reaches_both_a_name_and_the_longer_name_around_it(browser, live_server):
    article = make_article(title="The Skhirat agreement", body=BODY)
    lpa = make_entity(name="Libyan Political Agreement", slug="lpa", kind="organization")
    skhirat = make_entity(name="Skhirat", slug="skhirat", kind="place")
    tripoli = make_entity(name="Tripoli", slug="tripoli", kind="place")
    tripoli_gov = make_entity(name="Tripoli authorities", slug="tripoli-gov", kind="organization")
    make_mention(article, lpa, "Political Agreement of Skhirat")
    make_mention(article, skhirat, "Skhirat")  # inside the agreement's name
    make_mention(article, skhirat, "Skhirat", occurrence=1)
    make_mention(article, tripoli, "Tripoli")
    make_mention(article, tripoli_gov, "Tripoli", status="suggested")  # the very same word

    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator(".article-body a a").count() == 0  # never <a> inside <a>
    first = page.locator(".article-body p").first
    outer = first.locator('a[href="/organizations/lpa/"]')
    inner = first.locator('a[href="/places/skhirat/"]')
    assert outer.inner_text() == "Political Agreement of "
    assert inner.inner_text() == "Skhirat"
    assert outer.is_visible() and inner.is_visible()
    # The inner name sits inside a span marked as the outer name, so both underline it.
    assert inner.evaluate("a => a.parentElement.matches('span.mention-organization')")
    # The two entities on "Tripoli": the word links to one, a mark right after to the other.
    second = page.locator(".article-body p").nth(1)
    extra = second.locator('a.mention-extra[href="/organizations/tripoli-gov/"]')
    assert extra.get_attribute("aria-label") == "Tripoli authorities · machine-suggested"
    assert extra.bounding_box()["width"] > 0
    assert "Tripoli officials" in second.inner_text().replace("\u2197", "")

    # Keyboard: from the outer name's link, Tab reaches the inner one next.
    outer.focus()
    page.screenshot(path=str(SCREENSHOTS / "public-nested-mentions.png"))
    # Tab goes on through every name's link in reading order (other links, such as
    # paragraph numbers, may come between).
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        href = page.evaluate(
            "(e => e.classList.contains('mention') ? e.getAttribute('href') : null)"
            "(document.activeElement)"
        )
        if href:
            focused.append(href)
            if len(focused) == 1:
                page.screenshot(path=str(SCREENSHOTS / "public-nested-mentions-inner-focused.png"))
        if href == "/organizations/tripoli-gov/":
            break
    assert focused == [
        "/places/skhirat/",  # the inner name, right after the outer one
        "/places/skhirat/",
        "/places/tripoli/",
        "/organizations/tripoli-gov/",  # the mark after the same word
    ]
    extra.press("Enter")
    page.wait_for_url(live_server.url + "/organizations/tripoli-gov/")
    page.go_back()
    first.locator('a[href="/places/skhirat/"]').press("Enter")
    page.wait_for_url(live_server.url + "/places/skhirat/")
    page.go_back()
    page.locator('.article-body a[href="/organizations/lpa/"]').first.click()
    page.wait_for_url(live_server.url + "/organizations/lpa/")


def test_editor_merges_a_duplicate_into_the_most_mentioned_and_the_old_page_redirects(
    browser, live_server
):
    article = make_article(body="Fayez al-Sarraj met Fayez al-Sarraj's aides; Serraj left.")
    rich = make_entity(
        name="Fayez al-Sarraj",
        slug="fayez-al-sarraj",
        description="Head of the Presidential Council, 2016–2021",
        aliases={"en": ["Fayez al-Sarraj"], "ar": ["فايز السراج"]},
    )
    poor = make_entity(name="Fayez Serraj", slug="fayez-serraj", aliases={"en": ["Serraj"]})
    make_mention(article, rich, "Fayez al-Sarraj")
    make_mention(article, rich, "Fayez al-Sarraj", occurrence=1)
    make_mention(article, poor, "Serraj")
    make_user("ed", group="Editor")
    page = login(browser, live_server, "ed")
    page.goto(live_server.url + reverse("admin:archive_entity_changelist"))
    for entity in (rich, poor):
        page.check(f'input[name="_selected_action"][value="{entity.pk}"]')
    page.select_option('select[name="action"]', "merge_into")
    page.click('button[name="index"]')
    page.wait_for_selector(".merge-table")
    assert page.is_checked(f"#survivor-{rich.pk}")
    assert not page.is_checked(f"#survivor-{poor.pk}")
    rows = page.locator(".merge-table tbody tr")
    assert "2" in rows.nth(0).locator("td.count").first.inner_text()
    assert "Head of the Presidential Council" in rows.nth(0).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "admin-merge-choose.png"), full_page=True)
    page.click('input[name="_merge"]')
    page.wait_for_url(live_server.url + reverse("admin:archive_entity_change", args=[rich.pk]))
    assert list(Entity.objects.filter(pk__in=[rich.pk, poor.pk])) == [rich]

    reader = browser.new_page()
    response = reader.goto(live_server.url + "/people/fayez-serraj/")
    assert reader.url == live_server.url + "/people/fayez-al-sarraj/"
    assert response.status == 200
    assert response.request.redirected_from.response().status == 301


def test_analyst_opens_the_review_queue_and_goes_to_an_article(browser, live_server):
    place = make_entity(name="Tripoli", kind="place")
    outlet = make_source(name="Libya Observer")
    older = make_article(
        title="Clashes south of Tripoli", body="Clashes in Tripoli and Tripoli.", source=outlet
    )
    make_mention(older, place, "Tripoli", status="suggested")
    make_mention(older, place, "Tripoli", status="suggested", occurrence=1)
    newer = make_article(
        title="Tripoli airport reopens", body="Tripoli airport reopened.", source=outlet
    )
    make_mention(newer, place, "Tripoli", status="suggested")
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_changelist"))
    page.click("text=Review queue")
    page.wait_for_selector("table.review-queue")
    titles = page.locator("table.review-queue tbody tr td:first-child a").all_inner_texts()
    assert titles == ["Clashes south of Tripoli", "Tripoli airport reopens"]
    counts = page.locator("table.review-queue td.count").all_inner_texts()
    assert counts == ["2", "1"]
    page.screenshot(path=str(SCREENSHOTS / "admin-review-queue.png"), full_page=True)
    page.click("text=Clashes south of Tripoli")
    page.wait_for_selector("#annotator-body")
    assert f"/admin/archive/article/{older.pk}/change/" in page.url
