"""`evaluate_matcher --eval-set`: scores per language on the published-articles set."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

EVAL = Path(settings.BASE_DIR) / "tests" / "data" / "eval" / "articles.json"


def test_eval_set_reports_each_language_and_the_total():
    fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    out = StringIO()
    call_command("evaluate_matcher", "--eval-set", str(EVAL), "--show", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "39 articles"
    by_label = {line.split(" ")[0].rstrip(":"): line for line in lines[1:6]}
    assert set(by_label) == {"ar", "en", "fr", "it", "all"}
    for line in by_label.values():
        recall = float(line.split("recall ")[1].split(",")[0])
        assert recall >= 0.9, line


def test_eval_set_needs_a_readable_file(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="x.json"):
        call_command("evaluate_matcher", "--eval-set", str(bad), stderr=StringIO())
