"""The Arabic interface is whole: every string the templates and code mark for
translation has an Arabic translation that is not a guess (fuzzy), and the compiled
catalogue is up to date with it."""

import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES"


def entries(text: str):
    """(flags, msgid, [msgstr...]) of each entry, continuation lines joined."""
    for block in text.split("\n\n"):
        flags, field, values = "", None, {}
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and field:
                values[field] += line[1:-1]
            else:
                match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
                if match:
                    field = match.group(1)
                    values[field] = match.group(2)
        if values.get("msgid"):
            yield flags, values["msgid"], [v for k, v in values.items() if k.startswith("msgstr")]


def unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def test_every_interface_string_has_an_arabic_translation():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    missing = [msgid for flags, msgid, strs in entries(text) if not all(strs)]
    fuzzy = [msgid for flags, msgid, strs in entries(text) if "fuzzy" in flags]
    assert not missing, missing
    assert not fuzzy, fuzzy


def test_the_compiled_catalogue_is_not_older_than_its_source():
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    from django.utils.translation import gettext, override

    with override("ar"):
        for flags, msgid, strs in entries(po.read_text(encoding="utf-8")):
            if "python-format" in flags or "%" in msgid or len(strs) != 1:
                continue
            assert gettext(unescape(msgid)) == unescape(strs[0]), (msgid, mo)
