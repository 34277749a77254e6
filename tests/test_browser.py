"""The public site in a real Chromium: person → article → side by side → search.

Loads the curated fixtures so the screenshots (screenshots/, git-ignored) show real
articles; checks Arabic renders right to left in the vendored Arabic font, and that a name
highlighted inside an Arabic word keeps the word's letters joined.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = SCREENSHOTS
EN = "libyan-government-meets-us-delegation"
AR = "al-hukuma-al-libiya-tajtamie-bi-wafd-amriki"

# Width of a word drawn whole, and with its tail inside a highlight as the article page
# does it; and (control) with the tail in an inline-block, which always breaks joining.
JOINING_JS = """() => {
  const host = document.querySelector('.article-body');
  const probe = (html) => {
    const p = document.createElement('p');
    p.innerHTML = '<span class="probe">' + html + '</span>';
    host.appendChild(p);
    const w = p.querySelector('.probe').getBoundingClientRect().width;
    p.remove();
    return w;
  };
  return {
    whole: probe('بالسراج'),
    highlighted: probe('ب<a class="mention mention-person" href="#">السراج</a>'),
    suggested: probe('ب<a class="mention suggested" href="#">السراج</a>'),
    claim: probe('ب<mark class="claim">السراج</mark>'),
    broken: probe('ب<a class="mention" style="display:inline-block" href="#">السراج</a>'),
  };
}"""


@pytest.fixture
def archive_data():
    files = sorted(str(f) for f in (ROOT / "fixtures").glob("*.json"))
    if not files:
        pytest.skip("the curated fixtures have not landed yet")
    call_command("loaddata", *files, verbosity=0)


def arabic_paragraph_style(page, selector):
    return page.eval_on_selector(
        selector,
        """el => ({dir: getComputedStyle(el).direction, font: getComputedStyle(el).fontFamily,
                  fontReady: document.fonts.check('20px "Noto Naskh Arabic"', 'السراج'),
                  align: el.getBoundingClientRect().right})""",
    )


def test_reader_walks_person_article_side_by_side_and_search(browser, live_server, archive_data):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # A person's page.
    page.goto(live_server.url + "/people/fayez-al-sarraj/")
    assert page.locator("h1").inner_text() == "Fayez al-Sarraj"
    assert page.locator('.alias-list [lang="ar"]').count() >= 1
    assert page.locator("svg.chart rect.bar").count() >= 1
    page.screenshot(path=SHOTS / "public-person.png", full_page=True)

    # → the Arabic article.
    page.locator(f'.article-list a[href="/articles/{AR}/"]').first.click()
    page.wait_for_load_state()
    page.evaluate("document.fonts.ready")
    style = arabic_paragraph_style(page, ".article-body p")
    assert style["dir"] == "rtl"
    assert "Noto Naskh Arabic" in style["font"] and style["fontReady"]
    widths = page.evaluate(JOINING_JS)
    assert abs(widths["highlighted"] - widths["whole"]) < 0.5, widths
    assert abs(widths["suggested"] - widths["whole"]) < 0.5, widths
    assert abs(widths["claim"] - widths["whole"]) < 0.5, widths
    # The control shows the measurement would catch a broken word.
    assert abs(widths["broken"] - widths["whole"]) > 0.5, widths
    # Claims tell who said them on keyboard focus.
    claims = page.locator("mark.claim")
    if claims.count():
        claims.first.focus()
        assert page.locator("#claim-tip").is_visible()
    page.screenshot(path=SHOTS / "public-article-ar.png", full_page=True)

    # → side by side.
    page.locator("a.side-by-side").first.click()
    page.wait_for_load_state()
    assert "/compare/" in page.url
    cells = page.locator('.compare-row:not(.compare-head) .compare-cell[lang="ar"]')
    assert cells.count() >= 3
    assert cells.first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    en_box = page.locator('.compare-row:not(.compare-head) .compare-cell[lang="en"]').first
    assert en_box.bounding_box()["y"] == cells.first.bounding_box()["y"]  # side by side
    page.screenshot(path=SHOTS / "public-compare.png", full_page=True)
    # Narrow screens stack the columns.
    page.set_viewport_size({"width": 420, "height": 900})
    ar_box = cells.first.bounding_box()
    assert ar_box["y"] != en_box.bounding_box()["y"]  # one above the other
    assert ar_box["width"] > 300 and en_box.bounding_box()["width"] > 300
    page.screenshot(path=SHOTS / "public-compare-narrow.png", full_page=True)

    # → search in Arabic finds the English article through the entity.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/search/")
    page.fill("#search-q", "السراج")
    page.press("#search-q", "Enter")
    page.wait_for_load_state()
    assert page.locator(".entity-card").count() >= 1
    assert page.locator(f'.article-list a[href="/articles/{EN}/"]').count() == 1
    assert page.locator(f'.article-list a[href="/articles/{AR}/"]').count() == 1
    page.screenshot(path=SHOTS / "public-search.png", full_page=True)


def test_arabic_interface_reads_right_to_left(browser, live_server, archive_data):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + f"/articles/{EN}/")
    page.locator(".lang-switch a").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The English article itself stays left to right inside the Arabic interface.
    assert page.eval_on_selector(".article-body p", "el => getComputedStyle(el).direction") == (
        "ltr"
    )
    page.screenshot(path=SHOTS / "public-article-en-arabic-ui.png", full_page=True)
    assert page.url == live_server.url + f"/ar/articles/{EN}/"
    page.goto(live_server.url + "/ar/dates/")
    page.screenshot(path=SHOTS / "public-dates-arabic-ui.png", full_page=True)


def test_name_boxes_offer_entities_in_any_spelling_as_the_reader_types(
    browser, live_server, archive_data
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/claims/")
    box = page.locator('.filters input[name="speaker"]')
    box.type("Serraj", delay=30)  # stored: Sarraj, al-Sarraj, السراج
    options = page.locator("#entity-names option")
    options.first.wait_for(state="attached", timeout=5000)
    values = options.evaluate_all("els => els.map(e => e.value)")
    assert "Fayez al-Sarraj" in values, values
    page.screenshot(path=SHOTS / "public-claims-name-box.png", full_page=True)
    box.fill("Fayez al-Sarraj")
    page.locator('.filters button[type="submit"]').click()
    page.wait_for_load_state()
    assert "speaker=Fayez" in page.url
    assert page.locator(".claim-list li").count() >= 1
    # The same box on the article list.
    page.goto(live_server.url + "/articles/")
    page.locator('.filters input[name="entity"]').type("القذافى", delay=30)
    page.locator("#entity-names option").first.wait_for(state="attached", timeout=5000)
    page.locator('.filters button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.locator(".article-list li").count() >= 1
