"""Size limits: no body over ARCHIVE_MAX_BODY_CHARS, and pages that stay fast when full.

A 2 MB one-paragraph text once made 61,722 suggestions and a page that timed out; 10 MB took
76 s and 1.4 GB to import. Bodies are now capped (import and admin alike), and rendering an
article costs in proportion to its highlights, never highlights × highlights.
"""

from __future__ import annotations

import re
import time
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from archive.formats import rendering
from archive.formats.rendering import Highlight, render_paragraphs
from archive.models import Article, Mention, Source
from tests.factories import make_article, make_claim, make_entity
from tests.test_settings import run_python

# -- the setting ------------------------------------------------------------------------------

PRINT_LIMIT = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "from django.conf import settings; print(settings.ARCHIVE_MAX_BODY_CHARS)"
)


def _database_url():
    from django.db import connection

    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST']}:{d['PORT']}/{d['NAME']}"


@pytest.mark.django_db
def test_the_limit_is_200000_characters_unless_the_environment_says():
    url = _database_url()  # never the embedded server
    default = run_python(PRINT_LIMIT, DJANGO_DEBUG="1", DATABASE_URL=url)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "200000"
    given = run_python(PRINT_LIMIT, DJANGO_DEBUG="1", DATABASE_URL=url, ARCHIVE_MAX_BODY_CHARS="5")
    assert given.stdout.strip() == "5", given.stderr
    env_example = (Path(settings.BASE_DIR) / ".env.example").read_text()
    assert re.search(r"^# ARCHIVE_MAX_BODY_CHARS=200000 ", env_example, re.MULTILINE)


# -- the import ----------------------------------------------------------------------------------


def write_one(folder: Path, text: str, **entry) -> Path:
    (folder / "long.txt").write_text(text, encoding="utf-8")
    values = {"file": "long.txt", "language": "en", "slug": "long", "source": "Wire", **entry}
    lines = ["[[article]]", *(f'{k} = "{v}"' for k, v in values.items())]
    (folder / "manifest.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def import_failing(folder: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(folder), stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.django_db
def test_a_body_over_the_default_limit_is_refused_with_its_path(tmp_path):
    # One paragraph of 200,001 characters (the title line is not body text).
    write_one(tmp_path, "A title\n" + "x" * 200_001 + "\n")
    err = import_failing(tmp_path)
    assert err.startswith(
        f"{tmp_path / 'long.txt'}: body too long (200,001 characters): the limit is 200,000 "
        "(ARCHIVE_MAX_BODY_CHARS)"
    )
    assert not Article.objects.exists() and not Source.objects.exists()


@pytest.mark.django_db
def test_a_body_at_the_limit_is_imported(tmp_path, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 1000
    write_one(tmp_path, "A title\n" + "Word " * 199 + "Word\n")
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert len(Article.objects.get(slug="long").body) == 999
    write_one(tmp_path, "A title\n" + "y" * 1001 + "\n", slug="longer")
    assert "body too long (1,001 characters): the limit is 1,000" in import_failing(tmp_path)
    assert not Article.objects.filter(slug="longer").exists()


@pytest.mark.django_db
def test_a_file_far_over_the_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 100
    write_one(tmp_path, "A title\n" + "z" * 200_000 + "\n")
    err = import_failing(tmp_path)
    assert f"{tmp_path / 'long.txt'}: file too large (200,009 bytes)" in err
    assert "at most 100 characters (ARCHIVE_MAX_BODY_CHARS)" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_update_to_a_body_over_the_limit_is_refused_and_keeps_the_old_text(tmp_path, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 50
    write_one(tmp_path, "A title\nShort text.\n")
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    write_one(tmp_path, "A title\n" + "w" * 51 + "\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), "--update", stdout=StringIO(), stderr=err)
    assert "body too long" in err.getvalue()
    assert Article.objects.get(slug="long").body == "Short text."


# -- the admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_validation_refuses_a_body_over_the_limit(settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 10
    article = Article(title="T", slug="t", body="x" * 11, language="en")
    with pytest.raises(ValidationError) as info:
        article.full_clean()
    assert "body" in info.value.message_dict
    assert "the limit is 10" in info.value.message_dict["body"][0]
    Article(title="T", slug="t", body="x" * 10, language="en").full_clean()


@pytest.mark.django_db
def test_the_admin_form_shows_an_error_for_a_body_over_the_limit(admin_client, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 20
    data = {
        "title": "Too long",
        "slug": "too-long",
        "body": "A paragraph longer than twenty characters.",
        "language": "en",
        "published_precision": "day",
        "is_public": "on",
    }
    response = admin_client.post(reverse("admin:archive_article_add"), data)
    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["adminform"].form.errors
    assert "the limit is 20" in errors["body"][0]
    assert not Article.objects.exists()
    data["body"] = "Short enough."
    response = admin_client.post(reverse("admin:archive_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(slug="too-long").body == "Short enough."


# -- rendering: linear in the number of highlights ----------------------------------------------

MANY = 20_000


class CountedHighlight(Highlight):
    """A Highlight that counts how often its edges are read, and stops a quadratic
    renderer early (at 60 reads per highlight) instead of letting it run for minutes."""

    reads = 0
    budget = 0

    @property
    def start(self):
        CountedHighlight._read()
        return self._start

    @start.setter
    def start(self, value):
        self._start = value

    @property
    def end(self):
        CountedHighlight._read()
        return self._end

    @end.setter
    def end(self, value):
        self._end = value

    @classmethod
    def _read(cls):
        cls.reads += 1
        if cls.budget and cls.reads > cls.budget:
            raise AssertionError(f"rendering read span edges over {cls.budget:,} times")


@pytest.fixture
def counted(monkeypatch):
    """mention_highlight and claim_highlight build CountedHighlights."""
    monkeypatch.setattr(rendering, "Highlight", CountedHighlight)
    CountedHighlight.reads = 0
    yield CountedHighlight
    CountedHighlight.budget = 0


def test_rendering_reads_each_highlight_a_bounded_number_of_times(counted):
    # One paragraph, MANY names and a claim across all of them: the 2 MB case, scaled down.
    body = " ".join(["Ali"] * MANY)
    spans = [counted(4 * i, 4 * i + 3, "a", {"href": "/people/ali/"}, order=1) for i in range(MANY)]
    spans.append(counted(0, len(body), "mark", {"class": "claim"}, {"id": "claim-1"}))
    counted.reads, counted.budget = 0, 60 * len(spans)
    started = time.perf_counter()
    ((index, html),) = render_paragraphs(body, spans)
    print(f"\n{MANY:,} names in one paragraph: {time.perf_counter() - started:.3f} s")
    assert index == 0
    assert html.count('<a href="/people/ali/">Ali</a>') == MANY
    assert html.startswith('<mark class="claim" id="claim-1"><a href="/people/ali/">Ali</a> <a')
    assert html.endswith("Ali</a></mark>")


@pytest.mark.django_db
def test_an_article_with_20000_names_renders_every_one_right(client, counted):
    ali = make_entity(name="Ali", slug="ali")
    haftar = make_entity(name="Khalifa Haftar", slug="haftar")
    words = ["Ali" if i % 2 == 0 else "Haftar" for i in range(MANY // 2)]  # twice: MANY
    paragraph = " ".join(words)
    body = f"{paragraph}.\n{paragraph}, <said> & more."
    assert len(body) <= settings.ARCHIVE_MAX_BODY_CHARS
    article = make_article(body=body)
    mentions, pos = [], 0
    for word in words * 2:
        pos = body.index(word, pos)
        entity = ali if word == "Ali" else haftar
        status = "suggested" if len(mentions) % 3 == 0 else "confirmed"
        mentions.append(
            Mention(
                article=article,
                entity=entity,
                start=pos,
                end=pos + len(word),
                text=word,
                status=status,
            )
        )
        pos += len(word)
    Mention.objects.bulk_create(mentions)
    second = body.index("\n") + 1
    claim = make_claim(article, body[second : second + len("Ali Haftar Ali")], speaker=haftar)
    counted.budget = 100 * (len(mentions) + 1)

    started = time.perf_counter()
    response = client.get(article.get_absolute_url())
    print(f"\narticle page, {len(mentions):,} names: {time.perf_counter() - started:.3f} s")
    assert response.status_code == 200
    html = response.content.decode()

    links = re.findall(r'<a class="mention mention-person( suggested)?" href="([^"]+)"[^>]*>', html)
    assert len(links) == len(mentions)
    assert [href for _, href in links] == [m.entity.get_absolute_url() for m in mentions]
    assert [bool(s) for s, _ in links] == [m.status == "suggested" for m in mentions]
    # Each link holds exactly its name, and the text read without tags is the body.
    texts = re.findall(r'<a class="mention[^>]*>(?:<[^>]+>)*([^<]*)', html)
    assert texts == [m.text for m in mentions]
    assert html.count(f'id="claim-{claim.pk}"') == 1
    paragraphs = re.findall(r'<p id="p-?\d+"[^>]*>(.*?)</p>', html, re.DOTALL)
    # The paragraph's number (its permalink) comes first; the rest is the text.
    inner = [re.sub(r'^<a class="pnum"[^>]*>\d+</a>', "", p) for p in paragraphs[:2]]
    plain = [unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in inner]
    assert plain == body.split("\n")


# -- the annotator: a body over DATA_UPLOAD_MAX_MEMORY_SIZE -----------------------------------

ANNOTATOR_WRITES = ["mention", "claim", "review", "place", "delete", "edit"]


def _json_of_size(size: int) -> str:
    """A JSON object of exactly `size` bytes."""
    body = '{"text": ""}'
    return '{"text": "' + "x" * (size - len(body)) + '"}'


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANNOTATOR_WRITES)
@pytest.mark.parametrize("strict", [False, True], ids=["client", "csrf-checked"])
def test_a_body_over_the_upload_limit_gets_the_annotators_json_400(client, name, strict):
    from django.test import Client

    from tests.factories import make_user

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    user = make_user("ana", group="Analyst")
    client = Client(enforce_csrf_checks=True) if strict else client
    client.force_login(user)
    csrf = "a" * 32  # a cookie and its header, as the annotator's fetch sends them
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    target = reverse(f"admin:archive_article_annotate_{name}", args=[make_article().pk])

    def send(size):
        body = _json_of_size(size)
        assert len(body.encode()) == size
        return client.post(
            target, body, content_type="application/json", headers={"X-CSRFToken": csrf}
        )

    response = send(limit + 1)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": f"The request body is too large: the limit is {limit:,} bytes."
    }
    # At the limit, the body is read: refused for what it says, not for its size.
    response = send(limit)
    assert response.status_code == 400
    assert "too large" not in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANNOTATOR_WRITES)
def test_a_form_body_over_the_limit_is_refused_in_json_before_any_view(name):
    """A form-encoded body is read by the CSRF check, before the endpoint runs: the site's
    400 handler still answers the annotator's JSON there, and its HTML page elsewhere."""
    from django.test import Client

    from tests.factories import make_user

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ana", group="Analyst"))
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32  # the check then reads the form
    target = reverse(f"admin:archive_article_annotate_{name}", args=[make_article().pk])
    response = client.post(target, {"text": "x" * (limit + 1)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": f"The request body is too large: the limit is {limit:,} bytes."
    }
    elsewhere = client.post("/admin/archive/entity/add/", {"name": "x" * (limit + 1)})
    assert elsewhere.status_code == 400
    assert elsewhere["Content-Type"].startswith("text/html")
