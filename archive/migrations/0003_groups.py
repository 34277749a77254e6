"""The Analyst and Editor groups and their permissions (see archive/admin.py for the matrix).

Analysts: view articles, stories and sources; view/add/change entities, aliases, mentions,
claims and claim subjects; delete claim subjects and their OWN mentions and claims (the
admin narrows delete_mention/delete_claim to rows they created). Editors: everything in
the app, including deleting annotations made by others.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANALYST = {
    "source": ["view"],
    "story": ["view"],
    "article": ["view"],
    "entity": ["view", "add", "change"],
    "alias": ["view", "add", "change"],
    "mention": ["view", "add", "change", "delete"],
    "claim": ["view", "add", "change", "delete"],
    "claimsubject": ["view", "add", "change", "delete"],
    "entitymerge": ["view"],
}
MODELS = list(ANALYST)


def forwards(apps, schema_editor):
    # Permissions are normally made after migrate (post_migrate); make them now.
    # The migration state's app configs are stubs without models_module, which
    # create_permissions checks; set it for the call and restore it after.
    for app_config in apps.get_app_configs():
        before = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = before

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    mention_ct, _ = ContentType.objects.get_or_create(app_label="archive", model="mention")
    Permission.objects.get_or_create(
        content_type=mention_ct,
        codename="delete_others_annotations",
        defaults={"name": "Can delete mentions and claims made by others"},
    )

    analyst, _ = Group.objects.get_or_create(name="Analyst")
    wanted = [f"{action}_{model}" for model, actions in ANALYST.items() for action in actions]
    analyst.permissions.set(
        Permission.objects.filter(content_type__app_label="archive", codename__in=wanted)
    )

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(
        Permission.objects.filter(content_type__app_label="archive", content_type__model__in=MODELS)
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Analyst", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_entitymerge"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
