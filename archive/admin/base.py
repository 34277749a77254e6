"""What every admin page over a large table shares."""

from django.contrib.admin.views.main import SEARCH_VAR
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
