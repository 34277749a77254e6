"""Writes of mentions and claims: tag, record, review, place again, edit, delete.

Every write checks its span against the stored body and moves the row's stale-edit marker
(`edit_token`), so a page or form opened before it is refused rather than undoing it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from archive.models import (
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    Mention,
    MentionRole,
    Status,
)
from archive.permissions import can_delete_annotation
from archive.services.entities import entity_create
from archive.services.propagation import annotations_propagate


class StaleEdit(ValidationError):
    """The row changed since the page that sent this write was loaded."""


def edit_token(obj: Mention | Claim) -> str:
    """The stale-edit marker a page holds for a row: Claim.version, a mention's `updated`.

    Every write path moves it: save() (auto_now), and the bulk ones set `updated` (or bump
    `version`) themselves, since bulk_update never runs a field's pre_save.
    """
    return str(obj.version) if isinstance(obj, Claim) else obj.updated.isoformat()


def _check_span(article: Article, start: int, end: int, text: str) -> None:
    if not (0 <= start < end <= len(article.body)):
        raise ValidationError(f"The span {start}–{end} is outside the article's text.")
    found = article.body[start:end]
    if found != text:
        raise ValidationError(f"The text at {start}–{end} reads {found!r}, not {text!r}.")


def _lock_article(article: Article) -> None:
    """Serialize annotation writes on one article (identical double submits above all) and
    check spans against the body as it is now. FOR NO KEY UPDATE: rows that merely point at
    the article (mentions of other requests, propagation) are not blocked."""
    current = (
        Article.objects.select_for_update(no_key=True).only("body").filter(pk=article.pk).first()
    )
    if current is None:
        raise ValidationError("That article no longer exists.")
    article.body = current.body


@transaction.atomic
def mention_create(
    *,
    article: Article,
    entity: Entity,
    start: int,
    end: int,
    text: str,
    role: str = MentionRole.OTHER,
    user=None,
    status: str = Status.CONFIRMED,
    propagate: bool = True,
) -> Mention:
    """Tag words of the body as a mention; a confirmed one is proposed in translations.

    Idempotent: the same entity at the same span returns the mention already there (with
    `was_created` False), also when two identical requests arrive at once.
    """
    _lock_article(article)
    _check_span(article, start, end, text)
    if role not in MentionRole.values:
        raise ValidationError(f"Unknown role {role!r}.")
    key = {"article": article, "entity": entity, "start": start, "end": end}
    mention = Mention.objects.filter(**key).first()
    created = mention is None
    if created:
        try:
            with transaction.atomic():  # a savepoint: a writer without the lock may race us
                mention = Mention.objects.create(
                    **key, text=text, role=role, status=status, created_by=user
                )
        except IntegrityError:
            mention = Mention.objects.filter(**key).first()
            if mention is None:
                raise
            created = False
    if not created and (mention.status != status or mention.role != role):
        mention.status, mention.role = status, role
        mention.save()
    mention.was_created = created
    if propagate and status == Status.CONFIRMED:
        annotations_propagate(mentions=[mention], user=user)
    return mention


@transaction.atomic
def mention_create_with_entity(
    *, article: Article, name: str, kind: str, start: int, end: int, text: str,
    role: str = MentionRole.OTHER, user=None,
) -> Mention:  # fmt: skip
    """Make a new entity (entity_create: named `name`, or the words) and tag the words as
    its mention: all or nothing, so a refused tag leaves no entity (nor an alias the matcher
    would use) behind. Sent twice, the second call returns the first's mention instead of
    making a second entity."""
    _lock_article(article)
    _check_span(article, start, end, text)
    existing = (
        Mention.objects.filter(
            article=article, start=start, end=end, entity__name=name.strip() or text.strip(),
            entity__kind=kind,
        )
        .select_related("entity")
        .first()
    )  # fmt: skip
    entity = existing.entity if existing is not None else None
    if entity is None:
        entity = entity_create(name=name, kind=kind, words=text, language=article.language)
    return mention_create(
        article=article, entity=entity, start=start, end=end, text=text, role=role, user=user
    )


@transaction.atomic
def mentions_review(
    *, mentions: list[Mention], status: str, user=None, tokens: dict[int, str] | None = None
) -> int:
    """Confirm or reject mentions; confirmed ones are proposed in the translations.

    The rows are locked and read again, so a concurrent form save cannot interleave, and the
    stale-edit marker moves (bulk_update skips auto_now). `tokens` ({id: edit_token} as the
    sender saw them): if any row changed since, nothing is written (StaleEdit).
    """
    if status not in (Status.CONFIRMED, Status.REJECTED):
        raise ValidationError(f"Cannot set status {status!r}.")
    current = {
        m.pk: m
        for m in Mention.objects.select_for_update(of=("self",))
        .select_related("article", "entity")
        .filter(pk__in=[m.pk for m in mentions])
    }
    stale = [
        pk
        for pk, token in (tokens or {}).items()
        if pk in current and edit_token(current[pk]) != token
    ]
    if stale:
        raise StaleEdit(
            f"{len(stale)} of these mentions changed since the page was loaded. Nothing was "
            "saved: reload the page to see them as they are now."
        )
    changed = list({m.pk: current[m.pk] for m in mentions if m.pk in current}.values())
    changed = [m for m in changed if m.status != status]
    now = timezone.now()
    for m in changed:
        m.status, m.updated = status, now
    if changed:
        bulk_update_with_history(changed, Mention, ["status", "updated"], default_user=user)
    for m in mentions:  # the caller's objects show what is stored now
        if m.pk in current:
            m.status, m.updated = current[m.pk].status, current[m.pk].updated
    if status == Status.CONFIRMED and changed:
        annotations_propagate(mentions=changed, user=user)
    return len(changed)


def mention_confirm(*, mention: Mention, user=None) -> Mention:
    mentions_review(mentions=[mention], status=Status.CONFIRMED, user=user)
    return mention


def mention_reject(*, mention: Mention, user=None) -> Mention:
    mentions_review(mentions=[mention], status=Status.REJECTED, user=user)
    return mention


# --- claims and orphans -----------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    article: Article,
    start: int,
    end: int,
    text: str,
    speaker: Entity | None = None,
    kind: str = ClaimKind.PARAPHRASE,
    subjects: list[Entity] = (),
    date=None,
    note: str = "",
    user=None,
    status: str = Status.CONFIRMED,
    same_as: Claim | None = None,
    propagate: bool = True,
) -> Claim:
    """Record a claim at words of the body; a confirmed one is proposed in translations."""
    _check_span(article, start, end, text)
    if kind not in ClaimKind.values:
        raise ValidationError(f"Unknown claim kind {kind!r}.")
    claim = Claim.objects.create(
        article=article,
        start=start,
        end=end,
        text=text,
        speaker=speaker,
        kind=kind,
        date=date,
        note=note,
        status=status,
        same_as=same_as,
        created_by=user,
    )
    for entity in dict.fromkeys(subjects):
        ClaimSubject.objects.create(claim=claim, entity=entity)
    if propagate and status == Status.CONFIRMED:
        annotations_propagate(claims=[claim], user=user)
    return claim


@transaction.atomic
def annotation_place(*, annotation: Mention | Claim, start: int, end: int, text: str, user=None):
    """Anchor an orphaned (or misplaced) annotation at new words of its article's body."""
    _lock_article(annotation.article)
    _check_span(annotation.article, start, end, text)
    taken = "That entity is already tagged at “{}”: delete this copy instead."
    if isinstance(annotation, Mention):
        twin = Mention.objects.filter(
            article_id=annotation.article_id, entity_id=annotation.entity_id, start=start, end=end
        ).exclude(pk=annotation.pk)
        if twin.exists():
            raise ValidationError(taken.format(text))
    annotation.start, annotation.end, annotation.text = start, end, text
    annotation.is_orphaned = False
    if isinstance(annotation, Claim):
        annotation.version += 1
    try:
        with transaction.atomic():  # a savepoint: the same words may be tagged meanwhile
            annotation.save()
    except IntegrityError:
        raise ValidationError(taken.format(text)) from None
    return annotation


# --- edits from the admin's forms ---------------------------------------------------------


def _as_edited_by(annotation: Mention | Claim, user) -> None:
    if user is not None:
        annotation._history_user = user


@transaction.atomic
def annotation_create(*, annotation: Mention | Claim, user=None) -> Mention | Claim:
    """Save an annotation made whole in a form (the admin's add page) as made by `user`;
    a confirmed mention is proposed in the translations."""
    annotation.created_by = user
    _as_edited_by(annotation, user)
    annotation.save()
    if isinstance(annotation, Mention) and annotation.status == Status.CONFIRMED:
        annotations_propagate(mentions=[annotation], user=user)
    return annotation


@transaction.atomic
def annotation_update(*, annotation: Mention | Claim, user=None) -> Mention | Claim:
    """Save an annotation edited in a form (the admin's change page). A claim's version
    moves (a mention's `updated` moves on save); a mention confirmed by this edit is
    proposed in the translations. The stored row is read locked: what it held before."""
    stored = type(annotation).objects.select_for_update().filter(pk=annotation.pk).first()
    if stored is None:
        raise ValidationError("This row was deleted since you opened it.")
    if isinstance(annotation, Claim):
        annotation.version = stored.version + 1
    _as_edited_by(annotation, user)
    annotation.save()
    newly_confirmed = annotation.status == Status.CONFIRMED and stored.status != Status.CONFIRMED
    if isinstance(annotation, Mention) and newly_confirmed:
        annotations_propagate(mentions=[annotation], user=user)
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Mention | Claim, user) -> None:
    """Delete a mention or claim, if `user` may (archive.permissions); a claim that others
    report as the same claim (same_as) stays, with a ValidationError saying why."""
    if not can_delete_annotation(user, annotation):
        raise PermissionDenied
    _as_edited_by(annotation, user)
    try:
        annotation.delete()  # PROTECT is checked before anything is deleted
    except ProtectedError as error:
        what = annotation._meta.verbose_name
        raise ValidationError(
            f"This {what} cannot be deleted: {len(error.protected_objects)} {what}(s) in "
            f"other articles are recorded as the same {what}. Delete those first."
        ) from None
