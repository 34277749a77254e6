"""What a reader who quotes the archive needs: paragraph permalinks, a Cite box, the
sentence around a claim, and honest metadata (no outlet or date invented or hidden)."""

import datetime
import re

import pytest

from tests.conftest import SCREENSHOTS
from tests.factories import make_article, make_source, make_translation_pair

pytestmark = pytest.mark.django_db


def test_paragraphs_are_numbered_from_one_with_permalinks(client):
    article = make_article(body="First paragraph.\nSecond one.\nThird one.")
    html = client.get(article.get_absolute_url()).content.decode()
    ids = re.findall(r'<p id="p(\d+)"><a class="pnum" href="#p\1"', html)
    assert ids == ["1", "2", "3"]


def test_cite_box_on_article_and_claim_pages(client):
    data = make_translation_pair()
    en = data["en"]
    en.published, en.published_precision, en.byline = datetime.date(2020, 1, 1), "month", "AFP"
    en.save()
    html = client.get(en.get_absolute_url()).content.decode()
    assert 'id="cite-h"' in html
    assert f"http://testserver{en.get_absolute_url()}" in html
    assert "January 2020" in html and "year = 2020" in html and "month = jan" in html
    assert "day = " not in html and "2020-01-01" not in html
    assert "&quot;date-parts&quot;: [\n" in html  # CSL-JSON, escaped in the page
    claim_html = client.get(data["en_claim"].get_absolute_url()).content.decode()
    assert 'id="cite-h"' in claim_html and "year = 2020" in claim_html


def test_claim_page_shows_the_sentence_around_the_quote(client):
    data = make_translation_pair()
    html = client.get(data["en_claim"].get_absolute_url()).content.decode()
    assert re.search(
        r'Sarraj said <mark class="claim">&quot;we want security&quot;</mark> after the talks\.',
        html,
    ), html[html.find("claim-context") : html.find("claim-context") + 400]


def test_no_outlet_and_no_date_are_said_not_hidden(client):
    article = make_article(source=None, published=None, byline="")
    html = client.get(article.get_absolute_url()).content.decode()
    byline = html[html.index('<p class="byline meta"') : html.index("</p>", html.index("byline"))]
    assert "Outlet unknown" in byline and "Date unknown" in byline
    assert not re.search(r'byline meta"[^>]*>\s*·', byline)  # no line starting with "·"


def test_original_url_shows_its_site(client):
    source = make_source(name="Libya Observer")
    article = make_article(source=source, url="https://www.libyaobserver.ly/news/x")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "(libyaobserver.ly)" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_paragraph_permalink_scrolls_to_it_and_marks_it(browser, live_server):
    body = "\n".join(f"Paragraph number {i} of a long article. " * 8 for i in range(1, 13))
    article = make_article(body=body)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{live_server.url}{article.get_absolute_url()}#p9")
    box = page.locator("#p9").bounding_box()
    assert 0 <= box["y"] < 720  # scrolled into view
    background = page.eval_on_selector("#p9", "el => getComputedStyle(el).backgroundColor")
    other = page.eval_on_selector("#p8", "el => getComputedStyle(el).backgroundColor")
    assert background != other  # the paragraph arrived at is marked
    # The number is the link: following it from paragraph 3 lands on #p3.
    page.locator("#p3 .pnum").click()
    assert page.url.endswith("#p3")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "article-permalink.png")


def test_admin_article_list_shows_dates_at_their_precision(admin_client):
    make_article(title="Year only", published=datetime.date(2018, 1, 1), published_precision="year")
    make_article(
        title="Month only", published=datetime.date(2020, 1, 1), published_precision="month"
    )
    html = admin_client.get("/admin/archive/article/").content.decode()
    assert '<td class="field-date">2018</td>' in html
    assert '<td class="field-date">January 2020</td>' in html
    assert "Jan. 1, 2018" not in html and "Jan. 1, 2020" not in html


def test_a_title_the_archive_wrote_is_marked_from_manifest_to_page(client, tmp_path):
    from django.core.management import call_command

    (tmp_path / "a.txt").write_text("The text itself has no title line.\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[article]]\nfile = "a.txt"\nslug = "untitled"\nlanguage = "en"\n'
        'title = "Our own title"\ntitle_by_archive = true\n',
        encoding="utf-8",
    )
    call_command("import_articles", str(tmp_path), verbosity=0)
    html = client.get("/articles/untitled/").content.decode()
    assert "Title written by the archive" in html
    assert "[Our own title]" in html  # the citation brackets it
