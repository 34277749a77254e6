"""The Arabic catalogue is whole: every message has its Arabic, none is a fuzzy guess
(gettext's `msgfmt` leaves those out, so the page would show English), and the compiled
catalogue is the one the source says."""

import re
from pathlib import Path

import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES"
pytestmark = pytest.mark.nodb


def entries(text: str):
    """(flags, msgid, [msgstr…], msgctxt or None) of each entry of a .po file, with
    continued lines joined."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        fields = {k: v.replace('\\"', '"').replace("\\n", "\n") for k, v in fields.items()}
        if "msgid" in fields and fields["msgid"]:
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield flags, fields["msgid"], strs, fields.get("msgctxt")


def test_every_message_has_its_arabic_and_none_is_fuzzy():
    found = list(entries((CATALOGUE / "django.po").read_text(encoding="utf-8")))
    assert len(found) > 150
    fuzzy = [msgid for flags, msgid, _, _ in found if "fuzzy" in flags]
    missing = [msgid for _, msgid, strs, _ in found if not all(strs)]
    assert not fuzzy, fuzzy
    assert not missing, missing


def test_the_compiled_catalogue_is_up_to_date():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    for _flags, msgid, strs, context in entries(po):
        if len(strs) > 1:
            continue  # plural forms: read through ngettext by the pages' own tests
        with translation.override("ar"):
            found = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert found == strs[0], (context, msgid)
