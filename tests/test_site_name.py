"""The archive's name, description and home-page introduction are settings: a Sudan
archive says Sudan everywhere (pages, feeds, Open Graph, the OpenAPI title, the admin), in
English and Arabic, and the code, templates, catalogues and static files name no topic."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from lxml import etree

from tests.factories import make_article, make_entity, make_mention, make_user

ROOT = Path(__file__).resolve().parent.parent
SUDAN = {
    "ARCHIVE_SITE_NAME": "Sudan News Archive",
    "ARCHIVE_SITE_NAME_AR": "أرشيف أخبار السودان",
    "ARCHIVE_SITE_DESCRIPTION": "News on Sudan in English and Arabic.",
    "ARCHIVE_SITE_DESCRIPTION_AR": "أخبار السودان بالإنجليزية والعربية.",
    "ARCHIVE_HOME_INTRO": "Read and compare news on Sudan.",
    "ARCHIVE_HOME_INTRO_AR": "اقرأ أخبار السودان وقارنها.",
    "ARCHIVE_OG_LOCALE_AR": "ar_SD",
    "ARCHIVE_PAGE_CACHE_SECONDS": 0,  # each language and setting rendered afresh
}
EXPECTED = {
    "en": (SUDAN["ARCHIVE_SITE_NAME"], SUDAN["ARCHIVE_SITE_DESCRIPTION"], "Read and compare"),
    "ar": (SUDAN["ARCHIVE_SITE_NAME_AR"], SUDAN["ARCHIVE_SITE_DESCRIPTION_AR"], "اقرأ أخبار"),
}
OTHER_TOPIC = re.compile("Libya|ليبيا", re.IGNORECASE)
ATOM = "{http://www.w3.org/2005/Atom}"


def get(client, url, language, **extra) -> str:
    # A public page's language is its address's (Arabic under /ar/); the admin follows the
    # cookie (the preference); the API has one address.
    client.cookies["django_language"] = language
    if language == "ar" and not url.startswith(("/api/", "/admin/")):
        url = f"/ar{url}"
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    text = response.content.decode()
    assert not OTHER_TOPIC.search(text), (url, language, OTHER_TOPIC.search(text))
    return text


@pytest.fixture
def sudan(db):
    article = make_article(
        title="Army and RSF agree to talks in Jeddah",
        body="Mohamed Hamdan Dagalo said the talks would start in Jeddah.\nNothing else.",
        published="2023-05-06",
    )
    dagalo = make_entity(name="Mohamed Hamdan Dagalo", slug="dagalo", kind="person")
    make_mention(article, dagalo, "Mohamed Hamdan Dagalo")
    return {"article": article, "dagalo": dagalo}


@pytest.mark.django_db
@override_settings(**SUDAN)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_sudan_archive_names_itself_in_pages_feeds_and_the_api(client, sudan, language):
    name, description, intro = EXPECTED[language]
    home = get(client, "/", language)
    assert f"<title>{name}</title>" in home
    home_address = "/ar/" if language == "ar" else "/"
    assert f'<a class="site-name" href="{home_address}">{name}</a>' in home
    assert f"<h1>{name}</h1>" in home and intro in home
    assert f'<meta name="description" content="{description}">' in home
    assert f'<meta property="og:site_name" content="{name}">' in home
    og_locale = "ar_SD" if language == "ar" else "en_GB"
    assert f'<meta property="og:locale" content="{og_locale}">' in home
    footer = home.split('<footer class="site-footer">', 1)[1]
    assert name in footer

    page = get(client, sudan["article"].get_absolute_url(), language)
    assert f"· {name}</title>" in page
    assert f'<meta property="og:site_name" content="{name}">' in page

    root = etree.fromstring(get(client, "/people/dagalo/feed/", language).encode())
    assert root.find(f"{ATOM}title").text.endswith(name)
    assert root.find(f"{ATOM}author/{ATOM}name").text == name

    # The API's title is the English name in both languages: it names the downloaded file.
    english = SUDAN["ARCHIVE_SITE_NAME"]
    client.cookies["django_language"] = language  # a preference: the API ignores it
    response = client.get("/api/schema/?format=json")
    assert response.json()["info"]["title"] == f"{english} API"
    assert response["Content-Disposition"] == f'inline; filename="{english} API.json"'
    assert not OTHER_TOPIC.search(response.content.decode())
    assert f"title: {english} API" in get(client, "/api/schema/", language)  # YAML too
    assert f"<title>{english} API</title>" in get(client, "/api/docs/", language)


@pytest.mark.django_db
@override_settings(**SUDAN)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_admin_header_names_the_archive(client, language):
    client.force_login(make_user("editor", group="Editor"))
    name = EXPECTED[language][0]
    html = get(client, "/admin/", language)
    assert f'<a href="/admin/">{name}</a>' in html
    assert f"| {name}</title>" in html


PRINT_SITE = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "from django.conf import settings as s; "
    "print(s.ARCHIVE_SITE_NAME, s.ARCHIVE_SITE_NAME_AR, s.ARCHIVE_SITE_DESCRIPTION, "
    "s.ARCHIVE_SITE_DESCRIPTION_AR, s.ARCHIVE_HOME_INTRO, s.ARCHIVE_HOME_INTRO_AR, sep='|')"
)


def site_settings(**environment) -> list[str]:
    """The settings as a production start reads them (no .env) from this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
    key = "test-" + "0123456789abcdef" * 4  # a production start wants a real-looking key
    env.update(DJANGO_PRODUCTION="1", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SITE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_the_defaults_name_no_topic_and_the_environment_names_one():
    defaults = site_settings()
    assert defaults[:2] == ["News Archive", "أرشيف الأخبار"]
    assert not any(OTHER_TOPIC.search(value) for value in defaults)
    named = site_settings(ARCHIVE_SITE_NAME="Sudan News Archive", ARCHIVE_HOME_INTRO_AR="السودان")
    assert named[0] == "Sudan News Archive" and named[5] == "السودان"


def _strings_said(path: Path):
    """A module's string literals but its docstrings: what the code may show or send.
    Comments and docstrings explain the code, and may take the example topic's names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_template_catalogue_static_file_or_code_names_a_topic():
    found = []
    for folder in ("templates", "locale", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                text = path.read_bytes().decode("utf-8", errors="ignore")
                found += [f"{path.relative_to(ROOT)}" for _ in OTHER_TOPIC.finditer(text)][:1]
    for path in sorted((ROOT / "archive").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, value in _strings_said(path):
            if OTHER_TOPIC.search(value):
                found.append(f"{path.relative_to(ROOT)}:{line}")
    for line, value in _strings_said(ROOT / "config" / "settings.py"):
        if OTHER_TOPIC.search(value):
            found.append(f"config/settings.py:{line}")
    assert not found, found
