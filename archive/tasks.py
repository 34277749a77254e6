"""The archive's background jobs, run by the task engine (procrastinate, jobs in PostgreSQL):
`manage.py procrastinate worker` (or `make worker`) runs them; any number of workers on any
number of machines share the queue (each job is taken by one, FOR UPDATE SKIP LOCKED).

    poll_feed(feed_id)       poll one feed (archive.ingest.feeds), defer its new items
    collect_item(item_id)    fetch, extract and import one collected address
                             (archive.ingest.pages.collect_page)
    poll_due_feeds           periodic (ARCHIVE_COLLECT_SCHEDULE): defer the polls now due,
                             and queue again an item left waiting without a job
    retry_stalled_jobs       periodic (ARCHIVE_WORKER_STALLED_SCHEDULE): a job left "doing"
                             by a worker that stopped sending heartbeats (killed, its
                             machine gone) goes back to the queue

Nothing twice: a poll is deferred with a queueing lock per feed (one waiting at a time)
and a lock per feed (one running at a time); an item likewise, and `collect_item` does
nothing for an item no longer waiting, so a job run again after its worker was killed
imports nothing twice. An item's import and its status are one transaction (pages.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils import timezone
from procrastinate import exceptions as procrastinate_errors
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.settings import settings as procrastinate_settings
from procrastinate.manager import JobManager

logger = logging.getLogger(__name__)


def feed_lock(feed_id: int) -> str:
    return f"archive.feed:{feed_id}"


def item_lock(item_id: int) -> str:
    return f"archive.item:{item_id}"


@app.task(name="archive.poll_feed")
def poll_feed(feed_id: int) -> str:
    from archive.ingest import feeds

    close_old_connections()
    try:
        return feeds.poll(feed_id)
    finally:
        close_old_connections()


@app.task(name="archive.collect_item")
def collect_item(item_id: int) -> str:
    from archive.ingest.pages import collect_page
    from archive.models import CollectedItem, CollectStatus, Feed

    close_old_connections()
    try:
        item = CollectedItem.objects.select_related("feed", "source").filter(pk=item_id).first()
        if item is None:
            return "no such item"
        if item.status != CollectStatus.WAITING:
            # Done already: this job ran before, and its worker died before saying so.
            return f"already {item.status}"
        try:
            item = collect_page(
                item.url, source=item.source, feed=item.feed, feed_entry=item.feed_entry
            )
        except Exception as error:  # noqa: BLE001 - the item says why; the job is done
            logger.exception("collecting %s", item.url)
            CollectedItem.objects.filter(pk=item_id, status=CollectStatus.WAITING).update(
                status=CollectStatus.FAILED,
                message=f"could not be collected: {type(error).__name__}: {error}"[:2000],
                done=timezone.now(),
            )
            return "failed"
        if item.status == CollectStatus.IMPORTED and item.feed_id:
            # The exact count is taken again at the feed's next poll.
            Feed.objects.filter(pk=item.feed_id).update(
                articles_made=CollectedItem.objects.filter(
                    feed_id=item.feed_id, status=CollectStatus.IMPORTED
                ).count()
            )
        return item.status
    finally:
        close_old_connections()


@functools.cache
def _django_jobs() -> JobManager:
    return JobManager(DjangoConnector(alias=procrastinate_settings.DATABASE_ALIAS))


def _defer(deferrer, **kwargs) -> bool:
    """Defer a job on Django's own connection, so that it is part of the caller's
    transaction: inside a worker, the app's connector is the worker's own connection, and a
    job deferred there would be seen before the rows it names (a poll's new items). False
    when a job with the same queueing lock is already waiting; in a savepoint, so that a
    refused defer does not break the caller's transaction."""
    deferrer.job_manager = _django_jobs()
    try:
        with transaction.atomic():
            deferrer.defer(**kwargs)
    except procrastinate_errors.AlreadyEnqueued:
        return False
    return True


def defer_poll(feed_id: int) -> bool:
    """Queue a poll of this feed now; False when one is already waiting. Its next poll moves
    on at once, so the periodic round does not queue it a second time while it runs (the
    poll itself then sets the next one from what happened)."""
    from archive.models import Feed

    lock = feed_lock(feed_id)
    with transaction.atomic():
        queued = _defer(poll_feed.configure(lock=lock, queueing_lock=lock), feed_id=feed_id)
        Feed.objects.filter(pk=feed_id).update(
            next_poll=ExpressionWrapper(
                Now() + F("poll_every") * dt.timedelta(seconds=1), output_field=DateTimeField()
            )
        )
    return queued


def defer_collect_many(item_ids: list[int]) -> None:
    """Queue the collecting of new items in one statement (a poll's new items: no job can
    be waiting for them yet), in the caller's transaction; one by one if one is."""
    new_jobs = []
    for item_id in item_ids:
        lock = item_lock(item_id)
        deferrer = collect_item.configure(lock=lock, queueing_lock=lock)
        new_jobs.append(deferrer.make_new_job(item_id=item_id))
    if not new_jobs:
        return
    try:
        with transaction.atomic():
            _django_jobs().batch_defer_jobs(new_jobs)
    except procrastinate_errors.AlreadyEnqueued:
        for item_id in item_ids:
            defer_collect(item_id)


def defer_collect(item_id: int) -> bool:
    """Queue the collecting of this item; False when it is already waiting."""
    lock = item_lock(item_id)
    return _defer(collect_item.configure(lock=lock, queueing_lock=lock), item_id=item_id)


def poll_due(now=None) -> int:
    """Defer a poll of every active feed whose next poll is due; returns how many."""
    from archive.models import Feed

    if not settings.ARCHIVE_COLLECT:
        return 0
    now = now or timezone.now()
    due = Q(next_poll__isnull=True) | Q(next_poll__lte=now)
    deferred = 0
    with transaction.atomic():
        feeds = list(
            Feed.objects.filter(due, active=True).select_for_update(skip_locked=True).only("id")
        )
        for feed in feeds:
            deferred += defer_poll(feed.pk)
    return deferred


# An item waiting this long with no job for it lost its job (a job that failed without
# saying so, a queue emptied by hand): it is queued again.
ORPHAN_SECONDS = 600


def requeue_orphans(limit: int = 500) -> int:
    """Defer `collect_item` again for items left waiting with no job; returns how many."""
    from archive.models import CollectedItem, CollectStatus

    if not settings.ARCHIVE_COLLECT:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT i.id FROM {CollectedItem._meta.db_table} i
             WHERE i.status = %s AND i.seen < now() - make_interval(secs => %s)
               AND NOT EXISTS (
                   SELECT 1 FROM procrastinate_jobs j
                    WHERE j.status IN ('todo', 'doing') AND j.lock = 'archive.item:' || i.id)
             ORDER BY i.seen LIMIT %s
            """,  # noqa: S608 - the table name is the model's
            [CollectStatus.WAITING, ORPHAN_SECONDS, limit],
        )
        orphans = [row[0] for row in cursor.fetchall()]
    return sum(defer_collect(item_id) for item_id in orphans)


@app.periodic(cron=settings.ARCHIVE_COLLECT_SCHEDULE, periodic_id="due-feeds")
@app.task(name="archive.poll_due_feeds", queueing_lock="archive.poll_due_feeds")
def poll_due_feeds(timestamp: int) -> int:
    close_old_connections()
    try:
        requeue_orphans()
        return poll_due()
    finally:
        close_old_connections()


@app.periodic(cron=settings.ARCHIVE_WORKER_STALLED_SCHEDULE, periodic_id="stalled")
@app.task(name="archive.retry_stalled_jobs", queueing_lock="archive.retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Give back to the queue the jobs of workers silent for ARCHIVE_WORKER_STALLED_SECONDS
    (procrastinate's heartbeats); a job run again is safe (see the module's docstring)."""
    stalled = await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.ARCHIVE_WORKER_STALLED_SECONDS
    )
    for job in stalled:
        logger.warning("job %s (%s) of a stalled worker: queued again", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)
