"""Partial indexes for the public newest-first lists (all articles, and by language).

Built CONCURRENTLY: on a large archive a plain CREATE INDEX would block writes meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("archive", "0007_counts"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("published"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("is_public", True)),
                name="article_public_newest_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                models.F("language"),
                models.OrderBy(models.F("published"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("is_public", True)),
                name="article_public_lang_newest_idx",
            ),
        ),
    ]
