"""Suggested mentions: run the alias matcher over articles and store what it finds.

`suggest_mentions(articles)` is what the importer and the admin call. It builds one
`Matcher` from every alias (one query), reads the spans already annotated on those
articles (one query per chunk), and bulk-creates `status="suggested"` mentions only where
no mention of any status (confirmed, suggested, rejected) sits at that span yet, so it
never duplicates and never resurrects a rejected suggestion. Each gets its history row,
like every other annotation: the rows and their history rows are written by COPY from
plain values (copy_rows), what simple_history's bulk_create_with_history writes.

The matcher is pure Python and takes most of an import's time, so many texts are matched
in forked worker processes (`parallel_map`), one per core: the same matches, in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from archive.models import Alias, AliasOrigin, Article, Mention, MentionRole, Status
from archive.text.matcher import AliasEntry, Matcher
from archive.text.short_forms import with_short_forms

CHUNK = 500
CHANGE_REASON = "suggested by the matcher"
# Below this many texts a worker process costs more than it saves.
PARALLEL_FROM = 64
MAX_WORKERS = 4

_task: Callable | None = None  # what forked workers run (inherited, never pickled)


def _run_task(item):
    return _task(item)


def parallel_map(func: Callable, items: Sequence) -> Iterator:
    """`func` over `items`, in order, in forked worker processes when there are enough
    items and more than one core (else here).

    `func` and what it closes over (a built Matcher) reach the workers by fork, so nothing
    big is pickled; only the items and results travel. The workers never touch the
    database: they inherit Django's connection but exit without using or closing it.
    """
    global _task
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if (
        len(items) < PARALLEL_FROM
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from map(func, items)
        return
    _task = func
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run_task, items, chunksize=8)
    finally:
        _task = None


Find = tuple[int, int, int, str, int | None]  # entity_id, start, end, text, proposal id


def find_all(matcher: Matcher, texts: Sequence[str]) -> list[list[Find]]:
    """The matcher's finds for each text, as (entity_id, start, end, text, proposal)."""
    return list(parallel_map(partial(find_all_one, matcher), texts))


def find_all_one(matcher: Matcher, text: str, normalized=None) -> list[Find]:
    return [
        (m.entity_id, m.start, m.end, m.text, m.proposal) for m in matcher.find(text, normalized)
    ]


def build_matcher(*, proposals=True) -> Matcher:
    """One Matcher from every alias, in one query, and the short forms of people's names
    (surname, first and last name) that name one entity only among all of them. With
    `proposals`, the names still under review (open NameProposals with an entity) too, after
    the aliases: a find of one carries its proposal's id (Match.proposal), so the suggestion
    says it comes from a proposed name. `proposals` may also be the proposals to use (a
    queryset or list)."""
    rows = Alias.objects.values_list("entity_id", "name", "entity__kind", "variant_key", "origin")
    entries, keys = [], {}
    for entity_id, name, kind, key, origin in rows.iterator(chunk_size=5000):
        # Country names come from a reference list, written as each language writes them.
        entries.append(AliasEntry(entity_id, name, kind, exact=origin == AliasOrigin.COUNTRY))
        if key and len(key) < 300:  # phrase_key(name), unless cut to the column's length
            keys[name] = key
    if proposals is True:
        proposals = open_proposals()
    if proposals:
        entries += proposal_entries(proposals)
    return Matcher(with_short_forms(entries, keys))


def open_proposals():
    from archive.models import NameProposal, ProposalStatus

    return NameProposal.objects.filter(status=ProposalStatus.PROPOSED, entity__isnull=False)


def proposal_entries(proposals) -> list[AliasEntry]:
    """Matcher entries of proposed names (a queryset or list of NameProposal, or the
    entries themselves): open ones with an entity, marked with their proposal's id."""
    from archive.models import ProposalStatus

    if proposals and isinstance(next(iter(proposals)), AliasEntry):
        return list(proposals)  # made already
    if hasattr(proposals, "values_list"):
        rows = proposals.values_list("pk", "entity_id", "name", "entity__kind", "status")
    else:
        rows = [(p.pk, p.entity_id, p.name, p.entity.kind, p.status) for p in proposals]
    return [
        AliasEntry(entity_id, name, kind, proposal=pk)
        for pk, entity_id, name, kind, status in rows
        if entity_id is not None and status == ProposalStatus.PROPOSED
    ]


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    if hasattr(articles, "iterator"):  # a queryset: stream it, bodies only
        articles = articles.select_related(None).only("id", "body").iterator(chunk_size=CHUNK)
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_PLAIN_FIELDS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
    "DateTimeField", "ForeignKey", "IntegerField", "PositiveIntegerField", "TextField",
}  # fmt: skip


def _plain(f) -> bool:
    """Whether a field's value goes to COPY as it is (psycopg adapts it)."""
    return f.get_internal_type() in _PLAIN_FIELDS and not (
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def _reserve_ids(cursor, model, n: int) -> list[int]:
    opts = model._meta
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [opts.db_table, opts.pk.column, n],
    )
    return [value for (value,) in cursor.fetchall()]


def _copy(cursor, model, fields: list, rows: Iterable[list]) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def copy_create(objs: list, model) -> None:
    """INSERT `objs` (unsaved instances) with one COPY, as bulk_create would store them:
    every concrete column from the field's own pre_save and database preparation (so
    auto_now dates are set), ids reserved from the table's sequence and set on `objs`.

    Django's bulk_create of ten thousand mentions and their history rows took longer than
    the import's other writes together; COPY takes a fraction of it."""
    if not objs:
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    with connection.cursor() as cursor:
        if getattr(objs[0], pk.attname) is None:
            ids = _reserve_ids(cursor, model, len(objs))
            for obj, value in zip(objs, ids, strict=True):
                setattr(obj, pk.attname, value)
        plan = [(f, f.attname, _plain(f)) for f in fields]
        _copy(
            cursor,
            model,
            fields,
            (
                [
                    obj.__dict__[name]
                    if plain
                    else f.get_db_prep_save(f.pre_save(obj, True), connection)
                    for f, name, plain in plan
                ]
                for obj in objs
            ),
        )
    for obj in objs:
        obj._state.adding = False


def copy_rows(rows: list[dict], model) -> None:
    """copy_create for rows given as {attname: value} (no model instance built per row:
    that was a third of writing an import's suggestions). A column a row does not give
    takes its field's default, an auto_now date the time now; the rows get every column's
    value and their ids (reserved from the table's sequence) in place."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    pk = model._meta.pk.attname
    with connection.cursor() as cursor:
        if rows[0].get(pk) is None:
            for row, value in zip(rows, _reserve_ids(cursor, model, len(rows)), strict=True):
                row[pk] = value
        missing = [f for f in fields if f.attname not in rows[0]]
        dates = [f for f in missing if getattr(f, "auto_now", 0) or getattr(f, "auto_now_add", 0)]
        defaults = [f for f in missing if f not in dates]
        for row in rows:
            if dates:
                now = timezone.now()  # per row, as each field's pre_save would
                row.update((f.attname, now) for f in dates)
            row.update((f.attname, f.get_default()) for f in defaults)
        plan = [(f, f.attname, _plain(f)) for f in fields]
        _copy(
            cursor,
            model,
            fields,
            (
                [
                    row[name] if plain else f.get_db_prep_save(row[name], connection)
                    for f, name, plain in plan
                ]
                for row in rows
            ),
        )


def _history_rows(values: Iterable[dict], model, *, user, reasons: Iterable[str]) -> None:
    """The history rows ("+") of new rows, each {attname: value} of every tracked field,
    in one COPY: what bulk_create_with_history writes."""
    history = model.history.model
    if user is None:  # whoever simple_history would name (the request's user, if any)
        user = history.get_default_history_user(model())
    common = {
        "history_date": timezone.now(),
        "history_user_id": getattr(user, "pk", None),
        "history_type": "+",
    }
    tracked = [f.attname for f in history.tracked_fields]
    copy_rows(
        [
            {**{name: row[name] for name in tracked}, **common, "history_change_reason": why}
            for row, why in zip(values, reasons, strict=True)
        ],
        history,
    )


def create_with_history(objs: list, model, *, user=None, reason: str = "") -> None:
    """The new rows and their history rows ("+", each object's `_change_reason` or
    `reason`), each table in one COPY: what bulk_create_with_history writes."""
    copy_create(objs, model)
    if user is None and objs and hasattr(objs[0], "_history_user"):
        user = objs[0]._history_user
    _history_rows(
        (obj.__dict__ for obj in objs),
        model,
        user=user,
        reasons=[getattr(obj, "_change_reason", reason) for obj in objs],
    )


def create_rows_with_history(rows: list[dict], model, *, user=None, reasons: list[str]) -> None:
    """create_with_history for rows given as {attname: value} (copy_rows), `reasons` the
    history rows' change reasons, one a row."""
    copy_rows(rows, model)
    _history_rows(rows, model, user=user, reasons=reasons)


def _store(found: list[tuple[int, int, int, int, str, int | None]], user) -> int:
    """Create suggested mentions [(article_id, entity_id, start, end, text[, proposal id])]
    with their history rows; return how many were made."""

    def build(rows):
        made, reasons = [], []
        for article_id, entity_id, start, end, text, *rest in rows:
            proposal = rest[0] if rest else None
            made.append(
                {
                    "article_id": article_id,
                    "entity_id": entity_id,
                    "proposal_id": proposal,
                    "start": start,
                    "end": end,
                    "text": text,
                    "role": MentionRole.OTHER,
                    "status": Status.SUGGESTED,
                }
            )
            reasons.append(CHANGE_REASON if proposal is None else PROPOSAL_REASON)
        return made, reasons

    if not found:
        return 0
    try:
        with transaction.atomic():  # a savepoint, so a conflict below can be retried
            made, reasons = build(found)
            create_rows_with_history(made, Mention, user=user, reasons=reasons)
        return len(found)
    except IntegrityError:
        pass
    # A concurrent run stored some of these spans first: leave those, store the rest.
    taken = set(
        Mention.objects.filter(article_id__in={row[0] for row in found}).values_list(
            "article_id", "entity_id", "start", "end"
        )
    )
    rest = [row for row in found if row[:4] not in taken]
    rows, reasons = build(rest)
    mentions = [Mention(**row) for row in rows]
    for mention, why in zip(mentions, reasons, strict=True):
        mention._change_reason = why
    made = bulk_create_with_history(
        mentions, Mention, batch_size=1000, ignore_conflicts=True, default_user=user,
        default_change_reason=CHANGE_REASON,
    )  # fmt: skip
    return len(made)


def suggest_mentions(
    articles: Iterable[Article],
    *,
    user=None,
    finds: dict[int, list[Find]] | None = None,
) -> int:
    """Create suggested mentions for the articles; return how many were created. `user` is
    recorded in the history rows (none: the matcher made them).

    `finds` maps an article's pk to what `find_all` found in its body, for a caller (the
    importer) that ran the matcher already, with the aliases as they are now; articles
    missing from it are matched here.
    """
    created = 0
    matcher = None  # built once, at the first chunk: a run with no articles reads no alias
    finds = finds or {}
    for chunk in _chunks(articles):
        todo = [a for a in chunk if a.pk not in finds]
        if todo:
            if matcher is None:
                matcher = build_matcher()
            found = find_all(matcher, [a.body for a in todo])
            finds.update(zip((a.pk for a in todo), found, strict=True))
        taken = set(
            Mention.objects.filter(article__in=[a.pk for a in chunk]).values_list(
                "article_id", "start", "end"
            )
        )
        found = []
        for article in chunk:
            for entity_id, start, end, text, *proposal in finds[article.pk]:
                key = (article.pk, start, end)
                if key in taken:
                    continue
                taken.add(key)
                # Spans come from the matcher, which guarantees text == body[start:end].
                found.append((article.pk, entity_id, start, end, text, *(proposal or [None])))
        created += _store(found, user)
    return created


PROPOSAL_REASON = "suggested with a proposed name"


def suggest_from_proposals(articles: Iterable[Article], *, user=None, proposals=None) -> int:
    """Suggested mentions from names still under review (`NameProposal`, status proposed,
    with an entity), each marked with its proposal; return how many were created.

    The matcher is the archive's (every alias, short forms) with the proposed names added,
    so a proposed name competes with the known ones for its words as it will once accepted;
    only what a proposed name found is stored here (the rest is suggest_mentions' work). A
    span that touches any mention already there (any status) is left alone. `proposals`
    limits the pass to those (a queryset or list); by default every open one.
    """
    if proposals is None:
        proposals = open_proposals()
    entries = proposal_entries(proposals)
    if not entries:
        return 0
    matcher = build_matcher(proposals=entries)
    created = 0
    for chunk in _chunks(articles):
        # Here, not in workers: the check is cheap once the matcher knows the words (its
        # cache lasts from chunk to chunk), and few texts are left to match.
        maybe = [i for i, a in enumerate(chunk) if matcher.may_find_proposals(a.body)]
        found_all: list[list[Find]] = [[] for _ in chunk]
        for i, found in zip(maybe, find_all(matcher, [chunk[i].body for i in maybe]), strict=True):
            found_all[i] = found
        spans: dict[int, list[tuple[int, int]]] = {}
        for article_id, start, end in Mention.objects.filter(
            article__in=[a.pk for a in chunk]
        ).values_list("article_id", "start", "end"):
            spans.setdefault(article_id, []).append((start, end))
        made = []
        for article, found in zip(chunk, found_all, strict=True):
            taken = spans.setdefault(article.pk, [])
            for entity_id, start, end, text, proposal_id in found:
                if proposal_id is None or any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                made.append(
                    Mention(
                        article_id=article.pk,
                        entity_id=entity_id,
                        proposal_id=proposal_id,
                        start=start,
                        end=end,
                        text=text,
                        role=MentionRole.OTHER,
                        status=Status.SUGGESTED,
                    )
                )
        if made:
            create_with_history(made, Mention, user=user, reason=PROPOSAL_REASON)
            created += len(made)
    return created
