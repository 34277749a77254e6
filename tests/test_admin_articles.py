"""Article edits in the admin that would corrupt the archive are refused with a message."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_translation_loop(admin_client):
    original = make_article(slug="loop-a")
    translation = make_article(slug="loop-b", translation_of=original)
    url = f"/admin/archive/article/{original.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(translation_of=translation.pk, published_precision="")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "would make a loop" in response.content.decode()
    original.refresh_from_db()
    assert original.translation_of is None
