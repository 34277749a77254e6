"""The public page cache (archive/web/caching.py) with Redis, and conditional GET.

Every write, by any path, shows on the next public request: the admin's forms and actions,
QuerySet.update(), raw SQL. Each cache and ETag respects visibility: a hidden article and
a rejected or orphaned mention disappear at once.
"""

import json
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import services
from archive.models import Article, Mention
from tests.factories import make_article, make_entity, make_mention, make_user

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/2"


@pytest.fixture
def story():
    """A public article naming a person, and the person's page."""
    article = make_article(
        slug="talks", title="Talks in Tripoli", body="Fayez al-Sarraj met envoys in Tripoli."
    )
    person = make_entity(name="Fayez al-Sarraj", slug="fayez-al-sarraj")
    mention = make_mention(article, person, "Fayez al-Sarraj")
    return article, person, mention


def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx), response


def without_token(content: bytes) -> bytes:
    """The page without its CSRF token, which is each reader's own."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def public_urls(article, person) -> list[str]:
    return [
        article.get_absolute_url(),
        person.get_absolute_url(),
        "/articles/",
        f"/api/articles/{article.slug}/",
        "/api/articles/",
        f"/api/entities/{person.slug}/",
    ]


def admin_edit_title(staff, article, title):
    url = reverse("admin:archive_article_change", args=[article.pk])
    form = staff.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(title=title, published_precision=data.get("published_precision") or "")
    response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_repeated_anonymous_request_is_answered_from_the_cache_with_one_query(redis_cache, story):
    article, person, _ = story
    for url in public_urls(article, person):
        first, response = queries(Client(), url)
        assert response.status_code == 200, url
        again, cached = queries(Client(), url)
        assert cached.status_code == 200
        assert without_token(cached.content) == without_token(response.content), url
        assert again == 1 < first, url  # the generations, nothing else


def test_an_edit_in_the_admin_shows_on_the_public_page_at_once(redis_cache, story, admin_client):
    article, person, _ = story
    reader = Client()
    assert "Talks in Tripoli" in reader.get(article.get_absolute_url()).content.decode()
    assert "Talks in Tripoli" in reader.get(person.get_absolute_url()).content.decode()
    admin_edit_title(admin_client, article, "Talks resumed in Tripoli")
    for url in (article.get_absolute_url(), person.get_absolute_url(), "/articles/"):
        page = reader.get(url).content.decode()
        assert "Talks resumed in Tripoli" in page, url
    api = reader.get(f"/api/articles/{article.slug}/").json()
    assert api["title"] == "Talks resumed in Tripoli"


def test_a_rejection_in_the_admin_removes_the_mention_at_once(redis_cache, story, admin_client):
    article, person, mention = story
    reader = Client()
    assert person.get_absolute_url() in reader.get(article.get_absolute_url()).content.decode()
    assert reader.get(f"/api/articles/{article.slug}/").json()["mentions"]
    assert "talks" in reader.get(person.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:archive_mention_changelist"),
        {"action": "reject_selected", "_selected_action": [mention.pk]},
    )
    assert response.status_code == 302
    assert person.get_absolute_url() not in reader.get(article.get_absolute_url()).content.decode()
    assert reader.get(f"/api/articles/{article.slug}/").json()["mentions"] == []
    assert "/articles/talks/" not in reader.get(person.get_absolute_url()).content.decode()


@pytest.mark.parametrize("how", ["hidden", "rejected", "orphaned"])
def test_a_queryset_update_shows_at_once(redis_cache, story, how):
    article, person, mention = story
    reader = Client()
    for url in public_urls(article, person):
        assert reader.get(url).status_code == 200
    if how == "hidden":
        Article.objects.filter(pk=article.pk).update(is_public=False)
        assert reader.get(article.get_absolute_url()).status_code == 404
        assert reader.get(f"/api/articles/{article.slug}/").status_code == 404
        assert "/articles/talks/" not in reader.get("/articles/").content.decode()
        assert reader.get("/api/articles/").json()["results"] == []
    else:
        changes = {"status": "rejected"} if how == "rejected" else {"is_orphaned": True}
        Mention.objects.filter(pk=mention.pk).update(**changes)
        page = reader.get(article.get_absolute_url()).content.decode()
        assert person.get_absolute_url() not in page
        assert reader.get(f"/api/articles/{article.slug}/").json()["mentions"] == []
    assert "/articles/talks/" not in reader.get(person.get_absolute_url()).content.decode()


def test_a_rejection_in_the_annotator_shows_at_once(redis_cache, story):
    article, person, mention = story
    reader = Client()
    assert person.get_absolute_url() in reader.get(article.get_absolute_url()).content.decode()
    analyst = Client()
    analyst.force_login(make_user("annotator", group="Analyst"))
    review = reverse("admin:archive_article_annotate_review", args=[article.pk])
    token = services.edit_token(Mention.objects.get(pk=mention.pk))  # what its page holds
    payload = json.dumps({"ids": [mention.pk], "status": "rejected", "tokens": {mention.pk: token}})
    assert analyst.post(review, payload, content_type="application/json").status_code == 200
    assert person.get_absolute_url() not in reader.get(article.get_absolute_url()).content.decode()


def test_an_import_shows_on_the_article_list_at_once(redis_cache, story, tmp_path):
    reader = Client()
    assert "Envoys return to Tripoli" not in reader.get("/articles/").content.decode()
    (tmp_path / "new.txt").write_text("Envoys return to Tripoli\nThe talks resume.\n")
    (tmp_path / "manifest.toml").write_text(
        '[[article]]\nfile = "new.txt"\nlanguage = "en"\nsource = "Test Wire"\n'
        'published = "2020-01-05"\n'
    )
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert "Envoys return to Tripoli" in reader.get("/articles/").content.decode()


def test_an_edit_by_raw_sql_shows_at_once(redis_cache, story):
    article, _, _ = story
    reader = Client()
    assert "Talks in Tripoli" in reader.get(article.get_absolute_url()).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_article SET title = 'Talks adjourned' WHERE id = %s", [article.pk]
        )
    assert "Talks adjourned" in reader.get(article.get_absolute_url()).content.decode()


def test_logged_in_staff_are_never_served_or_filling_the_cache(redis_cache, story, admin_client):
    article, _, _ = story
    url = article.get_absolute_url()
    for _ in range(2):
        n, response = queries(admin_client, url)
        assert response.status_code == 200 and n > 1
    n, _ = queries(Client(), url)
    assert n > 1, "the staff's pages were not stored"
    n, _ = queries(Client(), url)
    assert n == 1


def test_errors_are_never_cached(redis_cache):
    for _ in range(2):
        n, response = queries(Client(), "/articles/no-such-article/")
        assert response.status_code == 404 and n > 1


def test_each_reader_of_a_cached_page_follows_the_switch_to_the_arabic_page(redis_cache, story):
    # The switch was a form posting a CSRF token; it is a link to the page's /ar/ address
    # now (tests/test_arabic_urls.py), and the cached English page stays English for all.
    article, _, _ = story
    url = article.get_absolute_url()
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        page = reader.get(url).content.decode()
        switch = re.search(r'<p class="lang-switch"><a href="([^"]+)"', page).group(1)
        switched = reader.get(switch.replace("&amp;", "&"))
        assert switched.status_code == 302 and switched["Location"] == f"/ar{url}"
        assert 'lang="ar"' in reader.get(switched["Location"]).content.decode()
        assert '<html lang="en"' in reader.get(url).content.decode()


# Conditional GET ------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def any_cache(request):
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return cache


@pytest.mark.parametrize("page", ["article", "entity", "api article"])
def test_a_repeat_request_with_the_etag_gets_304_until_an_edit_or_hiding(any_cache, story, page):
    article, person, mention = story
    url = {
        "article": article.get_absolute_url(),
        "entity": person.get_absolute_url(),
        "api article": f"/api/articles/{article.slug}/",
    }[page]
    for reader in (Client(), make_staff_client()):  # from the cache, and rendered each time
        first = reader.get(url)
        tag = first["ETag"]
        assert first.status_code == 200 and tag
        again = reader.get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304
        assert again.content == b""
    Article.objects.filter(pk=article.pk).update(title="Talks resumed")
    edited = Client().get(url, HTTP_IF_NONE_MATCH=tag)
    assert edited.status_code == 200
    assert "Talks resumed" in edited.content.decode()
    assert edited["ETag"] != tag
    # Rejecting the only mention: the article shows it no more, the person's page is gone.
    Mention.objects.filter(pk=mention.pk).update(status="rejected")
    rejected = Client().get(url, HTTP_IF_NONE_MATCH=edited["ETag"])
    assert rejected.status_code == (404 if page == "entity" else 200)
    if page != "entity":
        assert rejected["ETag"] != edited["ETag"]
        assert person.slug not in rejected.content.decode()
        Article.objects.filter(pk=article.pk).update(is_public=False)
        assert Client().get(url, HTTP_IF_NONE_MATCH=rejected["ETag"]).status_code == 404


def make_staff_client() -> Client:
    client = Client()
    client.force_login(make_user("staffer", is_superuser=True))
    return client


def test_etags_differ_between_languages(story):
    article, _, _ = story
    # The language is the address's: /ar/... has its own ETag; a header changes neither.
    english = Client().get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    arabic = Client().get(f"/ar{article.get_absolute_url()}", HTTP_ACCEPT_LANGUAGE="en")
    assert english["ETag"] != arabic["ETag"]
    assert (
        Client()
        .get(f"/ar{article.get_absolute_url()}", HTTP_IF_NONE_MATCH=english["ETag"])
        .status_code
        == 200
    )
    header = Client().get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar")
    assert header["ETag"] == english["ETag"] and '<html lang="en"' in header.content.decode()


def test_a_cached_feed_answers_304_to_if_modified_since(redis_cache, story):
    """A feed reader sends back the Last-Modified it got; a hit from the cache says 304 as
    the view would, and a later edit gives the feed again."""
    _article, person, _ = story
    url = f"/people/{person.slug}/feed/"
    first = Client().get(url)
    assert first.status_code == 200 and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and again.content == b""
    assert len(queries) <= 2  # from the cache: the generations, not the feed's rows
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert Client().get(url, HTTP_IF_MODIFIED_SINCE=old).status_code == 200
