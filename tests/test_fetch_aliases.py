"""`fetch_aliases`: an entity's Wikidata labels and aliases fetched online, from a local HTTP
server started here (nothing leaves the machine), and written as import_aliases writes them."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.ingest.wikidata import WikidataError, fetch_entity
from archive.models import Alias, AliasOrigin
from tests.factories import make_entity

pytestmark = pytest.mark.django_db

LIBYA = (
    Path(__file__).resolve().parent / "data" / "wikidata" / "entitydata-libya.json"
).read_bytes()
ANSWERS = {
    "/Q1016.json": (200, LIBYA),
    "/Q3579.json": (200, b'{"entities": {"Q3579": {"id": "Q3579", "labels": {'),  # cut short
    "/Q7.json": (200, b'{"something": "else"}'),
    "/Q8.json": (200, b"x" * 5000),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = ANSWERS.get(self.path, (404, b'{"error": "no such entity"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{{id}}.json"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent():
    """A server that takes the connection and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/{{id}}.json"
    sock.close()


def libya(**fields):
    return make_entity(name="Libya", slug="libya", kind="place", wikidata_id="Q1016", **fields)


def run(*args) -> str:
    out = StringIO()
    call_command("fetch_aliases", *args, stdout=out, stderr=out)
    return out.getvalue()


def wikidata_rows(entity) -> set[tuple[str, str]]:
    return set(
        Alias.objects.filter(entity=entity, origin=AliasOrigin.WIKIDATA).values_list(
            "name", "language"
        )
    )


def test_off_unless_the_setting_names_an_address(settings):
    libya()
    assert settings.ARCHIVE_WIKIDATA_ENTITY_URL == ""
    with pytest.raises(CommandError, match="ARCHIVE_WIKIDATA_ENTITY_URL is empty"):
        run()
    assert not Alias.objects.filter(origin=AliasOrigin.WIKIDATA).exists()


def test_an_entity_gets_its_labels_and_aliases_in_every_language(settings, server):
    settings.ARCHIVE_WIKIDATA_ENTITY_URL = server
    entity = libya()
    make_entity(name="Tripoli", slug="tripoli", kind="place")  # no Wikidata id: not asked
    report = run()
    assert {
        ("Libye", "fr"),
        ("État de Libye", "fr"),
        ("Libyen", "de"),
        ("ليبيا", "arz"),
        ("利比亚", "zh-hans"),
        ("State of Libya", "en"),
    } <= wikidata_rows(entity)
    assert report.startswith("10 names added to 1 entities")
    assert run("--entity", "libya").startswith("0 names added")  # a second run adds nothing
    # The own name stands beside them, once.
    assert Alias.objects.filter(entity=entity, name="Libya", language="en").count() == 1


def test_one_entity_by_slug(settings, server):
    settings.ARCHIVE_WIKIDATA_ENTITY_URL = server
    entity = libya()
    other = make_entity(name="Nowhere", slug="nowhere", wikidata_id="Q404404")  # would be a 404
    run("--entity", "libya")
    assert wikidata_rows(entity) and not wikidata_rows(other)
    with pytest.raises(CommandError, match="No entity 'nope'"):
        run("--entity", "nope")
    make_entity(name="Plain", slug="plain")
    with pytest.raises(CommandError, match="plain: no Wikidata id"):
        run("--entity", "plain")


@pytest.mark.parametrize(
    ("qid", "message"),
    [
        ("Q404404", "HTTP 404"),
        ("Q3579", "not JSON"),
        ("Q7", 'no "entities" object'),
        ("Q8", "more than 1000"),
    ],
)
def test_an_answer_that_is_not_entity_json_writes_nothing(settings, server, qid, message):
    settings.ARCHIVE_WIKIDATA_ENTITY_URL = server
    settings.ARCHIVE_WIKIDATA_MAX_BYTES = 1000
    libya()
    make_entity(name="Other", slug="other", wikidata_id=qid)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 entities could not be fetched; nothing written"):
        call_command("fetch_aliases", stdout=out, stderr=out)
    assert message in out.getvalue() and f"other ({qid})" in out.getvalue()
    # Libya's answer was good, but nothing is written when one fails.
    assert not Alias.objects.filter(origin=AliasOrigin.WIKIDATA).exists()


def test_a_server_that_never_answers_times_out(settings, silent):
    settings.ARCHIVE_WIKIDATA_ENTITY_URL = silent
    settings.ARCHIVE_WIKIDATA_TIMEOUT_SECONDS = 0.3
    libya()
    out = StringIO()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("fetch_aliases", stdout=out, stderr=out)
    assert "no answer within 0.3 seconds" in out.getvalue()
    assert not Alias.objects.filter(origin=AliasOrigin.WIKIDATA).exists()


def test_only_wikidata_ids_and_web_addresses_are_fetched():
    with pytest.raises(WikidataError, match="not a Wikidata id"):
        fetch_entity("http://127.0.0.1:9/{id}", "Q1/../x", timeout=1, max_bytes=10)
    with pytest.raises(WikidataError, match="only http and https"):
        fetch_entity("file:///etc/{id}", "Q1", timeout=1, max_bytes=10)
