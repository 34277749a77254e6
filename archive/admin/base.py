"""What every admin page over a large table shares."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.cache import cache
from django.db import connection
from simple_history.admin import SimpleHistoryAdmin

from archive.reads.pagination import EstimatedCountPaginator


class LargeTableAdmin(SimpleHistoryAdmin):
    """History on every row; no count of every row on each page load."""

    show_full_result_count = False
    list_per_page = 50

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A list of more than 10,000 rows takes PostgreSQL's estimate for its length:
        COUNT(*) over ten million mentions was most of the changelist's time. A search
        counts exactly (the planner guesses a text match's rows badly)."""
        return EstimatedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            estimate=not request.GET.get(SEARCH_VAR),
        )


# Django's date hierarchy and its filter by a column's values read every row for their
# choices (DISTINCT over a million articles: 150–350 ms a changelist). These read an index
# instead, one step per value (a loose index scan): the column must lead a b-tree index.


def _loose_scan(step: str, c: str) -> str:
    """`step`: a scalar subquery of the next value, with `{below}` where the condition on
    the value before goes."""
    first, then = step.format(below=""), step.format(below=f"AND {c} < v.x")
    return f"""WITH RECURSIVE v AS (
  SELECT {first} AS x UNION ALL SELECT {then} FROM v WHERE v.x IS NOT NULL
) SELECT x FROM v WHERE x IS NOT NULL"""


def column_values(model, column: str) -> list:
    """The distinct values of `column`, highest first."""
    table, c = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    step = f"(SELECT max({c}) FROM {table} WHERE {c} IS NOT NULL {{below}})"
    with connection.cursor() as cursor:
        cursor.execute(_loose_scan(step, c))
        return [row[0] for row in cursor.fetchall()]


def column_years(model, column: str) -> list[int]:
    """The years of the dates in `column`, newest first."""
    table, c = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    step = (
        f"(SELECT date_trunc('year', max({c}))::date FROM {table} WHERE {c} IS NOT NULL {{below}})"
    )
    with connection.cursor() as cursor:
        cursor.execute(_loose_scan(step, c))
        return [row[0].year for row in cursor.fetchall()]


def year_filter(field: str) -> type[admin.SimpleListFilter]:
    """A filter by the year of the date `field`, at the date hierarchy's own address
    (`?<field>__year=2018`)."""

    class YearFilter(admin.SimpleListFilter):
        title = field
        parameter_name = f"{field}__year"

        def __init__(self, request, params, model, model_admin):
            self.title = model._meta.get_field(field).verbose_name  # translated
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            return [(str(y), str(y)) for y in column_years(model_admin.model, field)]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isascii() and value.isdigit() and 1 <= int(value) <= 9999:
                y = int(value)
                first, last = datetime.date(y, 1, 1), datetime.date(y, 12, 31)
                return queryset.filter(**{f"{field}__range": (first, last)})
            return queryset

    return YearFilter


def values_filter(field: str) -> type[admin.SimpleListFilter]:
    """A filter by the values of `field` (as Django's, at its address `?<field>=…`), its
    choices read from an index."""

    class ValuesFilter(admin.SimpleListFilter):
        title = field
        parameter_name = field

        def __init__(self, request, params, model, model_admin):
            self.title = model._meta.get_field(field).verbose_name  # translated
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            return [(v, v) for v in sorted(column_values(model_admin.model, field))]

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    return ValuesFilter


def cached_choices(key: str, make, seconds: int = 600) -> list:
    """Choices that take a grouped query to find (the most frequent speakers), kept a few
    minutes: an analyst's filter list, not what a reader sees."""
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, seconds)
    return found
