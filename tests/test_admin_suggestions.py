"""The articles list's action re-runs the matcher on the chosen articles."""

import pytest
from django.urls import reverse

from archive.models import Mention
from tests.factories import make_article, make_entity, make_user

pytestmark = pytest.mark.django_db


def test_rerun_suggestions_action_adds_suggested_mentions_to_chosen_articles_only(client):
    client.force_login(make_user("ed", group="Editor"))
    sarraj = make_entity(
        name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"], "ar": ["فايز السراج"]}
    )
    chosen = make_article(language="ar", body="وعقد اللقاء فايز السراج فى طرابلس.")
    other = make_article(body="Fayez al-Sarraj met Williams.")
    Mention.objects.filter(article__in=[chosen, other]).delete()  # start from none

    response = client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "rerun_suggestions", "_selected_action": [chosen.pk]},
        follow=True,
    )
    assert response.status_code == 200
    mention = Mention.objects.get(article=chosen)
    assert (mention.entity, mention.status) == (sarraj, "suggested")
    assert mention.text == chosen.body[mention.start : mention.end] == "فايز السراج"
    assert not Mention.objects.filter(article=other).exists()
    # Running it again adds nothing: a span already suggested is never duplicated.
    client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "rerun_suggestions", "_selected_action": [chosen.pk]},
    )
    assert Mention.objects.filter(article=chosen).count() == 1
