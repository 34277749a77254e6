"""The annotator speaks the analyst's language: every string it shows goes through Django's
JavaScript catalogue (static/archive/admin/annotator/strings.js), each has its Arabic in
locale/ar/LC_MESSAGES/djangojs.po, the catalogue served to an Arabic admin carries it, and
no other module of the annotator writes English of its own."""

import gettext
import json
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
ANNOTATOR = ROOT / "static" / "archive" / "admin" / "annotator"
PO = ROOT / "locale" / "ar" / "LC_MESSAGES" / "djangojs.po"

JS_STRING = r'"((?:[^"\\]|\\.)*)"'
CALL = re.compile(r"\b(n?gettext)\(\s*" + JS_STRING + r"(?:\s*,\s*" + JS_STRING + r")?")


def js_unquote(s: str) -> str:
    return json.loads('"' + s + '"')


def catalogue_calls() -> dict[str, list]:
    """{file name: [msgid or (singular, plural), ...]} for every gettext/ngettext call."""
    found = {}
    for path in sorted(ANNOTATOR.glob("*.js")):
        calls = []
        for fn, one, many in CALL.findall(path.read_text()):
            calls.append(
                (js_unquote(one), js_unquote(many)) if fn == "ngettext" else js_unquote(one)
            )
        found[path.name] = calls
    return found


def all_msgids() -> list:
    return [m for calls in catalogue_calls().values() for m in calls]


def po_entries(path: Path) -> tuple[dict, dict]:
    """({msgid: msgstr}, {msgid: {form: msgstr}}) as msgfmt compiles the file (the
    compiler's view, not a hand-written parser)."""
    mo = subprocess.run(["msgfmt", "-o", "-", str(path)], check=True, capture_output=True).stdout
    catalog = gettext.GNUTranslations(BytesIO(mo))._catalog
    entries = {}
    plurals = {}
    for key, value in catalog.items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = value
        elif key:
            entries[key] = value
    return entries, plurals


def test_every_string_of_the_annotator_is_in_strings_js():
    calls = catalogue_calls()
    assert len(calls["strings.js"]) > 80
    others = {name: c for name, c in calls.items() if name != "strings.js" and c}
    assert others == {}, "gettext outside strings.js: collect the strings in one place"


def test_every_string_has_its_arabic():
    entries, plurals = po_entries(PO)
    missing = []
    for msgid in all_msgids():
        if isinstance(msgid, tuple):
            forms = plurals.get(msgid[0], {})
            if len(forms) != 6 or not all(forms.values()):  # Arabic has six plural forms
                missing.append(msgid)
        elif not entries.get(msgid, "").strip():
            missing.append(msgid)
    assert missing == []


def test_placeholders_are_kept_in_the_arabic():
    entries, plurals = po_entries(PO)
    names = re.compile(r"%\((\w+)\)s")
    for msgid in all_msgids():
        if isinstance(msgid, tuple):
            for form in plurals[msgid[0]].values():
                assert set(names.findall(form)) == set(names.findall(msgid[1])), msgid
        else:
            assert sorted(names.findall(entries[msgid])) == sorted(names.findall(msgid)), msgid
            # No English left untranslated in the Arabic (placeholders aside).
            assert not re.search(r"[A-Za-z]{3,}", names.sub("", entries[msgid])), msgid


def test_the_compiled_catalogue_is_the_po_file():
    """djangojs.mo was compiled from djangojs.po as it stands."""
    compiled = gettext.GNUTranslations((PO.parent / "djangojs.mo").open("rb"))._catalog
    entries, plurals = po_entries(PO)
    for msgid, msgstr in entries.items():
        assert compiled.get(msgid) == msgstr, msgid
    for msgid in plurals:
        assert (msgid, 0) in compiled, msgid


@pytest.mark.django_db
def test_the_catalogue_served_in_arabic_has_every_string(client):
    user = make_user("ana", group="Analyst")
    client.force_login(user)
    url = reverse("admin:archive_article_jsi18n")
    client.cookies["django_language"] = "ar"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    start = body.index("const newcatalog = ") + len("const newcatalog = ")
    catalog = json.JSONDecoder().raw_decode(body[start:])[0]
    entries, _ = po_entries(PO)
    for msgid in all_msgids():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        assert catalog.get(key), msgid
        if isinstance(msgid, str):
            assert catalog[key] == entries[msgid]
        else:
            assert len(catalog[key]) == 6
    assert "nplurals=6" in body or "n==2" in body  # Arabic's plural rule, not English's

    # In English the same address answers an empty catalogue: the strings stay as written.
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "إشارة" not in english


def test_the_catalogue_is_for_analysts_only(client, db):
    response = client.get(reverse("admin:archive_article_jsi18n"))
    assert response.status_code == 302  # to the admin's login


# A literal made only of these is code (class names, ids, selectors, keys), not prose.
CODE = re.compile(r"^[a-z0-9\-_.#\[\]=:/?&'\" *>,|]*$")


def english_literals(source: str) -> list[str]:
    found = []
    for line in source.splitlines():
        code = line.split("//", 1)[0]
        if code.strip().startswith(("*", "/*")):
            continue
        for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`', code):
            literal = m.group(1) if m.group(1) is not None else m.group(2)
            # Capitals, prose punctuation, or a piece of a sentence (a space at an end).
            if re.search(r"[A-Za-z]{2,}", literal) and (
                not CODE.match(literal) or literal != literal.strip()
            ):
                found.append(literal)
    return found


# Literals other modules legitimately hold: key names, tag names, HTTP, the admin's classes.
ALLOWED = {
    *("Enter", "Escape", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "BUTTON", "SELECT"),
    *("GET", "POST", "Content-Type", "X-CSRFToken", "vTextField", " default"),
}


def test_no_english_literal_outside_strings_js():
    left = {}
    for path in sorted(ANNOTATOR.glob("*.js")):
        if path.name == "strings.js":
            continue
        found = [s for s in english_literals(path.read_text()) if s not in ALLOWED]
        if found:
            left[path.name] = found
    assert left == {}


def test_the_lint_finds_english_where_it_is():
    """The lint above is not blind: it finds the kinds of string the modules used to write."""
    sample = """
    el("h3", { text: "Suggested mentions (" + n + ")" });
    error.textContent = "Choose the entity from the list.";
    button("Confirm", go);
    const t = `Claim by ${name}`;
    if (event.key === "Enter") go();
    el("div", { class: "ann-field ann-inline", id: "ann-new" });
    """
    assert english_literals(sample) == [
        "Suggested mentions (",
        "Choose the entity from the list.",
        "Confirm",
        "Claim by ${name}",
        "Enter",
    ]
