"""Analysts and editors get the new admin pages: analysts see feeds and collected items and
decide link proposals (confirm, reject); editors also manage feeds and proposals. Articles
stored before 0018 get the keys collecting finds them by (their address normalized, their
text's fingerprint), which every save derives from now on (Article.refresh_search_text)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from archive.text.addresses import text_fingerprint, url_key

GROUPS = {
    "Analyst": {
        "feed": ["view"],
        "collecteditem": ["view"],
        "linkproposal": ["view", "change"],
    },
    "Editor": {
        "feed": ["view", "add", "change", "delete"],
        "collecteditem": ["view"],
        "linkproposal": ["view", "add", "change", "delete"],
    },
}
BATCH = 2_000


def grant(apps, schema_editor):
    # As 0003_groups: the permissions are made now rather than after migrate.
    for app_config in apps.get_app_configs():
        before = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = before
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        )


def fill_keys(apps, schema_editor):
    """In batches by id, from the stored normalized body (no text normalized again)."""
    Article = apps.get_model("archive", "Article")
    rows = Article.objects.filter(text_fingerprint="").order_by("id")
    last = 0
    while True:
        batch = list(rows.filter(id__gt=last).only("id", "url", "body", "body_search")[:BATCH])
        if not batch:
            return
        for article in batch:
            article.text_fingerprint = text_fingerprint(
                article.body, normalized=article.body_search or None
            )
            article.url_key = url_key(article.url) if article.url else ""
        Article.objects.bulk_update(batch, ["text_fingerprint", "url_key"])
        last = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0019_scoped_generations"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
