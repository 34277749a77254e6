"""The Arabic admin names the archive's tables in Arabic (their verbose names), in the
sidebar, the index and a changelist's title; the English admin as before."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(make_user("ed", group="Editor"))
    return client


def test_the_arabic_admin_names_the_tables_in_arabic(editor):
    editor.cookies["django_language"] = "ar"
    index = editor.get("/admin/").content.decode()
    for name in ("الأرشيف", "المقالات", "الكيانات", "الإشارات", "التصريحات", "الأسماء البديلة"):
        assert name in index, name
    for english in (">Articles<", ">Entities<", ">Mentions<", ">Aliases<"):
        assert english not in index, english
    changelist = editor.get("/admin/archive/entity/").content.decode()
    assert "كيان" in changelist.split("<title>")[1].split("</title>")[0]


def test_the_english_admin_keeps_its_names(editor):
    editor.cookies["django_language"] = "en"
    index = editor.get("/admin/").content.decode()
    for name in (">Articles<", ">Entities<", ">Mentions<", ">Aliases<", "Archive"):
        assert name in index, name
