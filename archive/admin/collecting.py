"""The admin of collecting: outlets' feeds with their health, and what was collected.

    Feed            each feed's health in columns (last success, what the last poll did,
                    the last error and when, failures in a row, next poll, items seen,
                    articles made); a failing feed says why in red. "Poll now" queues a
                    poll at once (archive.tasks.defer_poll).
    CollectedItem   read-only: every address seen in a feed or pasted, with its status
                    (waiting, imported, already in the archive, failed, skipped) and the
                    message saying why; filters by status and feed.

The polls and the fetching run in the task engine's workers (`make worker`, or
`manage.py procrastinate worker`); the admin only queues and shows. It says so when no
worker has sent a heartbeat lately, or when collecting is off (ARCHIVE_COLLECT).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from procrastinate.contrib.django.models import ProcrastinateWorker

from archive.models import CollectedItem, Feed
from archive.reads.pagination import EstimatedCountPaginator
from archive.tasks import defer_poll


def worker_running() -> bool:
    """Whether a worker sent a heartbeat within the time after which it counts as stalled."""
    since = timezone.now() - timedelta(seconds=settings.ARCHIVE_WORKER_STALLED_SECONDS)
    return ProcrastinateWorker.objects.filter(last_heartbeat__gte=since).exists()


class FailingFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("failing", "Failing"), ("ok", "Working"), ("never", "Never polled")]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(failures__gt=0)
        if self.value() == "ok":
            return queryset.filter(failures=0, last_success__isnull=False)
        if self.value() == "never":
            return queryset.filter(last_polled__isnull=True)
        return queryset


# What the polls wrote: shown on a feed's page, never edited there.
HEALTH = [
    "health",
    "last_status",
    "last_polled",
    "last_success",
    "last_error",
    "last_error_at",
    "failures",
    "next_poll",
    "items_seen",
    "articles_made",
    "items_link",
]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "url",
        "source",
        "active",
        "health",
        "last_status",
        "last_success",
        "last_error_shown",
        "items_seen",
        "articles_made",
        "next_poll",
    ]
    list_filter = [FailingFilter, "active"]
    search_fields = ["url", "source__name"]
    autocomplete_fields = ["source"]
    list_select_related = ["source"]
    show_full_result_count = False
    actions = ["poll_now"]
    # An address typed without a scheme is taken as https (Django 6's default already).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["source", "url", "active", "poll_every"]}),
        (
            "Health",
            {"fields": HEALTH},
        ),
    ]
    readonly_fields = HEALTH

    @admin.display(description="health")
    def health(self, feed: Feed):
        if not feed.active:
            return "not active"
        if feed.failures:
            times = "once" if feed.failures == 1 else f"{feed.failures} times in a row"
            return format_html('<strong style="color:#ba2121">failing ({})</strong>', times)
        if feed.last_success is None:
            return "never polled"
        return "working"

    @admin.display(description="last error", ordering="last_error_at")
    def last_error_shown(self, feed: Feed):
        if not feed.last_error:
            return "—"
        when = (
            timezone.localtime(feed.last_error_at).strftime("%Y-%m-%d %H:%M")
            if feed.last_error_at
            else ""
        )
        text = Truncator(feed.last_error).chars(120)
        if feed.failures:
            return format_html('<span style="color:#ba2121">{} ({})</span>', text, when)
        return format_html("{} ({}; it has worked since)", text, when)

    @admin.display(description="items")
    def items_link(self, feed: Feed):
        url = reverse("admin:archive_collecteditem_changelist") + f"?feed__id__exact={feed.pk}"
        return format_html('<a href="{}">the items this feed brought</a>', url)

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        if not settings.ARCHIVE_COLLECT:
            self.message_user(
                request,
                "Collecting is off (ARCHIVE_COLLECT): nothing is fetched until it is on.",
                messages.ERROR,
            )
            return
        queued = sum(defer_poll(pk) for pk in queryset.values_list("pk", flat=True))
        total = queryset.count()
        text = f"{queued} poll{'s' if queued != 1 else ''} queued"
        if queued < total:
            text += f"; {total - queued} already waiting"
        self.message_user(request, text + ".", messages.SUCCESS)
        if not worker_running():
            self.message_user(
                request,
                "No worker is running: the polls wait until one starts "
                "(make worker, or manage.py procrastinate worker).",
                messages.WARNING,
            )


@admin.register(CollectedItem)
class CollectedItemAdmin(admin.ModelAdmin):
    list_display = [
        "url_shown",
        "status",
        "message_shown",
        "feed",
        "source",
        "article",
        "attempts",
        "seen",
        "done",
    ]
    list_filter = ["status", ("feed", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["url"]
    list_select_related = ["feed", "source", "article"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    date_hierarchy = None

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # An unfiltered list of every item ever seen is large: its count is estimated.
        filtered = set(request.GET) - {"p", "o"}
        return EstimatedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, estimate=not filtered
        )

    @admin.display(description="address", ordering="url")
    def url_shown(self, item: CollectedItem):
        return format_html(
            '<a href="{}" rel="noreferrer noopener">{}</a>', item.url, Truncator(item.url).chars(90)
        )

    @admin.display(description="message")
    def message_shown(self, item: CollectedItem):
        return Truncator(item.message).chars(160) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
