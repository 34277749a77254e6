"""`manage.py add_url` and the admin's "Add from address" page, against saved real pages
served by tests/pageserver.py."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.models import Article, CollectedItem
from tests.factories import make_source, make_user
from tests.pageserver import DATA

PAGES = DATA / "pages"


# `server` (collecting on, a local page server): tests/conftest.py.


def serve(server, name, path=None, charset="utf-8"):
    return server.serve_file(
        path or f"/{name}", PAGES / f"{name}.html", f"text/html; charset={charset}"
    )


def add_url(*args) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("add_url", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return out.getvalue(), err.getvalue(), code


@pytest.mark.django_db(transaction=True)
def test_add_url_says_per_address_what_happened_and_fails_when_one_failed(server):
    good = serve(server, "en-arabparrot-zawiya")
    missing = server.url("/gone")
    out, err, code = add_url(good, missing, "ftp://example.org/x")
    article = Article.objects.get()
    assert out.splitlines() == [f"new: {article.slug}"]
    assert f"{missing}: answered 404" in err
    assert "ftp://example.org/x: not a web address" in err
    assert code == 1
    assert (
        article.is_public is False
        and article.title == "Libyan armed groups clash near capital Tripoli"
    )
    # Again, with a tracking parameter: already there, nothing written, exit 0.
    out, err, code = add_url(good + "?utm_source=twitter")
    assert (out.strip(), err, code) == (f"already in the archive: {article.slug}", "", 0)
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_add_url_takes_the_outlet_and_can_publish(server):
    outlet = make_source(name="Sudinfo", slug="sudinfo")
    out, err, code = add_url(serve(server, "fr-sudinfo-damas"), "--source", "sudinfo", "--public")
    assert code == 0, err
    article = Article.objects.get()
    assert article.source == outlet and article.is_public is True and article.language == "fr"
    out, err, code = add_url("https://example.org/a", "--source", "nobody")
    assert code == 1 and "no outlet with the slug 'nobody'" in err


@pytest.mark.django_db(transaction=True)
def test_a_page_that_is_no_article_writes_nothing(server):
    url = server.route("/index", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    out, err, code = add_url(url)
    assert code == 1 and err.startswith(f"{url}: ") and out == ""
    assert Article.objects.count() == 0
    assert CollectedItem.objects.get().status == "failed"


@pytest.mark.django_db(transaction=True)
def test_the_admin_adds_articles_from_pasted_addresses(server, client):
    editor = make_user("editor", group="Editor")
    client.force_login(editor)
    changelist = client.get(reverse("admin:archive_article_changelist"))
    page = reverse("admin:archive_article_add_url")
    assert page.encode() in changelist.content  # the link on the articles list
    assert client.get(page).status_code == 200
    arabic = serve(server, "ar-yemeress-sanaa-wrong-header", charset="windows-1256")
    response = client.post(page, {"addresses": f"{arabic}\n\n{server.url('/none')}"}, follow=True)
    article = Article.objects.get()
    text = response.content.decode()
    assert f"new: {article.slug}" in text and "answered 404" in text
    assert article.language == "ar" and "جماعة انصار الله الحوثيين" in article.body
    assert article.is_public is False
    # Not an address: said on the form, nothing fetched.
    response = client.post(page, {"addresses": "not an address"})
    assert "not a web address" in response.content.decode()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_analyst_who_may_not_add_articles_has_no_such_page(client):
    client.force_login(make_user("analyst", group="Analyst"))
    page = reverse("admin:archive_article_add_url")
    assert client.get(page).status_code == 403
    changelist = client.get(reverse("admin:archive_article_changelist"))
    assert page.encode() not in changelist.content
