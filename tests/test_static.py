"""Production static files: the annotator's ES modules import each other by hashed name."""

import re

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_rewrites_module_imports_to_hashed_names(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    mains = list((tmp_path / "archive/admin/annotator").glob("main.*.js"))
    assert len(mains) == 1
    imports = re.findall(r'from "(\./[^"]+)"', mains[0].read_text())
    assert imports, "main.js imports its modules"
    assert all(re.fullmatch(r"\./\w+\.[0-9a-f]{12}\.js", name) for name in imports), imports
