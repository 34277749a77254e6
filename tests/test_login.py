"""Failed-login lockout (django-axes) through the real admin login, and the API's login.

Behind the TLS proxy every request comes from the proxy's address (REMOTE_ADDR); the
client's own address is the one the proxy appended to X-Forwarded-For.
"""

import base64
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.1"  # the TLS proxy, as gunicorn sees it
ATTACKER = "203.0.113.66"
EDITOR_HOME = "198.51.100.7"
PASSWORD = "the-editor-password-42"

pytestmark = pytest.mark.django_db


CLIENT_ADDRESS_SETTINGS = [
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_TRUSTED_IPS",
    "AXES_CLIENT_IP_CALLABLE",
    "IPWARE_STRICT",
    "IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_META_PROXY_COUNT",
    "IPWARE_ALGORITHM",
]


@functools.cache
def settings_for_one_proxy() -> dict:
    """What config/settings.py makes of DJANGO_TRUSTED_PROXY_COUNT=1, read in a fresh process."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "import django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {CLIENT_ADDRESS_SETTINGS!r}}}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXY_COUNT="1")
    env.setdefault("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")  # never connected to
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def behind_one_proxy(settings):
    """The test settings as a deployment behind one TLS proxy has them."""
    for name, value in settings_for_one_proxy().items():
        if isinstance(value, list) and name.endswith("PRECEDENCE_ORDER"):
            value = tuple(value)
        setattr(settings, name, value)


@pytest.fixture
def editor():
    return make_user("editor", group="Editor", password=PASSWORD)


def log_in(username, password, *, remote_addr, forwarded_for=None):
    """POST the admin login form from a fresh browser; True when it logged in."""
    client = Client()
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )
    logged_in = "_auth_user_id" in client.session
    assert logged_in == (response.status_code == 302), response.status_code
    return logged_in, response.status_code


def test_attacker_behind_the_proxy_cannot_lock_a_user_out_from_another_address(
    behind_one_proxy, editor
):
    for i in range(settings.AXES_FAILURE_LIMIT):
        # Each time with a forged X-Forwarded-For entry of its own: the proxy appends the
        # real address after it, and only that one counts.
        ok, _ = log_in(
            "editor", "guess", remote_addr=PROXY, forwarded_for=f"192.0.2.{i}, {ATTACKER}"
        )
        assert not ok
    # The attacker's address is locked for "editor", even with the right password…
    ok, status = log_in("editor", PASSWORD, remote_addr=PROXY, forwarded_for=ATTACKER)
    assert not ok and status == 429
    ok, status = log_in(
        "editor", PASSWORD, remote_addr=PROXY, forwarded_for=f"192.0.2.99, {ATTACKER}"
    )
    assert not ok and status == 429
    # …but the editor, from home, through the same proxy, still logs in.
    ok, _ = log_in("editor", PASSWORD, remote_addr=PROXY, forwarded_for=EDITOR_HOME)
    assert ok


def test_one_address_trying_many_usernames_is_locked(behind_one_proxy, editor):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    for i in range(limit - 1):  # one password tried across many accounts, once each
        assert not log_in(f"user{i}", "Summer2024!", remote_addr=PROXY, forwarded_for=ATTACKER)[0]
    # Below the address's limit, a right password from there still works.
    assert log_in("editor", PASSWORD, remote_addr=PROXY, forwarded_for=ATTACKER)[0]
    assert not log_in("last-try", "Summer2024!", remote_addr=PROXY, forwarded_for=ATTACKER)[0]
    # Now the address is locked for every username, "editor" too…
    ok, status = log_in("editor", PASSWORD, remote_addr=PROXY, forwarded_for=ATTACKER)
    assert not ok and status == 429
    # …and no one else is.
    assert log_in("editor", PASSWORD, remote_addr=PROXY, forwarded_for=EDITOR_HOME)[0]


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(editor):
    """DJANGO_TRUSTED_PROXY_COUNT=0 (the default): the address is REMOTE_ADDR, whatever
    X-Forwarded-For says, so forging a new one for each try does not escape the limit."""
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        ok, _ = log_in(f"user{i}", "guess", remote_addr=ATTACKER, forwarded_for=f"192.0.2.{i}")
        assert not ok
    ok, status = log_in("editor", PASSWORD, remote_addr=ATTACKER, forwarded_for=EDITOR_HOME)
    assert not ok and status == 429
    # The editor's own address is not locked, even when a header names the attacker's.
    assert log_in("editor", PASSWORD, remote_addr=EDITOR_HOME, forwarded_for=ATTACKER)[0]


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("password", ["wrong", PASSWORD])
def test_api_takes_no_http_basic_login(client, editor, password):
    """The API is public and read-only: a Basic header neither fails nor logs anyone in,
    and no Basic challenge invites a browser to ask for a password."""
    response = client.get(
        "/api/articles/", HTTP_AUTHORIZATION=basic("editor", password), REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 200
    assert "results" in response.json()
    assert "WWW-Authenticate" not in response.headers
    assert not response.wsgi_request.user.is_authenticated
    missing = client.get("/api/articles/no-such-article/", HTTP_AUTHORIZATION=basic("x", "y"))
    assert missing.status_code == 404
    assert "WWW-Authenticate" not in missing.headers


def test_api_schema_declares_no_basic_login(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    schemes = schema.get("components", {}).get("securitySchemes", {})
    assert not any(s.get("scheme") == "basic" for s in schemes.values()), schemes
