"""Give the fixtures' articles, mentions and claims times that follow one stated rule.

Run:  .venv/bin/python scripts/fixture_times.py [--check]

It rewrites only `created` and `updated` in fixtures/03_articles.json and
fixtures/05_annotations.json, from the other fields of those files, the same way on every
run (no clock is read). With --check it writes nothing and exits 1 if a file would change.

The rule (docs/data-model.md, "Fixtures"):
- An article is taken in at 09:00 UTC on the day after its publication, at the precision
  known: a day → the next day; a month → the first day of the next month; a year → 1 January
  of the next year. The one undated seed (002) is taken in on the day its text entered this
  repository (seeds/, commit 0a7c1b0, 2026-11-23). Articles taken in on the same day follow
  one another 10 minutes apart, in the file's order (a translation after its original).
- One analyst then annotates the articles in the order they were taken in: an article's
  first annotation one hour after it was taken in (or 15 minutes after the analyst's
  previous annotation, if later), then each annotation in reading order (by offset) 2
  minutes after a mention, 6 minutes after a claim, during working hours only (Monday to
  Friday, 09:00 to 17:00 UTC; past 17:00 the work goes on at 09:00 the next working day).
- Nothing in the fixtures was edited after it was made, so `updated` = `created` everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLES = FIXTURES / "03_articles.json"
ANNOTATIONS = FIXTURES / "05_annotations.json"

INTAKE = dt.time(9, 0)
SAME_DAY_GAP = dt.timedelta(minutes=10)
# The undated seed's text entered the repository with commit 0a7c1b0 on this day.
UNDATED_INTAKE = dt.date(2026, 11, 23)
FIRST_AFTER_INTAKE = dt.timedelta(hours=1)
BETWEEN_ARTICLES = dt.timedelta(minutes=15)
TAKES = {"archive.mention": dt.timedelta(minutes=2), "archive.claim": dt.timedelta(minutes=6)}
DAY_STARTS, DAY_ENDS = dt.time(9, 0), dt.time(17, 0)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def intake_day(fields: dict) -> dt.date:
    """The day after publication at the precision known (see the module's docstring)."""
    if not fields["published"]:
        return UNDATED_INTAKE
    published = dt.date.fromisoformat(fields["published"])
    precision = fields["published_precision"]
    if precision == "year":
        return dt.date(published.year + 1, 1, 1)
    if precision == "month":
        return (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return published + dt.timedelta(days=1)


def working(moment: dt.datetime) -> dt.datetime:
    """`moment`, or the start of the next working time if it falls outside one."""
    while True:
        if moment.weekday() >= 5 or moment.time() >= DAY_ENDS:
            moment = dt.datetime.combine(moment.date() + dt.timedelta(days=1), DAY_STARTS, dt.UTC)
        elif moment.time() < DAY_STARTS:
            moment = dt.datetime.combine(moment.date(), DAY_STARTS, dt.UTC)
        else:
            return moment


def article_times(articles: list[dict]) -> dict[str, dt.datetime]:
    times: dict[str, dt.datetime] = {}
    taken_on: dict[dt.date, int] = {}
    for row in articles:
        day = intake_day(row["fields"])
        n = taken_on.get(day, 0)
        taken_on[day] = n + 1
        times[row["fields"]["slug"]] = dt.datetime.combine(day, INTAKE, dt.UTC) + n * SAME_DAY_GAP
    return times


def annotation_times(annotations: list[dict], taken: dict[str, dt.datetime]) -> list[tuple]:
    """(row, time) for every mention and claim: one analyst, article by article."""
    rows = [r for r in annotations if r["model"] in TAKES]
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        by_article.setdefault(row["fields"]["article"][0], []).append(row)
    out, free = [], None
    for slug in sorted(by_article, key=lambda s: (taken[s], s)):
        moment = taken[slug] + FIRST_AFTER_INTAKE
        if free is not None:
            moment = max(moment, free + BETWEEN_ARTICLES)
        reading = sorted(
            by_article[slug],
            key=lambda r: (r["fields"]["start"], r["fields"]["end"], r["model"], r["pk"]),
        )
        for row in reading:
            moment = working(moment)
            out.append((row, moment))
            moment += TAKES[row["model"]]
        free = moment
    return out


def render(rows: list[dict]) -> str:
    """The layout `dumpdata --indent 1` writes, so a diff shows only changed values."""
    return "[\n" + ",\n".join(json.dumps(r, indent=1, ensure_ascii=False) for r in rows) + "\n]\n"


def main() -> int:
    articles = json.loads(ARTICLES.read_text(encoding="utf-8"))
    annotations = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    taken = article_times(articles)
    for row in articles:
        row["fields"]["created"] = row["fields"]["updated"] = stamp(taken[row["fields"]["slug"]])
    for row, moment in annotation_times(annotations, taken):
        row["fields"]["created"] = row["fields"]["updated"] = stamp(moment)
    changed = []
    for path, rows in ((ARTICLES, articles), (ANNOTATIONS, annotations)):
        text = render(rows)
        if path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
            if "--check" not in sys.argv:
                path.write_text(text, encoding="utf-8")
    verb = "would change" if "--check" in sys.argv else "rewrote"
    print(f"{verb}: {', '.join(changed)}" if changed else "fixture times already follow the rule")
    return 1 if changed and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
