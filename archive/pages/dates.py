"""Articles by date: the index of years and months, a year, a month, a day, the undated."""

from __future__ import annotations

import calendar
import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import formats
from django.views.generic import TemplateView

from archive.pages.common import paginate
from archive.reads import selectors

# Dates ----------------------------------------------------------------------------------


def _valid_date(year, month=1, day=1) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError) as error:
        raise Http404("No such date.") from error


class DateIndexView(TemplateView):
    """Years and months with their article counts, from the stored date counts."""

    template_name = "archive/date_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = selectors.years_and_months()
        # Twenty years of months: names and addresses made here once per kind, not by a
        # template tag per cell (the grid was most of this page's time).
        names = {m: formats.date_format(datetime.date(2000, m, 1), "M") for m in range(1, 13)}
        for year in years:
            year["url"] = reverse("archive:dates_year", args=[year["year"]])
            for month in year["month_list"]:
                month["label"] = names[month["month"]]
                # dates/<year>/<month>/ (archive/urls.py): the month's page under the year's.
                month["url"] = f"{year['url']}{month['month']:02d}/"
        context["years"] = years
        return context


class DateArchiveView(TemplateView):
    """Articles of a year, a month or a day, at the precision they are dated to."""

    template_name = "archive/date_archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month, day = self.kwargs["year"], self.kwargs.get("month"), self.kwargs.get("day")
        start = _valid_date(year, 1 if month is None else month, 1 if day is None else day)
        level = "year" if month is None else "month" if day is None else "day"
        children = _calendar(level, start)
        page = paginate(
            self.request,
            selectors.period_articles(start, level),
            count=selectors.period_count(start, level),
            seek=selectors.period_seek(start, level),
        )
        previous, following = selectors.neighbour_periods(start, level)
        context.update(
            level=level,
            start=start,
            children=children,
            page_obj=page,
            year_url=_date_url(start, "year"),
            month_url=_date_url(start, "month"),
            previous=previous and {"date": previous, "url": _date_url(previous, level)},
            following=following and {"date": following, "url": _date_url(following, level)},
        )
        return context


class UndatedView(TemplateView):
    """Public articles with no known date, newest added first."""

    template_name = "archive/date_archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = selectors.undated_articles()
        context.update(level="undated", page_obj=paginate(self.request, articles))
        return context


def _calendar(level: str, start: datetime.date) -> list[dict]:
    """The level below a year (its months) or a month (its days): each with its date, its
    count of public articles, its page and how to label it."""
    if level == "day":
        return []
    counts = selectors.calendar_counts(start, level)
    if level == "year":
        units = [(m, datetime.date(start.year, m, 1)) for m in range(1, 13)]
        below, label_format = "month", "F"
    else:
        days = calendar.monthrange(start.year, start.month)[1]
        units = [(d, datetime.date(start.year, start.month, d)) for d in range(1, days + 1)]
        below, label_format = "day", "j"
    return [
        {
            "date": date,
            "n": counts.get(unit, 0),
            "url": _date_url(date, below),
            "label_format": label_format,
        }
        for unit, date in units
    ]


def _date_url(date: datetime.date, level: str) -> str:
    """The page of the year, month or day holding `date`."""
    parts = [date.year, f"{date.month:02d}", f"{date.day:02d}"]
    return reverse(
        f"archive:dates_{level}", args=parts[: ("year", "month", "day").index(level) + 1]
    )
