"""Names and outlets known only from hidden articles (or rejected annotations) stay private."""

import pytest

from tests.factories import make_article, make_claim, make_entity, make_mention, make_source

pytestmark = pytest.mark.django_db

SURFACES = [
    "/people/",
    "/people/?letter=K",
    "/api/entities/",
    "/api/entities/?q=Karim",
    "/search/?q=Karim+Mansour",
]


@pytest.fixture
def embargoed():
    """An outlet and a person that appear only in an article under embargo."""
    source = make_source(name="Embargoed Wire", slug="embargoed-wire")
    article = make_article(
        source=source,
        is_public=False,
        body="Karim Mansour met envoys in Tripoli.\nThe talks went on.",
    )
    person = make_entity(
        name="Karim Mansour", slug="karim-mansour", aliases={"en": ["Karim Mansour"]}
    )
    make_mention(article, person, "Karim Mansour")
    return source, article, person


def test_a_person_named_only_in_a_hidden_article_is_on_no_public_surface(client, embargoed):
    for url in SURFACES:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "karim-mansour" not in page, url
        if "search" not in url:  # the search page repeats the reader's own words
            assert "Karim Mansour" not in page, url
    for url in [
        "/people/karim-mansour/",
        "/people/karim-mansour/feed/",
        "/api/entities/karim-mansour/",
    ]:
        assert client.get(url).status_code == 404, url


def test_the_same_person_appears_once_a_public_article_names_them(client, embargoed):
    _, _, person = embargoed
    public = make_article(body="Karim Mansour spoke in Misrata.\nEnd.")
    make_mention(public, person, "Karim Mansour")
    assert "Karim Mansour" in client.get("/people/").content.decode()
    assert client.get("/people/karim-mansour/").status_code == 200
    assert client.get("/people/karim-mansour/feed/").status_code == 200
    assert client.get("/api/entities/karim-mansour/").status_code == 200


def test_a_rejected_or_orphaned_mention_does_not_make_a_name_public(client, embargoed):
    _, _, person = embargoed
    public = make_article(body="Karim Mansour spoke in Misrata.\nKarim Mansour left.")
    make_mention(public, person, "Karim Mansour", status="rejected")
    make_mention(public, person, "Karim Mansour", occurrence=1, is_orphaned=True)
    assert client.get("/people/karim-mansour/").status_code == 404
    assert "Karim Mansour" not in client.get("/people/").content.decode()


def test_a_speaker_of_a_public_claim_is_public_without_a_mention(client, embargoed):
    _, _, person = embargoed
    public = make_article(body='"We will meet again," said the envoy.\nEnd.')
    make_claim(public, "We will meet again", speaker=person)
    assert client.get("/people/karim-mansour/").status_code == 200


def test_an_outlet_with_only_hidden_articles_is_not_offered_as_a_filter(client, embargoed):
    make_article(source=make_source(name="Open Wire", slug="open-wire"))
    for url in ["/articles/", "/search/?q=Tripoli"]:
        page = client.get(url).content.decode()
        assert "Open Wire" in page, url
        assert "Embargoed Wire" not in page, url


def test_hidden_rejected_and_orphaned_mentions_add_nothing_to_stored_counts(client, embargoed):
    """The stored counts behind the lists, the home page and the dates count nothing hidden."""
    _, hidden, person = embargoed
    hidden.published = "2020-06-03"
    hidden.save()
    public = make_article(body="Karim Mansour spoke in Misrata.\nKarim Mansour left.")
    make_mention(public, person, "Karim Mansour", status="rejected")
    make_mention(public, person, "Karim Mansour", occurrence=1, is_orphaned=True)
    assert "Karim Mansour" not in client.get("/").content.decode()
    assert "No dated articles yet" in client.get("/dates/").content.decode()
    assert "No articles dated to this period" in client.get("/dates/2020/").content.decode()
    for url in ["/people/", "/people/?letter=K", "/api/entities/"]:
        assert "karim-mansour" not in client.get(url).content.decode(), url


def test_a_name_leaves_every_list_once_its_last_public_mention_goes(client, embargoed):
    from archive.models import Article, Mention

    _, _, person = embargoed
    public = make_article(body="Karim Mansour spoke in Misrata.\nEnd.")
    mention = make_mention(public, person, "Karim Mansour")
    assert "karim-mansour" in client.get("/people/").content.decode()
    Mention.objects.filter(pk=mention.pk).update(status="rejected")  # no save(), no signal
    assert "karim-mansour" not in client.get("/people/").content.decode()
    Mention.objects.filter(pk=mention.pk).update(status="confirmed")
    Article.objects.filter(pk=public.pk).update(is_public=False)
    assert "karim-mansour" not in client.get("/").content.decode()
    assert client.get("/people/karim-mansour/").status_code == 404
