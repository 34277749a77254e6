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


NEWTOPIC = Path(settings.BASE_DIR) / "tests" / "data" / "newtopic" / "articles.json"


def scores(out: str) -> dict[str, tuple[float, float]]:
    found = {}
    for line in out.splitlines()[1:]:
        label = line.split(" ")[0].rstrip(":")
        precision = float(line.split("precision ")[1].split(",")[0])
        recall = float(line.split("recall ")[1].split(",")[0])
        found[label] = (precision, recall)
    return found


def test_a_set_of_entities_made_with_their_names_only_is_scored_before_and_after():
    """The Yemen set's entities (slug, kind, name, name_ar) as the admin makes them: their
    own names are what the matcher knows; without them it knows nothing of the topic."""
    runs = {}
    for label, without in {
        "before": ["--without", "own-names", "--without", "short-forms"],
        "own names": ["--without", "short-forms"],
        "all": [],
    }.items():
        out = StringIO()
        call_command("evaluate_matcher", "--eval-set", str(NEWTOPIC), *without, stdout=out)
        runs[label] = scores(out.getvalue())
        assert set(runs[label]) == {"ar", "en", "fr", "all"}
    assert runs["before"]["all"][1] == 0.0
    assert runs["own names"]["all"][1] > 0.6
    assert runs["all"]["all"][1] >= runs["own names"]["all"][1]
